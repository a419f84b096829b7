// Exact percentiles of a run's latencies without holding one value per frame:
// a count per distinct latency (each latency is a whole number of the
// simulation's picoseconds, as the records give it), so the memory grows with
// the distinct values a run produces, not with its length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace vvsim::analysis {

struct LatencyStats {
  size_t count = 0;
  double min_ns = 0, p50_ns = 0, p99_ns = 0, max_ns = 0;
};

class LatencyCounts {
 public:
  LatencyCounts() = default;
  explicit LatencyCounts(const std::vector<double>& latencies_ns);

  void add(double latency_ns);
  void add(const LatencyCounts& other);
  size_t count() const { return total_; }
  // Nearest-rank percentiles (the p-th percentile is the smallest value with
  // at least p% of the samples at or below it).
  LatencyStats stats() const;

 private:
  using Count = std::pair<double, uint64_t>;  // latency, how many times
  void compact();

  std::vector<Count> counts_;     // sorted by latency, each latency once
  std::vector<double> arrivals_;  // added since the last compaction, unsorted
  size_t total_ = 0;
};

}  // namespace vvsim::analysis
