// A Perfetto-loadable trace (Chrome trace-event JSON) of a finished run:
// one track per stream with each frame as a slice from its first unit being
// queued to its output reaching the driver, one track of commandq commands
// (submitted -> answered), and one track per codec core with every job it ran.
// Open in ui.perfetto.dev or chrome://tracing. Observes only; deterministic.
#pragma once

#include <nlohmann/json.hpp>

#include "scenarios/runner.h"

namespace vvsim::analysis {

nlohmann::ordered_json chrome_trace(const scenarios::Scenario& scenario, const scenarios::RunResult& result);

}  // namespace vvsim::analysis
