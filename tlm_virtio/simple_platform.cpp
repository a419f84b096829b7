#include "tlm_virtio/simple_platform.h"

#include <stdexcept>

#include "tlm_virtio/processes.h"

namespace vvsim::tlm_virtio {

GuestCpu::GuestCpu(sc_core::sc_module_name name) : sc_module(name), port("port") {
  spawn_thread("run_program", [this] { run_program(); });
}

void GuestCpu::run_program() {
  if (program_) program_(*this);
  finished_ = true;
}

SimplePlatform::SimplePlatform(sc_core::sc_module_name name, VirtioDevice& device, const SimplePlatformProfile& profile)
    : sc_module(name),
      profile_(profile),
      memory("memory", profile.memory),
      bus("bus", profile.bus),
      irq("irq", profile.interrupt),
      mmio("mmio", device, profile.memory.size_bytes, profile.coalescing),
      cpu("cpu") {
  if (profile.mmio_base < profile.memory.size_bytes)
    throw std::invalid_argument(std::string(this->name()) + ": the mmio window overlaps guest memory");
  cpu.port.socket.bind(bus.initiators);
  mmio.dma_port.socket.bind(bus.initiators);
  bus.targets.bind(memory.socket);
  bus.targets.bind(mmio.registers);
  bus.map(0, profile.memory.size_bytes, 0);
  bus.map(profile.mmio_base, mmio::kWindowSize, 1, BusPath::Registers);
  mmio.irq.bind(irq);
  cpu.port.schedule_through(bus, kCpuInitiator);
  mmio.dma_port.schedule_through(bus, kDeviceInitiator);
}

}  // namespace vvsim::tlm_virtio
