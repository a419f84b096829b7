// `vvsim sweep --find-min KEY --until PREDICATE`: the smallest value of an
// integer parameter whose run meets a predicate, found by bisection over the
// values the scenario loader accepts for the key (every integer of LO..HI,
// or its powers of two when the loader refuses the values between, as for
// queue sizes). Assumes the predicate, once met, stays met for larger values.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/sweep.h"

namespace vvsim::app {

// "outcome=completed,latency_p99_ns<5e6": every condition must hold. A
// condition is COLUMN OP VALUE over sweep.csv's columns (outcome, exit_status,
// frames, latency_p50_ns, latency_p99_ns, latency_max_ns, throughput_fps,
// output_stall_ns, core_utilisation, simulated_ns); OP is one of = != < <= > >=
// (outcome takes = and != only).
struct Predicate {
  struct Condition {
    std::string column, op, value;
  };
  std::vector<Condition> conditions;
  std::string text;
};
// Throws std::invalid_argument naming the bad condition.
Predicate parse_predicate(const std::string& text);
bool meets(const Predicate& predicate, const analysis::SweepPointResult& result);

// The candidate values of `param` (KEY=LO..HI of integers, or a list of
// integers), ascending, as the loader takes them; `accepts(value)` asks it.
std::vector<int64_t> search_domain(const analysis::SweepParam& param, const std::function<bool(int64_t)>& accepts);

}  // namespace vvsim::app
