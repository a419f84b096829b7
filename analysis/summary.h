// The run summary: what a run did, as deterministic JSON (summary.json) and
// as a few human lines. Observes a finished run; changes nothing.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/frame_fold.h"
#include "analysis/latency_counts.h"
#include "scenarios/runner.h"

namespace vvsim::analysis {

// Per frame: from the driver queueing the first input unit with the frame's
// timestamp to the driver seeing the frame's output answer.
std::vector<double> frame_latencies_ns(const guest::DecodeReport& report);

// `live`: the run's frames already folded (by a LiveFold as the run went, or
// by fold_records); none: folded here from the records the run kept.
nlohmann::ordered_json summary_json(const scenarios::Scenario& scenario, const scenarios::RunResult& result,
                                    const RunFold* live = nullptr);
// One CSV row per decoded frame, in output order per stream:
// stream,timestamp,width,height,error_flag,queued_ns,answered_ns,latency_ns,consumed_ns,breakdown,
// then one <stage>_ns column per stage of analysis/frame_stages.h (0 when breakdown is 0).
std::string frames_csv(const scenarios::Scenario& scenario, const scenarios::RunResult& result);
// frames_csv's first line, and the row of one frame (to write the rows as a LiveFold hears them).
std::string frames_csv_header();
std::string frames_csv_row(const std::string& stream_name, const FrameStages& frame);

std::string human_summary(const scenarios::Scenario& scenario, const scenarios::RunResult& result,
                          const RunFold* live = nullptr);

}  // namespace vvsim::analysis
