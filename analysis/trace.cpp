#include "analysis/trace.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>

#include "analysis/frame_stages.h"

namespace vvsim::analysis {

using nlohmann::ordered_json;

namespace {

constexpr int kPid = 1;
constexpr int kSubmitTrack = 1;
constexpr int kInterruptTrack = 2;
constexpr int kCommandTrack = 3;
constexpr int kBusTrack = 4;
constexpr int kEventTrack = 5;
constexpr int kFirstCoreTrack = 10;
constexpr int kFirstStreamTrack = 100;
constexpr double kInstantUs = 0.001;  // flows bind to slices: a submission is a 1 ns slice

// The trace's event array, written to its sink as each event is added.
class TraceEvents {
 public:
  explicit TraceEvents(const TextSink& out) : out_(out) {}
  void push_back(const ordered_json& event) {
    if (!first_) out_(",");
    out_(event.dump());
    first_ = false;
  }

 private:
  const TextSink& out_;
  bool first_ = true;
};

double us(uint64_t ps) { return double(ps) / 1e6; }

ordered_json track_name(int tid, const std::string& name) {
  return {{"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"name", "thread_name"}, {"args", {{"name", name}}}};
}

ordered_json slice(int tid, const std::string& cat, const std::string& name, double begin, double dur) {
  return {{"ph", "X"}, {"pid", kPid}, {"tid", tid}, {"cat", cat}, {"name", name}, {"ts", begin}, {"dur", dur}};
}

// Overlapping spans on one track: async begin/end pairs.
void add_span(TraceEvents& events, int tid, const std::string& cat, const std::string& name, uint64_t id, double begin,
              double end, const ordered_json& args = ordered_json::object()) {
  events.push_back({{"ph", "b"}, {"pid", kPid}, {"tid", tid}, {"cat", cat}, {"name", name}, {"id", id}, {"ts", begin},
                    {"args", args}});
  events.push_back({{"ph", "e"}, {"pid", kPid}, {"tid", tid}, {"cat", cat}, {"name", name}, {"id", id}, {"ts", end}});
}

ordered_json command_args(const models::CommandRecord& c) {
  ordered_json args = {{"ticket", c.ticket}, {"result", c.result}};
  if (c.stream_id) args["stream_id"] = *c.stream_id;
  return args;
}

void add_commands(TraceEvents& events, const scenarios::RunResult& result) {
  // One handler run per interrupt delivery: from delivery to its last reaped answer.
  std::map<uint64_t, uint64_t> handler_end;
  for (const auto& c : result.commands) {
    auto& end = handler_end[c.interrupted_ps];
    end = std::max(end, c.answered_ps);
  }
  for (const auto& [delivered, end] : handler_end)
    events.push_back(slice(kInterruptTrack, "interrupt", "interrupt handler", us(delivered), us(end - delivered)));
  for (const auto& c : result.commands) {
    const std::string& name = c.label;
    add_span(events, kCommandTrack, "command", name, c.ticket, us(c.submitted_ps), us(c.answered_ps), command_args(c));
    events.push_back(slice(kSubmitTrack, "submit", name, us(c.submitted_ps), kInstantUs));
    ordered_json flow = {{"pid", kPid}, {"cat", "command"}, {"name", name}, {"id", c.ticket}};
    flow["ph"] = "s";
    flow["tid"] = kSubmitTrack;
    flow["ts"] = us(c.submitted_ps);
    events.push_back(flow);
    flow["ph"] = "f";
    flow["bp"] = "e";
    flow["tid"] = kInterruptTrack;
    flow["ts"] = us(c.answered_ps);
    events.push_back(flow);
  }
}

void add_frame_writes(TraceEvents& events, const scenarios::RunResult& result) {
  std::map<std::pair<uint32_t, uint64_t>, uint64_t> started;  // (stream id, timestamp) -> write start
  for (const auto& m : result.stage_marks) {
    if (m.stage == models::DeviceStage::OutputWriteStarted) started[{m.stream_id, m.timestamp}] = m.at.value();
    if (m.stage != models::DeviceStage::OutputWriteFinished) continue;
    auto it = started.find({m.stream_id, m.timestamp});
    if (it == started.end()) continue;
    events.push_back(slice(kBusTrack, "dma", fmt::format("stream {} frame ts {}", m.stream_id, m.timestamp),
                           us(it->second), us(m.at.value() - it->second)));
    started.erase(it);
  }
}

// Each event as the driver's handler received it.
void add_events(TraceEvents& events, const scenarios::RunResult& result) {
  for (const auto& e : result.events_received) {
    const bool drc = e.kind == models::EventKind::ResolutionChange;
    ordered_json instant = {{"ph", "i"}, {"pid", kPid}, {"tid", kEventTrack}, {"cat", "event"},
                            {"name", fmt::format("{} stream {}", drc ? "DRC" : "ERROR", e.stream_id)},
                            {"ts", us(e.received_ps)}, {"s", "t"},
                            {"args", {{"stream_id", e.stream_id}, {drc ? "queue_type" : "error", e.detail}}}};
    events.push_back(std::move(instant));
  }
}

// A counter track holds each sample until the next one, so only changes are
// written (an idle run's bus windows were almost all repeated zeros).
template <class Points, class ValueOf>
void add_counter_track(TraceEvents& events, const std::string& name, const char* arg, const Points& points,
                       ValueOf value_of) {
  bool first = true;
  double last = 0;
  for (const auto& p : points) {
    const double value = value_of(p);
    if (!first && value == last) continue;
    events.push_back({{"ph", "C"}, {"pid", kPid}, {"name", name}, {"ts", p.at_ns / 1000.0}, {"args", {{arg, value}}}});
    first = false;
    last = value;
  }
}

void add_counters(TraceEvents& events, const scenarios::Scenario& scenario, const scenarios::RunResult& result) {
  for (const auto& u : bus_utilisation(result))
    add_counter_track(events, "bus utilisation " + u.initiator + " (%)", "percent", u.points,
                      [](const auto& p) { return p.percent; });
  for (const auto& series : depth_series(scenario, result))
    add_counter_track(events, series.name, "depth", series.points, [](const auto& p) { return double(p.value); });
}

}  // namespace

void write_chrome_trace(const scenarios::Scenario& scenario, const scenarios::RunResult& result, const TextSink& out) {
  out(R"({"displayTimeUnit":"ns","traceEvents":[)");
  TraceEvents events(out);
  events.push_back({{"ph", "M"}, {"pid", kPid}, {"name", "process_name"}, {"args", {{"name", "vvsim: " + scenario.source}}}});
  events.push_back(track_name(kSubmitTrack, "driver: submit"));
  events.push_back(track_name(kInterruptTrack, "driver: interrupt"));
  events.push_back(track_name(kCommandTrack, "driver: commandq"));
  events.push_back(track_name(kBusTrack, "bus: frame writes"));
  events.push_back(track_name(kEventTrack, "driver: eventq"));
  for (size_t c = 0; c < result.cores.size(); ++c)
    events.push_back(track_name(kFirstCoreTrack + int(c), fmt::format("codec core {}", c)));
  for (size_t i = 0; i < result.streams.size(); ++i)
    events.push_back(track_name(kFirstStreamTrack + int(i), "application: " + result.streams[i].name));

  add_commands(events, result);
  for (const auto& j : result.core_slices) {
    events.push_back(slice(kFirstCoreTrack + int(j.core), "codec", j.cancelled ? j.owner + " (cancelled)" : j.owner,
                           us(j.start_ps), us(j.end_ps - j.start_ps)));
  }
  add_frame_writes(events, result);
  add_events(events, result);
  uint64_t frame_id = 0;
  for (const auto& f : frame_stages(scenario, result)) {
    add_span(events, kFirstStreamTrack + int(f.stream), "frame", fmt::format("frame ts {}", f.timestamp), ++frame_id,
             f.queued_ns / 1000.0, f.taken_ns / 1000.0);
  }
  add_counters(events, scenario, result);
  out("]}");
}

}  // namespace vvsim::analysis
