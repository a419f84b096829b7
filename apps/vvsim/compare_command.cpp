#include "apps/vvsim/compare_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>

#include "analysis/compare.h"
#include "apps/vvsim/output_files.h"
#include "apps/vvsim/sweep_process.h"
#include "models/platform/protocol.h"
#include "scenarios/scenario.h"

namespace vvsim::app {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> requested_protocols(const std::string& list) {
  if (list.empty()) return models::protocol_names();
  std::vector<std::string> out;
  std::stringstream items(list);
  for (std::string name; std::getline(items, name, ',');) {
    if (!models::find_protocol(name))
      throw std::invalid_argument(fmt::format("--protocols '{}': no protocol '{}' (known: {})", list, name,
                                              fmt::join(models::protocol_names(), ", ")));
    if (std::find(out.begin(), out.end(), name) != out.end())
      throw std::invalid_argument(fmt::format("--protocols '{}': '{}' is given twice", list, name));
    out.push_back(name);
  }
  if (out.empty()) throw std::invalid_argument("--protocols: give protocol names, e.g. --protocols v6,media");
  return out;
}

// Each protocol's `vvsim run` in OUT/PROTOCOL; a protocol that refuses the
// scenario (a key it has no model of) is a result, not an error.
std::vector<analysis::ComparedRun> run_protocols(const CompareArgs& a, const std::vector<std::string>& protocols) {
  std::vector<Job> jobs;
  std::vector<analysis::ComparedRun> runs;
  for (const auto& p : protocols) {
    const fs::path dir = fs::path(a.out) / p;
    fs::create_directories(dir);
    fs::remove(dir / "summary.json");  // a summary from an earlier comparison must not stand in for this run's
    std::vector<std::string> argv = {self_executable(), "run", a.targets[0], "--out", dir.string(), "--quiet",
                                     "--set", "protocol=" + p};
    for (const auto& o : a.overrides) argv.insert(argv.end(), {"--set", o});
    if (a.timing_only) argv.push_back("--timing-only");
    jobs.push_back({argv, dir / "stdout.txt", dir / "stderr.txt"});
    runs.push_back({p, (fs::path(p) / "summary.json").string(), std::nullopt, "", std::nullopt});
  }
  run_jobs(jobs, a.jobs, [&](size_t i, int status) {
    runs[i].exit_status = status;
    runs[i].summary = read_json_file(fs::path(a.out) / protocols[i] / "summary.json");
    if (!runs[i].summary) runs[i].error = first_error_line(read_text_file(jobs[i].err));
  });
  return runs;
}

analysis::ComparedRun finished_run(const char* argument, const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw std::invalid_argument(fmt::format("{} '{}': not a directory (give a directory `vvsim run --out` wrote)",
                                            argument, dir));
  const fs::path file = fs::path(dir) / "summary.json";
  auto summary = read_json_file(file);
  if (!summary)
    throw std::invalid_argument(fmt::format("{} '{}': no readable summary.json in it (give a directory `vvsim run "
                                            "--out` wrote)", argument, dir));
  return {fs::path(dir).lexically_normal().filename().string(), file.string(), std::nullopt, "", std::move(summary)};
}

std::vector<analysis::ComparedRun> runs_to_compare(const CompareArgs& a, std::string& title) {
  if (a.targets.size() == 2) {
    if (!a.protocols.empty())
      throw std::invalid_argument("--protocols: applies to a scenario, not to two run directories");
    auto runs = std::vector<analysis::ComparedRun>{finished_run("RUN_DIR_A", a.targets[0]),
                                                   finished_run("RUN_DIR_B", a.targets[1])};
    if (runs[0].label == runs[1].label) runs[0].label = a.targets[0], runs[1].label = a.targets[1];
    title = fmt::format("{} vs {}", a.targets[0], a.targets[1]);
    return runs;
  }
  std::error_code ec;
  if (a.targets.size() != 1 || !fs::is_regular_file(a.targets[0], ec))
    throw std::invalid_argument(fmt::format("compare '{}': give a scenario file, or two run directories",
                                            fmt::join(a.targets, " ")));
  const auto protocols = requested_protocols(a.protocols);
  scenarios::load_scenario(a.targets[0], a.overrides);  // a bad --set or scenario is refused before anything runs
  title = a.targets[0];
  return run_protocols(a, protocols);
}

}  // namespace

void add_compare_command(CLI::App& app, CompareCommand& c) {
  auto& a = c.args;
  c.compare = app.add_subcommand(
      "compare", "Run a scenario under several protocols, or compare two finished runs; write compare.json and "
                 "compare.html to the output directory and print the table");
  auto* s = c.compare;
  s->add_option("targets", a.targets, "SCENARIO (YAML), or RUN_DIR_A RUN_DIR_B (directories vvsim run wrote)")
      ->required()
      ->expected(1, 2);
  s->add_option("--protocols", a.protocols, "Comma-separated protocols to run the scenario under (default: all)");
  s->add_option("--set", a.overrides, "Override a scenario value in every run: key.path=value");
  s->add_option("--out", a.out, "Output directory (default: out/compare); each protocol's run in OUT/PROTOCOL");
  s->add_option("--jobs", a.jobs, "Runs at once (default 2)")->check(CLI::Range(1u, 64u));
  s->add_flag("--timing-only", a.timing_only, "Run every protocol in timing-only mode (no pixels, no checksums)");
  s->add_flag("--quiet", a.quiet, "Print nothing but errors");
}

int run_compare_command(const CompareCommand& c) {
  const auto& a = c.args;
  make_output_directory("--out", a.out);
  const std::string json_path = (fs::path(a.out) / "compare.json").string();
  const std::string html_path = (fs::path(a.out) / "compare.html").string();
  check_output_file("--out", json_path);
  check_output_file("--out", html_path);
  std::string title;
  const auto runs = runs_to_compare(a, title);
  const auto compare = analysis::compare_json(title, runs);
  write_output_file(json_path, compare.dump(2) + "\n");
  write_output_file(html_path, analysis::compare_html(compare));
  if (!a.quiet) std::cout << analysis::compare_table(compare) << "  compare: " << json_path << "\n  report: " << html_path << "\n";
  return 0;
}

}  // namespace vvsim::app
