#include "analysis/sweep.h"

#include "analysis/csv.h"

#include <fmt/format.h>

#include <stdexcept>

namespace vvsim::analysis {

SweepParam parse_sweep_param(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    throw std::invalid_argument(fmt::format("--param '{}': expected KEY=V1,V2,...", spec));
  SweepParam p{spec.substr(0, eq), {}, {}, {}};
  if (const auto dots = spec.find("..", eq + 1); dots != std::string::npos) {
    p.lo = spec.substr(eq + 1, dots - eq - 1);
    p.hi = spec.substr(dots + 2);
    if (p.lo.empty() || p.hi.empty())
      throw std::invalid_argument(fmt::format("--param '{}': expected KEY=LO..HI", spec));
    return p;
  }
  size_t start = eq + 1;
  for (;;) {
    const auto comma = spec.find(',', start);
    const std::string v = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (v.empty()) throw std::invalid_argument(fmt::format("--param '{}': empty value", spec));
    p.values.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return p;
}

uint64_t cross_product_size(const std::vector<SweepParam>& params) {
  uint64_t n = 1;
  for (const auto& p : params) {
    n *= p.values.size();  // both factors are at most kMaxSweepPoints + 1: no overflow
    if (n > kMaxSweepPoints) return kMaxSweepPoints + 1;
  }
  return n;
}

std::vector<SweepPoint> sweep_points(const std::vector<SweepParam>& params) {
  std::vector<SweepPoint> points{{}};
  for (const auto& p : params) {
    std::vector<SweepPoint> next;
    for (const auto& base : points) {
      for (const auto& v : p.values) {
        SweepPoint point = base;
        point.emplace_back(p.key, v);
        next.push_back(std::move(point));
      }
    }
    points = std::move(next);
  }
  return points;
}

std::vector<std::string> point_overrides(const SweepPoint& point) {
  std::vector<std::string> out;
  for (const auto& [k, v] : point) out.push_back(k + "=" + v);
  return out;
}

std::optional<SweepMetrics> sweep_metrics(const SweepPointResult& r) {
  if (!r.summary) return std::nullopt;
  const auto& s = *r.summary;
  SweepMetrics m;
  m.outcome = s.value("outcome", "");
  const auto& l = s.at("latency_ns");
  m.frames = l.at("frames").get<double>();
  m.p50_ns = l.at("p50").get<double>();
  m.p99_ns = l.at("p99").get<double>();
  m.max_ns = l.at("max").get<double>();
  m.simulated_ns = s.at("simulated_time_ns").get<double>();
  m.throughput_fps = m.simulated_ns > 0 ? m.frames / (m.simulated_ns / 1e9) : 0;
  m.output_stall_ns = s.at("stalls").at("no_output_buffer").at("total_ns").get<double>();
  const auto& cores = s.at("cores");
  for (const auto& c : cores) m.core_utilisation += c.at("utilisation").get<double>();
  if (!cores.empty()) m.core_utilisation /= double(cores.size());
  return m;
}

std::string sweep_csv(const std::vector<SweepParam>& params, const std::vector<SweepPointResult>& results) {
  std::vector<std::string> header = {"point"};
  for (const auto& p : params) header.push_back(p.key);
  for (const char* column : {"exit_status", "outcome", "frames", "latency_p50_ns", "latency_p99_ns", "latency_max_ns",
                             "throughput_fps", "output_stall_ns", "core_utilisation", "simulated_ns", "point_id",
                             "vvsim_version", "profile_digest", "error"})
    header.push_back(column);
  std::string out = csv_record(header);
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    std::vector<std::string> row = {std::to_string(i)};
    for (const auto& [k, v] : r.point) row.push_back(v);
    row.push_back(r.ran ? std::to_string(r.exit_status) : "");
    if (const auto m = sweep_metrics(r)) {
      for (const auto& cell : {m->outcome, fmt::format("{:.0f}", m->frames), fmt::format("{:.3f}", m->p50_ns),
                               fmt::format("{:.3f}", m->p99_ns), fmt::format("{:.3f}", m->max_ns),
                               fmt::format("{:.3f}", m->throughput_fps), fmt::format("{:.3f}", m->output_stall_ns),
                               fmt::format("{:.6f}", m->core_utilisation), fmt::format("{:.3f}", m->simulated_ns)})
        row.push_back(cell);
    } else {
      row.insert(row.end(), {r.ran ? "failed" : "not_run", "", "", "", "", "", "", "", ""});
    }
    const auto& p = r.provenance;
    for (const auto& cell : {p.point_id, p.vvsim_version, p.profile_digest, r.error}) row.push_back(cell);
    out += csv_record(row);
  }
  return out;
}

}  // namespace vvsim::analysis
