#include "models/platform/video_platform.h"

#include <algorithm>

namespace vvsim::models {

tlm_virtio::SimplePlatformProfile transport_profile(const PlatformProfile& profile) {
  tlm_virtio::SimplePlatformProfile t;
  t.memory = profile.memory;
  t.bus = profile.bus;
  t.interrupt = profile.interrupt;
  t.coalescing = profile.coalescing;
  t.mmio_base = profile.address_map.mmio_base;
  return t;
}

namespace {

// The driver's memory ends below any shared memory region the device placed in guest RAM.
uint64_t driver_memory_end(ProtocolDevice& device, uint64_t memory_size) {
  uint64_t end = memory_size;
  for (const auto& region : device.virtio().shared_memory_regions()) end = std::min(end, region.base);
  return end;
}

}  // namespace

VideoPlatform::VideoPlatform(sc_core::sc_module_name name, const PlatformProfile& profile,
                             const ProtocolBinding& protocol, bool timing_only, tlm_virtio::RingLayout ring,
                             unsigned host_threads)
    : sc_module(name),
      profile_(profile),
      engine("engine", profile.engine),
      device(protocol.make_device({profile_, engine, timing_only, host_threads})),
      system("system", device->virtio(), transport_profile(profile)),
      guest_memory(kDriverMemoryBase, driver_memory_end(*device, profile.memory.size_bytes) - kDriverMemoryBase),
      driver(protocol.make_driver(*device, {profile_, system, guest_memory, ring})) {
  if (profile.engine.memory_traffic.enabled) engine.attach_memory(system.bus);
}

}  // namespace vvsim::models
