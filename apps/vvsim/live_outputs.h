// The outputs a run feeds as it goes instead of from kept records, so its
// memory does not grow with its length. The trace is always written as the
// run goes. Without a report (it reads every frame's record and stage mark)
// or an encoder stream (its frames come from its units after the run), a run
// also folds its frames for the summary as they are taken and writes each CSV
// row as it comes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/frame_fold.h"
#include "analysis/trace.h"
#include "apps/vvsim/output_files.h"
#include "scenarios/runner.h"

namespace vvsim::app {

class LiveOutputs : public scenarios::RunObserver {
 public:
  // `trace`, `csv`: their paths (empty: none); `report`: a report is written
  // from the kept records after the run.
  LiveOutputs(const scenarios::Scenario& scenario, const std::vector<scenarios::PreparedStream>& streams,
              const std::string& trace, const std::string& csv, bool report);
  // What hears the run (RunOptions::observer), or null when nothing is live.
  scenarios::RunObserver* observer();
  // The frames are folded as they come: the run need not keep their records.
  bool folds_frames() const { return fold_.has_value(); }
  const analysis::RunFold* fold() const { return fold_ ? &fold_->fold() : nullptr; }
  bool writes_csv() const { return csv_.has_value(); }
  // After the run: ends the live files; a failed write is added to `errors`.
  void finish(const scenarios::RunResult& result, std::vector<std::string>& errors);

  void stage_mark(const models::DeviceStageMark& mark) override;
  void frame_taken(size_t stream, const guest::FrameRecord& record,
                   const std::optional<sc_core::sc_time>& queued) override;
  void command_answered(const models::CommandRecord& command) override { trace_->command_answered(command); }
  void core_job(const scenarios::CoreSlice& job) override { trace_->core_job(job); }
  void bus_transfer(int initiator, uint64_t start_ps, uint64_t length_ps, uint64_t now_ps) override {
    trace_->bus_transfer(initiator, start_ps, length_ps, now_ps);
  }
  void ring_depth(models::RingQueue queue, const models::DepthSample& sample) override {
    trace_->ring_depth(queue, sample);
  }
  void queue_depth(size_t stream, const guest::QueueDepthSample& sample) override {
    trace_->queue_depth(stream, sample);
  }

 private:
  std::optional<SectionedFile> csv_, trace_file_;
  std::optional<analysis::LiveFold> fold_;
  std::optional<analysis::LiveTrace> trace_;
};

}  // namespace vvsim::app
