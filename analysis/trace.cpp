#include "analysis/trace.h"

#include <fmt/format.h>

namespace vvsim::analysis {

using nlohmann::ordered_json;

namespace {

constexpr int kPid = 1;
constexpr int kCommandTrack = 1;
constexpr int kFirstCoreTrack = 10;
constexpr int kFirstStreamTrack = 100;

double us(uint64_t ps) { return double(ps) / 1e6; }
double us(const sc_core::sc_time& t) { return t.to_seconds() * 1e6; }

ordered_json track_name(int tid, const std::string& name) {
  return {{"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"name", "thread_name"}, {"args", {{"name", name}}}};
}

// Overlapping spans on one track: async begin/end pairs.
void add_span(ordered_json& events, int tid, const std::string& cat, const std::string& name, uint64_t id, double begin,
              double end) {
  events.push_back({{"ph", "b"}, {"pid", kPid}, {"tid", tid}, {"cat", cat}, {"name", name}, {"id", id}, {"ts", begin}});
  events.push_back({{"ph", "e"}, {"pid", kPid}, {"tid", tid}, {"cat", cat}, {"name", name}, {"id", id}, {"ts", end}});
}

}  // namespace

ordered_json chrome_trace(const scenarios::Scenario& scenario, const scenarios::RunResult& result) {
  ordered_json events = ordered_json::array();
  events.push_back({{"ph", "M"}, {"pid", kPid}, {"name", "process_name"}, {"args", {{"name", "vvsim: " + scenario.source}}}});
  events.push_back(track_name(kCommandTrack, "driver: commandq"));
  for (size_t c = 0; c < result.cores.size(); ++c)
    events.push_back(track_name(kFirstCoreTrack + int(c), fmt::format("codec core {}", c)));
  for (size_t i = 0; i < result.streams.size(); ++i)
    events.push_back(track_name(kFirstStreamTrack + int(i), "application: " + result.streams[i].name));

  for (const auto& c : result.commands)
    add_span(events, kCommandTrack, "command", fmt::format("command {}", c.ticket), c.ticket, us(c.submitted_ps),
             us(c.answered_ps));
  for (const auto& j : result.core_slices) {
    events.push_back({{"ph", "X"},
                      {"pid", kPid},
                      {"tid", kFirstCoreTrack + int(j.core)},
                      {"cat", "codec"},
                      {"name", j.cancelled ? j.owner + " (cancelled)" : j.owner},
                      {"ts", us(j.start_ps)},
                      {"dur", us(j.end_ps - j.start_ps)}});
  }
  uint64_t frame_id = 0;
  for (size_t i = 0; i < result.streams.size(); ++i) {
    const auto& report = result.streams[i].report;
    for (const auto& f : report.frames) {
      auto queued = report.input_queued.find(f.timestamp);
      if (queued == report.input_queued.end()) continue;
      add_span(events, kFirstStreamTrack + int(i), "frame", fmt::format("frame ts {}", f.timestamp), ++frame_id,
               us(queued->second), us(f.answered));
    }
  }
  return ordered_json{{"displayTimeUnit", "ns"}, {"traceEvents", events}};
}

}  // namespace vvsim::analysis
