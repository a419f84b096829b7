// Whole access units per input resource (driver.input_unit: access_unit)
// against figures computed by hand from the profile and ffprobe's parse of
// the stream.
//
// The x264 Baseline fixture (176x144: 11 x 9 = 99 macroblocks, no reordering:
// max_num_reorder_frames 0), one resource, fed at 10 fps so that each picture
// is done long before the next one is queued, on a bus so fast that its
// transfers add well under a nanosecond per frame, and the driver sets the
// stream's size before streaming (no DRC). Resource k holds access unit k
// (ffprobe's packet k, of S_k bytes, picture type t_k) and costs one unit:
//   cycles_k = cycles_per_unit + cycles_per_byte * S_k
//              + round(cycles_per_macroblock * 99 * factor(t_k))
// at 1 GHz, one cycle a nanosecond. Its picture is answered as soon as its
// own access unit is decoded, so picture k's latency is
//   submit + firmware + cycles_k + delivery + handling
// as in test_driver_timing_by_hand. One resource per NAL unit, the picture
// is only known complete when the next access unit's first NAL unit comes,
// a feed period later. SystemC elaborates once per process: one run per test case.
#define BOOST_TEST_MODULE access_unit_timing_by_hand
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "analysis/frame_stages.h"
#include "scenarios/runner.h"

using namespace vvsim;

namespace {

const std::string kFixture = std::string(VVSIM_SOURCE_DIR) + "/tests/codec/fixtures/h264_x264_baseline.h264";
constexpr double kSubmit = 2000, kFirmware = 2000, kIrq = 1000, kIsr = 5000, kPeriodNs = 1e8;
// cycles_no_picture (70,000) is not charged: every resource holds a picture.
constexpr double kPerUnit = 100'000, kPerByte = 20, kPerMacroblock = 1'000, kKeyFactor = 1.5;
constexpr double kMacroblocks = 11 * 9;

// One line per packet or frame of ffprobe's output for `entries` ("packet=size", "frame=pict_type").
std::vector<std::string> ffprobe(const std::string& entries) {
  const std::string command = "ffprobe -v error -show_entries " + entries + " -of csv=p=0 " + kFixture;
  std::vector<std::string> lines;
  FILE* pipe = popen(command.c_str(), "r");
  BOOST_REQUIRE(pipe);
  std::string line;
  for (int c; (c = std::fgetc(pipe)) != EOF;) {
    if (c != '\n') line += char(c);
    else if (!line.empty()) lines.push_back(line), line.clear();
  }
  BOOST_REQUIRE_EQUAL(pclose(pipe), 0);
  return lines;
}

std::vector<analysis::FrameStages> run(const std::string& input_unit) {
  const std::string y = R"(
platform:
  bus: {clock_mhz: 99999, bytes_per_cycle: 4096, latency_cycles: 0, register_latency_cycles: 0}
  interrupt: {delivery_latency_ns: 1000}
  driver: {command_submit_ns: 2000, interrupt_handle_ns: 5000, frame_consume_ns: 1000, input_unit: )" +
                        input_unit + R"(}
  engine:
    clock_mhz: 1000
    num_cores: 1
    decode:
      h264: {cycles_per_unit: 100000, cycles_per_macroblock: 1000, cycles_per_byte: 20, key_frame_factor: 1.5,
             inter_frame_factor: 1.0, cycles_no_picture: 70000}
device: {firmware_cycles_per_command: 2000}
driver_policy: {initial_format: from_stream}
streams:
  - {input: {file: )" + kFixture + R"(}, input_resources: 1, feed_fps: 10}
)";
  const auto scenario = scenarios::parse_scenario(y, "access_unit_timing.yaml");
  const auto result = scenarios::run_scenario(scenario, scenarios::prepare_streams(scenario));
  BOOST_REQUIRE(result.outcome == scenarios::RunOutcome::Completed);
  BOOST_REQUIRE(result.events_received.empty());  // no DRC
  return analysis::frame_stages(scenario, result);
}

}  // namespace

BOOST_AUTO_TEST_CASE(each_picture_is_answered_once_its_own_access_unit_is_decoded) {
  const auto sizes = ffprobe("packet=size"), types = ffprobe("frame=pict_type");
  BOOST_REQUIRE_EQUAL(sizes.size(), 20u);
  BOOST_REQUIRE_EQUAL(types.size(), 20u);
  const auto frames = run("access_unit");
  BOOST_REQUIRE_EQUAL(frames.size(), 20u);
  for (size_t k = 0; k < frames.size(); ++k) {
    BOOST_TEST_CONTEXT("picture " << k) {
      const double factor = types[k].at(0) == 'I' ? kKeyFactor : 1.0;
      const double cycles = kPerUnit + kPerByte * std::stod(sizes[k]) + std::round(kPerMacroblock * kMacroblocks * factor);
      BOOST_TEST(frames[k].timestamp == k);
      BOOST_TEST(frames[k].stage_ns[2] >= cycles);  // decode: the unit's job
      BOOST_TEST(frames[k].stage_ns[2] <= cycles + 1.0);
      const double expected = kSubmit + kFirmware + cycles + kIrq + kIsr;
      BOOST_TEST(frames[k].latency_ns() >= expected);
      BOOST_TEST(frames[k].latency_ns() <= expected + 1.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(one_nal_unit_per_resource_waits_for_the_next_access_unit) {
  // The same stream one NAL unit per resource: every picture but the last
  // (the drain ends it) waits for the next access unit, queued a period later.
  const auto frames = run("nal");
  BOOST_REQUIRE_EQUAL(frames.size(), 20u);
  for (size_t k = 1; k + 1 < frames.size(); ++k) BOOST_TEST(frames[k].latency_ns() >= kPeriodNs);
}
