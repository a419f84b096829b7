// What every ring layout checks while it turns a driver's descriptors into a
// DescriptorChain: each buffer lies in guest memory, device-writable buffers
// come last, the chain holds at most 2^32 bytes (virtio 1.2 §2.7.4/§2.7.5 and
// the same rules of the packed ring, §2.8). Ring-specific rules stay in the
// ring's own walk.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"
#include "tlm_virtio/virtqueue.h"

namespace vvsim::tlm_virtio {

using ChainCheck = Result<void, RingError>;

class ChainBuilder {
 public:
  ChainBuilder(DescriptorChain& chain, uint64_t memory_size) : chain_(chain), memory_size_(memory_size) {}
  // Appends one buffer; `where` names the descriptor, made only for a message.
  ChainCheck add(uint64_t addr, uint32_t len, bool writable, const std::function<std::string()>& where);

 private:
  DescriptorChain& chain_;
  uint64_t memory_size_;
  bool seen_writable_ = false;
  uint64_t bytes_ = 0;
};

// An indirect table's length and place, common to both layouts: a non-zero
// whole number of 16-byte descriptors, no more than the largest queue, in
// guest memory. `at` names the table.
ChainCheck check_indirect_table(uint64_t addr, uint32_t len, uint64_t memory_size, const std::string& at);

}  // namespace vvsim::tlm_virtio
