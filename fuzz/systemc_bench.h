// A fuzz harness that drives a SystemC model: the model (a `Bench` with an
// `input` vector and a `go` event its thread waits on) is elaborated once per
// process, since SystemC cannot elaborate twice; each input is handed to it and
// simulated for a bounded slice of time.
#pragma once

#include <systemc>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace vvsim::fuzz {

template <class Bench>
Bench& process_bench() {
  static Bench* bench = [] {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return new Bench();  // lives as long as the process
  }();
  return *bench;
}

// One fuzz input: wakes the bench's thread with it and simulates `slice`.
template <class Bench>
int run_input(const uint8_t* data, size_t size, const sc_core::sc_time& slice) {
  Bench& bench = process_bench<Bench>();
  bench.input.assign(data, data + size);
  bench.go.notify(sc_core::SC_ZERO_TIME);
  sc_core::sc_start(slice);
  return 0;
}

}  // namespace vvsim::fuzz
