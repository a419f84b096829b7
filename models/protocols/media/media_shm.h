// Shared memory region 0 of the virtio-media device: where its MMAP buffers
// live, at a guest physical window the driver finds through SHMSel/SHMLen/
// SHMBase. A buffer's block is handed out by REQBUFS and its offset is the
// plane's mem_offset; MMAP maps it (driver_addr = the offset; a second MMAP
// of the same buffer returns the same range, counted), MUNMAP unmaps it. A
// mapping keeps its block alive after REQBUFS(0) or CLOSE freed the buffer
// (§Unmapping a MMAP buffer: valid until MUNMAP).
#pragma once

#include <cstdint>
#include <map>

#include "common/result.h"
#include "models/protocols/media/media_wire.h"
#include "tlm_virtio/guest_allocator.h"

namespace vvsim::virtio_media {

class ShmRegion {
 public:
  ShmRegion(uint64_t guest_base, uint64_t length);

  uint64_t guest_base() const { return base_; }
  uint64_t length() const { return length_; }
  uint64_t guest_address(uint64_t offset) const { return base_ + offset; }

  // A block for one buffer plane; ENOMEM when the region is full.
  Result<uint64_t, WireError> allocate(uint64_t bytes);
  // The buffer is gone; its block returns to the region once it is unmapped.
  void release_buffer(uint64_t offset);
  // MMAP of a live buffer's block at `offset`: the mapping's length. EINVAL for no such buffer.
  Result<uint64_t, WireError> map(uint64_t offset);
  // MUNMAP: EINVAL when nothing is mapped at `driver_addr`.
  Result<bool, WireError> unmap(uint64_t driver_addr);
  // Device reset: every block and mapping is void.
  void clear();

  uint64_t bytes_in_use() const { return offsets_.bytes_in_use(); }
  uint64_t peak_bytes_in_use() const { return peak_; }
  size_t mappings() const;
  bool is_mapped(uint64_t offset) const;

 private:
  struct Block {
    uint64_t length = 0;
    uint32_t mappings = 0;
    bool buffer_alive = true;
  };
  void release_if_unused(std::map<uint64_t, Block>::iterator it);

  uint64_t base_, length_;
  tlm_virtio::GuestAllocator offsets_;  // offsets in [0, length)
  std::map<uint64_t, Block> blocks_;
  uint64_t peak_ = 0;
};

}  // namespace vvsim::virtio_media
