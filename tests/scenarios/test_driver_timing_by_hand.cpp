// The guest driver's timing against figures computed by hand from the
// profile: the frame consume cost.
//
// One VP8 stream of 320x240 frames (the device's initial size: no DRC), one
// frame in flight (one input resource, fed every 20 ms), a bus so fast that
// its transfers add well under a nanosecond per frame. Per frame the device
// answers the input QUEUE when the decode ends (time T) and the output QUEUE
// right after (the frame write takes no time): the interrupt raised at T
// brings both answers to the driver. A frame's latency is then
//   submit + firmware + decode + delivery + handling
// as in test_timing_by_hand. SystemC elaborates once per process: one run per
// test case.
#define BOOST_TEST_MODULE driver_timing_by_hand
#include <boost/test/unit_test.hpp>

#include <string>

#include "analysis/frame_stages.h"
#include "analysis/summary.h"
#include "scenarios/runner.h"

using namespace vvsim;

namespace {

constexpr uint32_t kFrames = 10;
constexpr double kSubmit = 2000, kFirmware = 2000, kDecode = 1'000'000, kIrq = 1000, kIsr = 5000;
constexpr double kExpected = kSubmit + kFirmware + kDecode + kIrq + kIsr;

struct Options {
  uint64_t frame_consume_ns = 1000;
};

std::vector<analysis::FrameStages> run(const Options& o) {
  const std::string y = R"(
platform:
  bus: {clock_mhz: 99999, bytes_per_cycle: 4096, latency_cycles: 0}
  interrupt: {delivery_latency_ns: 1000}
  driver: {command_submit_ns: 2000, interrupt_handle_ns: 5000, frame_consume_ns: )" +
                        std::to_string(o.frame_consume_ns) + R"(}
  engine:
    clock_mhz: 1000
    num_cores: 1
    decode:
      vp8: {cycles_per_unit: 1000000, cycles_per_macroblock: 0, cycles_per_byte: 0, cycles_no_picture: 0}
device: {firmware_cycles_per_command: 2000}
streams:
  - {codec: vp8, input: {generate: {width: 320, height: 240, frames: 10}}, input_resources: 1, feed_fps: 50}
)";
  const auto scenario = scenarios::parse_scenario(y, "driver_timing.yaml");
  const auto result = scenarios::run_scenario(scenario, scenarios::prepare_streams(scenario));
  BOOST_REQUIRE(result.outcome == scenarios::RunOutcome::Completed);
  auto frames = analysis::frame_stages(scenario, result);
  BOOST_REQUIRE_EQUAL(frames.size(), kFrames);
  return frames;
}

void check_latencies(const std::vector<analysis::FrameStages>& frames, double expected_ns) {
  for (const auto& f : frames) {
    BOOST_TEST(f.latency_ns() >= expected_ns);
    BOOST_TEST(f.latency_ns() <= expected_ns + 1.0);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(frame_consume_cost_holds_the_application_thread) {
  // Consuming a frame takes 30 ms of the application thread, longer than the
  // 20 ms feed period: the next unit goes out the moment it is done, at
  // taken + 30 ms exactly, and its latency is the usual one.
  Options o;
  o.frame_consume_ns = 30'000'000;
  const auto frames = run(o);
  for (size_t i = 1; i < frames.size(); ++i) {
    BOOST_TEST(frames[i].queued_ns - frames[i - 1].taken_ns >= 30e6);
    BOOST_TEST(frames[i].queued_ns - frames[i - 1].taken_ns <= 30e6 + 1.0);
  }
  check_latencies(frames, kExpected);
}
