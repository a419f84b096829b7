// A Perfetto-loadable trace (Chrome trace-event JSON) of a finished run.
// Tracks:
//   driver: submit      each command posted (an instant), with a flow arrow to
//   driver: interrupt   the handler run that reaped its answer (delivery -> reap)
//   driver: commandq    every command as an async span, submitted -> answered, named by
//                       type (queue, resource, parameter), with its stream and result
//   driver: eventq      each event (DRC, ERROR) as the driver's handler received it
//   codec core N        every job the core ran
//   bus: frame writes   each decoded picture crossing the bus into guest memory
//   application: S      each frame from its first unit queued to the application taking it
//   counters            commandq descriptors in use; eventq buffers the device holds; per stream
//                       INPUT/OUTPUT resources the device holds; bus utilisation of the CPU and of
//                       the device DMA per 100 us window
// Open in ui.perfetto.dev or chrome://tracing. Observes only; deterministic.
#pragma once

#include "analysis/text_sink.h"
#include "scenarios/runner.h"

namespace vvsim::analysis {

// Writes the trace (compact JSON, no newline) to `out` event by event: a
// long run's trace is never held whole (as a JSON tree it took ~20 KiB a frame).
void write_chrome_trace(const scenarios::Scenario& scenario, const scenarios::RunResult& result, const TextSink& out);

}  // namespace vvsim::analysis
