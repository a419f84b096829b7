#include "analysis/frame_stages.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace vvsim::analysis {

namespace {

using models::DeviceStage;

double ns(const sc_core::sc_time& t) { return double(t.value()) / 1000.0; }

MarkIndex index_marks(const std::vector<models::DeviceStageMark>& marks) {
  MarkIndex index;
  for (const auto& m : marks) add_mark(index, m);
  return index;
}

// The last time at or before `limit` (a frame re-decoded after a seek or reset
// is marked again: the marks that led to this output are the latest ones).
std::optional<double> last_before(const std::vector<double>& times, double limit) {
  auto it = std::upper_bound(times.begin(), times.end(), limit);
  if (it == times.begin()) return std::nullopt;
  return *std::prev(it);
}

void fill_stages(FrameStages& f, const MarkTimes& m, double interrupted, double reaped) {
  const auto& accepted = m.of(DeviceStage::InputAccepted);
  const auto ds = last_before(m.of(DeviceStage::DecodeStarted), f.taken_ns);
  const auto de = last_before(m.of(DeviceStage::DecodeFinished), f.taken_ns);
  const auto ws = last_before(m.of(DeviceStage::OutputWriteStarted), f.taken_ns);
  const auto we = last_before(m.of(DeviceStage::OutputWriteFinished), f.taken_ns);
  const auto ret = last_before(m.of(DeviceStage::OutputReturned), f.taken_ns);
  const auto a = last_before(accepted, ds.value_or(f.taken_ns));
  if (!a || !ds || !de || !ws || !we || !ret) return;
  // A picture written while its job decoded (engine output_write: during_decode):
  // its write stage is the part of the write past the job's end.
  const double write_start = std::max(*ws, *de), write_end = std::max(*we, write_start);
  const double points[] = {f.queued_ns, *a, *ds, *de, write_start, write_end, *ret, reaped, f.taken_ns};
  if (!std::is_sorted(std::begin(points), std::end(points))) return;
  const double irq = std::max(interrupted, *ret);
  f.stage_ns = {*a - f.queued_ns,  *ds - *a,   *de - *ds,    write_start - *de,  write_end - write_start,
                *ret - write_end,  irq - *ret, reaped - irq, f.taken_ns - reaped};
  f.complete = true;
}

DepthSeries ring_series(const char* name, uint32_t size, const std::vector<models::DepthSample>& samples) {
  DepthSeries series{name, size, {{0, 0}}};
  for (const auto& s : samples) series.points.push_back(depth_point(s));
  return series;
}

// An encoder stream's frames, one per timestamp (a frame index): queued when
// its raw frame was, taken when the application took the last bitstream unit
// of that timestamp (an H.264 key frame comes as SPS, PPS and slice units).
void add_encoded_frames(std::vector<FrameStages>& out, size_t stream, const scenarios::StreamResult& s,
                        const scenarios::StreamSpec* spec, const MarkIndex& marks) {
  const auto& e = *s.encode;
  struct Units {
    const guest::EncodedOutput* last = nullptr;  // the one whose taking completes the frame
    bool flagged = false;                              // any of them carried the error flag
  };
  std::vector<uint64_t> order;  // timestamps in output order
  std::map<uint64_t, Units> by_timestamp;
  for (const auto& u : e.units) {
    auto [it, first] = by_timestamp.try_emplace(u.timestamp);
    if (first) order.push_back(u.timestamp);
    it->second.last = &u;
    it->second.flagged = it->second.flagged || u.error_flag;
  }
  for (uint64_t ts : order) {
    auto queued = e.input_queued.find(ts);
    if (queued == e.input_queued.end()) continue;
    const Units& units = by_timestamp.at(ts);
    const auto& unit = *units.last;
    FrameStages f;
    f.stream = stream;
    f.timestamp = ts;
    if (spec && spec->encode) f.width = spec->encode->width, f.height = spec->encode->height;
    f.error_flag = units.flagged;
    f.queued_ns = ns(queued->second);
    f.taken_ns = ns(unit.answered);
    f.consumed_ns = f.taken_ns;
    if (auto m = marks.find({e.stream_id, ts}); m != marks.end()) fill_stages(f, m->second, ns(unit.interrupted), ns(unit.reaped));
    out.push_back(f);
  }
}

}  // namespace

std::vector<FrameStages> frame_stages(const scenarios::Scenario& scenario, const scenarios::RunResult& result) {
  const MarkIndex marks = index_marks(result.stage_marks);
  std::vector<FrameStages> out;
  for (size_t i = 0; i < result.streams.size(); ++i) {
    if (result.streams[i].encode) {
      add_encoded_frames(out, i, result.streams[i], i < scenario.streams.size() ? &scenario.streams[i] : nullptr, marks);
      continue;
    }
    const auto& report = result.streams[i].report;
    for (const auto& rec : report.frames) {
      auto queued = report.input_queued.find(rec.timestamp);
      if (queued == report.input_queued.end()) continue;
      auto m = marks.find({rec.stream_id, rec.timestamp});
      out.push_back(decoded_frame(i, rec, queued->second, output_hold_ns(scenario, i),
                                  m == marks.end() ? nullptr : &m->second));
    }
  }
  return out;
}

void add_mark(MarkIndex& index, const models::DeviceStageMark& m) {
  index[{m.stream_id, m.timestamp}].by_stage[size_t(m.stage)].push_back(ns(m.at));
}

double output_hold_ns(const scenarios::Scenario& scenario, size_t stream) {
  return stream < scenario.streams.size() ? double(scenario.streams[stream].output_hold_us) * 1000.0 : 0.0;
}

FrameStages decoded_frame(size_t stream, const guest::FrameRecord& rec, const sc_core::sc_time& queued,
                          double hold_ns, const MarkTimes* marks) {
  FrameStages f;
  f.stream = stream;
  f.timestamp = rec.timestamp;
  f.width = rec.width;
  f.height = rec.height;
  f.error_flag = rec.error_flag;
  f.queued_ns = ns(queued);
  f.taken_ns = ns(rec.answered);
  f.latency_ps = (rec.answered - queued).value();
  f.consumed_ns = f.taken_ns + hold_ns;
  if (marks) fill_stages(f, *marks, ns(rec.interrupted), ns(rec.reaped));
  return f;
}

std::vector<double> stream_latencies_ns(const std::vector<FrameStages>& frames, size_t stream) {
  std::vector<double> out;
  for (const auto& f : frames)
    if (f.stream == stream) out.push_back(f.latency_ns());
  return out;
}

std::vector<uint64_t> key_frame_timestamps(const guest::EncodeReport& report) {
  std::vector<uint64_t> out;
  std::set<uint64_t> seen;
  for (const auto& u : report.units)
    if (u.frame_type == codec::FrameType::Key && seen.insert(u.timestamp).second) out.push_back(u.timestamp);
  return out;
}

std::vector<DepthSeries> depth_series(const scenarios::Scenario&, const scenarios::RunResult& result) {
  std::vector<DepthSeries> out;
  out.push_back(ring_series(kCommandqSeries, result.commandq_size, result.commandq_depth));
  out.push_back(ring_series(kEventqSeries, result.eventq_size, result.eventq_depth));
  for (const auto& s : result.streams) {
    if (s.encode) continue;
    for (auto queue : {guest::BufferQueue::Input, guest::BufferQueue::Output}) {
      const bool input = queue == guest::BufferQueue::Input;
      DepthSeries d{held_series_name(s.name, queue), input ? s.report.input_resources : s.report.output_resources,
                    {{0, 0}}};
      for (const auto& q : s.report.queue_depth)
        if (q.queue == queue) d.points.push_back(depth_point(q));
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::string held_series_name(const std::string& stream, guest::BufferQueue queue) {
  return fmt::format("{} {} held by device", stream, queue == guest::BufferQueue::Input ? "INPUT" : "OUTPUT");
}

DepthPoint depth_point(const models::DepthSample& sample) { return {double(sample.at_ps) / 1000.0, sample.depth}; }
DepthPoint depth_point(const guest::QueueDepthSample& sample) { return {ns(sample.at), sample.device_held}; }

std::vector<BusUtilisation> bus_utilisation(const scenarios::RunResult& result) {
  std::vector<BusUtilisation> out;
  for (size_t i = 0; i < result.bus_busy_ps.size(); ++i) {
    BusUtilisation u{kBusInitiators[i], {}};
    const auto& busy = result.bus_busy_ps[i];
    for (size_t w = 0; w < busy.size(); ++w) u.points.push_back(utilisation_point(w, busy[w]));
    out.push_back(std::move(u));
  }
  return out;
}

UtilisationPoint utilisation_point(size_t window, uint64_t busy_ps) {
  const double length = double(scenarios::RunResult::kBusWindowPs);
  return {double(window) * length / 1000.0, 100.0 * double(busy_ps) / length};
}

}  // namespace vvsim::analysis
