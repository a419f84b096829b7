#include "tlm_virtio/guest_allocator.h"

#include <fmt/format.h>

#include <algorithm>

namespace vvsim::tlm_virtio {

namespace {

template <typename Ranges>
auto first_at_or_after(Ranges& ranges, uint64_t start) {
  return std::lower_bound(ranges.begin(), ranges.end(), start,
                          [](const auto& range, uint64_t at) { return range.start < at; });
}

}  // namespace

GuestAllocator::GuestAllocator(uint64_t base, uint64_t size) { free_.push_back({base, size}); }

Result<uint64_t> GuestAllocator::allocate(uint64_t size, uint64_t align) {
  if (size == 0 || align == 0 || (align & (align - 1)) != 0)
    return Error{fmt::format("guest memory: block of {} bytes aligned to {} refused (size 0 or alignment not a power of two)", size, align)};
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    const uint64_t start = it->start, len = it->size;
    const uint64_t addr = (start + align - 1) & ~(align - 1);
    if (addr < start || addr - start > len || len - (addr - start) < size) continue;
    const uint64_t end = addr + size, tail = start + len - end;
    // The free range keeps its head (the alignment gap) and its tail.
    if (addr > start && tail > 0) {
      it->size = addr - start;
      free_.insert(it + 1, Range{end, tail});
    } else if (addr > start) {
      it->size = addr - start;
    } else if (tail > 0) {
      *it = Range{end, tail};
    } else {
      free_.erase(it);
    }
    used_.insert(first_at_or_after(used_, addr), Range{addr, size});
    in_use_ += size;
    return addr;
  }
  return Error{fmt::format("guest memory: no free block of {} bytes aligned to {} ({} bytes in use)", size, align, in_use_)};
}

bool GuestAllocator::release(uint64_t addr) {
  const auto it = first_at_or_after(used_, addr);
  if (it == used_.end() || it->start != addr) return false;
  uint64_t start = it->start, size = it->size;
  in_use_ -= size;
  used_.erase(it);
  // Merge with the free neighbours.
  auto next = first_at_or_after(free_, start);
  const bool joins_next = next != free_.end() && start + size == next->start;
  const bool joins_prev = next != free_.begin() && std::prev(next)->start + std::prev(next)->size == start;
  if (joins_prev && joins_next) {
    std::prev(next)->size += size + next->size;
    free_.erase(next);
  } else if (joins_prev) {
    std::prev(next)->size += size;
  } else if (joins_next) {
    *next = Range{start, size + next->size};
  } else {
    free_.insert(next, Range{start, size});
  }
  return true;
}

}  // namespace vvsim::tlm_virtio
