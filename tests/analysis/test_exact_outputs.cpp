// Trace counters are written only where their value changes, and the
// nanosecond values of summary.json are exact (at most three decimals: whole
// picoseconds), never float noise like 261633.99300000002.
#define BOOST_TEST_MODULE exact_outputs
#include <boost/test/unit_test.hpp>

#include <map>
#include <regex>

#include "analysis/frame_stages.h"
#include "analysis/summary.h"
#include "analysis/trace.h"

using namespace vvsim;

namespace {

// An idle, paced run: 4 units at 20 fps, so most 100 us bus windows are empty.
scenarios::Scenario paced() {
  return scenarios::parse_scenario(
      "streams:\n  - {codec: vp8, input: {generate: {width: 64, height: 64, frames: 4}}, feed_fps: 20}\n", "paced.yaml");
}

}  // namespace

BOOST_AUTO_TEST_CASE(counter_samples_only_on_change) {
  const auto scenario = paced();
  std::string text;
  analysis::LiveTrace live(scenario, [&text](std::string_view piece) { text += piece; });
  scenarios::RunOptions options;
  options.observer = &live;
  const auto result = scenarios::run_scenario(scenario, scenarios::prepare_streams(scenario), options);
  live.finish(result);
  const auto trace = nlohmann::json::parse(text);
  std::map<std::string, std::vector<double>> samples;
  for (const auto& e : trace["traceEvents"])
    if (e["ph"] == "C") samples[e["name"].get<std::string>()].push_back(e["args"].begin()->get<double>());
  // The independent count: changes in the bus windows as analysis computes them.
  for (const auto& u : analysis::bus_utilisation(result)) {
    size_t changes = 0;
    for (size_t i = 0; i < u.points.size(); ++i) changes += i == 0 || u.points[i].percent != u.points[i - 1].percent;
    const auto& written = samples["bus utilisation " + u.initiator + " (%)"];
    BOOST_TEST(written.size() == changes);
    BOOST_TEST(written.size() * 10 < u.points.size());  // the run is mostly idle
  }
  for (const auto& [name, values] : samples)
    for (size_t i = 1; i < values.size(); ++i) BOOST_CHECK_MESSAGE(values[i] != values[i - 1], name << " repeats at " << i);
}

BOOST_AUTO_TEST_CASE(summary_nanoseconds_are_exact) {
  const auto scenario = scenarios::parse_scenario(
      "streams:\n  - {codec: vp8, input: {generate: {width: 176, height: 144, frames: 8}}}\n"
      "  - {codec: vp9, input: {generate: {width: 64, height: 64, frames: 8}}}\n",
      "exact.yaml");
  const auto result = scenarios::run_scenario(scenario, scenarios::prepare_streams(scenario));
  const std::string text = analysis::summary_json(scenario, result).dump();
  // "..._ns": value, or a key inside an _ns object; four or more decimals is noise.
  const std::regex noisy("\"[a-z_0-9]*\": ?-?[0-9]+\\.[0-9]{4,}");
  size_t checked = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), noisy), end; it != end; ++it) {
    const std::string m = it->str();
    if (m.find("utilisation") != std::string::npos) continue;  // a ratio, not a time
    BOOST_ERROR("not an exact time: " << m);
  }
  const std::regex times("\"[a-z_]*_ns\": ?[0-9.]+");
  for (std::sregex_iterator it(text.begin(), text.end(), times), end; it != end; ++it) ++checked;
  BOOST_TEST(checked > 10u);
}
