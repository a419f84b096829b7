// The one place that knows which ring layouts exist: the negotiated ring
// features, each layout's three areas, and the two views of a queue made for
// the layout the features name. The controller and the driver helper build
// their rings here and name no layout themselves.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "tlm_virtio/memory_port.h"
#include "tlm_virtio/virtqueue.h"

namespace vvsim::tlm_virtio {

enum class RingLayout { Split, Packed };

// The ring features of a set of negotiated feature bits.
RingFeatures ring_features(uint64_t negotiated);
// The feature bit a driver asks for to get `layout` (0 for the split ring, which needs none).
uint64_t ring_layout_feature(RingLayout layout);

// One of a queue's three areas (descriptor, driver, device) as the driver
// must allocate it: its size and alignment (§2.7 table, §2.8.10.1).
struct RingArea {
  const char* what;
  uint64_t bytes, align;
};
std::array<RingArea, 3> ring_areas(const RingFeatures& features, uint16_t size);
// Whether the layout takes a queue of `size` (the split ring: a power of two).
bool ring_size_allowed(const RingFeatures& features, uint16_t size);

std::unique_ptr<VirtqueueDevice> make_device_view(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs,
                                                  RingFeatures features, uint64_t memory_size);
std::unique_ptr<VirtqueueDriver> make_driver_view(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs,
                                                  RingFeatures features);

}  // namespace vvsim::tlm_virtio
