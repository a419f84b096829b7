#include "tlm_virtio/guest_processors.h"

#include <algorithm>
#include <stdexcept>

#include "tlm_virtio/sim_now.h"

namespace vvsim::tlm_virtio {

GuestProcessors::GuestProcessors(uint32_t count) : cpus_(count) {
  if (count == 0) throw std::invalid_argument("guest: at least one CPU");
}

// The CPU whose booked work (thread or handler) ends first; the lowest index on a tie.
size_t GuestProcessors::cpu_for_thread() const {
  size_t best = 0;
  sc_core::sc_time best_free = sc_core::sc_max_time();
  for (size_t c = 0; c < cpus_.size(); ++c) {
    const sc_core::sc_time free = std::max(cpus_[c].threads_until, cpus_[c].handler_until);
    if (free < best_free) best = c, best_free = free;
  }
  return best;
}

// An idle CPU if there is one, else the lowest-numbered CPU running no
// handler (its thread work is preempted), else the one whose handler ends first.
size_t GuestProcessors::cpu_for_handler() const {
  const sc_core::sc_time now = sim_now();
  for (size_t c = 0; c < cpus_.size(); ++c)
    if (std::max(cpus_[c].threads_until, cpus_[c].handler_until) <= now) return c;
  size_t best = 0;
  for (size_t c = 0; c < cpus_.size(); ++c) {
    if (cpus_[c].handler_until <= now) return c;
    if (cpus_[c].handler_until < cpus_[best].handler_until) best = c;
  }
  return best;
}

void GuestProcessors::run_thread(const sc_core::sc_time& time) {
  if (time == sc_core::SC_ZERO_TIME) {  // no CPU work: a delta cycle, as a zero charge always was
    sc_core::wait(time);
    return;
  }
  const sc_core::sc_time now = sim_now();
  booked_ += time;
  const size_t c = cpu_for_thread();
  Cpu& cpu = cpus_[c];
  const sc_core::sc_time start = std::max({now, cpu.threads_until, cpu.handler_until});
  cpu.threads_until = start + time;
  sc_core::sc_time stolen_seen = cpu.stolen;
  sc_core::wait(cpu.threads_until - now);
  // Handlers that preempted this CPU since the booking pushed its end back.
  while (cpus_[c].stolen != stolen_seen) {
    const sc_core::sc_time owed = cpus_[c].stolen - stolen_seen;
    stolen_seen = cpus_[c].stolen;
    sc_core::wait(owed);
  }
}

void GuestProcessors::run_handler(const sc_core::sc_time& time) {
  if (time == sc_core::SC_ZERO_TIME) {
    sc_core::wait(time);
    return;
  }
  const sc_core::sc_time now = sim_now();
  booked_ += time;
  Cpu& cpu = cpus_[cpu_for_handler()];
  const sc_core::sc_time start = std::max(now, cpu.handler_until);
  cpu.handler_until = start + time;
  if (cpu.threads_until > start) {  // preempts the thread work booked there
    cpu.threads_until += time;
    cpu.stolen += time;
  }
  sc_core::wait(cpu.handler_until - now);
}

}  // namespace vvsim::tlm_virtio
