#include "apps/vvsim/sweep_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>

namespace vvsim::app {

namespace {

constexpr size_t kMaxDomain = 1u << 20;  // integers probed one by one at most

std::optional<int64_t> integer(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const int64_t v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end == text.c_str() || *end != '\0') return std::nullopt;
  return v;
}

std::optional<double> number(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') return std::nullopt;
  return v;
}

std::optional<double> column_value(const std::string& column, const analysis::SweepPointResult& r,
                                   const analysis::SweepMetrics& m) {
  const std::pair<const char*, double> columns[] = {
      {"exit_status", double(r.exit_status)}, {"frames", m.frames},
      {"latency_p50_ns", m.p50_ns},           {"latency_p99_ns", m.p99_ns},
      {"latency_max_ns", m.max_ns},           {"throughput_fps", m.throughput_fps},
      {"output_stall_ns", m.output_stall_ns}, {"core_utilisation", m.core_utilisation},
      {"simulated_ns", m.simulated_ns}};
  for (const auto& [name, value] : columns)
    if (column == name) return value;
  return std::nullopt;
}

bool compare(double a, const std::string& op, double b) {
  if (op == "=") return a == b;
  if (op == "!=") return a != b;
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  if (op == ">") return a > b;
  return a >= b;
}

bool is_power_of_two(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

}  // namespace

Predicate parse_predicate(const std::string& text) {
  Predicate p;
  p.text = text;
  size_t start = 0;
  for (;;) {
    const auto comma = text.find(',', start);
    const std::string cond = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto at = cond.find_first_of("=!<>");
    if (at == std::string::npos || at == 0)
      throw std::invalid_argument(fmt::format("--until '{}': '{}' is not COLUMN OP VALUE", text, cond));
    const size_t op_len = at + 1 < cond.size() && cond[at + 1] == '=' && cond[at] != '=' ? 2 : 1;
    Predicate::Condition c{cond.substr(0, at), cond.substr(at, op_len), cond.substr(at + op_len)};
    if (c.op == "!" || c.value.empty())
      throw std::invalid_argument(fmt::format("--until '{}': '{}' is not COLUMN OP VALUE", text, cond));
    const analysis::SweepPointResult probe;
    if (c.column == "outcome") {
      if (c.op != "=" && c.op != "!=")
        throw std::invalid_argument(fmt::format("--until '{}': outcome takes = or != only", text));
    } else if (!column_value(c.column, probe, {})) {
      throw std::invalid_argument(fmt::format("--until '{}': no column '{}' (outcome, exit_status, frames, "
                                              "latency_p50_ns, latency_p99_ns, latency_max_ns, throughput_fps, "
                                              "output_stall_ns, core_utilisation, simulated_ns)", text, c.column));
    } else if (!number(c.value)) {
      throw std::invalid_argument(fmt::format("--until '{}': '{}' is not a number", text, c.value));
    }
    p.conditions.push_back(c);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return p;
}

bool meets(const Predicate& predicate, const analysis::SweepPointResult& result) {
  const auto m = analysis::sweep_metrics(result);
  if (!result.ran || !m) return false;  // no summary: nothing to meet
  for (const auto& c : predicate.conditions) {
    if (c.column == "outcome") {
      if ((m->outcome == c.value) != (c.op == "=")) return false;
    } else if (!compare(*column_value(c.column, result, *m), c.op, *number(c.value))) {
      return false;
    }
  }
  return true;
}

std::vector<int64_t> search_domain(const analysis::SweepParam& param, const std::function<bool(int64_t)>& accepts) {
  std::vector<int64_t> candidates;
  if (!param.is_range()) {
    for (const auto& v : param.values) {
      const auto i = integer(v);
      if (!i) throw std::invalid_argument(fmt::format("--find-min {}: '{}' is not an integer", param.key, v));
      candidates.push_back(*i);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  } else {
    const auto lo = integer(param.lo), hi = integer(param.hi);
    if (!lo || !hi || *lo > *hi)
      throw std::invalid_argument(fmt::format("--find-min {}: expected --param {}=LO..HI with integers LO <= HI",
                                              param.key, param.key));
    // Every integer, unless the loader refuses one that is not a power of two
    // (then its powers of two). Each point's own run still checks its value.
    std::optional<int64_t> between;
    for (int64_t v = *lo; v <= *hi && !between; ++v)
      if (!is_power_of_two(v)) between = v;
    if (between && accepts(*between)) {
      if (uint64_t(*hi) - uint64_t(*lo) >= kMaxDomain)
        throw std::invalid_argument(fmt::format("--find-min {}: {}..{} has more than {} values", param.key, param.lo,
                                                param.hi, kMaxDomain));
      for (int64_t v = *lo; v <= *hi; ++v) candidates.push_back(v);
      return candidates;
    }
    for (int64_t v = 1; v <= *hi; v *= 2) {
      if (v >= *lo) candidates.push_back(v);
      if (v > std::numeric_limits<int64_t>::max() / 2) break;
    }
  }
  candidates.erase(std::remove_if(candidates.begin(), candidates.end(), [&](int64_t v) { return !accepts(v); }),
                   candidates.end());
  if (candidates.empty())
    throw std::invalid_argument(fmt::format("--find-min {}: the scenario takes none of these values", param.key));
  return candidates;
}

}  // namespace vvsim::app
