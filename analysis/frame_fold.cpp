#include "analysis/frame_fold.h"

#include <utility>

namespace vvsim::analysis {

void StreamFold::add(const FrameStages& frame, double latency_ns) {
  latency.add(latency_ns);
  if (!frame.complete) {
    ++partial;
    return;
  }
  ++complete;
  for (size_t k = 0; k < kStageCount; ++k) stage_sum[k] += frame.stage_ns[k];
}

RunFold fold_records(const scenarios::Scenario& scenario, const scenarios::RunResult& result) {
  RunFold fold(result.streams.size());
  for (const auto& f : frame_stages(scenario, result)) {
    // An encoded frame's latency is its row's (taken - queued in ns); a decoded one's exact.
    const bool encoded = result.streams[f.stream].encode.has_value();
    fold[f.stream].add(f, encoded ? f.latency_ns() : double(f.latency_ps) / 1000.0);
  }
  return fold;
}

LiveFold::LiveFold(const scenarios::Scenario& scenario, size_t streams, std::function<void(const FrameStages&)> on_frame)
    : scenario_(scenario), on_frame_(std::move(on_frame)), fold_(streams) {}

void LiveFold::stage_mark(const models::DeviceStageMark& mark) { add_mark(marks_, mark); }

void LiveFold::frame_taken(size_t stream, const guest::FrameRecord& record, const std::optional<sc_core::sc_time>& queued) {
  if (!queued || stream >= fold_.size()) return;  // as frame_stages: no queueing, no latency
  auto m = marks_.find({record.stream_id, record.timestamp});
  const FrameStages f = decoded_frame(stream, record, *queued, output_hold_ns(scenario_, stream),
                                      m == marks_.end() ? nullptr : &m->second);
  if (m != marks_.end()) marks_.erase(m);
  fold_[stream].add(f, double(f.latency_ps) / 1000.0);
  if (on_frame_) on_frame_(f);
}

}  // namespace vvsim::analysis
