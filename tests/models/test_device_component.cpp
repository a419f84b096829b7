// The device and driver components inside a host platform of their own
// (tests/models/host_platform.h): decoded frames bit-exact against vpxdec's
// output whether the host grants DMI or not, the reset line, LT targets that
// never wait, and the component profile files.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#define BOOST_TEST_MODULE device_component
#include <boost/test/unit_test.hpp>

#include "models/platform/profile_reader.h"
#include "models/protocols/v6/decode_session.h"
#include "tests/codec/decode_support.h"
#include "tests/models/host_platform.h"

using namespace vvsim;
using namespace vvsim::virtio_video;
using codec::test::fixture;

namespace {

constexpr uint64_t kFeatures = 1ull << kFeatureResourceGuestPages | 1ull << kFeatureResourceNonContig;
const std::string kStream = "vp8_176x144.ivf";

struct HostRun {
  DecodeReport report;
  std::vector<uint8_t> i420;
  std::string init_error;
};

HostRun decode_on_host(test::HostPlatform& host) {
  const auto stream = codec::read_bitstream_file(fixture(kStream));
  BOOST_REQUIRE_MESSAGE(stream.status.ok(), stream.status.error_message());
  HostRun run;
  host.driver.set_program([&](VideoDriver& driver) {
    if (auto up = driver.initialize(kFeatures); !up) return void(run.init_error = up.error().message);
    DecodeSessionConfig config;
    config.codec = stream.codec;
    config.units = std::make_shared<codec::UnitsInMemory>(stream.units);
    config.frame_sink = [&](const DecodedFrame& f) {
      f.pixels([&](const uint8_t* data, size_t n) { run.i420.insert(run.i420.end(), data, data + n); });
    };
    run.report = DecodeSession(driver, config).run();
  });
  sc_core::sc_start();
  BOOST_REQUIRE_MESSAGE(run.init_error.empty(), run.init_error);
  for (const auto& p : run.report.problems) BOOST_ERROR(p);
  BOOST_CHECK(host.driver.finished());
  return run;
}

void check_matches_vpxdec(const HostRun& run) {
  const auto ref = codec::test::load_references().at(kStream);
  BOOST_CHECK_EQUAL(run.i420.size(), ref.bytes);
  BOOST_CHECK_EQUAL(codec::test::md5_hex(run.i420), ref.md5);
}

}  // namespace

BOOST_AUTO_TEST_CASE(decode_with_dmi_matches_vpxdec) {
  test::HostPlatform host("host", true);
  const HostRun run = decode_on_host(host);
  check_matches_vpxdec(run);
  BOOST_CHECK_GT(host.memory.dmi_grants, 0u);
  // The pixels went through the DMI pointers, not through b_transport.
  BOOST_CHECK_LT(host.memory.data_bytes, run.i420.size());
}

BOOST_AUTO_TEST_CASE(decode_without_dmi_matches_vpxdec) {
  test::HostPlatform host("host", false);
  const HostRun run = decode_on_host(host);
  check_matches_vpxdec(run);
  BOOST_CHECK_GT(host.memory.dmi_requests, 0u);
  BOOST_CHECK_EQUAL(host.memory.dmi_grants, 0u);
  // Every frame crossed b_transport twice: the device writing it, the driver reading it.
  BOOST_CHECK_GE(host.memory.data_bytes, 2 * run.i420.size());
}

BOOST_AUTO_TEST_CASE(reset_line_resets_the_device) {
  test::HostPlatform host("host", true);
  uint32_t status_before = 0, status_after = 0;
  bool irq_after = true;
  Status up;
  host.driver.set_program([&](VideoDriver& driver) {
    if (up = driver.initialize(kFeatures); !up) return;
    status_before = host.device.transport().status();
    host.reset.write(true);
    sc_core::wait(sc_core::sc_time(1, sc_core::SC_NS));
    status_after = host.device.transport().status();
    irq_after = host.irq.read();
  });
  sc_core::sc_start();
  BOOST_REQUIRE_MESSAGE(up.ok(), up.error_message());
  BOOST_CHECK(status_before & tlm_virtio::STATUS_DRIVER_OK);
  BOOST_CHECK_EQUAL(status_after, 0u);
  BOOST_CHECK(!irq_after);
}

// Under a quantum keeper an initiator calls b_transport with its local time
// offset, possibly from a method process: the targets must add to the
// annotation and never wait (a wait() in a method process is a SystemC error).
BOOST_AUTO_TEST_CASE(targets_annotate_and_never_wait) {
  test::HostPlatform host("host", true);
  uint32_t magic = 0, shm_len = 0;
  tlm::tlm_response_status shm_status = tlm::TLM_INCOMPLETE_RESPONSE;
  sc_core::sc_time magic_delay, offset(5, sc_core::SC_NS);
  auto access = [&](auto& socket, uint64_t addr, uint32_t& value, sc_core::sc_time& delay) {
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(addr);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));  // host-endian register value, little-endian host
    t.set_data_length(4);
    t.set_streaming_width(4);
    socket->b_transport(t, delay);
    return t.get_response_status();
  };
  sc_core::sc_spawn_options method;
  method.spawn_method();
  sc_core::sc_spawn(
      [&] {
        auto& mmio = host.device.mmio.get_base_export();
        magic_delay = offset;
        access(mmio, tlm_virtio::mmio::MagicValue, magic, magic_delay);
        sc_core::sc_time d = offset;
        access(mmio, tlm_virtio::mmio::SHMLenLow, shm_len, d);
        uint32_t ignored = 0;
        d = offset;
        shm_status = access(host.device.shm.get_base_export(), 0, ignored, d);
      },
      "quantum_keeper_initiator", &method);
  sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_US));
  BOOST_CHECK_EQUAL(magic, tlm_virtio::mmio::kMagic);
  BOOST_CHECK(magic_delay >= offset);
  BOOST_CHECK_EQUAL(shm_len, 0xffffffffu);  // virtio 1.2 §4.2.2: no shared memory region
  BOOST_CHECK_EQUAL(shm_status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

// The pages' examples load (tests/scenarios/test_documented_keys.cpp); here
// the loaded values are the documented defaults.
BOOST_AUTO_TEST_CASE(component_profile_files_give_the_struct_defaults) {
  const auto device = models::parse_device_component_profile(
      "protocol: v6\ndma_window_bytes: 1073741824\nengine: {num_cores: 2}\ndevice: {commandq_size: 64}\n", "p.yaml");
  const models::DeviceComponentProfile device_defaults;
  BOOST_CHECK_EQUAL(device.dma_window_bytes, device_defaults.dma_window_bytes);
  BOOST_CHECK_EQUAL(device.engine.num_cores, device_defaults.engine.num_cores);
  BOOST_CHECK_EQUAL(device.device.commandq_size, device_defaults.device.commandq_size);
  const auto driver = models::parse_driver_component_profile(
      "mmio_base: 0xF0000000\nmemory_base: 0x10000\nmemory_bytes: 1073676288\ncommandq_size: 64\n", "p.yaml");
  const models::DriverComponentProfile driver_defaults;
  BOOST_CHECK_EQUAL(driver.mmio_base, driver_defaults.mmio_base);
  BOOST_CHECK_EQUAL(driver.memory_base, driver_defaults.memory_base);
  BOOST_CHECK_EQUAL(driver.memory_bytes, driver_defaults.memory_bytes);
  BOOST_CHECK_EQUAL(driver.driver.commandq_size, driver_defaults.driver.commandq_size);
}

BOOST_AUTO_TEST_CASE(component_profiles_refuse_bad_values_naming_the_key) {
  auto message = [](auto parse, const std::string& yaml) {
    try {
      parse(yaml, "p.yaml", std::vector<std::string>{});
    } catch (const models::ProfileError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const auto device = [](const std::string& y, const std::string& s, const std::vector<std::string>& o) {
    return models::parse_device_component_profile(y, s, o);
  };
  const auto driver = [](const std::string& y, const std::string& s, const std::vector<std::string>& o) {
    return models::parse_driver_component_profile(y, s, o);
  };
  const std::string protocol = message(device, "protocol: v7\n");
  BOOST_CHECK_MESSAGE(protocol.find("p.yaml:1") != std::string::npos && protocol.find("protocol") != std::string::npos,
                      protocol);
  const std::string unknown = message(device, "engine:\n  num_cores: 2\n  bogus: 1\n");
  BOOST_CHECK_MESSAGE(unknown.find("engine.bogus") != std::string::npos, unknown);
  const std::string device_key = message(device, "device:\n  commandq_size: 64\n  bogus_key: 1\n");
  BOOST_CHECK_MESSAGE(device_key.find("p.yaml:3") != std::string::npos &&
                          device_key.find("device.bogus_key") != std::string::npos,
                      device_key);
  const std::string overlap = message(driver, "mmio_base: 0x20000\n");
  BOOST_CHECK_MESSAGE(overlap.find("mmio_base") != std::string::npos, overlap);
  const std::string buffers = message(driver, "eventq_size: 4\neventq_buffers: 8\n");
  BOOST_CHECK_MESSAGE(buffers.find("eventq_buffers") != std::string::npos, buffers);
}
