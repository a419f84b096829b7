// Where a sweep's points run. Every engine runs `vvsim sweep run-point
// MANIFEST INDEX` for the indices it is given and nothing else, so the merged
// outputs cannot depend on the engine.
#pragma once

#include <string>
#include <vector>

#include "apps/vvsim/sweep_plan.h"

namespace vvsim::app {

struct SlurmOptions {
  std::string partition, time_limit, account;  // passed to sbatch when given
  std::vector<std::string> sbatch_args;        // passed through as they are
  bool wait = true;                            // false: submit and return (merge later)
  unsigned points_per_task = 1;                // >1: each array task runs this many points in turn
};

struct EngineOptions {
  std::string engine = "local";  // local | slurm
  unsigned jobs = 2;             // points at once (Slurm: the array's %M concurrency cap)
  bool progress = false;         // a progress line on the terminal
  SlurmOptions slurm;
};

// Runs these points of the plan's manifest. Returns false when they were only
// submitted (Slurm without waiting). Throws when they cannot be run at all.
bool run_engine(const SweepPlan& plan, const std::vector<size_t>& indices, const EngineOptions& options);

// Slurm: the array job script for these indices. With one point per task the
// task id is the point index; with more, task T runs line T+1 of `task_list`.
std::string sbatch_script(const SweepPlan& plan, const std::vector<size_t>& indices, const EngineOptions& options,
                          const std::filesystem::path& task_list);
// "0-3,7,9-12": indices (ascending) as a Slurm --array list.
std::string array_ranges(const std::vector<size_t>& indices);

}  // namespace vvsim::app
