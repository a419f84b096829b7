// A run under `protocol: media` fills the same neutral records v6 fills: the
// device's stage marks (so every frame has its latency breakdown), the rings'
// depths and the buffers each queue was granted and held. Expected values
// come from the scenario and the driver's profile, not from the records.
#define BOOST_TEST_MODULE media_run_records
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "analysis/frame_stages.h"
#include "scenarios/runner.h"

using namespace vvsim;

namespace {

// Two streams (distinct sessions, the same timestamps): marks must not mix.
const std::string kScenario =
    "protocol: media\nstreams:\n"
    "  - {name: a, codec: vp8, input: {generate: {width: 64, height: 64, frames: 12}}, input_resources: 3, "
    "output_resources: 5}\n"
    "  - {name: b, codec: vp8, input: {generate: {width: 96, height: 64, frames: 12}}}\n";

struct Run {
  scenarios::Scenario scenario = scenarios::parse_scenario(kScenario, "records.yaml");
  scenarios::RunResult result = scenarios::run_scenario(scenario, scenarios::prepare_streams(scenario));
};

const Run& run() {
  static const Run r;
  return r;
}

uint32_t peak(const analysis::DepthSeries& s) {
  uint32_t most = 0;
  for (const auto& p : s.points) most = std::max(most, p.value);
  return most;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_frame_has_its_stage_breakdown) {
  const auto& r = run();
  BOOST_REQUIRE((r.result.outcome == scenarios::RunOutcome::Completed));
  const auto frames = analysis::frame_stages(r.scenario, r.result);
  BOOST_TEST(frames.size() == 24u);
  const double submit_ns = double(r.scenario.platform.driver.command_submit_ns);
  for (const auto& f : frames) {
    BOOST_TEST(f.complete, "stream " << f.stream << " frame " << f.timestamp);
    // Queued to accepted spans at least the driver's cost of building the QBUF command.
    BOOST_TEST(f.stage_ns[0] >= submit_ns, "stream " << f.stream << " frame " << f.timestamp);
    BOOST_TEST(f.stage_ns[2] > 0.0);  // the decode job took engine time
  }
}

BOOST_AUTO_TEST_CASE(buffers_granted_and_held_per_queue) {
  const auto& r = run();
  const auto& a = r.result.streams[0].report;
  BOOST_TEST(a.input_resources == 3u);  // REQBUFS(OUTPUT) as the scenario asked
  BOOST_TEST(a.output_resources == 5u);
  BOOST_TEST(r.result.streams[1].report.input_resources == 4u);  // the scenario defaults
  BOOST_TEST(r.result.streams[1].report.output_resources == 8u);
  const auto series = analysis::depth_series(r.scenario, r.result);
  BOOST_REQUIRE(series.size() == 6u);  // commandq, eventq, then INPUT and OUTPUT per stream
  BOOST_TEST(peak(series[2]) == 3u);   // every OUTPUT buffer queued at once at the start
  BOOST_TEST(peak(series[3]) == 5u);   // every CAPTURE buffer queued by capture setup
  BOOST_TEST(series[2].points.back().value == 0u);  // all returned by the end
}

BOOST_AUTO_TEST_CASE(ring_depths_are_recorded) {
  const auto& r = run();
  const auto series = analysis::depth_series(r.scenario, r.result);
  // One command in flight device-wide, at most 7 descriptors (the QBUF with its plane and SG parts).
  BOOST_TEST(peak(series[0]) >= 2u);
  BOOST_TEST(peak(series[0]) <= 7u);
  BOOST_TEST(series[0].points.back().value == 0u);
  // The driver keeps the eventq stocked with 16 buffers (MediaDriverProfile::event_buffers).
  BOOST_TEST(peak(series[1]) == 16u);
  BOOST_TEST(r.result.eventq_size == 256u);
}
