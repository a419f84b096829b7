#include "analysis/sweep_report.h"

#include <fmt/format.h>

#include <cstdlib>
#include <functional>
#include <map>

#include "analysis/html_page.h"
#include "analysis/svg_plot.h"

namespace vvsim::analysis {

namespace {

struct Metric {
  const char* title;
  const char* unit;
  std::function<double(const SweepMetrics&)> value;
};

const std::vector<Metric>& metrics() {
  static const std::vector<Metric> m = {
      {"p99 latency", "ms", [](const SweepMetrics& s) { return s.p99_ns / 1e6; }},
      {"throughput", "frames per simulated s", [](const SweepMetrics& s) { return s.throughput_fps; }},
      {"output stall", "ms without an output buffer", [](const SweepMetrics& s) { return s.output_stall_ns / 1e6; }},
  };
  return m;
}

constexpr int kLegendCharWidth = 6, kLegendSwatchWidth = 30;  // at the charts' 11 px sans-serif

// The x coordinate of a value: the number itself, or its position among the values.
double x_of(const SweepParam& p, const std::string& value) {
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (end && *end == '\0' && end != value.c_str()) return v;
  for (size_t i = 0; i < p.values.size(); ++i)
    if (p.values[i] == value) return double(i);
  return 0;
}

// "others" label of a point: the values of every parameter but `skip`, each
// key by its last path component so legends stay short.
std::string others_label(const SweepPoint& point, size_t skip) {
  std::string label;
  for (size_t i = 0; i < point.size(); ++i) {
    if (i == skip) continue;
    const std::string& key = point[i].first;
    label += (label.empty() ? "" : ", ") + key.substr(key.rfind('.') + 1) + "=" + point[i].second;
  }
  return label.empty() ? "all points" : label;
}

std::string charts_for(const std::vector<SweepParam>& params, size_t p, const std::vector<SweepPointResult>& results) {
  std::string out = "<div class=\"plots\">\n";
  for (const auto& metric : metrics()) {
    std::map<std::string, svg::Series> lines;  // by the other parameters' values
    std::vector<std::string> order;
    for (const auto& r : results) {
      const auto m = sweep_metrics(r);
      if (!m || m->outcome != "completed") continue;  // failed points are in the table, not on the lines
      const std::string label = others_label(r.point, p);
      if (!lines.count(label)) order.push_back(label);
      auto& s = lines[label];
      s.name = label;
      s.points.push_back({x_of(params[p], r.point[p].second), metric.value(*m)});
    }
    std::vector<svg::Series> series;
    for (const auto& label : order) series.push_back(lines[label]);
    svg::ChartOptions o{fmt::format("{} vs {}", metric.title, params[p].key), params[p].key, metric.unit};
    o.markers = true;
    o.y_min = 0;
    for (const auto& value : params[p].values) o.x_ticks.push_back({x_of(params[p], value), value});
    size_t longest = 0;
    for (const auto& label : order) longest = std::max(longest, label.size());
    o.legend_width = std::max(o.legend_width, int(longest) * kLegendCharWidth + kLegendSwatchWidth);
    o.width += o.legend_width - svg::ChartOptions{"", "", ""}.legend_width;  // the plot keeps its width
    out += svg::line_chart(series, o);
  }
  return out + "</div>\n";
}

std::string point_table(const std::vector<SweepParam>& params, const std::vector<SweepPointResult>& results) {
  std::vector<std::string> header = {"point"};
  for (const auto& p : params) header.push_back(p.key);
  for (const char* h : {"exit", "outcome", "frames", "p50 (ms)", "p99 (ms)", "fps", "stall (ms)", "core use", "error"})
    header.push_back(h);
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < results.size(); ++i) {
    std::vector<std::string> row = {std::to_string(i)};
    for (const auto& [k, v] : results[i].point) row.push_back(v);
    row.push_back(std::to_string(results[i].exit_status));
    if (const auto m = sweep_metrics(results[i])) {
      for (auto cell : {m->outcome, fmt::format("{:.0f}", m->frames), fmt::format("{:.3f}", m->p50_ns / 1e6),
                        fmt::format("{:.3f}", m->p99_ns / 1e6), fmt::format("{:.1f}", m->throughput_fps),
                        fmt::format("{:.3f}", m->output_stall_ns / 1e6), fmt::format("{:.2f}", m->core_utilisation)})
        row.push_back(cell);
    } else {
      row.insert(row.end(), {"failed", "", "", "", "", "", ""});
    }
    row.push_back(results[i].error);
    rows.push_back(std::move(row));
  }
  return html::table(header, rows);
}

}  // namespace

std::string sweep_report_html(const std::string& scenario, const std::vector<SweepParam>& params,
                              const std::vector<SweepPointResult>& results) {
  size_t completed = 0;
  for (const auto& r : results) completed += r.exit_status == 0;
  std::string body = fmt::format("<p>{} points: {} completed, {} did not (see the table).</p>\n", results.size(),
                                 completed, results.size() - completed);
  for (size_t p = 0; p < params.size(); ++p)
    body += html::section("Against " + params[p].key, charts_for(params, p, results));
  body += html::section("Every point", point_table(params, results));
  return html::page("vvsim sweep: " + scenario, body);
}

}  // namespace vvsim::analysis
