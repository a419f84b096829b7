#include "apps/vvsim/sweep_engines.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "apps/vvsim/sweep_process.h"

namespace vvsim::app {

namespace fs = std::filesystem;

namespace {

std::string first_line_of(const fs::path& path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  return line;
}

void run_locally(const SweepPlan& plan, const std::vector<size_t>& indices, const EngineOptions& options) {
  const std::string exe = self_executable(), manifest = manifest_path(plan.out).string();
  std::vector<Job> jobs;
  for (size_t i : indices) {
    const fs::path dir = point_dir(plan, i);
    fs::create_directories(dir);
    jobs.push_back({{exe, "sweep", "run-point", manifest, std::to_string(i)}, dir / "run-point.txt", dir / "run-point.txt"});
  }
  size_t done = 0;
  run_jobs(jobs, options.jobs, [&](size_t j, int status) {
    ++done;
    if (status != 0)
      std::cerr << fmt::format("vvsim sweep: point {}: run-point exit {}: {}\n", indices[j], status,
                               first_line_of(jobs[j].out));
    if (options.progress) std::cerr << fmt::format("\rvvsim sweep: {}/{} points done", done, jobs.size()) << std::flush;
  });
  if (options.progress && !jobs.empty()) std::cerr << "\n";
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f.flush()) throw std::runtime_error(fmt::format("{}: cannot write", path.string()));
}

// One line per array task: the point indices it runs.
std::string task_lines(const std::vector<size_t>& indices, unsigned per_task) {
  std::string out;
  for (size_t i = 0; i < indices.size(); ++i)
    out += std::to_string(indices[i]) + ((i + 1) % per_task == 0 || i + 1 == indices.size() ? "\n" : " ");
  return out;
}

// sbatch's stdout with --parsable: "JOBID" or "JOBID;CLUSTER".
std::string job_id(const fs::path& out) {
  const std::string line = first_line_of(out);
  return line.substr(0, line.find(';'));
}

bool run_on_slurm(const SweepPlan& plan, const std::vector<size_t>& indices, const EngineOptions& options) {
  const fs::path dir = plan.out / "slurm";
  fs::create_directories(dir);
  const fs::path script = dir / "sweep.sbatch", task_list = dir / "tasks.txt";
  write_text(task_list, task_lines(indices, options.slurm.points_per_task));
  write_text(script, sbatch_script(plan, indices, options, task_list));
  std::vector<std::string> argv = {"sbatch", "--parsable"};
  if (options.slurm.wait) argv.push_back("--wait");
  argv.push_back(script.string());
  const fs::path out = dir / "sbatch.out", err = dir / "sbatch.err";
  const int status = run_process(argv, out, err);
  const std::string id = job_id(out);
  if (id.empty())  // not submitted; with --wait a non-zero status alone is a task's (run-point's) failure
    throw std::runtime_error(fmt::format("sbatch {} failed (exit {}): {}", script.string(), status, first_line_of(err)));
  if (!options.slurm.wait) {
    std::cout << fmt::format("submitted Slurm job {} ({} points); when it has ended: vvsim sweep merge {}\n", id,
                             indices.size(), plan.out.string());
    return false;
  }
  if (status != 0)
    std::cerr << fmt::format("vvsim sweep: Slurm job {}: some tasks failed (sbatch exit {}; see {})\n", id, status,
                             dir.string());
  return true;
}

}  // namespace

std::string array_ranges(const std::vector<size_t>& indices) {
  std::string out;
  for (size_t i = 0; i < indices.size();) {
    size_t j = i;
    while (j + 1 < indices.size() && indices[j + 1] == indices[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + (j == i ? std::to_string(indices[i]) : fmt::format("{}-{}", indices[i], indices[j]));
    i = j + 1;
  }
  return out;
}

std::string sbatch_script(const SweepPlan& plan, const std::vector<size_t>& indices, const EngineOptions& options,
                          const fs::path& task_list) {
  const unsigned per_task = std::max(1u, options.slurm.points_per_task);
  const size_t tasks = (indices.size() + per_task - 1) / per_task;
  std::vector<size_t> task_ids(tasks);
  for (size_t t = 0; t < tasks; ++t) task_ids[t] = t;
  std::ostringstream s;
  s << "#!/bin/sh\n# vvsim sweep: points by array task (vvsim sweep run-point MANIFEST INDEX...)\n";
  s << "#SBATCH --job-name=vvsim-sweep\n";
  s << fmt::format("#SBATCH --array={}%{}\n", array_ranges(per_task == 1 ? indices : task_ids),
                   std::max(1u, options.jobs));
  s << fmt::format("#SBATCH --output={}/slurm/%A_%a.out\n", plan.out.string());
  s << "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  if (!options.slurm.partition.empty()) s << "#SBATCH --partition=" << options.slurm.partition << "\n";
  if (!options.slurm.time_limit.empty()) s << "#SBATCH --time=" << options.slurm.time_limit << "\n";
  if (!options.slurm.account.empty()) s << "#SBATCH --account=" << options.slurm.account << "\n";
  for (const auto& a : options.slurm.sbatch_args) s << "#SBATCH " << a << "\n";
  const std::string points = per_task == 1 ? "\"$SLURM_ARRAY_TASK_ID\""
                                           : fmt::format("$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" {})",
                                                         shell_quote(task_list.string()));
  s << fmt::format("exec {} sweep run-point {} {}\n", shell_quote(self_executable()),
                   shell_quote(manifest_path(plan.out).string()), points);
  return s.str();
}

bool run_engine(const SweepPlan& plan, const std::vector<size_t>& indices, const EngineOptions& options) {
  if (indices.empty()) return true;
  if (options.engine == "slurm") return run_on_slurm(plan, indices, options);
  if (options.engine != "local") throw std::invalid_argument("--engine '" + options.engine + "': local or slurm");
  run_locally(plan, indices, options);
  return true;
}

}  // namespace vvsim::app
