// The HTML report of a sweep: for each parameter, latency (p50, p99), throughput
// and output-stall time against its values, one line per combination of the
// other parameters; then the table of every point, failed ones with their
// reason. Self-contained (inline SVG); deterministic.
#pragma once

#include <string>
#include <vector>

#include "analysis/sweep.h"

namespace vvsim::analysis {

std::string sweep_report_html(const std::string& scenario, const std::vector<SweepParam>& params,
                              const std::vector<SweepPointResult>& results);

}  // namespace vvsim::analysis
