// A sweep's plan: every point with its stable id and its `vvsim run` command,
// stored as the manifest OUT/points.jsonl (a header line, then one line per
// point). Every engine runs points from the manifest by index (`vvsim sweep
// run-point`) and `vvsim sweep merge` builds the outputs from what the points
// stored, so a local run and a Slurm run of the same plan give the same bytes.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/sweep.h"

namespace vvsim::app {

struct PlannedPoint {
  std::string id;                    // point_id(): 16 hex digits
  analysis::SweepPoint values;       // key, value per parameter
  std::vector<std::string> command;  // `vvsim run ...` (argv[0] is "vvsim")
};

struct SweepPlan {
  std::string scenario;                     // as given on the command line (the page's title)
  std::filesystem::path out;                // absolute sweep directory
  std::vector<analysis::SweepParam> params;
  std::string vvsim_version;                // vvsim_version() of the planning binary
  bool reports = false;                     // each point also writes report.html
  std::string inputs_digest;                // of the scenario file and its effective base profile
  std::vector<PlannedPoint> points;
};

// What the plan's points share: the scenario file, the effective base
// platform profile, the --set overrides and the run mode.
struct PlanBase {
  std::string scenario;  // path as given
  std::vector<std::string> overrides;
  bool timing_only = false, reports = false;
  // `--host-threads` of every point's run (0: not passed, the run's default).
  // Not part of a point's id: it changes no result.
  unsigned host_threads = 0;
};

// "0.1 (build 1a2b3c4d)": the release and a digest of the running executable,
// so a rebuilt simulator never resumes from another build's points.
const std::string& vvsim_version();

// XXH3-64 (hex) of the effective platform profile of the scenario with these overrides.
std::string profile_digest(const std::string& scenario, const std::vector<std::string>& overrides);

SweepPlan make_plan(const PlanBase& base, const std::filesystem::path& out, std::vector<analysis::SweepParam> params,
                    const std::vector<analysis::SweepPoint>& points);
// Adds one point (a search adds them as it goes).
void add_point(SweepPlan& plan, const PlanBase& base, const analysis::SweepPoint& values);

std::filesystem::path manifest_path(const std::filesystem::path& sweep_dir);
std::filesystem::path point_dir(const SweepPlan& plan, size_t index);
// Throws std::runtime_error naming the file when it cannot be written or read.
void write_manifest(const SweepPlan& plan, const std::filesystem::path& file);
SweepPlan read_manifest(const std::filesystem::path& file);

}  // namespace vvsim::app
