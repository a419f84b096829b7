#include "analysis/trace.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

double us(uint64_t ps) { return double(ps) / 1e6; }

ordered_json track_name(int tid, const std::string& name) {
  return {{"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"name", "thread_name"}, {"args", {{"name", name}}}};
}

ordered_json slice(int tid, const std::string& cat, const std::string& name, double begin, double dur) {
  return {{"ph", "X"}, {"pid", kPid}, {"tid", tid}, {"cat", cat}, {"name", name}, {"ts", begin}, {"dur", dur}};
}

// Overlapping spans on one track: async begin/end pairs.
std::pair<ordered_json, ordered_json> span(int tid, const std::string& cat, const std::string& name, uint64_t id,
                                           double begin, double end, const ordered_json& args = ordered_json::object()) {
  return {{{"ph", "b"}, {"pid", kPid}, {"tid", tid}, {"cat", cat}, {"name", name}, {"id", id}, {"ts", begin},
           {"args", args}},
          {{"ph", "e"}, {"pid", kPid}, {"tid", tid}, {"cat", cat}, {"name", name}, {"id", id}, {"ts", end}}};
}

ordered_json command_args(const models::CommandRecord& c) {
  ordered_json args = {{"ticket", c.ticket}, {"result", c.result}};
  if (c.stream_id) args["stream_id"] = *c.stream_id;
  return args;
}

ordered_json event_instant(const models::EventRecord& e) {
  const bool drc = e.kind == models::EventKind::ResolutionChange;
  return {{"ph", "i"}, {"pid", kPid}, {"tid", kEventTrack}, {"cat", "event"},
          {"name", fmt::format("{} stream {}", drc ? "DRC" : "ERROR", e.stream_id)},
          {"ts", us(e.received_ps)}, {"s", "t"},
          {"args", {{"stream_id", e.stream_id}, {drc ? "queue_type" : "error", e.detail}}}};
}

}  // namespace

LiveTrace::LiveTrace(const scenarios::Scenario& scenario, TextSink out)
    : scenario_(scenario), out_(std::move(out)), bus_(std::size(kBusInitiators)) {
  for (const char* initiator : kBusInitiators)
    bus_counters_.push_back({fmt::format("bus utilisation {} (%)", initiator), "percent"});
  // depth_series's order; each series starts at 0 at time 0.
  depth_counters_.push_back({kCommandqSeries, "depth"});
  depth_counters_.push_back({kEventqSeries, "depth"});
  for (const auto& s : scenario.streams) {
    held_series_.push_back(depth_counters_.size());
    if (s.encode) continue;
    depth_counters_.push_back({held_series_name(s.name, guest::BufferQueue::Input), "depth"});
    depth_counters_.push_back({held_series_name(s.name, guest::BufferQueue::Output), "depth"});
  }
}

void LiveTrace::write_head() {
  head_written_ = true;
  const scenarios::Scenario& scenario = scenario_;
  out_(R"({"displayTimeUnit":"ns","traceEvents":[)");
  out_(ordered_json{{"ph", "M"}, {"pid", kPid}, {"name", "process_name"}, {"args", {{"name", "vvsim: " + scenario.source}}}}
           .dump());
  emit(track_name(kSubmitTrack, "driver: submit").dump());
  emit(track_name(kInterruptTrack, "driver: interrupt").dump());
  emit(track_name(kCommandTrack, "driver: commandq").dump());
  emit(track_name(kBusTrack, "bus: frame writes").dump());
  emit(track_name(kEventTrack, "driver: eventq").dump());
  for (uint32_t c = 0; c < scenario.platform.engine.num_cores; ++c)
    emit(track_name(kFirstCoreTrack + int(c), fmt::format("codec core {}", c)).dump());
  for (size_t i = 0; i < scenario.streams.size(); ++i)
    emit(track_name(kFirstStreamTrack + int(i), "application: " + scenario.streams[i].name).dump());
  for (auto& c : depth_counters_) count(c, 0, 0);
}

void LiveTrace::emit(const std::string& event) {
  if (!head_written_) write_head();
  out_(",");
  out_(event);
}

void LiveTrace::count(Counter& counter, double at_ns, double value) {
  if (counter.written && value == counter.last) return;
  emit(ordered_json{{"ph", "C"}, {"pid", kPid}, {"name", counter.name}, {"ts", at_ns / 1000.0},
                    {"args", {{counter.arg, value}}}}
           .dump());
  counter.written = true;
  counter.last = value;
}

void LiveTrace::stage_mark(const models::DeviceStageMark& m) {
  const std::pair<uint32_t, uint64_t> key{m.stream_id, m.timestamp};
  if (m.stage == models::DeviceStage::OutputWriteStarted) write_start_[key] = m.at.value();
  if (m.stage != models::DeviceStage::OutputWriteFinished) return;
  auto it = write_start_.find(key);
  if (it == write_start_.end()) return;
  emit(slice(kBusTrack, "dma", fmt::format("stream {} frame ts {}", m.stream_id, m.timestamp), us(it->second),
             us(m.at.value() - it->second))
           .dump());
  write_start_.erase(it);
}

void LiveTrace::frame_taken(size_t stream, const guest::FrameRecord& record, const std::optional<sc_core::sc_time>& queued) {
  if (!queued) return;  // as frame_stages: no queueing, no span
  frame_span(stream, record.timestamp, double(queued->value()) / 1000.0, double(record.answered.value()) / 1000.0);
}

void LiveTrace::frame_span(size_t stream, uint64_t timestamp, double queued_ns, double taken_ns) {
  const auto [begin, end] = span(kFirstStreamTrack + int(stream), "frame", fmt::format("frame ts {}", timestamp),
                                 ++frame_id_, queued_ns / 1000.0, taken_ns / 1000.0);
  emit(begin.dump());
  emit(end.dump());
}

// One handler run per interrupt delivery, from delivery to its last reaped
// answer. Runs follow each other on the driver's one handler thread, so a
// command reaped by a later delivery closes every earlier run.
void LiveTrace::close_handler_runs_before(uint64_t delivered_ps) {
  for (auto it = handler_end_ps_.begin(); it != handler_end_ps_.end() && it->first < delivered_ps;) {
    emit(slice(kInterruptTrack, "interrupt", "interrupt handler", us(it->first), us(it->second - it->first)).dump());
    it = handler_end_ps_.erase(it);
  }
}

void LiveTrace::command_answered(const models::CommandRecord& c) {
  close_handler_runs_before(c.interrupted_ps);
  auto& end = handler_end_ps_[c.interrupted_ps];
  end = std::max(end, c.answered_ps);
  const std::string& name = c.label;
  const auto [begin, answered] = span(kCommandTrack, "command", name, c.ticket, us(c.submitted_ps), us(c.answered_ps),
                                      command_args(c));
  emit(begin.dump());
  emit(answered.dump());
  emit(slice(kSubmitTrack, "submit", name, us(c.submitted_ps), kInstantUs).dump());
  ordered_json flow = {{"pid", kPid}, {"cat", "command"}, {"name", name}, {"id", c.ticket}};
  flow["ph"] = "s";
  flow["tid"] = kSubmitTrack;
  flow["ts"] = us(c.submitted_ps);
  emit(flow.dump());
  flow["ph"] = "f";
  flow["bp"] = "e";
  flow["tid"] = kInterruptTrack;
  flow["ts"] = us(c.answered_ps);
  emit(flow.dump());
}

void LiveTrace::core_job(const scenarios::CoreSlice& j) {
  emit(slice(kFirstCoreTrack + int(j.core), "codec", j.cancelled ? j.owner + " (cancelled)" : j.owner, us(j.start_ps),
             us(j.end_ps - j.start_ps))
           .dump());
}

// A window is final once the simulation has passed its end: the bus books no
// transfer to start before the time it is booked at.
void LiveTrace::bus_transfer(int initiator, uint64_t start_ps, uint64_t length_ps, uint64_t now_ps) {
  if (initiator < 0 || size_t(initiator) >= bus_.size()) return;
  BusWindows& b = bus_[size_t(initiator)];
  constexpr uint64_t kWindow = scenarios::RunResult::kBusWindowPs;
  write_bus_windows(size_t(initiator), now_ps / kWindow);
  while (length_ps > 0) {
    const uint64_t window = std::max(start_ps / kWindow, b.first);  // never before `first` (see above)
    const uint64_t part = std::min(length_ps, (window + 1) * kWindow - start_ps);
    if (b.busy_ps.size() <= window - b.first) b.busy_ps.resize(window - b.first + 1, 0);
    b.busy_ps[window - b.first] += part;
    start_ps += part, length_ps -= part;
  }
}

// Writes the initiator's windows before `before_window` that a transfer has reached.
void LiveTrace::write_bus_windows(size_t initiator, uint64_t before_window) {
  BusWindows& b = bus_[initiator];
  for (; b.first < before_window && !b.busy_ps.empty(); ++b.first) {
    const UtilisationPoint p = utilisation_point(b.first, b.busy_ps.front());
    count(bus_counters_[initiator], p.at_ns, p.percent);
    b.busy_ps.pop_front();
  }
}

void LiveTrace::ring_depth(models::RingQueue queue, const models::DepthSample& sample) {
  const DepthPoint p = depth_point(sample);
  count(depth_counters_[queue == models::RingQueue::Commandq ? 0 : 1], p.at_ns, double(p.value));
}

void LiveTrace::queue_depth(size_t stream, const guest::QueueDepthSample& sample) {
  if (stream >= held_series_.size()) return;
  const DepthPoint p = depth_point(sample);
  const size_t series = held_series_[stream] + (sample.queue == guest::BufferQueue::Output ? 1 : 0);
  count(depth_counters_[series], p.at_ns, double(p.value));
}

void LiveTrace::finish(const scenarios::RunResult& result) {
  if (!head_written_) write_head();
  close_handler_runs_before(UINT64_MAX);
  for (size_t i = 0; i < bus_.size(); ++i) write_bus_windows(i, UINT64_MAX);
  for (const auto& e : result.events_received) emit(event_instant(e).dump());
  if (std::any_of(scenario_.streams.begin(), scenario_.streams.end(), [](const auto& s) { return s.encode; }))
    for (const auto& f : frame_stages(scenario_, result))
      if (f.stream < scenario_.streams.size() && scenario_.streams[f.stream].encode)
        frame_span(f.stream, f.timestamp, f.queued_ns, f.taken_ns);
  out_("]}");
}

}  // namespace vvsim::analysis
