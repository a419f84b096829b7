// Child processes of a sweep: a point's `vvsim run`, the local engine's
// `vvsim sweep run-point` processes, `sbatch`. Exit statuses as a shell gives
// them (128 + N when killed by signal N).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace vvsim::app {

std::string self_executable();

// Runs argv (argv[0] looked up in PATH when it has no '/') with its output
// and error streams to these files; returns its exit status. Throws when it
// cannot be started.
int run_process(const std::vector<std::string>& argv, const std::filesystem::path& out,
                const std::filesystem::path& err);

struct Job {
  std::vector<std::string> argv;
  std::filesystem::path out, err;
};
// Runs the jobs at most `parallel` at a time; `done(job index, exit status)`
// as each ends.
void run_jobs(const std::vector<Job>& jobs, unsigned parallel, const std::function<void(size_t, int)>& done);

}  // namespace vvsim::app
