#include "tlm_virtio/queue_traffic.h"

#include <algorithm>

namespace vvsim::tlm_virtio {

namespace {
uint32_t buffers_of(const DescriptorChain& chain) { return uint32_t(chain.readable.size() + chain.writable.size()); }
}  // namespace

void QueueTraffic::taken(const DescriptorChain& chain) {
  ++chains;
  descriptors += buffers_of(chain);
  bytes_to_device += chain.readable_bytes();
  ++chains_held;
  descriptors_held += buffers_of(chain);
  peak_chains_held = std::max(peak_chains_held, chains_held);
  peak_descriptors_held = std::max(peak_descriptors_held, descriptors_held);
}

void QueueTraffic::returned(const DescriptorChain& chain, uint32_t written) {
  bytes_to_driver += written;
  chains_held -= std::min(chains_held, 1u);
  descriptors_held -= std::min(descriptors_held, buffers_of(chain));
}

}  // namespace vvsim::tlm_virtio
