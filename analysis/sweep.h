// Parameter sweeps: the cross product of parameter values, one deterministic
// run per point (run by the caller, e.g. as separate processes), and the
// table of results. Observes the points' summaries; changes nothing.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vvsim::analysis {

struct SweepParam {
  std::string key;  // a scenario/profile path or a short name (output_buffers, cores, clock_mhz, ...)
  std::vector<std::string> values;
};
// "KEY=V1,V2,..."; throws std::invalid_argument naming what is wrong.
SweepParam parse_sweep_param(const std::string& spec);

using SweepPoint = std::vector<std::pair<std::string, std::string>>;  // key, value per parameter
// The cross product, the first parameter varying slowest.
std::vector<SweepPoint> sweep_points(const std::vector<SweepParam>& params);
// "key=value" overrides of a point, as `vvsim run --set` takes them.
std::vector<std::string> point_overrides(const SweepPoint& point);

struct SweepPointResult {
  SweepPoint point;
  int exit_status = 0;                       // of its run; 0 completed
  std::string error;                         // first line of its error output when it did not complete
  std::optional<nlohmann::json> summary;     // its summary.json, when it wrote one
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

// One row per point: index, each parameter, exit_status, outcome, the metrics, error.
std::string sweep_csv(const std::vector<SweepParam>& params, const std::vector<SweepPointResult>& results);

}  // namespace vvsim::analysis
