// A misbehaving-driver policy: ways to break one ring rule with the chain just
// added (tests of the transport's ring checks; never used by a sane driver).
// Kept out of the rings themselves: each ring layout supplies its breaches in
// its own file (split_ring_breach.cpp, packed_ring_breach.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "common/result.h"
#include "tlm_virtio/virtqueue.h"

namespace vvsim::tlm_virtio {

enum class RingBreach {
  WritableFirst,          // the device-writable descriptor comes first
  BufferOutsideMemory,    // the first descriptor points past guest memory
  NextOutOfRange,         // the first descriptor's next is the queue size
  Loop,                   // the head's next is the head itself
  IndirectNotNegotiated,  // the command goes in an indirect table without VIRTIO_F_INDIRECT_DESC
  IndirectWithNext,       // an indirect descriptor that also has NEXT
  NestedIndirect,         // the indirect table's entry is itself INDIRECT
  IndirectTableLength,    // an indirect table of 20 bytes
  HeadOutOfRange,         // the available ring entry names the queue size
  AvailIdxJump,           // the available idx jumps a whole queue size ahead
  ChainOver4GiB,          // an indirect table of 65 readable 64 MiB buffers (from guest address 0)
  // The packed ring's own (§2.8):
  WrongWrapCounter,   // the list's second descriptor carries the other lap's AVAIL/USED bits
  AvailUsedMismatch,  // the first descriptor's USED bit equals its AVAIL bit
  IdReuse,            // the list carries the buffer id of a chain the device still holds
  ChainOverRing,      // every descriptor of the ring, all with NEXT, in one list
  NextInIndirect,     // the command's indirect table entry has NEXT
};
// Scenario names of the breaches ("writable_first", ...), in enum order.
const std::vector<std::pair<const char*, RingBreach>>& ring_breach_names();
// Whether the breach needs VIRTIO_F_INDIRECT_DESC negotiated to reach its rule.
bool ring_breach_needs_indirect(RingBreach breach);
// Whether the ring layout (packed or split) has a form of the breach.
bool ring_breach_has_form(RingBreach breach, bool packed);
// Whether the breach needs a chain of the queue the device still holds (its id is reused).
bool ring_breach_needs_outstanding(RingBreach breach);
// Guest memory a breach needs for its indirect table.
constexpr uint64_t kRingBreachDescSize = 16;              // one descriptor of an indirect table
constexpr uint64_t kRingBreachChainOver4GiBEntries = 65;  // of kRingBreachEntryBytes: just over 2^32 bytes
constexpr uint64_t kRingBreachEntryBytes = 64ull << 20;
constexpr uint64_t kRingBreachScratchBytes = kRingBreachDescSize * kRingBreachChainOver4GiBEntries;

// Rewrites the chain `ring` added last (before publish) so that it breaks
// `breach`. `scratch`: kRingBreachScratchBytes of guest memory for an indirect
// table; `outstanding`: a chain the device holds, for the breaches that need
// one. An error when the chain has fewer than two descriptors, the ring's
// layout has no such breach or it lacks what it needs.
Status break_last_chain(VirtqueueDriver& ring, RingBreach breach, uint64_t scratch,
                        std::optional<ChainId> outstanding = std::nullopt);

}  // namespace vvsim::tlm_virtio
