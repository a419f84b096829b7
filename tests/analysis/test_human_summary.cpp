// The terminal summary says what happened: units fed (not only read),
// errors and resets, each core's utilisation, "no frames" instead of empty
// statistics, deadlock and time-limit reasons that read as sentences.
#define BOOST_TEST_MODULE human_summary
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include "analysis/summary.h"

using namespace vvsim;

namespace {

const std::string kScenarios = std::string(VVSIM_SOURCE_DIR) + "/scenarios/";

struct Run {
  scenarios::Scenario scenario;
  scenarios::RunResult result;
  std::string text;
};

Run run(scenarios::Scenario scenario) {
  Run r{std::move(scenario), {}, {}};
  r.result = scenarios::run_scenario(r.scenario, scenarios::prepare_streams(r.scenario));
  r.text = analysis::human_summary(r.scenario, r.result);
  BOOST_TEST_MESSAGE(r.text);
  return r;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

// DESTROY after 15 of 60 units: the line says 15 were fed, not "60 units in".
BOOST_AUTO_TEST_CASE(destroyed_stream_says_how_many_units_were_fed) {
  const auto r = run(scenarios::load_scenario(kScenarios + "destroy_mid_stream.yaml"));
  BOOST_REQUIRE_EQUAL(r.result.streams[0].units_fed, 15u);
  BOOST_TEST(has(r.text, "15 of 60 units fed"));
  BOOST_TEST(has(r.text, "destroyed mid-stream"));
  BOOST_TEST(!has(r.text, "60 units in"));
}

BOOST_AUTO_TEST_CASE(device_error_is_mentioned) {
  const auto r = run(scenarios::load_scenario(kScenarios + "device_error.yaml"));
  BOOST_TEST(has(r.text, "1 error event (stream closed by the device)"));
}

BOOST_AUTO_TEST_CASE(device_reset_is_mentioned) {
  const auto r = run(scenarios::load_scenario(kScenarios + "device_reset.yaml"));
  BOOST_TEST(has(r.text, "1 device reset"));
}

// One stream on two cores: one core does the work, the other idles; both are shown.
BOOST_AUTO_TEST_CASE(each_core_is_shown) {
  const auto r = run(scenarios::parse_scenario(
      "streams:\n  - {codec: vp8, input: {generate: {width: 64, height: 64, frames: 4}}, input_resources: 1}\n",
      "cores.yaml"));
  BOOST_REQUIRE_EQUAL(r.result.cores.size(), 2u);
  const auto& c = r.result.cores;
  BOOST_TEST(has(r.text, fmt::format("core utilisation {:.1f}% / {:.1f}%", 100 * c[0].utilisation, 100 * c[1].utilisation)));
}

// H.264 on a VP8-only device: nothing decoded, so no latency and no checksum.
BOOST_AUTO_TEST_CASE(stream_without_frames_says_no_frames) {
  const auto r = run(scenarios::parse_scenario(
      "device: {codecs: [VP8]}\nstreams:\n  - {codec: h264, input: {generate: {width: 64, height: 64, frames: 2}}}\n",
      "none.yaml"));
  BOOST_TEST(has(r.text, "0 frames out"));
  BOOST_TEST(has(r.text, "no frames"));
  BOOST_TEST(!has(r.text, "p50"));
  BOOST_TEST(!has(r.text, "xxh3"));
}

// The deadlock reason is a list of clauses without a dangling separator.
BOOST_AUTO_TEST_CASE(deadlock_reason_has_no_dangling_separator) {
  const auto r = run(scenarios::load_scenario(kScenarios + "commandq_exhaustion.yaml"));
  BOOST_REQUIRE((r.result.outcome == scenarios::RunOutcome::Deadlock));
  const std::string& reason = r.result.reason;
  BOOST_TEST(reason.back() != ';');
  BOOST_TEST(!has(reason, ";;"));
  BOOST_TEST(!has(reason, ",;"));
  BOOST_TEST(has(reason, "; stream '"));
}

// Units fed at 1 per second with a 2.5 s limit: the last activity before the
// limit is the decode of unit 2 (fed at 2 s); the next feed (3 s) lies beyond
// the limit, so the run stops near 2 s, and the reason says so.
BOOST_AUTO_TEST_CASE(time_limit_reason_names_the_time_reached) {
  const auto r = run(scenarios::parse_scenario(
      "time_limit_ms: 2500\nstreams:\n  - {name: slow, codec: vp8, input: {generate: {width: 64, height: 64, frames: "
      "10}}, feed_fps: 1}\n",
      "limit.yaml"));
  BOOST_REQUIRE((r.result.outcome == scenarios::RunOutcome::TimeLimit));
  const double stopped_ms = double(r.result.simulated_ps) / 1e9;
  BOOST_TEST(stopped_ms > 2000.0);
  BOOST_TEST(stopped_ms < 2100.0);
  BOOST_TEST(has(r.result.reason, fmt::format("stopped at {:.3f} ms", stopped_ms)));
  BOOST_TEST(has(r.result.reason, "beyond the simulated time limit of 2500 ms"));
  BOOST_TEST(has(r.result.reason, "'slow' (3 of 10 units fed)"));
}
