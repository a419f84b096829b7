// Device-side interrupt moderation (InterruptCoalescingProfile): used-buffer
// interrupts the rings ask for are held until coalesce_answers chains wait or
// the window since the first of them has passed, then raised once. A zero
// window raises each at once.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>

#include "tlm_virtio/transport_profile.h"

namespace vvsim::tlm_virtio {

class InterruptCoalescer {
 public:
  // `raise` asserts the interrupt; called from the pushing thread or from the
  // window's timer.
  InterruptCoalescer(const InterruptCoalescingProfile& profile, std::function<void()> raise);

  // One chain went to a used ring; `wanted` is the ring's verdict
  // (EVENT_IDX / NO_INTERRUPT) on interrupting for it.
  void answered(bool wanted);
  // Device reset: nothing waits any more.
  void reset();

 private:
  void fire();
  void window_closed();

  InterruptCoalescingProfile profile_;
  sc_core::sc_time window_;
  std::function<void()> raise_;
  sc_core::sc_event timer_;
  uint32_t waiting_ = 0;  // answers since the last interrupt, counted once one wanted it
  bool timer_started_ = false;
};

}  // namespace vvsim::tlm_virtio
