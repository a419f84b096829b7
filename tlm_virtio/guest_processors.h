// The guest's CPUs as a shared resource. The interrupt handler and the
// application threads charge their CPU time here and contend for a fixed
// number of CPUs. A thread's work waits for the CPU that comes free first
// (in call order); a handler takes precedence: it runs at once on an idle
// CPU, and when every CPU is busy it preempts one, so everything booked there
// and not finished ends the handler's time later. Computed per booking, with
// no event per preemption: a preempted thread waits out its booked end, then
// whatever was stolen from it meanwhile.
#pragma once

#include <systemc>

#include <cstdint>
#include <vector>

namespace vvsim::tlm_virtio {

class GuestProcessors {
 public:
  explicit GuestProcessors(uint32_t count);
  uint32_t count() const { return uint32_t(cpus_.size()); }
  // Application-thread CPU work of `time`; returns when it is done.
  void run_thread(const sc_core::sc_time& time);
  // Interrupt-handler CPU work of `time` (one handler at a time per CPU).
  void run_handler(const sc_core::sc_time& time);
  // CPU time booked so far, threads and handlers (what the guest spent, not when).
  const sc_core::sc_time& booked() const { return booked_; }

 private:
  struct Cpu {
    sc_core::sc_time threads_until;  // end of the thread work booked on it
    sc_core::sc_time handler_until;  // end of the handler running on it
    sc_core::sc_time stolen;         // handler time taken from its thread work, in all
  };
  size_t cpu_for_thread() const;
  size_t cpu_for_handler() const;
  std::vector<Cpu> cpus_;
  sc_core::sc_time booked_ = sc_core::SC_ZERO_TIME;
};

}  // namespace vvsim::tlm_virtio
