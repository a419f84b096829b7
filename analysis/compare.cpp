#include "analysis/compare.h"

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <set>

namespace vvsim::analysis {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// What a figure reads from a summary; none when the summary lacks it or it
// is per frame of a run without frames.
using Reader = std::function<std::optional<double>(const json& summary)>;

struct FigureDef {
  std::string key, label, unit;
  Reader read;
};

std::optional<double> number_at(const json& s, const json::json_pointer& at) {
  if (!s.contains(at) || !s.at(at).is_number()) return std::nullopt;
  return s.at(at).get<double>();
}

double frames_of(const json& s) {
  double frames = 0;
  for (const auto& st : s.value("streams", json::array()))
    frames += st.contains("units_out") ? st.value("units_out", 0.0) : st.value("frames_out", 0.0);
  return frames;
}

Reader total(const std::string& pointer, double scale = 1) {
  const json::json_pointer at(pointer);
  return [at, scale](const json& s) -> std::optional<double> {
    const auto v = number_at(s, at);
    return v ? std::optional<double>(*v * scale) : std::nullopt;
  };
}

// `pointers` summed, divided by the run's frames.
Reader per_frame(std::vector<std::string> pointers, double scale = 1) {
  return [pointers, scale](const json& s) -> std::optional<double> {
    const double frames = frames_of(s);
    if (frames == 0) return std::nullopt;
    double sum = 0;
    for (const auto& p : pointers) {
      const auto v = number_at(s, json::json_pointer(p));
      if (!v) return std::nullopt;
      sum += *v;
    }
    return sum * scale / frames;
  };
}

// A latency percentile; none for a run without frames (whose stats are all zero).
Reader latency(const char* which) {
  const json::json_pointer at(std::string("/latency_ns/") + which);
  return [at](const json& s) -> std::optional<double> {
    if (number_at(s, json::json_pointer("/latency_ns/frames")).value_or(0) == 0) return std::nullopt;
    const auto v = number_at(s, at);
    return v ? std::optional<double>(*v / 1e6) : std::nullopt;
  };
}

std::optional<double> throughput_fps(const json& s) {
  const auto ns = number_at(s, json::json_pointer("/simulated_time_ns"));
  if (!ns || *ns <= 0 || frames_of(s) == 0) return std::nullopt;
  return frames_of(s) / (*ns / 1e9);
}

// The queue figures for every queue any run has (names from the summaries).
void add_queue_figures(std::vector<FigureDef>& out, const std::vector<ComparedRun>& runs) {
  std::vector<std::string> names;
  for (const auto& r : runs)
    if (r.summary && r.summary->contains(json::json_pointer("/traffic/queues")))
      for (const auto& q : r.summary->at(json::json_pointer("/traffic/queues")))
        if (q.at("index").get<size_t>() >= names.size()) names.push_back(q.value("name", "queue"));
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string q = fmt::format("/traffic/queues/{}/", i), n = names[i];
    out.push_back({n + ".chains_per_frame", n + ": chains per frame", "", per_frame({q + "chains"})});
    out.push_back({n + ".bytes_to_device_per_frame", n + ": bytes to device per frame", "B",
                   per_frame({q + "bytes_to_device"})});
    out.push_back({n + ".bytes_to_driver_per_frame", n + ": bytes to driver per frame", "B",
                   per_frame({q + "bytes_to_driver"})});
    out.push_back({n + ".peak_chains_held", n + ": peak chains the device held", "", total(q + "peak_chains_held")});
    out.push_back({n + ".peak_descriptors_held", n + ": peak descriptors the device held", "",
                   total(q + "peak_descriptors_held")});
  }
}

std::vector<FigureDef> figures_for(const std::vector<ComparedRun>& runs) {
  std::vector<FigureDef> f = {
      {"frames", "frames", "", [](const json& s) { return std::optional<double>(frames_of(s)); }},
      {"simulated_ms", "simulated time", "ms", total("/simulated_time_ns", 1e-6)},
      {"first_frame_ms", "probe to first frame", "ms", total("/traffic/first_frame/time_ns", 1e-6)},
      {"round_trips_to_first_frame", "round trips to first frame", "", total("/traffic/first_frame/round_trips")},
      {"commands_to_first_frame", "commands answered before first frame", "", total("/traffic/first_frame/commands")},
  };
  add_queue_figures(f, runs);
  const std::vector<FigureDef> rest = {
      {"eventq_peak_filled", "peak eventq buffers filled, waiting for the driver", "",
       total("/traffic/eventq_peak_filled")},
      {"events_per_frame", "events per frame", "", per_frame({"/events/received"})},
      {"interrupts_per_frame", "interrupts per frame", "", per_frame({"/interrupts"})},
      {"latency_p50_ms", "latency p50", "ms", latency("p50")},
      {"latency_p99_ms", "latency p99", "ms", latency("p99")},
      {"latency_max_ms", "latency max", "ms", latency("max")},
      {"throughput_fps", "throughput", "frames/s", throughput_fps},
      {"guest_cpu_us_per_frame", "guest CPU per frame", "us", per_frame({"/traffic/guest_cpu_ns"}, 1e-3)},
      {"bus_bytes_per_frame", "bus bytes per frame", "B", per_frame({"/bus/cpu_bytes", "/bus/device_bytes"})},
  };
  f.insert(f.end(), rest.begin(), rest.end());
  return f;
}

// To the thousandth, so the JSON carries no float noise.
ordered_json rounded(std::optional<double> v) {
  if (!v) return nullptr;
  return std::round(*v * 1000.0) / 1000.0;
}

bool all_equal(const ordered_json& values) {
  for (const auto& v : values)
    if (v != values.front()) return false;
  return true;
}

ordered_json figures_json(const std::vector<ComparedRun>& runs) {
  ordered_json out = ordered_json::array();
  for (const auto& def : figures_for(runs)) {
    ordered_json values = ordered_json::array();
    for (const auto& r : runs) values.push_back(r.summary ? rounded(def.read(*r.summary)) : ordered_json(nullptr));
    out.push_back({{"key", def.key}, {"label", def.label}, {"unit", def.unit}, {"values", values},
                   {"differs", !all_equal(values)}});
  }
  return out;
}

// Per stream position: each run's frames checksum; equal when every run that
// completed agrees (a deadlocked run's frames are a prefix, shown but not compared).
ordered_json checksums_json(const std::vector<ComparedRun>& runs) {
  size_t streams = 0;
  for (const auto& r : runs)
    if (r.summary) streams = std::max(streams, r.summary->value("streams", json::array()).size());
  ordered_json out = ordered_json::array();
  for (size_t i = 0; i < streams; ++i) {
    ordered_json values = ordered_json::array();
    std::string name;
    std::set<std::string> seen;
    for (const auto& r : runs) {
      const json streams_of = r.summary ? r.summary->value("streams", json::array()) : json::array();
      const json st = i < streams_of.size() ? streams_of[i] : json::object();
      if (name.empty()) name = st.value("name", "");
      const json sum = st.contains("units_xxh3") ? st["units_xxh3"] : st.value("frames_xxh3", json(nullptr));
      values.push_back(sum.is_string() && !sum.get<std::string>().empty() ? ordered_json(sum.get<std::string>())
                                                                          : ordered_json(nullptr));
      const bool completed = r.summary && r.summary->value("outcome", "") == "completed";
      if (completed && values.back().is_string()) seen.insert(values.back().get<std::string>());
    }
    out.push_back({{"stream", name}, {"values", values}, {"equal", seen.size() <= 1}});
  }
  return out;
}

std::string setting_of(const ComparedRun& r, const std::string& key) {
  if (!r.summary || !r.summary->contains("settings")) return "";
  const auto& s = r.summary->at("settings");
  return s.contains(key) ? s.at(key).get<std::string>() : "";
}

// The effective settings whose values differ between the runs.
ordered_json settings_json(const std::vector<ComparedRun>& runs) {
  std::set<std::string> keys;
  for (const auto& r : runs)
    if (r.summary && r.summary->contains("settings"))
      for (const auto& [k, v] : r.summary->at("settings").items()) keys.insert(k);
  ordered_json out = ordered_json::array();
  for (const auto& k : keys) {
    ordered_json values = ordered_json::array();
    for (const auto& r : runs) values.push_back(setting_of(r, k));
    if (!all_equal(values)) out.push_back({{"key", k}, {"values", values}});
  }
  return out;
}

ordered_json run_json(const ComparedRun& r) {
  const json& s = r.summary ? *r.summary : json::object();
  return {{"label", r.label},
          {"source", r.source},
          {"exit_status", r.exit_status ? json(*r.exit_status) : json(nullptr)},
          {"outcome", r.summary ? s.value("outcome", "") : "no_summary"},
          {"reason", r.summary ? s.value("reason", "") : r.error},
          {"scenario", s.value("scenario", "")},
          {"mode", s.value("mode", "")},
          {"protocol", s.value("protocol", "")}};
}

}  // namespace

ordered_json compare_json(const std::string& title, const std::vector<ComparedRun>& runs) {
  ordered_json list = ordered_json::array();
  for (const auto& r : runs) list.push_back(run_json(r));
  const auto checksums = checksums_json(runs);
  bool equal = true;
  for (const auto& c : checksums) equal = equal && c["equal"].get<bool>();
  return {{"title", title},
          {"runs", list},
          {"frames_equal", equal},
          {"checksums", checksums},
          {"figures", figures_json(runs)},
          {"settings_differing", settings_json(runs)}};
}

}  // namespace vvsim::analysis
