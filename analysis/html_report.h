// A self-contained HTML report of a finished run (no scripts, no network:
// plots are inline SVG): scenario and effective profile, per-stream summary,
// latency histogram and latency over time, stage breakdown, queue occupancy
// over time, core utilisation, counters and stalls. Observes only;
// deterministic.
#pragma once

#include <string>

#include "scenarios/runner.h"

namespace vvsim::analysis {

std::string run_report_html(const scenarios::Scenario& scenario, const scenarios::RunResult& result);

}  // namespace vvsim::analysis
