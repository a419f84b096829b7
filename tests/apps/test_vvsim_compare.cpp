// `vvsim compare`: a scenario under several protocols and two finished runs.
// The figures are checked against what each run's own summary.json says
// (divided per frame here, by hand), the transport's counts against the
// devices' and drivers' own counters, and compare.html against compare.json.
#define BOOST_TEST_MODULE vvsim_compare
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <regex>

#include "tests/support/vvsim_command.h"

namespace {

using namespace vvsim::test;
using nlohmann::json;
namespace fs = std::filesystem;

const std::string kExhaustion = kSrc + "/scenarios/commandq_exhaustion.yaml";

json read_json(const std::string& path) { return json::parse(slurp(path)); }

const json& figure(const json& compare, const std::string& key) {
  for (const auto& f : compare.at("figures"))
    if (f.at("key") == key) return f;
  BOOST_FAIL("no figure " + key);
  static const json none;
  return none;
}

double frames_of(const json& summary) {
  double frames = 0;
  for (const auto& s : summary.at("streams")) frames += s.at("frames_out").get<double>();
  return frames;
}

// The name of this process's compare of the exhaustion scenario: ctest runs each test case as a
// process of its own, in parallel, so each has its own directory and output files.
const std::string& exhaustion_tag() {
  static const std::string tag =
      "compare_exhaustion_" + std::string(boost::unit_test::framework::current_test_case().p_name);
  return tag;
}
std::string exhaustion_dir() { return scratch(exhaustion_tag()); }

// `vvsim compare` of the exhaustion scenario under both protocols, once per process.
const json& exhaustion_compare() {
  static const json compare = [] {
    const std::string dir = exhaustion_dir();
    fs::remove_all(dir);
    const auto r = run_vvsim("compare " + kExhaustion + " --protocols v6,media --out " + dir, exhaustion_tag());
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    BOOST_CHECK_NE(r.out.find("* frames"), std::string::npos);  // the table marks the differing row
    return read_json(dir + "/compare.json");
  }();
  return compare;
}

json summary_of(const std::string& protocol) {
  exhaustion_compare();
  return read_json(exhaustion_dir() + "/" + protocol + "/summary.json");
}

}  // namespace

// Two streams x 6 pre-queued outputs (2 descriptors each) need 24 commandq
// descriptors: v6 holds every one of a 16-entry commandq and deadlocks,
// virtio-media answers at once and completes.
BOOST_AUTO_TEST_CASE(exhaustion_deadlocks_v6_and_not_media) {
  const auto& c = exhaustion_compare();
  BOOST_REQUIRE_EQUAL(c.at("runs").size(), 2u);
  BOOST_CHECK_EQUAL(c["runs"][0]["label"], "v6");
  BOOST_CHECK_EQUAL(c["runs"][0]["outcome"], "deadlock");
  BOOST_CHECK_EQUAL(c["runs"][0]["exit_status"], 3);
  BOOST_CHECK_NE(c["runs"][0]["reason"].get<std::string>().find("commandq 16/16 descriptors in use"), std::string::npos);
  BOOST_CHECK_EQUAL(c["runs"][1]["outcome"], "completed");
  const int q = 16, held = std::min(q, 2 * 2 * 6);
  BOOST_CHECK_EQUAL(figure(c, "commandq.peak_descriptors_held")["values"][0], held);
  BOOST_CHECK(figure(c, "commandq.peak_descriptors_held")["differs"].get<bool>());
  BOOST_CHECK(figure(c, "frames")["differs"].get<bool>());
  BOOST_CHECK(figure(c, "latency_p50_ms")["values"][0].is_null());  // no frames: no latency, not 0
  BOOST_CHECK(c.at("frames_equal").get<bool>());  // only completed runs are compared
}

// The transport's chain count is the device's own command count; the eventq's
// the events the driver received; every per-frame figure is its summary's total / frames.
BOOST_AUTO_TEST_CASE(figures_are_the_summaries_totals_per_frame) {
  const auto& c = exhaustion_compare();
  const json media = summary_of("media");
  const auto& queues = media.at("traffic").at("queues");
  BOOST_CHECK_EQUAL(queues[0]["name"], "commandq");
  BOOST_CHECK_EQUAL(queues[0]["chains"], media["device"]["commands"]);
  BOOST_CHECK_EQUAL(queues[1]["chains"], media["events"]["received"]);
  const double frames = frames_of(media);
  BOOST_CHECK_EQUAL(frames, 20);
  const auto per_frame = [&](double total) { return std::round(total / frames * 1000) / 1000; };
  BOOST_CHECK_CLOSE(figure(c, "commandq.chains_per_frame")["values"][1].get<double>(),
                    per_frame(queues[0]["chains"].get<double>()), 1e-9);
  BOOST_CHECK_CLOSE(figure(c, "interrupts_per_frame")["values"][1].get<double>(), per_frame(media["interrupts"]), 1e-9);
  BOOST_CHECK_CLOSE(figure(c, "bus_bytes_per_frame")["values"][1].get<double>(),
                    per_frame(media["bus"]["cpu_bytes"].get<double>() + media["bus"]["device_bytes"].get<double>()), 1e-9);
  BOOST_CHECK_CLOSE(figure(c, "latency_p99_ms")["values"][1].get<double>(),
                    std::round(media["latency_ns"]["p99"].get<double>() / 1e3) / 1e3, 1e-9);
  const json v6 = summary_of("v6");
  BOOST_CHECK_EQUAL(v6["traffic"]["queues"][0]["chains"], v6["device"]["commands"]);
}

// virtio-media sends one command at a time: each is its own round trip.
BOOST_AUTO_TEST_CASE(media_round_trips_are_its_commands) {
  const json first = summary_of("media").at("traffic").at("first_frame");
  BOOST_CHECK_GT(first["commands"].get<int>(), 10);
  BOOST_CHECK_EQUAL(first["round_trips"], first["commands"]);
}

// Every figure row of compare.html shows compare.json's values (marked where they differ).
BOOST_AUTO_TEST_CASE(html_shows_the_json) {
  const auto& c = exhaustion_compare();
  const std::string html = slurp(exhaustion_dir() + "/compare.html");
  const auto start = html.find("<h2>Figures");
  BOOST_REQUIRE(start != std::string::npos);
  const std::string table = html.substr(start, html.find("</table>", start) - start);
  const std::regex row("<tr>(<td>.*?</td>)</tr>"), cell("<td>(<mark>)?([^<]*)(</mark>)?</td>");
  size_t index = 0;
  for (auto r = std::sregex_iterator(table.begin(), table.end(), row); r != std::sregex_iterator(); ++r, ++index) {
    BOOST_REQUIRE_LT(index, c["figures"].size());
    const auto& f = c["figures"][index];
    const std::string cells = (*r)[1];
    std::vector<std::smatch> found;
    for (auto m = std::sregex_iterator(cells.begin(), cells.end(), cell); m != std::sregex_iterator(); ++m) found.push_back(*m);
    BOOST_REQUIRE_EQUAL(found.size(), 1 + f["values"].size());
    BOOST_CHECK_NE(found[0][2].str().find(f["label"].get<std::string>()), std::string::npos);
    for (size_t i = 0; i < f["values"].size(); ++i) {
      BOOST_CHECK_EQUAL(found[i + 1][1].matched, f["differs"].get<bool>());
      const auto& v = f["values"][i];
      if (v.is_null()) BOOST_CHECK_EQUAL(found[i + 1][2].str(), "-");
      else BOOST_CHECK_SMALL(std::stod(found[i + 1][2].str()) - v.get<double>(), 1e-9);
    }
  }
  BOOST_CHECK_EQUAL(index, c["figures"].size());
  BOOST_CHECK_NE(html.find("commandq 16/16 descriptors in use"), std::string::npos);  // v6's deadlock reason
}

// Two run directories (two profiles: one and two codec cores): the changed setting is named and
// the figures are those of each run's summary.
BOOST_AUTO_TEST_CASE(two_run_directories) {
  const std::string a = scratch("compare_run_2"), b = scratch("compare_run_8"), out = scratch("compare_runs");
  const std::string scenario = kSrc + "/scenarios/default.yaml";
  BOOST_REQUIRE_EQUAL(run_vvsim("run " + scenario + " --quiet --set cores=1 --out " + a, "compare_a").status, 0);
  BOOST_REQUIRE_EQUAL(run_vvsim("run " + scenario + " --quiet --set cores=2 --out " + b, "compare_b").status, 0);
  const auto r = run_vvsim("compare " + a + " " + b + " --out " + out, "compare_runs");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const json c = read_json(out + "/compare.json");
  BOOST_CHECK_EQUAL(c["runs"][0]["label"], "cli_compare_run_2");
  bool named = false;
  for (const auto& s : c["settings_differing"])
    named = named || (s["key"] == "engine.num_cores" && s["values"][0] == "1" && s["values"][1] == "2");
  BOOST_CHECK(named);
  const json sa = read_json(a + "/summary.json");
  BOOST_CHECK_CLOSE(figure(c, "latency_p50_ms")["values"][0].get<double>(),
                    std::round(sa["latency_ns"]["p50"].get<double>() / 1e3) / 1e3, 1e-9);
  BOOST_CHECK(c["frames_equal"].get<bool>());
}

BOOST_AUTO_TEST_CASE(bad_arguments_name_the_argument) {
  const std::string out = " --out " + scratch("compare_bad"), good = scratch("compare_bad_good_run");
  BOOST_REQUIRE_EQUAL(run_vvsim("run " + kSrc + "/scenarios/default.yaml --timing-only --quiet --out " + good,
                                "compare_bad_good_run").status, 0);
  const auto unknown = run_vvsim("compare " + kExhaustion + " --protocols v6,v7" + out, "compare_bad_protocol");
  BOOST_CHECK_EQUAL(unknown.status, 1);
  BOOST_CHECK_EQUAL(unknown.err.rfind("vvsim: --protocols 'v6,v7': no protocol 'v7' (known: ", 0), 0u);
  BOOST_CHECK_EQUAL(std::count(unknown.err.begin(), unknown.err.end(), '\n'), 1);
  const auto missing = run_vvsim("compare /nonexistent " + good + out, "compare_bad_dir");
  BOOST_CHECK_EQUAL(missing.status, 1);
  BOOST_CHECK_NE(missing.err.find("RUN_DIR_A '/nonexistent': not a directory"), std::string::npos);
  const auto empty = run_vvsim("compare " + good + " " + kSrc + "/docs" + out, "compare_bad_b");
  BOOST_CHECK_EQUAL(empty.status, 1);
  BOOST_CHECK_NE(empty.err.find("RUN_DIR_B '" + kSrc + "/docs': no readable summary.json"), std::string::npos);
  const auto twice = run_vvsim("compare " + kExhaustion + " --protocols v6,v6" + out, "compare_bad_twice");
  BOOST_CHECK_NE(twice.err.find("'v6' is given twice"), std::string::npos);
  const auto set = run_vvsim("compare " + kExhaustion + " --set nonsense.key=1" + out, "compare_bad_set");
  BOOST_CHECK_EQUAL(set.status, 1);
  BOOST_CHECK_NE(set.err.find("nonsense"), std::string::npos);
}
