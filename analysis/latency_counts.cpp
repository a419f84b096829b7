#include "analysis/latency_counts.h"

#include <algorithm>
#include <cmath>

namespace vvsim::analysis {

namespace {
// Arrivals wait in a plain buffer and are folded into the counts in batches:
// sorting a batch costs O(b log b), merging it O(counts + b), so a batch at
// least as large as the counts keeps the total cost O(n log n).
constexpr size_t kMinBatch = 4096;
}  // namespace

LatencyCounts::LatencyCounts(const std::vector<double>& latencies_ns) {
  for (double l : latencies_ns) add(l);
}

void LatencyCounts::add(double latency_ns) {
  arrivals_.push_back(latency_ns);
  ++total_;
  if (arrivals_.size() >= std::max(kMinBatch, counts_.size())) compact();
}

void LatencyCounts::add(const LatencyCounts& other) {
  for (const auto& [latency, times] : other.counts_) {
    counts_.emplace_back(latency, times);
    total_ += times;
  }
  std::inplace_merge(counts_.begin(), counts_.end() - long(other.counts_.size()), counts_.end());
  for (double l : other.arrivals_) add(l);
  compact();
}

void LatencyCounts::compact() {
  std::sort(arrivals_.begin(), arrivals_.end());
  const size_t old_end = counts_.size();
  for (double l : arrivals_) {
    if (counts_.size() > old_end && counts_.back().first == l) ++counts_.back().second;
    else counts_.emplace_back(l, 1);
  }
  arrivals_.clear();
  std::inplace_merge(counts_.begin(), counts_.begin() + long(old_end), counts_.end());
  // Equal latencies from both halves are now neighbours: one entry each.
  std::vector<Count> merged;
  merged.reserve(counts_.size());
  for (const auto& c : counts_) {
    if (!merged.empty() && merged.back().first == c.first) merged.back().second += c.second;
    else merged.push_back(c);
  }
  counts_ = std::move(merged);
}

LatencyStats LatencyCounts::stats() const {
  LatencyCounts sorted = *this;
  sorted.compact();
  LatencyStats s;
  s.count = total_;
  if (total_ == 0) return s;
  const auto rank = [&](double p) {
    const auto wanted = uint64_t(std::max(1.0, std::ceil(p / 100.0 * double(total_))));
    uint64_t seen = 0;
    for (const auto& [latency, times] : sorted.counts_)
      if ((seen += times) >= wanted) return latency;
    return sorted.counts_.back().first;
  };
  s.min_ns = sorted.counts_.front().first;
  s.p50_ns = rank(50);
  s.p99_ns = rank(99);
  s.max_ns = sorted.counts_.back().first;
  return s;
}

}  // namespace vvsim::analysis
