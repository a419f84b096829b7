// What the summary reads of each stream's frames, folded frame by frame so a
// run need not keep one record per frame: exact latency percentiles (a count
// per distinct value, analysis/latency_counts.h) and the sums behind the mean
// stage breakdown. Folded after the run from the kept records, or as the run
// goes by a LiveFold (a scenarios::RunObserver); both give the same bytes.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <vector>

#include "analysis/frame_stages.h"
#include "analysis/latency_counts.h"
#include "scenarios/runner.h"

namespace vvsim::analysis {

struct StreamFold {
  LatencyCounts latency;
  std::array<double, kStageCount> stage_sum{};  // over the frames with a full breakdown
  size_t complete = 0, partial = 0;             // frames with and without a full breakdown
  // `latency_ns`: the frame's latency as the summary gives it (a decoded frame's to the picosecond).
  void add(const FrameStages& frame, double latency_ns);
};
using RunFold = std::vector<StreamFold>;  // by stream index

// The fold of a finished run that kept its records.
RunFold fold_records(const scenarios::Scenario& scenario, const scenarios::RunResult& result);

// Folds a decoder run's frames as they are taken. Keeps the stage marks of
// the frames not yet taken only: a frame's marks go once it is taken (a frame
// decoded again, after a seek or a reset, is marked again). `on_frame`, when
// set, hears each frame as frames_csv would list it (to stream its row).
class LiveFold : public scenarios::RunObserver {
 public:
  LiveFold(const scenarios::Scenario& scenario, size_t streams,
           std::function<void(const FrameStages&)> on_frame = nullptr);
  void stage_mark(const models::DeviceStageMark& mark) override;
  void frame_taken(size_t stream, const guest::FrameRecord& record,
                   const std::optional<sc_core::sc_time>& queued) override;
  const RunFold& fold() const { return fold_; }

 private:
  const scenarios::Scenario& scenario_;
  std::function<void(const FrameStages&)> on_frame_;
  MarkIndex marks_;
  RunFold fold_;
};

}  // namespace vvsim::analysis
