// The guest's v6 driver model as one component, for host platforms without a
// real guest: an initiator socket onto the host's bus (the device's register
// window and guest memory both lie behind it) and an interrupt input. A
// program (the guest application: initialise the driver, run decode
// sessions) runs in the component's thread from time 0.
// Page: docs/models/video_driver_component.md.
#pragma once

#include <systemc>
#include <tlm>

#include <functional>

#include "models/component/component_profiles.h"
#include "models/component/host_dmi_timing.h"
#include "models/protocols/v6/video_driver.h"
#include "tlm_virtio/guest_allocator.h"
#include "tlm_virtio/interrupt_line.h"
#include "tlm_virtio/memory_port.h"

namespace vvsim::models {

class VideoDriverComponent : public sc_core::sc_module, public tlm_virtio::InterruptInput {
 public:
  tlm::tlm_initiator_socket<> bus;
  sc_core::sc_in<bool> irq;

  using Program = std::function<void(virtio_video::VideoDriver&)>;

  VideoDriverComponent(sc_core::sc_module_name name, const DriverComponentProfile& profile = {});

  // Before simulation starts.
  void set_program(Program program) { program_ = std::move(program); }
  bool finished() const { return finished_; }
  virtio_video::VideoDriver& driver() { return driver_; }
  const DriverComponentProfile& profile() const { return profile_; }

  // InterruptInput: the host's wire as the driver's CPU sees it.
  bool cpu_level() const override { return irq.read(); }
  const sc_core::sc_event& cpu_edge() const override { return irq.value_changed_event(); }

 private:
  DriverComponentProfile profile_;
  tlm_virtio::MemoryPort port_;
  HostDmiTiming dmi_timing_;
  tlm_virtio::GuestAllocator memory_;
  virtio_video::VideoDriver driver_;
  Program program_;
  bool finished_ = false;
};

}  // namespace vvsim::models
