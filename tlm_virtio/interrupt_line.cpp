#include "tlm_virtio/interrupt_line.h"

#include "tlm_virtio/processes.h"

namespace vvsim::tlm_virtio {

InterruptLine::InterruptLine(sc_core::sc_module_name name, const InterruptLineProfile& profile)
    : sc_module(name), latency_(static_cast<double>(profile.delivery_latency_ns), sc_core::SC_NS) {
  spawn_method("deliver_level_change", arrival_, [this] { deliver_level_change(); });
}

void InterruptLine::set_level(bool level) {
  if (level == device_level_) return;
  device_level_ = level;
  in_flight_.push_back({level, sc_core::sc_time_stamp() + latency_});
  if (in_flight_.size() == 1) arrival_.notify(latency_);
}

void InterruptLine::deliver_level_change() {
  // Once per change; two due at the same time go one delta cycle apart, as from an sc_event_queue.
  const bool level = in_flight_.front().level;
  in_flight_.pop_front();
  if (!in_flight_.empty()) arrival_.notify(in_flight_.front().due - sc_core::sc_time_stamp());
  if (level && !cpu_level_) ++delivered_;
  cpu_level_ = level;
  cpu_edge_.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace vvsim::tlm_virtio
