// What crosses the video device's virtqueues, for passive observers (the
// conformance monitor): chains as the device takes them, buffers as it
// returns them with the bytes it wrote, and an eventq found empty. Observers
// read; they change nothing and take no simulated time.
#pragma once

#include <cstdint>
#include <vector>

#include "tlm_virtio/virtqueue.h"

namespace vvsim::virtio_video {

class TransportObserver {
 public:
  virtual ~TransportObserver() = default;
  // `readable`: the driver-written bytes of the chain.
  virtual void on_chain_taken(uint64_t at_ps, uint32_t queue, const tlm_virtio::DescriptorChain& chain,
                              const std::vector<uint8_t>& readable) = 0;
  // `response`: the first `written` bytes of the chain's writable part, as in guest memory.
  virtual void on_chain_returned(uint64_t at_ps, uint32_t queue, const tlm_virtio::DescriptorChain& chain,
                                 uint32_t written, const std::vector<uint8_t>& response) = 0;
  // The device looked for a chain on `queue` and the driver had made none available.
  virtual void on_queue_empty(uint64_t at_ps, uint32_t queue) = 0;
  // The device was reset: every stream and held chain is gone.
  virtual void on_reset(uint64_t at_ps) = 0;
};

}  // namespace vvsim::virtio_video
