// A VCD (IEEE 1364 value change dump) of a finished run's key signals, for
// waveform viewers such as GTKWave: the interrupt as the driver sees it (high
// from delivery until its handler has reaped the answers), each codec core's
// busy line, the commandq descriptors in use, and per decoder stream the
// INPUT and OUTPUT resources the device holds. Timescale 1 ps. Observes
// only; deterministic (no date in the header).
#pragma once

#include <string>

#include "scenarios/runner.h"

namespace vvsim::analysis {

std::string run_vcd(const scenarios::Scenario& scenario, const scenarios::RunResult& result);

}  // namespace vvsim::analysis
