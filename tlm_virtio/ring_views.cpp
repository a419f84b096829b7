#include "tlm_virtio/ring_views.h"

#include "tlm_virtio/packed_virtqueue.h"
#include "tlm_virtio/split_virtqueue.h"
#include "tlm_virtio/virtio_device.h"

namespace vvsim::tlm_virtio {

RingFeatures ring_features(uint64_t negotiated) {
  return {(negotiated & VIRTIO_F_EVENT_IDX) != 0, (negotiated & VIRTIO_F_INDIRECT_DESC) != 0,
          (negotiated & VIRTIO_F_RING_PACKED) != 0};
}

uint64_t ring_layout_feature(RingLayout layout) { return layout == RingLayout::Packed ? VIRTIO_F_RING_PACKED : 0; }

std::array<RingArea, 3> ring_areas(const RingFeatures& features, uint16_t size) {
  if (features.packed)
    return {RingArea{"descriptor ring", packed_ring::desc_ring_bytes(size), 16},
            RingArea{"driver event suppression", packed_ring::kEventSize, 4},
            RingArea{"device event suppression", packed_ring::kEventSize, 4}};
  return {RingArea{"descriptor table", desc_table_bytes(size), 16},
          RingArea{"available ring", avail_ring_bytes(size), 2}, RingArea{"used ring", used_ring_bytes(size), 4}};
}

bool ring_size_allowed(const RingFeatures& features, uint16_t size) {
  if (size == 0 || size > kMaxQueueSize) return false;
  return features.packed || (size & (size - 1)) == 0;  // §2.8.10.1: a packed queue's size need not be a power of 2
}

std::unique_ptr<VirtqueueDevice> make_device_view(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs,
                                                  RingFeatures features, uint64_t memory_size) {
  if (features.packed) return std::make_unique<PackedVirtqueueDevice>(std::move(name), port, addrs, features, memory_size);
  return std::make_unique<SplitVirtqueueDevice>(std::move(name), port, addrs, features, memory_size);
}

std::unique_ptr<VirtqueueDriver> make_driver_view(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs,
                                                  RingFeatures features) {
  if (features.packed) return std::make_unique<PackedVirtqueueDriver>(std::move(name), port, addrs, features);
  return std::make_unique<SplitVirtqueueDriver>(std::move(name), port, addrs, features);
}

}  // namespace vvsim::tlm_virtio
