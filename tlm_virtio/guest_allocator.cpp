#include "tlm_virtio/guest_allocator.h"

#include <fmt/format.h>

namespace vvsim::tlm_virtio {

GuestAllocator::GuestAllocator(uint64_t base, uint64_t size) { free_[base] = size; }

Result<uint64_t> GuestAllocator::allocate(uint64_t size, uint64_t align) {
  if (size == 0 || align == 0 || (align & (align - 1)) != 0)
    return Error{fmt::format("guest memory: block of {} bytes aligned to {} refused (size 0 or alignment not a power of two)", size, align)};
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    const uint64_t start = it->first, len = it->second;
    const uint64_t addr = (start + align - 1) & ~(align - 1);
    if (addr < start || addr - start > len || len - (addr - start) < size) continue;
    free_nodes_.erase(free_, it);
    if (addr > start) free_nodes_.put(free_, start, addr - start);
    const uint64_t end = addr + size;
    if (start + len > end) free_nodes_.put(free_, end, start + len - end);
    used_nodes_.put(used_, addr, {addr, size});
    in_use_ += size;
    return addr;
  }
  return Error{fmt::format("guest memory: no free block of {} bytes aligned to {} ({} bytes in use)", size, align, in_use_)};
}

bool GuestAllocator::release(uint64_t addr) {
  auto it = used_.find(addr);
  if (it == used_.end()) return false;
  uint64_t start = it->second.first, size = it->second.second;
  in_use_ -= size;
  used_nodes_.erase(used_, it);
  // Merge with the free neighbours.
  auto next = free_.lower_bound(start);
  if (next != free_.end() && start + size == next->first) {
    size += next->second;
    const auto merged = next++;
    free_nodes_.erase(free_, merged);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == start) {
      prev->second += size;
      return true;
    }
  }
  free_nodes_.put(free_, start, size);
  return true;
}

}  // namespace vvsim::tlm_virtio
