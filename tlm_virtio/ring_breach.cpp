#include "tlm_virtio/ring_breach.h"

#include "tlm_virtio/packed_virtqueue.h"
#include "tlm_virtio/ring_breach_forms.h"
#include "tlm_virtio/split_virtqueue.h"

namespace vvsim::tlm_virtio {

const std::vector<std::pair<const char*, RingBreach>>& ring_breach_names() {
  static const std::vector<std::pair<const char*, RingBreach>> names = {
      {"writable_first", RingBreach::WritableFirst},
      {"buffer_outside_memory", RingBreach::BufferOutsideMemory},
      {"next_out_of_range", RingBreach::NextOutOfRange},
      {"loop", RingBreach::Loop},
      {"indirect_not_negotiated", RingBreach::IndirectNotNegotiated},
      {"indirect_with_next", RingBreach::IndirectWithNext},
      {"nested_indirect", RingBreach::NestedIndirect},
      {"indirect_table_length", RingBreach::IndirectTableLength},
      {"head_out_of_range", RingBreach::HeadOutOfRange},
      {"avail_idx_jump", RingBreach::AvailIdxJump},
      {"chain_over_4gib", RingBreach::ChainOver4GiB},
      {"wrong_wrap_counter", RingBreach::WrongWrapCounter},
      {"avail_used_mismatch", RingBreach::AvailUsedMismatch},
      {"id_reuse", RingBreach::IdReuse},
      {"chain_over_ring", RingBreach::ChainOverRing},
      {"next_in_indirect", RingBreach::NextInIndirect},
  };
  return names;
}

bool ring_breach_needs_indirect(RingBreach breach) {
  return breach == RingBreach::IndirectWithNext || breach == RingBreach::NestedIndirect ||
         breach == RingBreach::IndirectTableLength || breach == RingBreach::ChainOver4GiB ||
         breach == RingBreach::NextInIndirect;
}

bool ring_breach_needs_outstanding(RingBreach breach) { return breach == RingBreach::IdReuse; }

Status break_last_chain(VirtqueueDriver& ring, RingBreach breach, uint64_t scratch,
                        std::optional<ChainId> outstanding) {
  if (ring_breach_needs_outstanding(breach) && !outstanding)
    return Error{"ring breach: it needs a chain the device holds, and none is given"};
  if (auto* split = dynamic_cast<SplitVirtqueueDriver*>(&ring)) return break_last_split_chain(*split, breach, scratch);
  if (auto* packed = dynamic_cast<PackedVirtqueueDriver*>(&ring))
    return break_last_packed_chain(*packed, breach, scratch, outstanding.value_or(ChainId{}));
  return Error{"ring breach: the queue's ring layout has no breaches"};
}

bool ring_breach_has_form(RingBreach breach, bool packed) {
  switch (breach) {
    case RingBreach::NextOutOfRange:
    case RingBreach::Loop:
    case RingBreach::HeadOutOfRange:
    case RingBreach::AvailIdxJump: return !packed;  // indices and next fields: the split ring's alone
    case RingBreach::WrongWrapCounter:
    case RingBreach::AvailUsedMismatch:
    case RingBreach::IdReuse:
    case RingBreach::ChainOverRing:
    case RingBreach::NextInIndirect: return packed;
    default: return true;
  }
}

}  // namespace vvsim::tlm_virtio
