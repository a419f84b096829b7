// Every effective setting is shown, and the changed ones are marked: in
// summary.json, in the terminal summary and in the HTML report.
#define BOOST_TEST_MODULE settings
#include <boost/test/unit_test.hpp>

#include <yaml-cpp/yaml.h>

#include "analysis/html_report.h"
#include "analysis/settings.h"
#include "analysis/summary.h"

using namespace vvsim;

namespace {

const std::string kStream = "streams:\n  - {codec: vp8, input: {generate: {width: 64, height: 64, frames: 2}}}\n";

size_t leaf_count(const YAML::Node& node) {
  if (!node.IsMap()) return 1;
  size_t n = 0;
  for (const auto& e : node) n += leaf_count(e.second);
  return n;
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_value_is_listed_and_changes_are_marked) {
  const auto scenario = scenarios::parse_scenario(
      "platform: {bus: {latency_cycles: 20}}\ndevice: {codecs: [VP8]}\ndriver_policy: {initial_format: from_stream}\n" +
          kStream,
      "settings.yaml", {"cores=1"});
  const auto settings = analysis::effective_settings(scenario);
  // Every leaf of the written profile (device included) plus the four driver policy values.
  const size_t profile_leaves = leaf_count(YAML::Load(models::to_yaml(models::PlatformProfile{})));
  BOOST_TEST(settings.size() == profile_leaves + 4);
  std::vector<std::string> changed;
  for (const auto& s : settings)
    if (s.changed()) changed.push_back(s.key + "=" + s.value + " (" + s.default_value + ")");
  const std::vector<std::string> expected = {"bus.latency_cycles=20 (10)", "engine.num_cores=1 (2)",
                                             "device.codecs=[VP8] ([VP8, VP9, H264, HEVC, MPEG2])",
                                             "driver_policy.initial_format=from_stream (device_default)"};
  BOOST_TEST(changed == expected, boost::test_tools::per_element());

  const auto json = analysis::summary_json(scenario, scenarios::RunResult{});
  BOOST_TEST(json["settings"].size() == settings.size());
  BOOST_TEST(json["settings"]["device.commandq_size"] == "64");
  BOOST_TEST(json["changed_settings"].size() == 4u);
  BOOST_TEST(json["changed_settings"]["engine.num_cores"]["default"] == "2");
  const auto text = analysis::human_summary(scenario, scenarios::RunResult{});
  BOOST_TEST(text.find("settings changed from defaults: bus.latency_cycles=20, engine.num_cores=1, "
                       "device.codecs=[VP8], driver_policy.initial_format=from_stream") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(defaults_only_says_so) {
  const auto scenario = scenarios::parse_scenario(kStream, "plain.yaml");
  const auto text = analysis::human_summary(scenario, scenarios::RunResult{});
  BOOST_TEST(text.find("settings: all defaults") != std::string::npos);
  BOOST_TEST(analysis::summary_json(scenario, scenarios::RunResult{})["changed_settings"].empty());
}

// The report's settings table: one row per setting, the changed ones marked.
BOOST_AUTO_TEST_CASE(report_lists_every_setting) {
  const auto scenario = scenarios::parse_scenario("device: {commandq_size: 32}\n" + kStream, "report.yaml");
  const auto result = scenarios::run_scenario(scenario, scenarios::prepare_streams(scenario));
  const std::string html = analysis::run_report_html(scenario, result);
  const auto at = html.find("<h2>Settings</h2>");
  BOOST_REQUIRE(at != std::string::npos);
  const std::string section = html.substr(at, html.find("</table>", at) - at);
  const size_t settings = analysis::effective_settings(scenario).size();
  BOOST_TEST(count(section, "<tr>") == settings + 1);  // a header row
  BOOST_TEST(count(section, "<b>changed</b>") == 1u);
  BOOST_TEST(section.find("<td>device.commandq_size</td>") != std::string::npos);
}

// A scenario run under another protocol (virtio-media has no feature bits of
// its own) asks for that protocol's default features: nothing is "changed".
BOOST_AUTO_TEST_CASE(the_default_features_are_the_scenarios_protocols) {
  for (const std::string protocol : {"v6", "media"}) {
    const auto scenario = scenarios::parse_scenario("protocol: " + protocol + "\n" + kStream, "settings.yaml");
    for (const auto& s : analysis::effective_settings(scenario))
      BOOST_CHECK_MESSAGE(!s.changed(), protocol << ": " << s.key << " = " << s.value << " (default " << s.default_value << ")");
  }
  const auto v6_guest_pages_only = scenarios::parse_scenario("driver_policy: {features: [guest_pages]}\n" + kStream, "settings.yaml");
  size_t changed = 0;
  for (const auto& s : analysis::effective_settings(v6_guest_pages_only)) changed += s.changed() && s.key == "driver_policy.features";
  BOOST_TEST(changed == 1u);
}
