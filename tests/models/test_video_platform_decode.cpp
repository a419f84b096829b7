// The v6 device through real virtqueues: a guest driver on the CPU, commands
// and responses in guest memory, DMA over the shared bus, real codecs. Decoded
// frames read back from guest memory must equal the reference decoders'
// output (fixtures made by vpxenc/ffmpeg, references by vpxdec/ffmpeg).
#define BOOST_TEST_MODULE video_platform_decode
#include <boost/test/unit_test.hpp>

#include "models/protocols/v6/v6_binding.h"
#include "models/protocols/v6/decode_session.h"
#include "tests/codec/decode_support.h"

using namespace vvsim;
using namespace vvsim::virtio_video;
using codec::test::fixture;

namespace {

constexpr uint64_t kFeatures = 1ull << kFeatureResourceGuestPages | 1ull << kFeatureResourceNonContig;

struct Run {
  DecodeReport report;
  std::vector<uint8_t> i420;
  std::string init_error;
};

Run decode_fixture(const std::string& name, uint32_t output_resources = 8,
                   models::PlatformProfile profile = models::PlatformProfile{}) {
  const auto stream = codec::read_bitstream_file(fixture(name));
  BOOST_REQUIRE_MESSAGE(stream.status.ok(), stream.status.error_message());
  VideoDeviceProfile device;
  virtio_video::V6Platform platform("platform", profile, device);
  Run run;
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) {
    if (auto up = platform.driver.initialize(kFeatures); !up) return void(run.init_error = up.error().message);
    DecodeSessionConfig config;
    config.codec = stream.codec;
    config.units = std::make_shared<codec::UnitsInMemory>(stream.units);
    config.output_resources = output_resources;
    config.frame_sink = [&](const DecodedFrame& f) {
      f.pixels([&](const uint8_t* data, size_t n) { run.i420.insert(run.i420.end(), data, data + n); });
    };
    run.report = DecodeSession(platform.driver, config).run();
  });
  sc_core::sc_start();
  return run;
}

void check_bit_exact(const std::string& name, uint32_t expected_drc) {
  const auto refs = codec::test::load_references();
  const Run run = decode_fixture(name);
  BOOST_REQUIRE_MESSAGE(run.init_error.empty(), run.init_error);
  for (const auto& p : run.report.problems) BOOST_ERROR(name << ": " << p);
  BOOST_CHECK(run.report.drained);
  BOOST_CHECK(run.report.destroyed);
  BOOST_CHECK_EQUAL(run.report.drc_events, expected_drc);
  BOOST_CHECK_EQUAL(run.i420.size(), refs.at(name).bytes);
  BOOST_CHECK_EQUAL(codec::test::md5_hex(run.i420), refs.at(name).md5);
}

}  // namespace

// The device starts at its default 320x240 output format, so the first key
// frame of a 176x144 stream is already a resolution change.
BOOST_AUTO_TEST_CASE(vp8_through_virtqueues_matches_vpxdec) { check_bit_exact("vp8_176x144.ivf", 1); }
BOOST_AUTO_TEST_CASE(vp9_through_virtqueues_matches_vpxdec) { check_bit_exact("vp9_176x144.ivf", 1); }
BOOST_AUTO_TEST_CASE(h264_through_virtqueues_matches_ffmpeg) { check_bit_exact("h264_x264_baseline.h264", 1); }
BOOST_AUTO_TEST_CASE(h264_b_frames_through_virtqueues_match_ffmpeg) {
  check_bit_exact("h264_x264_high_bframes.h264", 1);
}
BOOST_AUTO_TEST_CASE(vp9_mid_stream_resolution_change_matches_vpxdec) { check_bit_exact("vp9_drc.ivf", 2); }
BOOST_AUTO_TEST_CASE(h264_mid_stream_resolution_change_matches_ffmpeg) { check_bit_exact("h264_drc.h264", 2); }

BOOST_AUTO_TEST_CASE(frames_carry_their_input_timestamps_in_order) {
  const Run run = decode_fixture("vp8_drc.ivf");
  const auto stream = codec::read_bitstream_file(fixture("vp8_drc.ivf"));
  BOOST_REQUIRE_EQUAL(run.report.frames.size(), stream.units.size());
  for (size_t i = 0; i < stream.units.size(); ++i) {
    BOOST_CHECK_EQUAL(run.report.frames[i].timestamp, stream.units[i].timestamp);
    BOOST_CHECK_EQUAL(run.report.frames[i].width, i < 20 ? 176u : 96u);
    BOOST_CHECK(!run.report.frames[i].error_flag);
  }
}

BOOST_AUTO_TEST_CASE(driver_initialisation_reads_config_and_capabilities) {
  VideoDeviceProfile device;
  virtio_video::V6Platform platform("platform", models::PlatformProfile{}, device);
  Status up = Error{"the guest program did not run"};
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) { up = platform.driver.initialize(kFeatures); });
  sc_core::sc_start();
  BOOST_REQUIRE_MESSAGE(up.ok(), up.error_message());
  // caps_length = 12-byte header + 24 bytes per format: 5 bitstream + 4 image formats.
  BOOST_CHECK_EQUAL(platform.driver.config().caps_length, 12u + 9u * 24u);
  BOOST_CHECK_EQUAL(platform.driver.capabilities().bitstream_formats.size(), 5u);
  BOOST_CHECK_EQUAL(platform.driver.capabilities().image_formats.size(), 4u);
  BOOST_CHECK(platform.driver.offers_bitstream("VP80"));
  BOOST_CHECK(platform.driver.offers_bitstream("H264"));
  BOOST_CHECK(platform.driver.offers_bitstream("HEVC"));
  BOOST_CHECK(platform.driver.offers_bitstream("MPG2"));
  // The driver negotiated what it asked for plus VERSION_1 and, by default (driver.event_idx, as Linux),
  // EVENT_IDX; not INDIRECT_DESC, which it does not use.
  BOOST_CHECK_EQUAL(platform.driver.features(),
                    kFeatures | tlm_virtio::VIRTIO_F_VERSION_1 | tlm_virtio::VIRTIO_F_EVENT_IDX);
}

// A guest that resets and re-initialises the device again and again uses the
// same guest memory each time: rings, command buffers and event buffers are
// all given back (a leak would exhaust guest memory and, before that, slow
// every allocation).
BOOST_AUTO_TEST_CASE(repeated_resets_give_guest_memory_back) {
  VideoDeviceProfile device;
  virtio_video::V6Platform platform("platform", models::PlatformProfile{}, device);
  std::vector<uint64_t> in_use;
  Status up;
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) {
    if (up = platform.driver.initialize(kFeatures); !up) return;
    in_use.push_back(platform.guest_memory.bytes_in_use());
    for (int i = 0; i < 5; ++i) {
      platform.driver.reset_device();
      BOOST_CHECK_EQUAL(platform.guest_memory.bytes_in_use(), 0u);  // the driver holds nothing of a reset device
      if (up = platform.driver.reinitialize(); !up) return;
      in_use.push_back(platform.guest_memory.bytes_in_use());
    }
  });
  sc_core::sc_start();
  BOOST_REQUIRE_MESSAGE(up.ok(), up.error_message());
  BOOST_REQUIRE_EQUAL(in_use.size(), 6u);
  BOOST_CHECK_GT(in_use.front(), 0u);  // the rings and the posted event buffers
  for (uint64_t bytes : in_use) BOOST_CHECK_EQUAL(bytes, in_use.front());
}

// Guest memory so full that not even a command buffer fits: the run stops
// with one line naming the buffer (not a bad_variant_access from deep inside).
BOOST_AUTO_TEST_CASE(no_room_for_a_command_buffer_stops_the_run_naming_it) {
  VideoDeviceProfile device;
  virtio_video::V6Platform platform("platform", models::PlatformProfile{}, device);
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) {
    BOOST_REQUIRE(platform.driver.initialize(kFeatures).ok());
    for (uint64_t size = uint64_t{1} << 40; size >= 16; size /= 2)  // take every free byte
      while (platform.guest_memory.allocate(size, 16)) {}
    std::vector<uint8_t> create;
    encode_cmd_header(create, CmdType::StreamCreate);
    (void)platform.driver.call(create, kStreamCreateRespSize);
  });
  std::string what;
  try {
    sc_core::sc_start();
  } catch (const sc_core::sc_report& e) {  // SystemC wraps what a process throws
    what = e.get_msg();
  }
  BOOST_CHECK_EQUAL(what.rfind("v6 driver: command buffer: guest memory: no free block of", 0), 0u);
  BOOST_CHECK_EQUAL(what.find('\n'), std::string::npos);
}
