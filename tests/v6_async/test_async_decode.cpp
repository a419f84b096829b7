// v6-async through real virtqueues: the v6 device and driver with the
// completion scheme of v6-async plugged in. Frames read back from guest
// memory equal the reference decoders' output (fixtures/reference.md5, made
// by vpxdec/ffmpeg); no queued buffer holds a commandq descriptor, so a
// commandq v6 exhausts is enough; every v6-async rule is broken by its fault
// or misbehaviour and a clean decode breaks none.
#define BOOST_TEST_MODULE async_decode
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "models/protocols/v6/decode_session.h"
#include "models/protocols/v6_async/async_monitor.h"
#include "models/protocols/v6_async/v6_async_binding.h"
#include "tests/codec/decode_support.h"

using namespace vvsim;
using namespace vvsim::virtio_video;
using codec::test::fixture;

namespace {

constexpr uint64_t kFeatures = 1ull << kFeatureResourceGuestPages | 1ull << kFeatureResourceNonContig;

struct Setup {
  AsyncDeviceFaults device_faults;
  AsyncDriverFaults driver_faults;
  VideoDeviceProfile device;
  std::function<void(DecodeSessionConfig&)> adjust = [](DecodeSessionConfig&) {};
  bool v6 = false;  // the same run under v6 itself, for contrast
};

struct Run {
  DecodeReport report;
  std::vector<uint8_t> i420;
  std::set<std::string> broken;
  std::map<std::string, uint64_t> commands_by_type;
  size_t units = 0;
};

Run decode(const std::string& name, const Setup& setup = {}) {
  const auto stream = codec::read_bitstream_file(fixture(name));
  BOOST_REQUIRE_MESSAGE(stream.status.ok(), stream.status.error_message());
  const V6Binding v6_binding(setup.device);
  const V6AsyncBinding async_binding(setup.device_faults, setup.driver_faults, setup.device);
  const models::ProtocolBinding& binding = setup.v6 ? static_cast<const models::ProtocolBinding&>(v6_binding)
                                                    : async_binding;
  models::VideoPlatform platform("platform", models::PlatformProfile{}, binding);
  VideoDevice& device = v6_device(platform);
  VideoDriver& driver = v6_driver(platform);
  ConformanceMonitor v6_monitor(device.device_id(), decode_config(ByteSpan(device.config_space())).value());
  AsyncMonitor monitor(v6_monitor);
  if (setup.v6) {
    device.observe_transport(&v6_monitor);
    platform.system.mmio.set_observer(&v6_monitor);
  } else {
    device.observe_transport(&monitor);
    platform.system.mmio.set_observer(&monitor);
  }
  Run run;
  run.units = stream.units.size();
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) {
    const auto up = driver.initialize(kFeatures);
    BOOST_REQUIRE_MESSAGE(up.ok(), up.error_message());
    DecodeSessionConfig config;
    config.codec = stream.codec;
    config.units = std::make_shared<codec::UnitsInMemory>(stream.units);
    config.frame_sink = [&](const DecodedFrame& f) {
      f.pixels([&](const uint8_t* data, size_t n) { run.i420.insert(run.i420.end(), data, data + n); });
    };
    config.answer_timeout = sc_core::sc_time(50, sc_core::SC_MS);
    setup.adjust(config);
    run.report = DecodeSession(driver, config).run();
  });
  sc_core::sc_start();
  if (!sc_core::sc_pending_activity()) {
    monitor.on_run_idle(sc_core::sc_time_stamp().value());
    v6_monitor.on_run_idle(sc_core::sc_time_stamp().value());
  }
  for (const auto* v : {&v6_monitor.violations(), &monitor.violations()})
    for (const auto& violation : *v) run.broken.insert(violation.rule);
  run.commands_by_type = device.stats().commands_by_type;
  return run;
}

void check_bit_exact(const std::string& name, uint32_t drc_events) {
  const auto refs = codec::test::load_references();
  const Run run = decode(name);
  for (const auto& p : run.report.problems) BOOST_ERROR(name << ": " << p);
  for (const auto& rule : run.broken) BOOST_ERROR(name << ": rule " << rule << " broken");
  BOOST_CHECK(run.report.drained);
  BOOST_CHECK_EQUAL(run.report.drc_events, drc_events);
  // Each DRC held the outputs until the guest's UNBLOCK, which the device took.
  BOOST_CHECK_EQUAL(run.commands_by_type.at("STREAM_UNBLOCK"), drc_events);
  BOOST_CHECK_EQUAL(run.i420.size(), refs.at(name).bytes);
  BOOST_CHECK_EQUAL(codec::test::md5_hex(run.i420), refs.at(name).md5);
}

Setup with(std::function<void(Setup&)> f) {
  Setup s;
  f(s);
  return s;
}

std::vector<uint8_t> unblock_bytes() { return to_bytes(UnblockCmd{1}); }

}  // namespace

// The device starts at 320x240: the first key frame of a 176x144 stream is a DRC.
BOOST_AUTO_TEST_CASE(vp8_matches_vpxdec_and_breaks_no_rule) { check_bit_exact("vp8_176x144.ivf", 1); }
BOOST_AUTO_TEST_CASE(vp9_mid_stream_resolution_change_matches_vpxdec) { check_bit_exact("vp9_drc.ivf", 2); }
BOOST_AUTO_TEST_CASE(h264_b_frames_match_ffmpeg) { check_bit_exact("h264_x264_high_bframes.h264", 1); }

// 16 outputs and 4 inputs queued on a commandq of 16 descriptors: v6 holds two
// descriptors per queued buffer and stalls; v6-async holds none.
// The completions move to the eventq: it gets a buffer for each (20 buffers queued).
void small_commandq(Setup& s) {
  s.device.commandq_size = 16;
  s.device.eventq_size = 32;
  s.adjust = [](DecodeSessionConfig& c) { c.output_resources = 16; };
}

BOOST_AUTO_TEST_CASE(a_commandq_v6_exhausts_is_enough) {
  const Run run = decode("vp8_176x144.ivf", with(small_commandq));
  BOOST_CHECK_EQUAL(run.report.frames.size(), run.units);
  for (const auto& rule : run.broken) BOOST_ERROR("rule " << rule << " broken");
}

BOOST_AUTO_TEST_CASE(the_same_commandq_stalls_v6) {
  const Run run = decode("vp8_176x144.ivf", with([](Setup& s) {
                           small_commandq(s);
                           s.v6 = true;
                         }));
  BOOST_CHECK_LT(run.report.frames.size(), run.units);
}

BOOST_AUTO_TEST_CASE(a_wrong_cookie_breaks_cookie_echoed) {
  const Run run = decode("vp8_176x144.ivf", with([](Setup& s) { s.device_faults.wrong_cookie = true; }));
  BOOST_CHECK(run.broken.count("async-cookie-echoed"));
}

BOOST_AUTO_TEST_CASE(a_second_completion_breaks_completion_once) {
  const Run run = decode("vp8_176x144.ivf", with([](Setup& s) { s.device_faults.complete_twice = true; }));
  BOOST_CHECK(run.broken.count("async-completion-once"));
  BOOST_CHECK(!run.broken.count("async-cookie-echoed"));
}

void seek(DecodeSessionConfig& c) {
  c.stop_after_units = 10;
  c.seek_to_unit = 20;
}

BOOST_AUTO_TEST_CASE(a_seek_cancels_and_breaks_no_rule) {
  const Run run = decode("vp8_176x144.ivf", with([&](Setup& s) { s.adjust = seek; }));
  for (const auto& rule : run.broken) BOOST_ERROR("rule " << rule << " broken");
  BOOST_CHECK(run.report.stopped);
  BOOST_CHECK_GT(run.report.inputs_canceled, 0u);  // the STOP did cancel
}

BOOST_AUTO_TEST_CASE(a_completion_after_canceled_breaks_its_rule) {
  const Run run = decode("vp8_176x144.ivf", with([&](Setup& s) {
                           s.adjust = seek;
                           s.device_faults.complete_after_cancel = true;
                         }));
  BOOST_CHECK(run.broken.count("async-nothing-after-canceled"));
}

// A STOP whose CANCELED completions never come: its answer waits for them
// until nothing is left to happen. Without the fault the same seek is clean
// (a_seek_cancels_and_breaks_no_rule).
BOOST_AUTO_TEST_CASE(canceled_completions_never_sent_break_completion_missing) {
  const Run run = decode("vp8_176x144.ivf", with([&](Setup& s) {
                           s.adjust = seek;
                           s.device_faults.drop_canceled = true;
                         }));
  BOOST_CHECK(run.broken.count("async-completion-missing"));
  BOOST_CHECK(!run.broken.count("async-completion-once"));
  BOOST_CHECK(!run.broken.count("async-cookie-echoed"));
}

BOOST_AUTO_TEST_CASE(outputs_before_unblock_break_no_output_while_blocked) {
  const Run run = decode("vp8_176x144.ivf", with([](Setup& s) { s.device_faults.output_before_unblock = true; }));
  BOOST_CHECK(run.broken.count("async-no-output-while-blocked"));
}

BOOST_AUTO_TEST_CASE(a_reused_cookie_breaks_cookie_unique) {
  const Run run = decode("vp8_176x144.ivf", with([](Setup& s) { s.driver_faults.reuse_cookie = true; }));
  BOOST_CHECK(run.broken.count("async-cookie-unique"));
}

BOOST_AUTO_TEST_CASE(unblock_with_nothing_blocked_is_the_drivers_breach_and_refused) {
  const Run run = decode("vp8_176x144.ivf", with([](Setup& s) {
                           s.adjust = [](DecodeSessionConfig& c) { c.misbehaviour.raw_commands = {unblock_bytes()}; };
                         }));
  for (const auto& rule : run.broken) BOOST_CHECK_MESSAGE(rule == "async-unblock-when-blocked", rule);
  BOOST_CHECK(run.broken.count("async-unblock-when-blocked"));
  BOOST_REQUIRE_EQUAL(run.report.raw_answers.size(), 1u);
  BOOST_CHECK_EQUAL(run.report.raw_answers[0], "ERR_INVALID_OPERATION");
  BOOST_CHECK_EQUAL(run.report.frames.size(), run.units);
}

BOOST_AUTO_TEST_CASE(an_unblock_answered_ok_with_nothing_blocked_breaks_unblock_refused) {
  const Run run = decode("vp8_176x144.ivf", with([](Setup& s) {
                           s.device_faults.unblock_when_not_blocked = true;
                           s.adjust = [](DecodeSessionConfig& c) { c.misbehaviour.raw_commands = {unblock_bytes()}; };
                         }));
  BOOST_CHECK(run.broken.count("async-unblock-refused"));
}

BOOST_AUTO_TEST_CASE(every_async_rule_has_a_test_here) {
  // Keeps this file and the monitor's v6-async rule list in step: each rule is checked broken above.
  std::ifstream f(std::string(VVSIM_SOURCE_DIR) + "/tests/v6_async/test_async_decode.cpp");
  std::stringstream self;
  self << f.rdbuf();
  BOOST_REQUIRE(!self.str().empty());
  for (const auto& id : async_rule_ids())
    BOOST_CHECK_MESSAGE(self.str().find("BOOST_CHECK(run.broken.count(\"" + id + "\"))") != std::string::npos,
                        "no test breaks " << id);
}
