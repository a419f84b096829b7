// A VCD (IEEE 1364 value change dump) of a finished run's key signals, for
// waveform viewers such as GTKWave: the interrupt as the driver sees it (high
// from delivery until its handler has reaped the answers), each codec core's
// busy line, the commandq descriptors in use, and per decoder stream the
// INPUT and OUTPUT resources the device holds. Timescale 1 ps. Observes
// only; deterministic (no date in the header).
#pragma once

#include "analysis/text_sink.h"
#include "scenarios/runner.h"

namespace vvsim::analysis {

// Writes the dump to `out` piece by piece (a long run's is never held whole).
void write_run_vcd(const scenarios::Scenario& scenario, const scenarios::RunResult& result, const TextSink& out);

}  // namespace vvsim::analysis
