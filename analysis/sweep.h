// Parameter sweeps: the cross product of parameter values, one deterministic
// run per point (run by the caller, e.g. as separate processes), and the
// table of results. Observes the points' summaries; changes nothing.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vvsim::analysis {

struct SweepParam {
  std::string key;  // a scenario/profile path or a short name (output_buffers, cores, clock_mhz, ...)
  std::vector<std::string> values;
  std::string lo, hi;  // KEY=LO..HI: a range to sample from (values empty)
  bool is_range() const { return !lo.empty(); }
};
// "KEY=V1,V2,..." or "KEY=LO..HI"; throws std::invalid_argument naming what is wrong.
SweepParam parse_sweep_param(const std::string& spec);

// The most points one sweep may have (docs/analysis.md, limits): the manifest,
// the table and the report hold every point.
constexpr uint64_t kMaxSweepPoints = 100'000;
// The cross product's size, saturating at kMaxSweepPoints + 1 (never overflows).
uint64_t cross_product_size(const std::vector<SweepParam>& params);

using SweepPoint = std::vector<std::pair<std::string, std::string>>;  // key, value per parameter
// The cross product, the first parameter varying slowest.
std::vector<SweepPoint> sweep_points(const std::vector<SweepParam>& params);
// "key=value" overrides of a point, as `vvsim run --set` takes them.
std::vector<std::string> point_overrides(const SweepPoint& point);

// Where a row comes from: with these, a number in the table can be traced to
// the exact build, platform and point that produced it.
struct SweepProvenance {
  std::string point_id;        // hash of scenario, profile, parameter values, seed, mode and vvsim version
  std::string vvsim_version;
  std::string profile_digest;  // XXH3-64 of the point's effective platform profile
};

struct SweepPointResult {
  SweepPoint point;
  bool ran = true;                           // false: no result stored for it (not run yet, or killed)
  int exit_status = 0;                       // of its run; 0 completed
  std::string error;                         // first line of its error output when it did not complete
  unsigned attempts = 1;                     // runs of the point so far (more after a kill and a retry)
  std::optional<nlohmann::json> summary;     // its summary.json, when it wrote one
  SweepProvenance provenance;
  std::string report;                        // its HTML report, relative to the sweep page; empty: none
};

// Figures taken from a point's summary for the table and plots.
struct SweepMetrics {
  std::string outcome;
  double frames = 0, p50_ns = 0, p99_ns = 0, max_ns = 0;
  double throughput_fps = 0;       // frames per simulated second
  double output_stall_ns = 0;      // no output buffer
  double core_utilisation = 0;     // mean over cores
  double simulated_ns = 0;
};
std::optional<SweepMetrics> sweep_metrics(const SweepPointResult& result);

// One row per point: index, each parameter, exit_status, outcome, the metrics,
// point_id, vvsim_version, profile_digest, error.
std::string sweep_csv(const std::vector<SweepParam>& params, const std::vector<SweepPointResult>& results);

}  // namespace vvsim::analysis
