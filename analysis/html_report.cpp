#include "analysis/html_report.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "analysis/frame_stages.h"
#include "analysis/html_page.h"
#include "analysis/summary.h"
#include "analysis/svg_plot.h"
#include "analysis/settings.h"
#include "models/platform/platform_profile.h"

namespace vvsim::analysis {

namespace {

using svg::ChartOptions;
using svg::Series;

std::string fixed(double v, int digits = 1) { return fmt::format("{:.{}f}", v, digits); }

std::string overview(const scenarios::Scenario& scenario, const scenarios::RunResult& result) {
  const bool ok = result.outcome == scenarios::RunOutcome::Completed;
  std::string out = fmt::format("<p>{}</p>\n<p>Outcome: <span class=\"{}\">{}</span>{}</p>\n",
                                svg::html_escape(scenario.description), ok ? "good" : "bad",
                                scenarios::outcome_name(result.outcome),
                                result.reason.empty() ? "" : " &mdash; " + svg::html_escape(result.reason));
  out += html::table({"scenario", "protocol", "mode", "seed", "simulated time (ms)", "streams", "cores"},
                     {{scenario.source, scenario.protocol, result.timing_only ? "timing only" : "full",
                       std::to_string(scenario.seed),
                       fixed(double(result.simulated_ps) / 1e9, 3), std::to_string(result.streams.size()),
                       std::to_string(result.cores.size())}});
  return out;
}

std::string stream_table(const scenarios::RunResult& result, const std::vector<FrameStages>& frames) {
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < result.streams.size(); ++i) {
    const auto& s = result.streams[i];
    if (s.encode) {
      const auto l = LatencyCounts(stream_latencies_ns(frames, i)).stats();
      rows.push_back({s.name, codec::fourcc_of(s.codec) + " encode", std::to_string(s.units_in),
                      std::to_string(s.encode->units.size()), "", fixed(l.p50_ns / 1e3), fixed(l.p99_ns / 1e3),
                      fixed(l.max_ns / 1e3), "", std::to_string(s.encode->problems.size())});
      continue;
    }
    const auto l = LatencyCounts(frame_latencies_ns(s.report)).stats();
    rows.push_back({s.name, codec::fourcc_of(s.codec), std::to_string(s.units_in), std::to_string(s.report.frame_counts.taken),
                    std::to_string(s.report.drc_events), fixed(l.p50_ns / 1e3), fixed(l.p99_ns / 1e3),
                    fixed(l.max_ns / 1e3),
                    fmt::format("{} / {}", s.report.input_resources, s.report.output_resources),
                    std::to_string(s.report.problems.size())});
  }
  return html::table({"stream", "codec", "units in", "frames out", "DRC", "p50 latency (us)", "p99 (us)", "max (us)",
                      "input / output resources", "problems"},
                     rows);
}

std::string latency_plots(const scenarios::RunResult& result, const std::vector<FrameStages>& frames) {
  std::string out = "<div class=\"plots\">\n";
  std::vector<Series> over_time;
  for (size_t i = 0; i < result.streams.size(); ++i) {
    std::vector<double> samples;
    Series s{result.streams[i].name, {}};
    for (const auto& f : frames) {
      if (f.stream != i) continue;
      samples.push_back(f.latency_ns() / 1e3);
      s.points.push_back({f.taken_ns / 1e6, f.latency_ns() / 1e3});
    }
    ChartOptions h{fmt::format("Latency histogram: {}", result.streams[i].name), "latency (us)", "frames"};
    h.empty_text = "no frames";
    out += svg::histogram(samples, 20, h);
    over_time.push_back(std::move(s));
  }
  ChartOptions t{"Latency over time", "frame taken at (ms)", "latency (us)"};
  t.markers = true;
  t.empty_text = "no frames";
  out += svg::line_chart(over_time, t);
  return out + "</div>\n";
}

std::string stage_breakdown(const scenarios::RunResult& result, const std::vector<FrameStages>& frames) {
  std::vector<std::string> names(kStageNames.begin(), kStageNames.end());
  std::vector<svg::StackedBar> bars;
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < result.streams.size(); ++i) {
    std::vector<double> mean(kStageCount, 0.0);
    size_t n = 0;
    for (const auto& f : frames) {
      if (f.stream != i || !f.complete) continue;
      ++n;
      for (size_t k = 0; k < kStageCount; ++k) mean[k] += f.stage_ns[k] / 1e3;
    }
    if (n == 0) continue;
    std::vector<std::string> row = {result.streams[i].name};
    for (auto& m : mean) {
      m /= double(n);
      row.push_back(fixed(m, 2));
    }
    rows.push_back(std::move(row));
    bars.push_back({result.streams[i].name, mean});
  }
  std::vector<std::string> header = {"stream"};
  for (const char* s : kStageNames) header.push_back(std::string(s) + " (us)");
  ChartOptions o{"Mean latency by stage", "microseconds", ""};
  o.height = 80 + 40 * int(bars.size());
  o.empty_text = "no frames";
  if (bars.empty()) return svg::stacked_bars(names, bars, o);
  return svg::stacked_bars(names, bars, o) + html::table(header, rows) +
         "<p>Stages run back to back from the driver queueing a frame's first unit to the application taking "
         "it; their sum is the frame's latency.</p>\n";
}

// Per encoder stream: the size of each frame's bitstream (every unit of its
// timestamp), with the key frames marked, over the frame index.
std::string encoded_sizes(const scenarios::RunResult& result) {
  std::string out;
  for (const auto& s : result.streams) {
    if (!s.encode) continue;
    std::map<uint64_t, double> kbit;
    for (const auto& u : s.encode->units) kbit[u.timestamp] += double(u.data.size()) * 8.0 / 1000.0;
    const auto key_list = key_frame_timestamps(*s.encode);
    const std::set<uint64_t> keys(key_list.begin(), key_list.end());
    Series sizes{"frame size", {}}, key_frames{"key frame", {}};
    key_frames.dots_only = true;
    for (const auto& [ts, k] : kbit) {
      sizes.points.push_back({double(ts), k});
      if (keys.count(ts)) key_frames.points.push_back({double(ts), k});
    }
    ChartOptions o{fmt::format("Encoded size per frame: {}", s.name), "frame (timestamp)", "kbit"};
    o.y_min = 0;
    o.empty_text = "no units";
    out += svg::line_chart({sizes, key_frames}, o);
  }
  return out.empty() ? out : "<div class=\"plots\">\n" + out + "</div>\n";
}

std::string occupancy(const scenarios::Scenario& scenario, const scenarios::RunResult& result) {
  std::string out = "<div class=\"plots\">\n";
  const double end_ms = double(result.simulated_ps) / 1e9;
  for (const auto& d : depth_series(scenario, result)) {
    Series s{d.name, {}};
    for (const auto& p : d.points) s.points.push_back({p.at_ns / 1e6, double(p.value)});
    if (!s.points.empty()) s.points.push_back({end_ms, s.points.back().second});
    Series limit{"size", {{0, double(d.limit)}, {end_ms, double(d.limit)}}, true};
    ChartOptions o{d.name, "time (ms)", "count"};
    o.step = true;
    o.y_min = 0;
    o.axis_max = double(d.limit) * 1.1;  // the size line below the frame's top edge
    out += svg::line_chart({s, limit}, o);
  }
  return out + "</div>\n";
}

std::string utilisation(const scenarios::RunResult& result) {
  std::vector<svg::StackedBar> bars;
  for (size_t c = 0; c < result.cores.size(); ++c)
    bars.push_back({fmt::format("core {}", c), {100.0 * result.cores[c].utilisation}});
  const double simulated_ns = double(result.simulated_ps) / 1e3;
  if (simulated_ns > 0) {
    bars.push_back({"bus CPU", {100.0 * result.bus_busy_cpu_ns / simulated_ns}});  // the guest CPU's transfers
    bars.push_back({"bus DMA", {100.0 * result.bus_busy_device_ns / simulated_ns}});  // the device's
  }
  ChartOptions o{"Codec core and bus utilisation", "% of simulated time busy", ""};
  o.height = 80 + 30 * int(bars.size());
  o.axis_max = 100;
  std::vector<Series> bus;
  for (const auto& u : bus_utilisation(result)) {
    Series s{"bus " + u.initiator, {}};
    for (const auto& p : u.points) s.points.push_back({p.at_ns / 1e6, p.percent});
    bus.push_back(std::move(s));
  }
  ChartOptions over_time{"Bus utilisation per 100 us window", "time (ms)", "% busy"};
  over_time.step = true;
  over_time.y_min = 0;
  return "<div class=\"plots\">\n" + svg::stacked_bars({"busy"}, bars, o) + svg::line_chart(bus, over_time) + "</div>\n";
}

std::string counters(const scenarios::RunResult& result) {
  std::vector<std::vector<std::string>> rows = {
      {"interrupts", std::to_string(result.interrupts)},
      {"kicks", std::to_string(result.kicks)},
      {"events received", std::to_string(result.events)},
      {"bus bytes (guest CPU)", std::to_string(result.bus_bytes_cpu)},
      {"bus bytes (device DMA)", std::to_string(result.bus_bytes_device)},
      {"device commands", std::to_string(result.device_commands)},
      {"cancellations", std::to_string(result.device_canceled)},
      {"error answers", std::to_string(result.device_errors)}};
  for (const auto& [type, n] : result.commands_by_type) rows.push_back({"commands " + type, std::to_string(n)});
  std::string out = html::table({"counter", "value"}, rows);
  out += html::table({"stall", "count", "total (us)"},
                     {{"no output buffer", std::to_string(result.output_stalls), fixed(result.output_stall_ns / 1e3)},
                      {"no input", std::to_string(result.input_waits), fixed(result.input_wait_ns / 1e3)},
                      {"no eventq buffer", std::to_string(result.events_held), fixed(result.event_wait_total_ns / 1e3)},
                      {"core busy (queued for a core)", "", fixed(result.core_wait_ns / 1e3)},
                      {"bus busy (contention)", "", fixed(result.bus_contention_ns / 1e3)}});
  return out;
}

std::string conformance(const scenarios::RunResult& result) {
  const size_t rules = result.rules_checked;
  if (result.violations.empty())
    return fmt::format("<p class=\"good\">No breach of the {} rules checked.</p>\n", rules);
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < result.violations.size(); ++i) {
    const auto& v = result.violations[i];
    rows.push_back({fixed(double(v.at_ps) / 1e3, 3), v.rule, tlm_virtio::side_name(v.side), v.section,
                    std::to_string(v.stream_id), v.command, v.detail, result.violation_expected[i] ? "yes" : "no"});
  }
  return fmt::format("<p>{} rules checked; {} breaches (docs/conformance.md).</p>\n", rules, rows.size()) +
         html::table({"time (ns)", "rule", "side", "section", "stream", "command", "detail", "expected"}, rows);
}

// Every effective value; the ones the profile, scenario or --set changed are
// marked and carry their default.
std::string settings_table(const scenarios::Scenario& scenario) {
  std::vector<std::vector<std::string>> rows;
  size_t changed = 0;
  for (const auto& s : effective_settings(scenario)) {
    const bool differs = s.changed();
    changed += differs;
    const std::string value = svg::html_escape(s.value);
    rows.push_back({svg::html_escape(s.key), differs ? "<b>" + value + "</b>" : value,
                    differs ? svg::html_escape(s.default_value) : "", differs ? "<b>changed</b>" : ""});
  }
  return fmt::format("<p>{} settings, {} changed from the built-in defaults (bold).</p>\n", rows.size(), changed) +
         html::table_of_html({"key", "value", "default", ""}, rows);
}

}  // namespace

std::string run_report_html(const scenarios::Scenario& scenario, const scenarios::RunResult& result) {
  const auto frames = frame_stages(scenario, result);
  std::string body = overview(scenario, result);
  body += html::section("Streams", stream_table(result, frames));
  body += html::section("Latency", latency_plots(result, frames));
  if (const auto sizes = encoded_sizes(result); !sizes.empty()) body += html::section("Bitrate", sizes);
  body += html::section("Where the time goes", stage_breakdown(result, frames));
  body += html::section("Queue occupancy", occupancy(scenario, result));
  body += html::section("Utilisation", utilisation(result));
  body += html::section("Counters and stalls", counters(result));
  body += html::section("Protocol conformance", conformance(result));
  body += html::section("Settings", settings_table(scenario));
  if (!result.diagnostics.empty()) {
    std::string diag;
    for (const auto& d : result.diagnostics) diag += svg::html_escape(d) + "\n";
    body += html::section("Diagnostics", "<pre>" + diag + "</pre>\n");
  }
  return html::page("vvsim run report: " + scenario.source, body);
}

}  // namespace vvsim::analysis
