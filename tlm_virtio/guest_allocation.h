// Guest memory a driver cannot work without (a command or event buffer, a
// few bytes that come and go): when even that does not fit, the run cannot
// go on, and says so in one line naming what it was for.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "tlm_virtio/guest_allocator.h"

namespace vvsim::tlm_virtio {

inline uint64_t allocate_or_stop(GuestAllocator& memory, uint64_t size, uint64_t align, const char* what) {
  auto block = memory.allocate(size, align);
  if (!block) throw std::runtime_error(std::string(what) + ": " + block.error().message);
  return *block;
}

}  // namespace vvsim::tlm_virtio
