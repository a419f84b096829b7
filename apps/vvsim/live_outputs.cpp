#include "apps/vvsim/live_outputs.h"

#include <algorithm>

#include "analysis/summary.h"

namespace vvsim::app {

LiveOutputs::LiveOutputs(const scenarios::Scenario& scenario, const std::vector<scenarios::PreparedStream>& streams,
                         const std::string& trace, const std::string& csv, bool report) {
  if (!trace.empty()) {
    trace_file_.emplace(trace, 1, "");
    trace_.emplace(scenario, [this](std::string_view piece) { trace_file_->append(0, piece); });
  }
  const bool any_encoder = std::any_of(streams.begin(), streams.end(), [](const auto& s) { return s.spec.encode; });
  if (report || any_encoder) return;
  std::function<void(const analysis::FrameStages&)> row;
  if (!csv.empty()) {
    csv_.emplace(csv, streams.size(), analysis::frames_csv_header());
    row = [this, &streams](const analysis::FrameStages& f) {
      csv_->append(f.stream, analysis::frames_csv_row(streams[f.stream].spec.name, f));
    };
  }
  fold_.emplace(scenario, streams.size(), std::move(row));
}

// Without a trace the fold hears the run alone (and the runner then
// observes nothing else: no bus transfer, job or depth change).
scenarios::RunObserver* LiveOutputs::observer() {
  if (trace_) return this;
  return fold_ ? &*fold_ : nullptr;
}

void LiveOutputs::stage_mark(const models::DeviceStageMark& mark) {
  if (fold_) fold_->stage_mark(mark);
  trace_->stage_mark(mark);
}

void LiveOutputs::frame_taken(size_t stream, const guest::FrameRecord& record,
                              const std::optional<sc_core::sc_time>& queued) {
  if (fold_) fold_->frame_taken(stream, record, queued);
  trace_->frame_taken(stream, record, queued);
}

void LiveOutputs::finish(const scenarios::RunResult& result, std::vector<std::string>& errors) {
  if (trace_) {
    trace_->finish(result);
    trace_file_->append(0, "\n");
    if (auto error = trace_file_->finish()) errors.push_back(std::move(*error));
  }
  if (csv_)
    if (auto error = csv_->finish()) errors.push_back(std::move(*error));
}

}  // namespace vvsim::app
