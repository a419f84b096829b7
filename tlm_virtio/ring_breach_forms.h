// Each ring layout's breaches (ring_breach.h), in the layout's own file;
// break_last_chain picks by the layout of the queue.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "tlm_virtio/ring_breach.h"
#include "tlm_virtio/virtqueue.h"

namespace vvsim::tlm_virtio {

// What the layouts' breaches write: an address past any guest memory, and an
// indirect table length that is no whole number of descriptors.
constexpr uint64_t kBeyondAnyMemory = 1ull << 63;
constexpr uint32_t kBadIndirectTableLength = uint32_t(kRingBreachDescSize + 4);

class SplitVirtqueueDriver;
class PackedVirtqueueDriver;

Status break_last_split_chain(SplitVirtqueueDriver& ring, RingBreach breach, uint64_t scratch);   // split_ring_breach.cpp
// `outstanding`: the id IdReuse gives the list.
Status break_last_packed_chain(PackedVirtqueueDriver& ring, RingBreach breach, uint64_t scratch,
                               ChainId outstanding);  // packed_ring_breach.cpp

}  // namespace vvsim::tlm_virtio
