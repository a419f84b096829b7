#include "tlm_virtio/ring_breach.h"

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
  };
  return names;
}

bool ring_breach_needs_indirect(RingBreach breach) {
  return breach == RingBreach::IndirectWithNext || breach == RingBreach::NestedIndirect ||
         breach == RingBreach::IndirectTableLength || breach == RingBreach::ChainOver4GiB;
}

}  // namespace vvsim::tlm_virtio
