// Exact percentiles from counts: against nearest-rank picks worked out by
// hand, and against sorting every sample (the way the summary used to do it)
// for runs long enough to fold many batches.
#define BOOST_TEST_MODULE latency_counts
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "analysis/latency_counts.h"

using vvsim::analysis::LatencyCounts;
using vvsim::analysis::LatencyStats;

namespace {

// The p-th nearest-rank percentile of a sorted copy: the ceil(p/100 * n)-th smallest.
double sorted_rank(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[size_t(std::max(1.0, std::ceil(p / 100.0 * double(v.size())))) - 1];
}

void check_against_sorting(const LatencyStats& s, const std::vector<double>& v) {
  BOOST_CHECK_EQUAL(s.count, v.size());
  BOOST_CHECK_EQUAL(s.min_ns, *std::min_element(v.begin(), v.end()));
  BOOST_CHECK_EQUAL(s.max_ns, *std::max_element(v.begin(), v.end()));
  BOOST_CHECK_EQUAL(s.p50_ns, sorted_rank(v, 50));
  BOOST_CHECK_EQUAL(s.p99_ns, sorted_rank(v, 99));
}

// Picosecond latencies as the records give them (ps / 1000 ns), from a fixed
// linear congruential sequence over `distinct` values.
std::vector<double> latencies(size_t n, uint64_t distinct, uint64_t seed) {
  std::vector<double> out;
  uint64_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    out.push_back(double(1'000'000 + (x >> 33) % distinct * 1'337) / 1000.0);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(small_sets_pick_the_nearest_rank) {
  // Sorted: 1 2 3 3 5. p50: ceil(2.5) = 3rd = 3; p99: ceil(4.95) = 5th = 5.
  const auto s = LatencyCounts({5, 1, 3, 3, 2}).stats();
  BOOST_CHECK_EQUAL(s.count, 5u);
  BOOST_CHECK_EQUAL(s.min_ns, 1);
  BOOST_CHECK_EQUAL(s.p50_ns, 3);
  BOOST_CHECK_EQUAL(s.p99_ns, 5);
  BOOST_CHECK_EQUAL(s.max_ns, 5);
  // 1..200: p50 is the 100th value, p99 the 198th.
  LatencyCounts counts;
  for (int v = 200; v >= 1; --v) counts.add(double(v));
  BOOST_CHECK_EQUAL(counts.stats().p50_ns, 100);
  BOOST_CHECK_EQUAL(counts.stats().p99_ns, 198);
  // One sample is every percentile.
  const auto one = LatencyCounts({7.25}).stats();
  BOOST_CHECK_EQUAL(one.min_ns, 7.25);
  BOOST_CHECK_EQUAL(one.p50_ns, 7.25);
  BOOST_CHECK_EQUAL(one.p99_ns, 7.25);
}

BOOST_AUTO_TEST_CASE(no_samples_give_zeros) {
  const auto s = LatencyCounts().stats();
  BOOST_CHECK_EQUAL(s.count, 0u);
  BOOST_CHECK_EQUAL(s.p99_ns, 0);
  BOOST_CHECK_EQUAL(s.max_ns, 0);
}

BOOST_AUTO_TEST_CASE(long_runs_match_sorting_every_sample) {
  // Few distinct values (a steady stream) and many (every frame different),
  // both over many batches of arrivals.
  for (uint64_t distinct : {7ULL, 600ULL, 1'000'000ULL}) {
    const auto v = latencies(50'000, distinct, distinct);
    check_against_sorting(LatencyCounts(v).stats(), v);
  }
}

BOOST_AUTO_TEST_CASE(merged_counts_match_sorting_the_union) {
  const auto a = latencies(9'000, 300, 1), b = latencies(5'000, 40'000, 2);
  LatencyCounts all(a);
  all.add(LatencyCounts(b));
  all.add(LatencyCounts());
  std::vector<double> both = a;
  both.insert(both.end(), b.begin(), b.end());
  check_against_sorting(all.stats(), both);
  // A later arrival after a merge still counts.
  all.add(1e9);
  both.push_back(1e9);
  check_against_sorting(all.stats(), both);
}
