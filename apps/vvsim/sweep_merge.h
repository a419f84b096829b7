// `vvsim sweep merge DIR`: sweep.csv and sweep.html from the manifest and
// whatever points have stored a result; the same bytes whichever engine ran them.
#pragma once

#include <filesystem>
#include <vector>

#include "analysis/sweep.h"
#include "apps/vvsim/sweep_plan.h"

namespace vvsim::app {

struct MergedSweep {
  std::vector<analysis::SweepPointResult> results;
  std::filesystem::path csv, html;
};

// Throws naming the file when an output cannot be written.
MergedSweep merge_sweep(const SweepPlan& plan);
// The terminal lines: counts, each point that failed with its exit status or
// was not run, the outputs.
void print_merged(const SweepPlan& plan, const MergedSweep& merged);

}  // namespace vvsim::app
