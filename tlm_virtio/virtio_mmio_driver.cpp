#include "tlm_virtio/virtio_mmio_driver.h"

#include <fmt/format.h>

#include "tlm_virtio/ring_views.h"
#include "tlm_virtio/virtio_mmio.h"

namespace vvsim::tlm_virtio {

VirtioMmioDriver::VirtioMmioDriver(MemoryPort& cpu, uint64_t mmio_base, InterruptInput& irq)
    : cpu_(cpu), base_(mmio_base), irq_(irq) {}

uint32_t VirtioMmioDriver::read_register(uint32_t offset) {
  uint32_t v = 0;
  cpu_.read_le32(base_ + offset, v);
  return v;
}

void VirtioMmioDriver::write_register(uint32_t offset, uint32_t value) { cpu_.write_le32(base_ + offset, value); }

uint64_t VirtioMmioDriver::device_features() {
  write_register(mmio::DeviceFeaturesSel, 0);
  uint64_t f = read_register(mmio::DeviceFeatures);
  write_register(mmio::DeviceFeaturesSel, 1);
  return f | uint64_t(read_register(mmio::DeviceFeatures)) << 32;
}

Status VirtioMmioDriver::negotiate(uint64_t wanted) {
  if (read_register(mmio::MagicValue) != mmio::kMagic || read_register(mmio::Version) != mmio::kVersion)
    return Error{"not a virtio-mmio version 2 device"};
  reset();
  write_register(mmio::Status, STATUS_ACKNOWLEDGE);
  write_register(mmio::Status, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
  features_ = (device_features() & wanted) | VIRTIO_F_VERSION_1;
  write_register(mmio::DriverFeaturesSel, 0);
  write_register(mmio::DriverFeatures, uint32_t(features_));
  write_register(mmio::DriverFeaturesSel, 1);
  write_register(mmio::DriverFeatures, uint32_t(features_ >> 32));
  write_register(mmio::Status, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
  if (!(read_register(mmio::Status) & STATUS_FEATURES_OK)) {
    write_register(mmio::Status, read_register(mmio::Status) | STATUS_FAILED);
    return Error{fmt::format("device refused features {:#x}", features_)};
  }
  return {};
}

void VirtioMmioDriver::release_queue(const VirtqueueDriver& queue, GuestAllocator& memory) {
  const VirtqueueAddresses& a = queue.addresses();
  for (uint64_t block : {a.desc, a.driver, a.device}) memory.release(block);
}

Result<std::unique_ptr<VirtqueueDriver>> VirtioMmioDriver::setup_queue(unsigned index, uint16_t size,
                                                                       GuestAllocator& memory) {
  write_register(mmio::QueueSel, index);
  const uint32_t max = read_register(mmio::QueueNumMax);
  if (max == 0 || size > max) return Error{fmt::format("queue {}: size {} not available (QueueNumMax {})", index, size, max)};
  const RingFeatures ring = ring_features(features_);
  const auto areas = ring_areas(ring, size);
  auto desc = memory.allocate(areas[0].bytes, areas[0].align);
  auto driver = memory.allocate(areas[1].bytes, areas[1].align);
  auto device = memory.allocate(areas[2].bytes, areas[2].align);
  if (!desc || !driver || !device) return Error{fmt::format("queue {}: no guest memory for the rings", index)};
  const VirtqueueAddresses addrs{size, *desc, *driver, *device};
  std::unique_ptr<VirtqueueDriver> queue = make_driver_view(fmt::format("queue {}", index), cpu_, addrs, ring);
  if (auto zeroed = queue->initialize(); !zeroed) return zeroed.error();
  write_register(mmio::QueueNum, size);
  write_register(mmio::QueueDescLow, uint32_t(addrs.desc));
  write_register(mmio::QueueDescHigh, uint32_t(addrs.desc >> 32));
  write_register(mmio::QueueDriverLow, uint32_t(addrs.driver));
  write_register(mmio::QueueDriverHigh, uint32_t(addrs.driver >> 32));
  write_register(mmio::QueueDeviceLow, uint32_t(addrs.device));
  write_register(mmio::QueueDeviceHigh, uint32_t(addrs.device >> 32));
  write_register(mmio::QueueReady, 1);
  if (read_register(mmio::QueueReady) != 1) return Error{fmt::format("queue {}: device refused QueueReady", index)};
  return queue;
}

std::optional<SharedMemoryRegion> VirtioMmioDriver::shared_memory_region(uint32_t id) {
  write_register(mmio::SHMSel, id);
  const uint64_t length = read_register(mmio::SHMLenLow) | uint64_t(read_register(mmio::SHMLenHigh)) << 32;
  const uint64_t base = read_register(mmio::SHMBaseLow) | uint64_t(read_register(mmio::SHMBaseHigh)) << 32;
  if (length == mmio::kNoSharedMemoryRegion) return std::nullopt;
  return SharedMemoryRegion{id, base, length};
}

void VirtioMmioDriver::driver_ok() { write_register(mmio::Status, read_register(mmio::Status) | STATUS_DRIVER_OK); }

void VirtioMmioDriver::reset() {
  write_register(mmio::Status, 0);
  features_ = 0;
}

uint32_t VirtioMmioDriver::status() { return read_register(mmio::Status); }

uint32_t VirtioMmioDriver::read_config32(uint32_t offset) { return read_register(mmio::Config + offset); }

uint32_t VirtioMmioDriver::config_generation() { return read_register(mmio::ConfigGeneration); }

void VirtioMmioDriver::kick(unsigned queue) { write_register(mmio::QueueNotify, queue); }

uint32_t VirtioMmioDriver::acknowledge_interrupt() {
  MemoryPort::Batch batch(cpu_);  // read and acknowledge: one wait
  const uint32_t causes = read_register(mmio::InterruptStatus);
  if (causes) write_register(mmio::InterruptACK, causes);
  return causes;
}

uint32_t VirtioMmioDriver::wait_interrupt(sc_core::sc_time* seen) {
  for (;;) {
    irq_.wait_asserted();
    if (seen) *seen = sc_core::sc_time_stamp();
    if (const uint32_t causes = acknowledge_interrupt()) return causes;
    // Already acknowledged by someone else: wait for the line to drop and rise again.
    sc_core::wait(irq_.cpu_edge());
  }
}

}  // namespace vvsim::tlm_virtio
