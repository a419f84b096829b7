// `vvsim sweep`: a scenario at many points (a parameter cross product, a
// random or Latin hypercube sample, or a bisection search), each point its own
// `vvsim run` process; points planned into a manifest, run by an engine
// (local processes or a Slurm job array) through `vvsim sweep run-point`, and
// merged into one CSV and one HTML report (`vvsim sweep merge`).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "apps/vvsim/sweep_engines.h"

namespace vvsim::app {

struct SweepArgs {
  std::string scenario, out = "out/sweep";
  std::vector<std::string> params;     // "KEY=V1,V2,..." or "KEY=LO..HI"
  std::vector<std::string> overrides;  // applied to every point
  bool timing_only = false, quiet = false, dry_run = false, reports = false;
  std::string sample;                  // "random:N" | "lhs:N"
  uint64_t seed = 1;                   // of the sample
  std::string emit_points;             // write the manifest here and stop
  unsigned retries = 0;                // further passes over points with no result
  std::string find_min, until;         // search
  unsigned host_threads = 0;           // each point's --host-threads (0: 1 when local points run in parallel)
  EngineOptions engine;
};

struct SweepCommand {
  SweepArgs args;
  CLI::App *sweep = nullptr, *run_point = nullptr, *merge = nullptr;
  std::string manifest, merge_dir;
  std::vector<size_t> indices;
};
void add_sweep_command(CLI::App& app, SweepCommand& command);
// The exit status: 0 when the sweep ran (points that failed are in its
// table), 1 on bad arguments; run-point 0 once the point's result is stored.
int run_sweep_command(const SweepCommand& command);

}  // namespace vvsim::app
