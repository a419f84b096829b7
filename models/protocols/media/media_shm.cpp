#include "models/protocols/media/media_shm.h"

#include <fmt/format.h>

#include <algorithm>

#include "models/protocols/media/v4l2_constants.h"

namespace vvsim::virtio_media {

namespace {
constexpr uint64_t kPageBytes = 4096;  // mappings are whole pages, as mmap's are
}

ShmRegion::ShmRegion(uint64_t guest_base, uint64_t length)
    : base_(guest_base), length_(length), offsets_(0, std::max<uint64_t>(length, 1)) {}

Result<uint64_t, WireError> ShmRegion::allocate(uint64_t bytes) {
  const uint64_t rounded = (std::max<uint64_t>(bytes, 1) + kPageBytes - 1) / kPageBytes * kPageBytes;
  auto at = offsets_.allocate(rounded, kPageBytes);
  if (!at)
    return WireError{v4l2::kEnomem, fmt::format("shared memory region 0: no room for a buffer of {} bytes ({} of {} in use)",
                                                bytes, offsets_.bytes_in_use(), length_)};
  blocks_[*at] = Block{bytes};
  peak_ = std::max(peak_, offsets_.bytes_in_use());
  return *at;
}

void ShmRegion::release_if_unused(std::map<uint64_t, Block>::iterator it) {
  if (it->second.buffer_alive || it->second.mappings > 0) return;
  offsets_.release(it->first);
  blocks_.erase(it);
}

void ShmRegion::release_buffer(uint64_t offset) {
  const auto it = blocks_.find(offset);
  if (it == blocks_.end()) return;
  it->second.buffer_alive = false;
  release_if_unused(it);
}

Result<uint64_t, WireError> ShmRegion::map(uint64_t offset) {
  const auto it = blocks_.find(offset);
  if (it == blocks_.end() || !it->second.buffer_alive)
    return WireError{v4l2::kEinval, fmt::format("MMAP: no buffer at offset {:#x} of region 0", offset)};
  ++it->second.mappings;
  return it->second.length;
}

Result<bool, WireError> ShmRegion::unmap(uint64_t driver_addr) {
  const auto it = blocks_.find(driver_addr);
  if (it == blocks_.end() || it->second.mappings == 0)
    return WireError{v4l2::kEinval, fmt::format("MUNMAP: nothing mapped at {:#x} of region 0", driver_addr)};
  --it->second.mappings;
  release_if_unused(it);
  return true;
}

void ShmRegion::clear() {
  for (const auto& [offset, block] : blocks_) offsets_.release(offset);
  blocks_.clear();
}

size_t ShmRegion::mappings() const {
  size_t n = 0;
  for (const auto& [offset, block] : blocks_) n += block.mappings;
  return n;
}

bool ShmRegion::is_mapped(uint64_t offset) const {
  const auto it = blocks_.find(offset);
  return it != blocks_.end() && it->second.mappings > 0;
}

}  // namespace vvsim::virtio_media
