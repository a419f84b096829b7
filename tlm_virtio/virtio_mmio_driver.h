// The driver side of virtio-mmio, knowing nothing of any device type: the
// status handshake, feature negotiation, queue set-up, config reads, kicks
// and interrupt handling, all as register accesses through the CPU's bus
// port. Call from the guest CPU's SC_THREAD.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "tlm_virtio/guest_allocator.h"
#include "tlm_virtio/interrupt_line.h"
#include "tlm_virtio/memory_port.h"
#include "tlm_virtio/virtio_device.h"
#include "tlm_virtio/virtqueue.h"

namespace vvsim::tlm_virtio {

class VirtioMmioDriver {
 public:
  VirtioMmioDriver(MemoryPort& cpu, uint64_t mmio_base, InterruptInput& irq);

  uint32_t read_register(uint32_t offset);
  void write_register(uint32_t offset, uint32_t value);

  // Reset, ACKNOWLEDGE, DRIVER, negotiate `wanted` & offered (plus VERSION_1),
  // FEATURES_OK and its check. An error (and FAILED set) when the device
  // refuses or is not a virtio-mmio v2 device.
  Status negotiate(uint64_t wanted);
  uint64_t device_features();
  uint64_t features() const { return features_; }
  // Allocates and zeroes the rings, programs the queue and enables it.
  Result<std::unique_ptr<VirtqueueDriver>> setup_queue(unsigned index, uint16_t size, GuestAllocator& memory);
  // Gives a queue's ring memory back once the device can no longer use it
  // (after reset()); a driver that resets and sets up again would otherwise
  // leak three blocks per queue each time.
  static void release_queue(const VirtqueueDriver& queue, GuestAllocator& memory);
  // The shared memory region `id` as SHMSel/SHMLen/SHMBase report it; nothing
  // when the device has no such region (length all ones, §4.2.2).
  std::optional<SharedMemoryRegion> shared_memory_region(uint32_t id);
  void driver_ok();
  void reset();
  uint32_t status();

  uint32_t read_config32(uint32_t offset);
  uint32_t config_generation();

  void kick(unsigned queue);
  // Waits until the line is asserted, then reads and acknowledges
  // InterruptStatus. Returns the causes (mmio::INTERRUPT_*). `seen`, when
  // given, receives the time the CPU saw the line asserted, before the status
  // read's bus time.
  uint32_t wait_interrupt(sc_core::sc_time* seen = nullptr);
  // Acknowledges whatever is pending without waiting (0 if none).
  uint32_t acknowledge_interrupt();

 private:
  MemoryPort& cpu_;
  uint64_t base_;
  InterruptInput& irq_;
  uint64_t features_ = 0;
};

}  // namespace vvsim::tlm_virtio
