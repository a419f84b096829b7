// Driver policy initial_format: from_stream sets the size of the stream's
// first header on the output format before streaming, so the first key frame
// needs no DRC; device_default (the default) starts with the device's 320x240.
#define BOOST_TEST_MODULE initial_format
#include <boost/test/unit_test.hpp>

#include "scenarios/runner.h"

using namespace vvsim;

namespace {

scenarios::RunResult run(const scenarios::Scenario& scenario) {
  return scenarios::run_scenario(scenario, scenarios::prepare_streams(scenario));
}

std::string stream(const std::string& policy, const std::string& codec) {
  return "driver_policy: {initial_format: " + policy + "}\nstreams:\n  - {codec: " + codec +
         ", input: {generate: {width: 176, height: 144, frames: 6}}}\n";
}

void check_no_drc(const scenarios::RunResult& r) {
  BOOST_TEST((r.outcome == scenarios::RunOutcome::Completed));
  const auto& report = r.streams.at(0).report;
  BOOST_TEST(report.drc_events == 0u);
  BOOST_REQUIRE_EQUAL(report.frames.size(), 6u);
  BOOST_TEST(report.frames[0].width == 176u);
  BOOST_TEST(report.frames[0].height == 144u);
}

}  // namespace

// The shipped scenario: only the real change at frame 30 raises a DRC.
BOOST_AUTO_TEST_CASE(shipped_scenario_has_only_the_mid_stream_drc) {
  const auto r = run(scenarios::load_scenario(std::string(VVSIM_SOURCE_DIR) + "/scenarios/initial_format_from_stream.yaml"));
  BOOST_TEST((r.outcome == scenarios::RunOutcome::Completed));
  const auto& report = r.streams.at(0).report;
  BOOST_TEST(report.drc_events == 1u);
  BOOST_REQUIRE_EQUAL(report.frames.size(), 60u);
  BOOST_TEST(report.frames[0].width == 176u);
  BOOST_TEST(report.frames[30].width == 320u);
}

BOOST_AUTO_TEST_CASE(device_default_starts_with_a_drc) {
  const auto r = run(scenarios::parse_scenario(stream("device_default", "vp8"), "case.yaml"));
  BOOST_TEST((r.outcome == scenarios::RunOutcome::Completed));
  BOOST_TEST(r.streams.at(0).report.drc_events == 1u);  // 176x144 against the device's 320x240
}

BOOST_AUTO_TEST_CASE(from_stream_vp8_starts_without_drc) {
  check_no_drc(run(scenarios::parse_scenario(stream("from_stream", "vp8"), "case.yaml")));
}

BOOST_AUTO_TEST_CASE(from_stream_vp9_starts_without_drc) {
  check_no_drc(run(scenarios::parse_scenario(stream("from_stream", "vp9"), "case.yaml")));
}

// H.264: the size comes from the SPS (176x144 is whole macroblocks, no crop).
BOOST_AUTO_TEST_CASE(from_stream_h264_starts_without_drc) {
  check_no_drc(run(scenarios::parse_scenario(stream("from_stream", "h264"), "case.yaml")));
}

// 180 rows are not whole macroblocks: coded 320x192, crop 320x180, still no DRC.
BOOST_AUTO_TEST_CASE(from_stream_h264_cropped_size_starts_without_drc) {
  const auto r = run(scenarios::parse_scenario(
      "driver_policy: {initial_format: from_stream}\nstreams:\n  - {codec: h264, input: {generate: {width: 320, "
      "height: 180, frames: 4}}}\n",
      "case.yaml"));
  BOOST_TEST((r.outcome == scenarios::RunOutcome::Completed));
  BOOST_TEST(r.streams.at(0).report.drc_events == 0u);
  BOOST_REQUIRE_EQUAL(r.streams.at(0).report.frames.size(), 4u);
  BOOST_TEST(r.streams.at(0).report.frames[0].height == 180u);
}
