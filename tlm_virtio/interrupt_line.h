// An interrupt wire from a device to the guest CPU with a delivery latency:
// the CPU sees each level change delivery_latency after the device made it.
#pragma once

#include <systemc>

#include <cstdint>
#include <deque>

#include "tlm_virtio/transport_profile.h"

namespace vvsim::tlm_virtio {

class InterruptSignalIf : public virtual sc_core::sc_interface {
 public:
  virtual void set_level(bool level) = 0;
};

// A driver's interrupt input: the level its CPU sees and the changes of that
// level. An InterruptLine, or a host platform's wire (sc_in<bool>).
class InterruptInput {
 public:
  virtual ~InterruptInput() = default;
  virtual bool cpu_level() const = 0;
  // Notified at each change of cpu_level().
  virtual const sc_core::sc_event& cpu_edge() const = 0;
  // Blocks the calling thread until the CPU sees the line asserted.
  void wait_asserted() {
    while (!cpu_level()) sc_core::wait(cpu_edge());
  }
};

class InterruptLine : public sc_core::sc_module, public InterruptSignalIf, public InterruptInput {
 public:
  InterruptLine(sc_core::sc_module_name name, const InterruptLineProfile& profile = {});

  void set_level(bool level) override;
  // CPU side.
  bool cpu_level() const override { return cpu_level_; }
  const sc_core::sc_event& cpu_edge() const override { return cpu_edge_; }
  // Rising edges the CPU saw.
  uint64_t interrupts_delivered() const { return delivered_; }
  sc_core::sc_time delivery_latency() const { return latency_; }

 private:
  void deliver_level_change();

  sc_core::sc_time latency_;
  bool device_level_ = false;
  bool cpu_level_ = false;
  struct Change {
    bool level;
    sc_core::sc_time due;  // when the CPU sees it
  };
  // Changes on their way, in order: one latency for all keeps them due in
  // the order made, so one event, notified for the front change, does what
  // an sc_event_queue would, without its allocation and second process per change.
  std::deque<Change> in_flight_;
  sc_core::sc_event arrival_;
  sc_core::sc_event cpu_edge_;
  uint64_t delivered_ = 0;
};

}  // namespace vvsim::tlm_virtio
