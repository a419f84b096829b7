// The smallest complete virtio system: guest memory at 0, a shared bus, a
// virtio-mmio controller for one device at `mmio_base`, its interrupt line,
// and a guest CPU that runs a program (an SC_THREAD body) on its bus port.
// Used by the echo demo, the transport tests and as the core of larger
// platforms.
#pragma once

#include <systemc>

#include <functional>
#include <memory>

#include "tlm_virtio/bus.h"
#include "tlm_virtio/guest_memory.h"
#include "tlm_virtio/interrupt_line.h"
#include "tlm_virtio/memory_port.h"
#include "tlm_virtio/transport_profile.h"
#include "tlm_virtio/virtio_mmio.h"

namespace vvsim::tlm_virtio {

struct SimplePlatformProfile {
  GuestMemoryProfile memory;
  BusProfile bus;
  InterruptLineProfile interrupt;
  InterruptCoalescingProfile coalescing;
  uint64_t mmio_base = 0xF000'0000;  // above any guest memory size the profile allows
};

// A guest CPU: a bus master running one program.
class GuestCpu : public sc_core::sc_module {
 public:
  MemoryPort port;
  using Program = std::function<void(GuestCpu&)>;

  explicit GuestCpu(sc_core::sc_module_name name);
  void set_program(Program program) { program_ = std::move(program); }
  bool finished() const { return finished_; }

 private:
  void run_program();
  Program program_;
  bool finished_ = false;
};

class SimplePlatform : public sc_core::sc_module {
 public:
  SimplePlatform(sc_core::sc_module_name name, VirtioDevice& device, const SimplePlatformProfile& profile = {});

  // Bus initiators in binding order: 0 = CPU, 1 = device DMA, then extra ones.
  static constexpr int kCpuInitiator = 0, kDeviceInitiator = 1;

  const SimplePlatformProfile& profile() const { return profile_; }

  SimplePlatformProfile profile_;
  GuestMemory memory;
  Bus bus;
  InterruptLine irq;
  VirtioMmio mmio;
  GuestCpu cpu;
};

}  // namespace vvsim::tlm_virtio
