// Points of a sweep, by their index in the manifest: what `vvsim sweep
// run-point MANIFEST INDEX...` does on any engine (local processes, a Slurm
// array task, an LSF job index), and how its stored result is read back.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "analysis/sweep.h"
#include "apps/vvsim/sweep_plan.h"

namespace vvsim::app {

// Runs each point of `indices` unless its stored result already carries
// its id: its `vvsim run` as a child process (output in stdout.txt,
// stderr.txt), then result.json (point id, exit status, first error line,
// attempts, provenance), and the point's parameters and provenance in its
// summary.json as `sweep_point`. Returns 0 once every result is stored,
// whatever the points' outcomes; throws when one cannot be (the manifest
// names no such point or was planned by another build, a write fails).
int run_points(const std::filesystem::path& manifest, const std::vector<size_t>& indices);
void run_point(const SweepPlan& plan, size_t index);

// A point is done when its stored result carries its id and its run ended
// with a vvsim exit status (not killed by a signal: those are run again).
bool point_done(const SweepPlan& plan, size_t index);
std::vector<size_t> pending_points(const SweepPlan& plan);

// The point's stored result (ran = false when there is none for its id).
analysis::SweepPointResult point_result(const SweepPlan& plan, size_t index);

}  // namespace vvsim::app
