#include "apps/vvsim/sweep_command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "analysis/sweep.h"
#include "analysis/sweep_report.h"
#include "scenarios/scenario.h"

extern char** environ;

namespace vvsim::app {

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  std::string line = text.substr(0, end);
  const std::string prefix = "vvsim: ";
  return line.rfind(prefix, 0) == 0 ? line.substr(prefix.size()) : line;
}

// One point's `vvsim run`, its output and error streams to files in its directory.
pid_t spawn_point(const std::vector<std::string>& argv, const fs::path& dir) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, (dir / "stdout.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, (dir / "stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> raw;
  for (const auto& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
  raw.push_back(nullptr);
  pid_t pid = -1;
  const int err = posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return err == 0 ? pid : -1;
}

struct PendingPoint {
  size_t index;
  std::vector<std::string> argv;
  fs::path dir;
};

// Runs the points at most `jobs` at a time; fills each result's exit status.
void run_points(std::vector<PendingPoint> queue, std::vector<analysis::SweepPointResult>& results, unsigned jobs,
                bool progress) {
  std::map<pid_t, size_t> running;
  size_t next = 0, done = 0;
  const size_t total = queue.size();
  while (next < queue.size() || !running.empty()) {
    while (next < queue.size() && running.size() < std::max(1u, jobs)) {
      const auto& p = queue[next++];
      const pid_t pid = spawn_point(p.argv, p.dir);
      if (pid < 0) {
        results[p.index].exit_status = 1;
        results[p.index].error = "could not start the point's process";
        continue;
      }
      running[pid] = p.index;
    }
    if (running.empty()) continue;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    auto it = running.find(pid);
    if (it == running.end()) continue;
    results[it->second].exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    running.erase(it);
    ++done;
    if (progress) std::cerr << fmt::format("\rvvsim sweep: {}/{} points done", done, total) << std::flush;
  }
  if (progress && total > 0) std::cerr << "\n";
}

std::string self_executable() {
  std::error_code ec;
  const auto path = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find the vvsim executable to run the points: " + ec.message());
  return path.string();
}

}  // namespace

int run_sweep(const SweepArgs& args) {
  std::vector<analysis::SweepParam> params;
  for (const auto& spec : args.params) params.push_back(analysis::parse_sweep_param(spec));
  if (params.empty()) throw std::invalid_argument("sweep: give at least one --param KEY=V1,V2,...");
  const auto points = analysis::sweep_points(params);
  const std::string exe = self_executable();
  fs::create_directories(fs::path(args.out) / "points");
  std::vector<analysis::SweepPointResult> results(points.size());
  std::vector<PendingPoint> queue;
  for (size_t i = 0; i < points.size(); ++i) {
    results[i].point = points[i];
    auto overrides = args.overrides;
    for (const auto& o : analysis::point_overrides(points[i])) overrides.push_back(o);
    try {  // a point whose values the scenario refuses fails alone, with the loader's message
      scenarios::load_scenario(args.scenario, overrides);
    } catch (const std::exception& e) {
      results[i].exit_status = 1;
      results[i].error = e.what();
      continue;
    }
    const fs::path dir = fs::path(args.out) / "points" / fmt::format("{:04}", i);
    fs::create_directories(dir);
    std::vector<std::string> argv = {exe, "run", args.scenario, "--quiet", "--out", dir.string()};
    if (args.timing_only) argv.push_back("--timing-only");
    for (const auto& o : overrides) argv.insert(argv.end(), {"--set", o});
    queue.push_back({i, std::move(argv), dir});
  }
  const auto dirs = queue;
  run_points(std::move(queue), results, args.jobs, !args.quiet && isatty(STDERR_FILENO) != 0);
  for (const auto& p : dirs) {
    auto& r = results[p.index];
    if (fs::exists(p.dir / "summary.json")) r.summary = nlohmann::json::parse(slurp(p.dir / "summary.json"));
    if (r.exit_status != 0) r.error = first_line(slurp(p.dir / "stderr.txt"));
  }
  const fs::path csv = fs::path(args.out) / "sweep.csv", html = fs::path(args.out) / "sweep.html";
  std::ofstream(csv, std::ios::binary) << analysis::sweep_csv(params, results);
  std::ofstream(html, std::ios::binary) << analysis::sweep_report_html(args.scenario, params, results);
  size_t completed = 0;
  for (const auto& r : results) completed += r.exit_status == 0;
  if (!args.quiet) {
    std::cout << fmt::format("{}: {} points, {} completed, {} did not\n  table: {}\n  report: {}\n", args.scenario,
                             results.size(), completed, results.size() - completed, csv.string(), html.string());
  }
  return 0;
}

}  // namespace vvsim::app
