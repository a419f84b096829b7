// A first-fit allocator of guest physical memory for the driver side (ring
// memory, command buffers, frame buffers). Deterministic: lowest address first.
#pragma once

#include <cstdint>
#include <map>

#include "common/result.h"

#include "tlm_virtio/node_recycler.h"

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
  using FreeMap = std::map<uint64_t, uint64_t>;                           // start -> size
  using UsedMap = std::map<uint64_t, std::pair<uint64_t, uint64_t>>;  // addr -> (block start, block size)
  FreeMap free_;
  UsedMap used_;
  NodeRecycler<FreeMap> free_nodes_;  // blocks come and go with every command
  NodeRecycler<UsedMap> used_nodes_;
  uint64_t in_use_ = 0;
};

}  // namespace vvsim::tlm_virtio
