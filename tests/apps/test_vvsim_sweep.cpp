// `vvsim sweep` beyond the cross product's happy path: limits and argument
// checks before any point runs, the manifest / run-point / merge path every
// engine shares, resume by point id, provenance, sampling and the bisection
// search, checked against what the points' own summaries and a closed form say.
#define BOOST_TEST_MODULE vvsim_sweep
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <csignal>

#include "tests/support/vvsim_command.h"

namespace {

using namespace vvsim::test;
namespace fs = std::filesystem;

const std::string kPipeline = kSrc + "/scenarios/sweep_display_pipeline.yaml";

std::vector<nlohmann::json> manifest_points(const std::string& file) {
  std::istringstream lines(slurp(file));
  std::vector<nlohmann::json> out;
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

// A decoder scenario of `streams` streams that each pre-queue `buffers` output buffers.
std::string queue_scenario(const std::string& name, int streams, int buffers) {
  const std::string path = scratch(name + ".yaml");
  std::ofstream f(path);
  f << "description: " << streams << " streams x " << buffers << " output buffers\n"
    << "profile: " << kSrc << "/profiles/default.yaml\n"
    << "device: {max_streams: " << streams << ", max_resources: 32}\nstreams:\n";
  for (int i = 0; i < streams; ++i)
    f << "  - {name: s" << i << ", codec: vp8, input: {generate: {frames: 4}}, output_resources: " << buffers
      << ", input_resources: 2}\n";
  return path;
}

}  // namespace

// 10 parameters x 10 values is 10^10 points: refused at once with the count
// and the limit (it used to grow to 4 GB and end in std::bad_alloc).
BOOST_AUTO_TEST_CASE(a_sweep_over_the_point_limit_is_refused_before_anything_runs) {
  const std::string dir = scratch("sweep_limit");
  fs::remove_all(dir);
  std::string params;  // distinct keys, so the duplicate check does not answer first
  const char* keys[] = {"streams.0.output_hold_us", "streams.1.output_hold_us", "output_buffers", "input_buffers",
                        "cores", "clock_mhz", "platform.bus.clock_mhz", "device.commandq_size", "seed",
                        "time_limit_ms"};
  for (const char* k : keys) params += std::string(" --param ") + k + "=1,2,3,4,5,6,7,8,9,10";
  const auto r = run_vvsim("sweep " + kPipeline + params + " --out " + dir, "sweep_limit");
  BOOST_CHECK_EQUAL(r.status, 1);
  BOOST_CHECK_NE(r.err.find("10000000000 points, more than 100000 (the sweep limit)"), std::string::npos);
  BOOST_CHECK(!fs::exists(dir));
  const auto dry = run_vvsim("sweep " + kPipeline + params + " --dry-run", "sweep_limit_dry");
  BOOST_CHECK_EQUAL(dry.status, 1);  // a dry run states the same limit
}

BOOST_AUTO_TEST_CASE(dry_run_prints_the_point_count_and_writes_nothing) {
  const std::string dir = scratch("sweep_dry");
  fs::remove_all(dir);
  const auto r = run_vvsim("sweep " + kPipeline + " --param output_buffers=2,4,8,16 --param device.clock_mhz=200,400,800 "
                           "--param cores=1,2 --dry-run --out " + dir, "sweep_dry");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  BOOST_CHECK_EQUAL(r.out, "24 points\n");  // 4 x 3 x 2
  BOOST_CHECK(!fs::exists(dir));
  const auto sampled = run_vvsim("sweep " + kPipeline + " --param output_buffers=2..16 --sample lhs:7 --dry-run",
                                 "sweep_dry_lhs");
  BOOST_CHECK_EQUAL(sampled.out, "7 points\n");
}

// A repeated key is refused (not merged), also under its other name.
BOOST_AUTO_TEST_CASE(a_repeated_param_key_is_refused) {
  const auto twice = run_vvsim("sweep " + kPipeline + " --param cores=1 --param cores=2 --dry-run", "sweep_twice");
  BOOST_CHECK_EQUAL(twice.status, 1);
  BOOST_CHECK_NE(twice.err.find("--param 'cores' is given twice"), std::string::npos);
  BOOST_CHECK_NE(twice.err.find("refused, not merged"), std::string::npos);
  const auto alias = run_vvsim("sweep " + kPipeline + " --param cores=1 --param platform.engine.num_cores=2 --dry-run",
                               "sweep_alias");
  BOOST_CHECK_EQUAL(alias.status, 1);
  BOOST_CHECK_NE(alias.err.find("--param 'cores' and --param 'platform.engine.num_cores' both set "
                                "platform.engine.num_cores"), std::string::npos);
}

// A misspelt key: exit 1 naming it before any point runs (it used to run
// every point, all failing, and exit 0).
BOOST_AUTO_TEST_CASE(a_misspelt_param_key_stops_the_sweep_before_any_point) {
  const std::string dir = scratch("sweep_corez");
  fs::remove_all(dir);
  const auto r = run_vvsim("sweep " + kPipeline + " --param corez=1,2 --out " + dir, "sweep_corez");
  BOOST_CHECK_EQUAL(r.status, 1);
  BOOST_CHECK_NE(r.err.find("--param 'corez': the scenario takes none of its values"), std::string::npos);
  BOOST_CHECK_NE(r.err.find("unknown key 'corez'"), std::string::npos);
  BOOST_CHECK(!fs::exists(dir + "/points"));
}

// The sweep page plots p50 next to p99, links each point's report, and each
// point's summary records its parameter values and the row's provenance.
BOOST_AUTO_TEST_CASE(points_carry_their_values_reports_and_provenance) {
  const std::string dir = scratch("sweep_reports");
  fs::remove_all(dir);
  const auto r = run_vvsim("sweep " + kPipeline + " --param output_buffers=2,8 --param cores=1,2 --reports "
                           "--timing-only --quiet --out " + dir, "sweep_reports");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto rows = read_csv(slurp(dir + "/sweep.csv"));
  BOOST_REQUIRE_EQUAL(rows.size(), 4u);
  const std::string html = slurp(dir + "/sweep.html");
  BOOST_CHECK_NE(html.find("p50 latency vs output_buffers"), std::string::npos);
  BOOST_CHECK_NE(html.find("p99 latency vs cores"), std::string::npos);
  std::set<std::string> ids;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string point = dir + "/points/000" + std::to_string(i);
    const auto s = nlohmann::json::parse(slurp(point + "/summary.json"));
    const auto& sp = s.at("sweep_point");
    BOOST_CHECK_EQUAL(sp.at("params").at("output_buffers").get<std::string>(), rows[i].at("output_buffers"));
    BOOST_CHECK_EQUAL(sp.at("params").at("cores").get<std::string>(), rows[i].at("cores"));
    // The run really used them: one core's utilisation per core in its summary.
    BOOST_CHECK_EQUAL(s.at("cores").size(), std::stoul(rows[i].at("cores")));
    BOOST_CHECK_EQUAL(sp.at("point_id").get<std::string>(), rows[i].at("point_id"));
    BOOST_CHECK_EQUAL(rows[i].at("point_id").size(), 16u);
    BOOST_CHECK_EQUAL(rows[i].at("profile_digest").size(), 16u);
    BOOST_CHECK_EQUAL(rows[i].at("vvsim_version").rfind("0.1 (build ", 0), 0u);
    ids.insert(rows[i].at("point_id"));
    BOOST_CHECK(fs::exists(point + "/report.html"));
    BOOST_CHECK_NE(html.find("<a href=\"points/000" + std::to_string(i) + "/report.html\">"), std::string::npos);
  }
  BOOST_CHECK_EQUAL(ids.size(), 4u);
  // One core and two cores are different effective profiles; buffers are not in the profile.
  BOOST_CHECK_NE(rows[0].at("profile_digest"), rows[1].at("profile_digest"));
  BOOST_CHECK_EQUAL(rows[0].at("profile_digest"), rows[2].at("profile_digest"));
}

// Rerunning skips every point whose stored result carries its id; a changed
// --set changes every id; `merge` rebuilds the same bytes; points that did
// not complete are listed with their exit status.
BOOST_AUTO_TEST_CASE(resume_skips_points_with_the_same_id_and_merge_rebuilds_the_outputs) {
  const std::string dir = scratch("sweep_resume");
  fs::remove_all(dir);
  const std::string args = "sweep " + kSrc + "/scenarios/commandq_exhaustion.yaml --param device.commandq_size=16,64 "
                           "--param cores=1,2 --timing-only --out " + dir;
  const auto first = run_vvsim(args, "sweep_resume1");
  BOOST_REQUIRE_MESSAGE(first.status == 0, first.err);
  BOOST_CHECK_NE(first.out.find("point 0 (device.commandq_size=16 cores=1): exit 3: "), std::string::npos);
  BOOST_CHECK_NE(first.out.find("point 1 (device.commandq_size=16 cores=2): exit 3: "), std::string::npos);
  BOOST_CHECK_EQUAL(first.out.find("point 2 ("), std::string::npos);
  const std::string csv = slurp(dir + "/sweep.csv"), html = slurp(dir + "/sweep.html");
  const auto stamp = fs::last_write_time(dir + "/points/0000/summary.json");
  fs::remove(dir + "/points/0003/result.json");
  const auto again = run_vvsim(args, "sweep_resume2");
  BOOST_REQUIRE_EQUAL(again.status, 0);
  BOOST_CHECK_NE(again.out.find("resuming: 3 of 4 points already done"), std::string::npos);
  BOOST_CHECK(fs::last_write_time(dir + "/points/0000/summary.json") == stamp);  // not run again
  BOOST_CHECK(slurp(dir + "/sweep.csv") == csv);
  fs::remove(dir + "/sweep.csv");
  fs::remove(dir + "/sweep.html");
  const auto merged = run_vvsim("sweep merge " + dir, "sweep_resume_merge");
  BOOST_REQUIRE_MESSAGE(merged.status == 0, merged.err);
  BOOST_CHECK(slurp(dir + "/sweep.csv") == csv);
  BOOST_CHECK(slurp(dir + "/sweep.html") == html);
  const auto changed = run_vvsim(args + " --set streams.0.output_hold_us=1", "sweep_resume3");
  BOOST_REQUIRE_EQUAL(changed.status, 0);
  BOOST_CHECK_EQUAL(changed.out.find("resuming"), std::string::npos);
  BOOST_CHECK(fs::last_write_time(dir + "/points/0000/summary.json") != stamp);
}

// The manifest names each point's command; running the points one by one in
// any order with run-point (as array tasks do) and merging gives the same
// bytes as the local engine.
BOOST_AUTO_TEST_CASE(manifest_points_run_one_by_one_merge_to_the_local_engines_bytes) {
  const std::string local = scratch("sweep_local"), manual = scratch("sweep_manual");
  fs::remove_all(local);
  fs::remove_all(manual);
  const std::string args = "sweep " + kPipeline + " --param output_buffers=2,4,8 --param cores=1,2 --timing-only ";
  BOOST_REQUIRE_EQUAL(run_vvsim(args + "--quiet --out " + local, "sweep_local").status, 0);
  const std::string manifest = manual + "/points.jsonl";
  const auto emitted = run_vvsim(args + "--out " + manual + " --emit-points " + manifest, "sweep_emit");
  BOOST_REQUIRE_MESSAGE(emitted.status == 0, emitted.err);
  BOOST_CHECK(!fs::exists(manual + "/points"));  // planned, not run
  const auto points = manifest_points(manifest);
  BOOST_REQUIRE_EQUAL(points.size(), 6u);
  BOOST_CHECK_EQUAL(points[5].at("command")[1].get<std::string>(), "run");
  for (int i = 5; i >= 3; --i)
    BOOST_REQUIRE_EQUAL(run_vvsim("sweep run-point " + manifest + " " + std::to_string(i), "sweep_point").status, 0);
  BOOST_REQUIRE_EQUAL(run_vvsim("sweep run-point " + manifest + " 2 0 1", "sweep_points").status, 0);  // a task of 3
  BOOST_CHECK_EQUAL(run_vvsim("sweep run-point " + manifest + " 6", "sweep_point6").status, 1);
  BOOST_REQUIRE_EQUAL(run_vvsim("sweep merge " + manual, "sweep_manual_merge").status, 0);
  BOOST_CHECK(slurp(local + "/sweep.csv") == slurp(manual + "/sweep.csv"));
  BOOST_CHECK(slurp(local + "/sweep.html") == slurp(manual + "/sweep.html"));
}

// Parallel local points each decode on one host thread unless the user
// gives a count; one point at a time keeps the run's default (every core).
BOOST_AUTO_TEST_CASE(points_get_one_host_thread_when_local_points_run_in_parallel) {
  const auto host_threads_of = [](const std::string& options, const std::string& tag) {
    const std::string dir = scratch(tag);
    fs::remove_all(dir);
    const auto r = run_vvsim("sweep " + kPipeline + " --param cores=1,2 --timing-only " + options + " --out " + dir +
                             " --emit-points " + dir + "/points.jsonl", tag);
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    std::set<std::string> counts;
    for (const auto& p : manifest_points(dir + "/points.jsonl")) {
      const auto command = p.at("command").get<std::vector<std::string>>();
      const auto it = std::find(command.begin(), command.end(), "--host-threads");
      counts.insert(it == command.end() ? "absent" : *(it + 1));
    }
    return counts;
  };
  BOOST_CHECK(host_threads_of("--jobs 2", "sweep_threads_jobs2") == std::set<std::string>{"1"});
  BOOST_CHECK(host_threads_of("--jobs 1", "sweep_threads_jobs1") == std::set<std::string>{"absent"});
  BOOST_CHECK(host_threads_of("--jobs 2 --host-threads 3", "sweep_threads_user") == std::set<std::string>{"3"});
}

// Sampled points: inside their ranges, the same for the same seed, other
// for another; a Latin hypercube puts exactly one point in each of the N
// strata of every parameter.
BOOST_AUTO_TEST_CASE(sampled_points_are_reproducible_and_lhs_fills_every_stratum) {
  const std::string params = " --param streams.0.output_hold_us=0..9999 --param platform.bus.clock_mhz=100.5..900.5 ";
  auto plan = [&](const std::string& sample, const std::string& tag) {
    const std::string dir = scratch(tag);
    const auto r = run_vvsim("sweep " + kPipeline + params + sample + " --out " + dir + " --emit-points " + dir +
                             "/points.jsonl", tag);
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    std::vector<nlohmann::json> values;  // the commands differ: they name each plan's directory
    for (const auto& p : manifest_points(dir + "/points.jsonl")) values.push_back(p.at("params"));
    return values;
  };
  const auto lhs = plan("--sample lhs:10 --seed 7", "sweep_lhs_a");
  BOOST_REQUIRE_EQUAL(lhs.size(), 10u);
  std::set<int> hold_strata, clock_strata;
  for (const auto& p : lhs) {
    const long hold = std::stol(p[0][1].get<std::string>());
    const double clock = std::stod(p[1][1].get<std::string>());
    BOOST_CHECK(hold >= 0 && hold <= 9999);
    BOOST_CHECK(clock >= 100.5 && clock < 900.5);
    hold_strata.insert(int(hold / 1000));                  // 10,000 values in 10 strata of 1,000
    clock_strata.insert(int((clock - 100.5) / 80.0));      // 800 MHz in 10 strata of 80
  }
  BOOST_CHECK_EQUAL(hold_strata.size(), 10u);
  BOOST_CHECK_EQUAL(clock_strata.size(), 10u);
  BOOST_CHECK(plan("--sample lhs:10 --seed 7", "sweep_lhs_b") == lhs);
  BOOST_CHECK(plan("--sample lhs:10 --seed 8", "sweep_lhs_c") != lhs);
  const auto random = plan("--sample random:20 --seed 3", "sweep_random_a");
  BOOST_REQUIRE_EQUAL(random.size(), 20u);
  for (const auto& p : random) {
    const std::string hold = p[0][1].get<std::string>();
    BOOST_CHECK_EQUAL(hold.find_first_not_of("0123456789"), std::string::npos);  // an integer range gives integers
  }
  BOOST_CHECK(plan("--sample random:20 --seed 3", "sweep_random_b") == random);
  const auto bad = run_vvsim("sweep " + kPipeline + " --param cores=2..1 --sample random:3 --dry-run", "sweep_badrange");
  BOOST_CHECK_EQUAL(bad.status, 1);
  BOOST_CHECK_NE(bad.err.find("LO is above HI"), std::string::npos);
}

// v6 holds two commandq descriptors per queued resource until it is answered:
// S streams x C pre-queued outputs deadlock a queue of Q descriptors once
// 2*S*C >= Q (no room for an input). The search over the powers of two the
// loader takes must answer the smallest power of two above 2*S*C, and the
// scenario must really deadlock at half of it.
BOOST_AUTO_TEST_CASE(find_min_commandq_size_meets_the_closed_form) {
  for (const auto& [streams, buffers] : {std::pair{2, 8}, std::pair{3, 5}}) {
    int expected = 1;
    while (expected <= 2 * streams * buffers) expected *= 2;
    const std::string tag = "sweep_findmin_" + std::to_string(streams) + "x" + std::to_string(buffers);
    const auto r = run_vvsim("sweep " + queue_scenario(tag, streams, buffers) +
                             " --find-min device.commandq_size --param device.commandq_size=2..32768 "
                             "--until outcome=completed --timing-only --out " + scratch(tag), tag);
    BOOST_TEST_CONTEXT(tag) {
      BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
      const std::string answer = "device.commandq_size = " + std::to_string(expected) + "\n";
      BOOST_CHECK(r.out.size() >= answer.size() && r.out.substr(r.out.size() - answer.size()) == answer);
      BOOST_CHECK_NE(r.out.find("device.commandq_size = " + std::to_string(expected / 2) + ": deadlock (exit 3)"),
                     std::string::npos);
      BOOST_CHECK_NE(r.out.find("device.commandq_size = " + std::to_string(expected) + ": completed (exit 0)"),
                     std::string::npos);
      // Only powers of two were run: every evaluated line's value is one.
      std::istringstream lines(r.out);
      for (std::string line; std::getline(lines, line);) {
        if (line.find(": ") == std::string::npos || line.rfind("device.commandq_size = ", 0) != 0) continue;
        const long v = std::stol(line.substr(23));
        BOOST_CHECK_MESSAGE(v > 0 && (v & (v - 1)) == 0, line);
      }
      BOOST_CHECK_EQUAL(read_csv(slurp(scratch(tag) + "/sweep.csv")).size(), 5u);  // log2 of 14 candidates, plus 1
    }
  }
}

// A point killed by a signal (here SIGKILL, at a hard CPU-time limit of 2 s per
// process) has no vvsim outcome: --retries runs it again, and it is reported
// with its status and attempts. A point that reached an outcome is not rerun.
BOOST_AUTO_TEST_CASE(points_killed_by_a_signal_are_retried_and_reported) {
  const std::string dir = scratch("sweep_retries");
  fs::remove_all(dir);
  const std::string out = scratch("sweep_retries.out");
  const int raw = std::system(("ulimit -t 2; " + kBin + " sweep " + kPipeline +
                               " --param streams.0.input.generate.frames=2,100000 --timing-only --retries 1 --out " +
                               dir + " > " + out + " 2>&1").c_str());
  BOOST_REQUIRE_EQUAL(WEXITSTATUS(raw), 0);
  const std::string text = slurp(out);
  const auto rows = read_csv(slurp(dir + "/sweep.csv"));
  BOOST_REQUIRE_EQUAL(rows.size(), 2u);
  BOOST_CHECK_EQUAL(rows[0].at("exit_status"), "0");
  BOOST_CHECK_EQUAL(rows[1].at("exit_status"), std::to_string(128 + SIGKILL));
  const auto quick = nlohmann::json::parse(slurp(dir + "/points/0000/result.json"));
  const auto killed = nlohmann::json::parse(slurp(dir + "/points/0001/result.json"));
  BOOST_CHECK_EQUAL(quick.at("attempts"), 1);
  BOOST_CHECK_EQUAL(killed.at("attempts"), 2);  // the run and one retry
  BOOST_CHECK_NE(text.find("point 1 (streams.0.input.generate.frames=100000): exit " + std::to_string(128 + SIGKILL) +
                           " after 2 attempts: killed by signal 9"), std::string::npos);
}
