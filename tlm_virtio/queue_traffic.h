// What crossed one virtqueue over a run, counted by the transport as the
// device takes chains and gives them back: the same for every device, so
// protocols compare on figures none of them computes itself. Observed only.
#pragma once

#include <cstdint>

#include "tlm_virtio/virtqueue.h"

namespace vvsim::tlm_virtio {

struct QueueTraffic {
  uint64_t chains = 0;           // chains the device took
  uint64_t descriptors = 0;      // their buffers (one per descriptor of a chain)
  uint64_t bytes_to_device = 0;  // readable bytes of the chains taken
  uint64_t bytes_to_driver = 0;  // bytes the device wrote (the used lengths)
  uint32_t chains_held = 0, descriptors_held = 0;  // taken and not yet given back, now
  uint32_t peak_chains_held = 0, peak_descriptors_held = 0;

  void taken(const DescriptorChain& chain);
  void returned(const DescriptorChain& chain, uint32_t written);
  // A reset: every chain the device held is gone (the totals stay).
  void dropped_all() { chains_held = descriptors_held = 0; }
};

}  // namespace vvsim::tlm_virtio
