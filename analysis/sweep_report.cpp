#include "analysis/sweep_report.h"

#include <fmt/format.h>

#include <algorithm>
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
      {"p50 latency", "ms", [](const SweepMetrics& s) { return s.p50_ns / 1e6; }},
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

// A sampled sweep (a parameter given as a range) has no lines to draw: each
// chart is one cloud of dots.
std::string charts_for(const std::vector<SweepParam>& params, size_t p, const std::vector<SweepPointResult>& results) {
  const bool sampled = std::any_of(params.begin(), params.end(), [](const SweepParam& q) { return q.is_range(); });
  std::string out = "<div class=\"plots\">\n";
  for (const auto& metric : metrics()) {
    std::map<std::string, svg::Series> lines;  // by the other parameters' values
    std::vector<std::string> order;
    for (const auto& r : results) {
      const auto m = sweep_metrics(r);
      if (!m || m->outcome != "completed") continue;  // failed points are in the table, not on the lines
      const std::string label = sampled ? "sampled points" : others_label(r.point, p);
      if (!lines.count(label)) order.push_back(label);
      auto& s = lines[label];
      s.name = label;
      s.points.push_back({x_of(params[p], r.point[p].second), metric.value(*m)});
    }
    std::vector<svg::Series> series;
    for (const auto& label : order) series.push_back(lines[label]);
    svg::ChartOptions o{fmt::format("{} vs {}", metric.title, params[p].key), params[p].key, metric.unit};
    o.markers = true;
    o.lines = !sampled;
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
  const bool reports = std::any_of(results.begin(), results.end(), [](const auto& r) { return !r.report.empty(); });
  std::vector<std::string> header = {"point"};
  for (const auto& p : params) header.push_back(p.key);
  for (const char* h : {"exit", "outcome", "frames", "p50 (ms)", "p99 (ms)", "fps", "stall (ms)", "core use"})
    header.push_back(h);
  if (reports) header.push_back("report");
  header.insert(header.end(), {"point id", "error"});
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    std::vector<std::string> row = {std::to_string(i)};
    for (const auto& [k, v] : r.point) row.push_back(svg::html_escape(v));
    row.push_back(r.ran ? std::to_string(r.exit_status) : "");
    if (const auto m = sweep_metrics(r)) {
      for (auto cell : {svg::html_escape(m->outcome), fmt::format("{:.0f}", m->frames),
                        fmt::format("{:.3f}", m->p50_ns / 1e6), fmt::format("{:.3f}", m->p99_ns / 1e6),
                        fmt::format("{:.1f}", m->throughput_fps), fmt::format("{:.3f}", m->output_stall_ns / 1e6),
                        fmt::format("{:.2f}", m->core_utilisation)})
        row.push_back(cell);
    } else {
      row.insert(row.end(), {r.ran ? "failed" : "not run", "", "", "", "", "", ""});
    }
    const std::string href = svg::html_escape(r.report);
    if (reports) row.push_back(r.report.empty() ? "" : "<a href=\"" + href + "\">report</a>");
    row.push_back(svg::html_escape(r.provenance.point_id));
    row.push_back(svg::html_escape(r.error));
    rows.push_back(std::move(row));
  }
  return html::table_of_html(header, rows);
}

}  // namespace

std::string sweep_report_html(const std::string& scenario, const std::vector<SweepParam>& params,
                              const std::vector<SweepPointResult>& results) {
  size_t completed = 0, not_run = 0;
  for (const auto& r : results) {
    completed += r.ran && r.exit_status == 0;
    not_run += !r.ran;
  }
  std::string body = fmt::format("<p>{} points: {} completed, {} did not, {} not run (see the table).</p>\n",
                                 results.size(), completed, results.size() - completed - not_run, not_run);
  if (!results.empty() && !results.front().provenance.vvsim_version.empty())
    body += "<p>vvsim " + svg::html_escape(results.front().provenance.vvsim_version) + "</p>\n";
  for (size_t p = 0; p < params.size(); ++p)
    body += html::section("Against " + params[p].key, charts_for(params, p, results));
  body += html::section("Every point", point_table(params, results));
  return html::page("vvsim sweep: " + scenario, body);
}

}  // namespace vvsim::analysis
