#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn for the window timer
#include "tlm_virtio/interrupt_coalescer.h"

namespace vvsim::tlm_virtio {

InterruptCoalescer::InterruptCoalescer(const InterruptCoalescingProfile& profile, std::function<void()> raise)
    : profile_(profile),
      window_(double(profile.coalesce_window_ns), sc_core::SC_NS),
      raise_(std::move(raise)) {}

void InterruptCoalescer::answered(bool wanted) {
  if (waiting_ == 0 && !wanted) return;  // suppressed by the driver and nothing held
  ++waiting_;
  const bool enough = profile_.coalesce_answers != 0 && waiting_ >= profile_.coalesce_answers;
  if (profile_.coalesce_window_ns == 0 || enough) return fire();
  if (waiting_ > 1) return;  // the window is already open
  if (!timer_started_) {  // the timer lives as long as the simulation; started on first use
    timer_started_ = true;
    sc_core::sc_spawn_options options;
    options.spawn_method();
    options.set_sensitivity(&timer_);
    options.dont_initialize();
    sc_core::sc_spawn([this] { window_closed(); }, sc_core::sc_gen_unique_name("interrupt_window"), &options);
  }
  timer_.notify(window_);
}

void InterruptCoalescer::window_closed() {
  if (waiting_ > 0) fire();
}

void InterruptCoalescer::fire() {
  waiting_ = 0;
  timer_.cancel();
  raise_();
}

void InterruptCoalescer::reset() {
  waiting_ = 0;
  timer_.cancel();
}

}  // namespace vvsim::tlm_virtio
