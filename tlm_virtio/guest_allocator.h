// A first-fit allocator of guest physical memory for the driver side (ring
// memory, command buffers, frame buffers). Deterministic: lowest address first.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"

namespace vvsim::tlm_virtio {

class GuestAllocator {
 public:
  GuestAllocator(uint64_t base, uint64_t size);

  // The block's address; an error when no free range of `size` bytes at
  // `align` exists (or size is 0 or align not a power of two).
  Result<uint64_t> allocate(uint64_t size, uint64_t align = 16);
  // Returns a block given by allocate(); false for an unknown address.
  bool release(uint64_t addr);
  uint64_t bytes_in_use() const { return in_use_; }

 private:
  struct Range {
    uint64_t start, size;
  };
  // Both sorted by start. Sorted vectors, not maps: a command takes and gives
  // back two blocks, and the lists are a few dozen entries long, so a search
  // and a short move cost less than a tree's node rebalancing.
  std::vector<Range> free_;
  std::vector<Range> used_;
  uint64_t in_use_ = 0;
};

}  // namespace vvsim::tlm_virtio
