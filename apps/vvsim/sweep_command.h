// `vvsim sweep`: every point of a parameter cross product as its own `vvsim
// run` process (SystemC elaborates once per process), at most `jobs` at a
// time, then one CSV and one HTML report over all points.
#pragma once

#include <string>
#include <vector>

namespace vvsim::app {

struct SweepArgs {
  std::string scenario, out = "out/sweep";
  std::vector<std::string> params;     // "KEY=V1,V2,..."
  std::vector<std::string> overrides;  // applied to every point
  unsigned jobs = 2;
  bool timing_only = false, quiet = false;
};

// Returns the exit status: 0 when the sweep ran (points that failed are in
// its table), 1 on bad arguments.
int run_sweep(const SweepArgs& args);

}  // namespace vvsim::app
