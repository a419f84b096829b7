// The guest driver's timing against figures computed by hand from the
// profile: the frame consume cost, device-side interrupt coalescing and
// EVENT_IDX suppression.
//
// One VP8 stream of 320x240 frames (the device's initial size: no DRC), one
// frame in flight (one input resource, fed every 20 ms). Per frame the device
// answers the input QUEUE when the decode ends (time T) and the output QUEUE
// once the frame is written. On a bus so fast that its transfers add well
// under a nanosecond per frame, both answers come at T and the interrupt
// raised at T brings both to the driver; a frame's latency is then
//   submit + firmware + decode + delivery + handling
// as in test_timing_by_hand. SystemC elaborates once per process: one run per
// test case.
#define BOOST_TEST_MODULE driver_timing_by_hand
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

#include "analysis/frame_stages.h"
#include "scenarios/runner.h"

using namespace vvsim;

namespace {

constexpr uint32_t kFrames = 10;
constexpr double kSubmit = 2000, kFirmware = 2000, kDecode = 1'000'000, kIrq = 1000, kIsr = 5000;
constexpr double kExpected = kSubmit + kFirmware + kDecode + kIrq + kIsr;
const std::string kInstantBus = "{clock_mhz: 99999, bytes_per_cycle: 4096, latency_cycles: 0, register_latency_cycles: 0}";

struct Options {
  std::string bus = kInstantBus;
  uint64_t coalesce_window_ns = 0;
  uint32_t coalesce_answers = 0;
  uint64_t frame_consume_ns = 1000;
  bool event_idx = true;
};

struct Run {
  scenarios::RunResult result;
  std::vector<analysis::FrameStages> frames;
};

Run run(const Options& o) {
  const std::string y = R"(
platform:
  bus: )" + o.bus + R"(
  interrupt: {delivery_latency_ns: 1000, coalesce_window_ns: )" + std::to_string(o.coalesce_window_ns) +
                        ", coalesce_answers: " + std::to_string(o.coalesce_answers) + R"(}
  driver: {command_submit_ns: 2000, interrupt_handle_ns: 5000, frame_consume_ns: )" +
                        std::to_string(o.frame_consume_ns) + ", event_idx: " + (o.event_idx ? "true" : "false") + R"(}
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
  Run r{scenarios::run_scenario(scenario, scenarios::prepare_streams(scenario)), {}};
  BOOST_REQUIRE(r.result.outcome == scenarios::RunOutcome::Completed);
  r.frames = analysis::frame_stages(scenario, r.result);
  BOOST_REQUIRE_EQUAL(r.frames.size(), kFrames);
  return r;
}

void check_latencies(const std::vector<analysis::FrameStages>& frames, double expected_ns) {
  for (const auto& f : frames) {
    BOOST_TEST(f.latency_ns() >= expected_ns);
    BOOST_TEST(f.latency_ns() <= expected_ns + 1.0);
  }
}

// Handler runs that reaped nothing: every run that reaped a command answer
// is named by the answer's interrupt time (no DRC: no events to reap).
uint64_t empty_handler_runs(const scenarios::RunResult& result) {
  BOOST_REQUIRE(result.events_received.empty());
  std::set<uint64_t> reaping;
  for (const auto& c : result.commands) reaping.insert(c.interrupted_ps);
  BOOST_REQUIRE_GE(result.interrupts, reaping.size());
  return result.interrupts - reaping.size();
}

// 64 B/cycle at 1 GHz, 10 cycles per transaction: the 320x240 NV12 write
// (115,200 bytes) takes W = 10 + 1800 = 1810 ns from T. The input answer's
// interrupt reaches the CPU at T + 1000; the handler acknowledges it (its
// status read and ACK, behind the write at most) well before the output
// answer is pushed at about T + W, and reaps interrupt_handle_ns later, at
// about T + 6000: that run takes both answers. Without EVENT_IDX the output
// answer raises the line again after the acknowledge: one empty handler run
// per frame. With it, used_event still names the input answer when the
// output one is pushed (the driver has not reaped yet), so the device does
// not interrupt.
Options suppression_case(bool event_idx) {
  Options o;
  o.bus = "{clock_mhz: 1000, bytes_per_cycle: 64, latency_cycles: 10}";
  o.event_idx = event_idx;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(frame_consume_cost_holds_the_application_thread) {
  // Consuming a frame takes 30 ms of the application thread, longer than the
  // 20 ms feed period: the next unit goes out the moment it is done, at
  // taken + 30 ms exactly, and its latency is the usual one.
  Options o;
  o.frame_consume_ns = 30'000'000;
  const auto frames = run(o).frames;
  for (size_t i = 1; i < frames.size(); ++i) {
    BOOST_TEST(frames[i].queued_ns - frames[i - 1].taken_ns >= 30e6);
    BOOST_TEST(frames[i].queued_ns - frames[i - 1].taken_ns <= 30e6 + 1.0);
  }
  check_latencies(frames, kExpected);
}

BOOST_AUTO_TEST_CASE(coalescing_window_delays_each_frame_by_the_window) {
  // The interrupt raised at T waits out a 20 us window: every frame 20 us later.
  Options o;
  o.coalesce_window_ns = 20'000;
  check_latencies(run(o).frames, kExpected + 20'000);
}

BOOST_AUTO_TEST_CASE(coalescing_count_raises_once_enough_answers_wait) {
  // A 50 us window that two answers close early: both answers of a frame come
  // at T, so the interrupt goes out at T, as without moderation.
  Options o;
  o.coalesce_window_ns = 50'000;
  o.coalesce_answers = 2;
  check_latencies(run(o).frames, kExpected);
}

BOOST_AUTO_TEST_CASE(without_event_idx_every_frame_costs_an_empty_handler_run) {
  BOOST_TEST(empty_handler_runs(run(suppression_case(false)).result) == kFrames);
}

BOOST_AUTO_TEST_CASE(event_idx_suppresses_the_interrupt_nobody_needs) {
  const Run r = run(suppression_case(true));
  BOOST_TEST(empty_handler_runs(r.result) == 0u);
  // The run that reaped each output answer started before the answer was
  // pushed: the frame's interrupt stage is 0.
  for (const auto& f : r.frames) BOOST_TEST(f.stage_ns[6] == 0.0);
}

BOOST_AUTO_TEST_CASE(feed_fps_paces_access_units_not_nal_units) {
  // The x264 Baseline fixture at 30 fps: its first access unit is an SPS, a
  // PPS, an SEI and the IDR slice (checked below), later ones one slice each.
  // Access unit k goes out at start + k / 30 s, all its NAL units at that tick:
  // access unit 1 follows access unit 0 by less than one period (0 waited for
  // the stream's set-up), and every later one by exactly one period. Paced by
  // NAL units, access unit 1 would wait for tick 4.
  constexpr double kFps = 30, kPeriodNs = 1e9 / kFps;
  const std::string y = R"(
platform:
  bus: )" + kInstantBus + R"(
streams:
  - {input: {file: )" + std::string(VVSIM_SOURCE_DIR) + R"(/tests/codec/fixtures/h264_x264_baseline.h264},
     feed_fps: 30, input_resources: 8}
)";
  const auto scenario = scenarios::parse_scenario(y, "pacing.yaml");
  const auto prepared = scenarios::prepare_streams(scenario);
  const auto result = scenarios::run_scenario(scenario, prepared);
  BOOST_REQUIRE(result.outcome == scenarios::RunOutcome::Completed);
  const auto& queued = result.streams[0].report.input_queued;  // by timestamp = access unit index
  BOOST_REQUIRE_GE(queued.size(), 10u);
  size_t units_of_first_frame = 0;
  auto& units = *prepared[0].units;
  while (units_of_first_frame < units.size() && units.unit(units_of_first_frame).timestamp == 0) ++units_of_first_frame;
  BOOST_REQUIRE_GE(units_of_first_frame, 4u);
  const double first = queued.at(0).to_seconds() * 1e9, second = queued.at(1).to_seconds() * 1e9;
  BOOST_TEST(second - first < kPeriodNs);
  for (uint64_t k = 2; k < queued.size(); ++k) {
    const double at = queued.at(k).to_seconds() * 1e9;
    BOOST_TEST(at - second >= (k - 1) * kPeriodNs - 1.0);
    BOOST_TEST(at - second <= (k - 1) * kPeriodNs + 1.0);
  }
}
