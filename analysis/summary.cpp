#include "analysis/summary.h"

#include "analysis/csv.h"

#include "analysis/frame_fold.h"
#include "analysis/frame_stages.h"
#include "analysis/settings.h"
#include "analysis/traffic.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>


namespace vvsim::analysis {

using nlohmann::ordered_json;

std::vector<double> frame_latencies_ns(const guest::DecodeReport& report) {
  std::vector<double> out;
  for (const auto& f : report.frames) {
    auto it = report.input_queued.find(f.timestamp);
    if (it != report.input_queued.end()) out.push_back(double((f.answered - it->second).value()) / 1000.0);
  }
  return out;
}

namespace {

ordered_json latency_json(const LatencyStats& s) {
  return ordered_json{{"frames", s.count}, {"min", s.min_ns}, {"p50", s.p50_ns}, {"p99", s.p99_ns}, {"max", s.max_ns}};
}

ordered_json encoder_stream_json(const scenarios::StreamResult& s, const LatencyCounts& latencies,
                                 const ordered_json& stages) {
  const auto& e = *s.encode;
  ordered_json keys = key_frame_timestamps(e), sizes = ordered_json::array();
  uint64_t bytes = 0;
  for (const auto& u : e.units) {
    bytes += u.data.size();
    sizes.push_back(u.data.size());
  }
  return ordered_json{
      {"name", s.name},           {"codec", codec::fourcc_of(s.codec)},
      {"stream_id", e.stream_id}, {"finished", s.finished},
      {"frames_in", s.units_in},  {"frames_queued", e.frames_queued},
      {"inputs_consumed", e.inputs_consumed}, {"units_out", e.units.size()},
      {"bytes_out", bytes},       {"unit_bytes", sizes},
      {"key_frame_timestamps", keys},
      {"units_xxh3", s.frames_checksum}, {"drained", e.drained},
      {"destroyed", e.destroyed}, {"latency_ns", latency_json(latencies.stats())},
      {"stages", stages},         {"problems", e.problems},
  };
}

// Mean of each stage over the stream's frames with a full breakdown.
ordered_json stages_json(const StreamFold& fold) {
  const size_t complete = fold.complete;
  ordered_json mean = ordered_json::object();
  for (size_t k = 0; k < kStageCount; ++k)
    mean[kStageNames[k]] = complete ? std::round(fold.stage_sum[k] / double(complete) * 1000.0) / 1000.0 : 0.0;  // to the ps
  return ordered_json{{"frames", complete}, {"frames_without_breakdown", fold.partial}, {"mean_ns", mean}};
}

ordered_json stream_json(const scenarios::StreamResult& s, const LatencyCounts& latencies,
                         const ordered_json& stages) {
  if (s.encode) return encoder_stream_json(s, latencies, stages);
  const auto& r = s.report;
  ordered_json stream{
      {"name", s.name},
      {"codec", codec::fourcc_of(s.codec)},
      {"stream_id", r.stream_id},
      {"finished", s.finished},
      {"units_in", s.units_in},
      {"units_fed", s.units_fed},
      {"inputs_consumed", r.inputs_consumed},
      {"inputs_canceled", r.inputs_canceled},
      {"frames_out", r.frame_counts.taken},
      {"frames_with_error_flag", r.frame_counts.flagged},
      {"frames_xxh3", s.frames_checksum.empty() ? ordered_json() : ordered_json(s.frames_checksum)},
      {"drc_events", r.drc_events},
      {"error_events", r.error_events},
      {"destroy_result", r.destroy_result},
      {"outputs_canceled", r.outputs_canceled},
      {"drained", r.drained},
      {"drain_sent_ns", r.drained ? ordered_json(double(r.drain_sent.value()) / 1000.0) : ordered_json()},
      {"drain_answered_ns", r.drained ? ordered_json(double(r.drain_answered.value()) / 1000.0) : ordered_json()},
      {"last_frame_ns", r.frame_counts.taken == 0 ? ordered_json() : ordered_json(models::ns_of(r.frame_counts.last_answered))},
      {"destroyed", r.destroyed},
      {"stopped", r.stopped},
      {"first_timestamp_after_stop", r.first_timestamp_after_stop ? ordered_json(*r.first_timestamp_after_stop) : ordered_json()},
      {"destroyed_mid_stream", r.destroyed_mid_stream},
      {"device_resets", r.resets},
      {"raw_command_answers", r.raw_answers},
      {"frame_drains", r.frame_drains},
      {"first_timestamp_after_reset", r.first_timestamp_after_reset ? ordered_json(*r.first_timestamp_after_reset) : ordered_json()},
      {"queue_commands_unanswered", s.commands_pending},
      {"latency_ns", latency_json(latencies.stats())},
      {"stages", stages},
      {"resources", {{"input", r.input_resources}, {"output", r.output_resources}}},
      {"problems", r.problems},
  };
  // virtio-media only (a v6 driver has no control to ask): the stream's codec's profiles as the device lists them.
  if (!r.device_profiles.empty()) stream["device_profiles"] = r.device_profiles;
  return stream;
}

// The run's frames folded: `live` when the run folded them, else made from
// its kept records into `made` (no copy of a live fold).
const RunFold& run_fold(const scenarios::Scenario& scenario, const scenarios::RunResult& result, const RunFold* live,
                        RunFold& made) {
  if (live) return *live;
  made = fold_records(scenario, result);
  return made;
}

// Every effective setting, key -> value (YAML text).
ordered_json settings_json(const std::vector<Setting>& settings) {
  ordered_json out = ordered_json::object();
  for (const auto& setting : settings) out[setting.key] = setting.value;
  return out;
}

// The settings that differ from the built-in defaults, with both values.
ordered_json changed_settings_json(const std::vector<Setting>& settings) {
  ordered_json out = ordered_json::object();
  for (const auto& setting : settings)
    if (setting.changed()) out[setting.key] = {{"value", setting.value}, {"default", setting.default_value}};
  return out;
}

ordered_json conformance_json(const scenarios::RunResult& result) {
  ordered_json list = ordered_json::array();
  size_t unexpected = 0;
  for (size_t i = 0; i < result.violations.size(); ++i) {
    const auto& v = result.violations[i];
    const bool expected = result.violation_expected[i];
    unexpected += !expected;
    list.push_back({{"time_ns", double(v.at_ps) / 1000.0}, {"rule", v.rule}, {"side", tlm_virtio::side_name(v.side)},
                    {"section", v.section}, {"stream_id", v.stream_id}, {"command", v.command},
                    {"detail", v.detail}, {"expected", expected}});
  }
  return ordered_json{{"rules_checked", result.rules_checked},
                      {"violations", list.size()}, {"unexpected", unexpected}, {"list", list}};
}

}  // namespace

ordered_json summary_json(const scenarios::Scenario& scenario, const scenarios::RunResult& result,
                          const RunFold* live) {
  ordered_json streams = ordered_json::array();
  LatencyCounts all;
  uint64_t drc = 0, errors = 0;
  RunFold made;
  const RunFold& fold = run_fold(scenario, result, live, made);
  const auto settings = effective_settings(scenario);  // the profile listed twice (the run's and the defaults): made once
  for (size_t i = 0; i < result.streams.size(); ++i) {
    const auto& s = result.streams[i];
    const LatencyCounts& l = fold[i].latency;
    streams.push_back(stream_json(s, l, stages_json(fold[i])));
    all.add(l);
    drc += s.report.drc_events;
    errors += s.report.error_events;
  }
  ordered_json cores = ordered_json::array();
  for (const auto& c : result.cores) cores.push_back({{"busy_ns", c.busy_ns}, {"utilisation", c.utilisation}});
  ordered_json summary{
      {"scenario", scenario.source},
      {"description", scenario.description},
      {"mode", result.timing_only ? "timing_only" : "full"},
      {"protocol", scenario.protocol},
      {"outcome", scenarios::outcome_name(result.outcome)},
      {"reason", result.reason},
      {"seed", scenario.seed},
      {"simulated_time_ns", double(result.simulated_ps) / 1000.0},
      {"streams", streams},
      {"latency_ns", latency_json(all.stats())},
      {"events", {{"drc", drc}, {"error", errors}, {"received", result.events},
                  {"held_without_eventq_buffer", result.events_held}, {"max_wait_ns", result.event_wait_max_ns}}},
      {"interrupts", result.interrupts},
      {"kicks", result.kicks},
      {"bus", {{"cpu_bytes", result.bus_bytes_cpu}, {"device_bytes", result.bus_bytes_device},
               {"cpu_busy_ns", result.bus_busy_cpu_ns}, {"device_busy_ns", result.bus_busy_device_ns},
               {"contention_ns", result.bus_contention_ns}}},
      {"device", {{"commands", result.device_commands}, {"canceled", result.device_canceled},
                  {"errors_returned", result.device_errors}}},
      {"commands_by_type", result.commands_by_type},
      {"stalls", {{"no_output_buffer", {{"count", result.output_stalls}, {"total_ns", result.output_stall_ns}}},
                  {"no_input", {{"count", result.input_waits}, {"total_ns", result.input_wait_ns}}},
                  {"no_eventq_buffer", {{"count", result.events_held}, {"total_ns", result.event_wait_total_ns}}},
                  {"core_busy", {{"total_ns", result.core_wait_ns}}},
                  {"bus_busy", {{"total_ns", result.bus_contention_ns}}}}},
      {"cores", cores},
      {"commandq", {{"size", result.commandq_size}, {"free_at_end", result.commandq_free_at_end},
                    {"driver_waiting_for_descriptor", result.driver_waiting_for_descriptors}}},
      {"eventq", {{"size", result.eventq_size}}},
      {"traffic", traffic_json(result)},
      {"conformance", conformance_json(result)},
      {"settings", settings_json(settings)},
      {"changed_settings", changed_settings_json(settings)},
      {"diagnostics", result.diagnostics},
  };
  // Only when the one-line reason was shortened (other runs' summaries keep their keys), after "reason".
  if (result.reason_detail.empty()) return summary;
  ordered_json with_detail;
  for (auto& [key, value] : summary.items()) {
    with_detail[key] = std::move(value);
    if (key == "reason") with_detail["reason_detail"] = result.reason_detail;
  }
  return with_detail;
}

std::string frames_csv_header() {
  std::vector<std::string> header = {"stream",   "timestamp",   "width",      "height",      "error_flag",
                                     "queued_ns", "answered_ns", "latency_ns", "consumed_ns", "breakdown"};
  for (const char* stage : kStageNames) header.push_back(fmt::format("{}_ns", stage));
  return csv_record(header);
}

std::string frames_csv_row(const std::string& stream_name, const FrameStages& f) {
  const auto ns = [](double v) { return fmt::format("{:.3f}", v); };
  std::vector<std::string> row = {stream_name,              std::to_string(f.timestamp), std::to_string(f.width),
                                  std::to_string(f.height), f.error_flag ? "1" : "0",    ns(f.queued_ns),
                                  ns(f.taken_ns),           ns(f.latency_ns()),          ns(f.consumed_ns),
                                  f.complete ? "1" : "0"};
  for (double v : f.stage_ns) row.push_back(ns(v));
  return csv_record(row);
}

std::string frames_csv(const scenarios::Scenario& scenario, const scenarios::RunResult& result) {
  std::string out = frames_csv_header();
  for (const auto& f : frame_stages(scenario, result)) out += frames_csv_row(result.streams[f.stream].name, f);
  return out;
}

namespace {

// "15 of 60 units fed" when a stream stopped short, "60 units fed" otherwise.
std::string fed_text(size_t fed, size_t total, const char* what) {
  return fed == total ? fmt::format("{} {} fed", total, what) : fmt::format("{} of {} {} fed", fed, total, what);
}

// What happened to a decoder stream beyond decoding: errors, resets, stops.
std::string decode_events_text(const guest::DecodeReport& r) {
  std::string text = fmt::format(", {} DRC", r.drc_events);
  if (r.error_events > 0) text += fmt::format(", {} error event{} (stream closed by the device)", r.error_events,
                                              r.error_events == 1 ? "" : "s");
  if (r.resets > 0) text += fmt::format(", {} device reset{}", r.resets, r.resets == 1 ? "" : "s");
  if (r.stopped) text += ", stopped";
  if (r.destroyed_mid_stream) text += ", destroyed mid-stream";
  if (r.inputs_canceled > 0) text += fmt::format(", {} inputs canceled", r.inputs_canceled);
  return text;
}

std::string checksum_text(const scenarios::StreamResult& s) {
  return s.frames_checksum.empty() ? "no checksum (timing-only)" : "xxh3 " + s.frames_checksum;
}

std::string latency_text(const LatencyCounts& latencies) {
  const auto l = latencies.stats();
  return fmt::format("latency p50 {:.1f} us p99 {:.1f} us", l.p50_ns / 1000, l.p99_ns / 1000);
}

// `latencies`: the stream's frame latencies (an encoder's: raw frame queued -> its bitstream taken).
std::string stream_line(const scenarios::StreamResult& s, const LatencyCounts& latencies) {
  if (s.encode) {
    const auto& e = *s.encode;
    return fmt::format("  {} ({} encoder): {}, {} units out{}{}\n", s.name, codec::fourcc_of(s.codec),
                       fed_text(e.frames_queued, s.units_in, "frames"), e.units.size(),
                       e.problems.empty() ? "" : fmt::format(", {} problems", e.problems.size()),
                       e.units.empty() ? ", no units" : ", " + latency_text(latencies) + ", " + checksum_text(s));
  }
  std::string line = fmt::format("  {} ({}): {}, {} consumed, {} frames out{}", s.name, codec::fourcc_of(s.codec),
                                 fed_text(s.units_fed, s.units_in, "units"), s.report.inputs_consumed,
                                 s.report.frame_counts.taken, decode_events_text(s.report));
  if (s.report.frame_counts.taken == 0) return line + ", no frames\n";
  return line + ", " + latency_text(latencies) + ", " + checksum_text(s) + "\n";
}

// "core utilisation 92.0% / 0.0%": each core, an average would hide an idle one.
std::string cores_text(const std::vector<scenarios::CoreUsage>& cores) {
  std::string text = "core utilisation";
  for (size_t i = 0; i < cores.size(); ++i) text += fmt::format("{}{:.1f}%", i == 0 ? " " : " / ", 100.0 * cores[i].utilisation);
  return text;
}

// One line: what differs from the built-in defaults (every value is in
// summary.json and the report).
std::string changed_settings_text(const scenarios::Scenario& scenario) {
  std::vector<std::string> changed;
  for (const auto& setting : effective_settings(scenario))
    if (setting.changed()) changed.push_back(setting.key + "=" + setting.value);
  if (changed.empty()) return "  settings: all defaults\n";
  return fmt::format("  settings changed from defaults: {}\n", fmt::join(changed, ", "));
}

}  // namespace

std::string human_summary(const scenarios::Scenario& scenario, const scenarios::RunResult& result, const RunFold* live) {
  std::string out = fmt::format("{} under {}: {} after {:.3f} ms simulated\n", scenario.source, scenario.protocol,
                                scenarios::outcome_name(result.outcome), double(result.simulated_ps) / 1e9);
  if (!result.reason.empty()) out += "  " + result.reason + "\n";
  RunFold made;
  const RunFold& fold = run_fold(scenario, result, live, made);
  for (size_t i = 0; i < result.streams.size(); ++i) {
    const auto& s = result.streams[i];
    out += stream_line(s, fold[i].latency);
    for (const auto& p : s.encode ? s.encode->problems : s.report.problems) out += "    problem: " + p + "\n";
  }
  size_t unexpected = 0;
  for (bool expected : result.violation_expected) unexpected += !expected;
  if (!result.violations.empty())
    out += fmt::format("  conformance: {} violations ({} unexpected), first: {} side, '{}'\n", result.violations.size(),
                       unexpected, tlm_virtio::side_name(result.violations.front().side), result.violations.front().rule);
  out += fmt::format("  interrupts {}, kicks {}, bus {} B cpu / {} B device, {}\n", result.interrupts, result.kicks,
                     result.bus_bytes_cpu, result.bus_bytes_device, cores_text(result.cores));
  return out + changed_settings_text(scenario);
}

}  // namespace vvsim::analysis
