#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "models/component/video_driver_component.h"

namespace vvsim::models {

VideoDriverComponent::VideoDriverComponent(sc_core::sc_module_name name, const DriverComponentProfile& profile)
    : sc_module(name),
      bus("bus"),
      irq("irq"),
      profile_(profile),
      port_("port"),
      memory_(profile.memory_base, profile.memory_bytes),
      driver_(port_, profile.mmio_base, *this, memory_, profile.driver) {
  port_.socket.bind(bus);
  port_.schedule_through(dmi_timing_, 0);
  sc_core::sc_spawn(
      [this] {
        if (program_) program_(driver_);
        finished_ = true;
      },
      "program");
}

}  // namespace vvsim::models
