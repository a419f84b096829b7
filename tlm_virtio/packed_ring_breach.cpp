// The packed ring's ring breaches (ring_breach.h): rewrites of the list the
// driver added last, before publish() makes it available, each breaking one
// §2.8 rule. The first descriptor's flags are still the driver's pending
// value; the rest are in the ring.
#include <fmt/format.h>

#include "tlm_virtio/le_bytes.h"
#include "tlm_virtio/packed_virtqueue.h"
#include "tlm_virtio/ring_breach.h"
#include "tlm_virtio/ring_breach_forms.h"

namespace vvsim::tlm_virtio {

using namespace packed_ring;
static_assert(kRingBreachDescSize == kDescSize);

namespace {
constexpr uint16_t kAvailUsedBits = VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED;
}  // namespace

class PackedRingBreacher {
 public:
  PackedRingBreacher(PackedVirtqueueDriver& ring, uint64_t scratch, ChainId outstanding)
      : ring_(ring), port_(ring.port_), scratch_(scratch), outstanding_(outstanding), head_(ring.last_head_), tail_(head_) {
    tail_.advance(1, ring.addrs_.size);
  }

  Status apply(RingBreach breach) {
    if (ring_.pending_.empty() || ring_.pending_.back().slot != head_.slot || !(head_flags() & VIRTQ_DESC_F_NEXT))
      return Error{fmt::format("{}: the list to break is published or has fewer than two descriptors", ring_.name_)};
    if (rewrite_list(breach) || rewrite_indirect(breach)) return {};
    return Error{fmt::format("{}: ring breach {} has no packed-ring form", ring_.name_, int(breach))};
  }

 private:
  uint16_t& head_flags() { return ring_.pending_.back().flags; }
  uint64_t desc_at(uint16_t slot) const { return ring_.addrs_.desc + desc_offset(slot); }

  bool rewrite_list(RingBreach breach) {
    switch (breach) {
      case RingBreach::WritableFirst:
        head_flags() |= VIRTQ_DESC_F_WRITE;
        port_.write_le16(desc_at(tail_.slot) + kDescFlags, avail_flags(tail_.wrap));
        return true;
      case RingBreach::BufferOutsideMemory: port_.write_le64(desc_at(head_.slot) + kDescAddr, kBeyondAnyMemory); return true;
      case RingBreach::WrongWrapCounter: {
        uint16_t flags = 0;
        port_.read_le16(desc_at(tail_.slot) + kDescFlags, flags);
        port_.write_le16(desc_at(tail_.slot) + kDescFlags, uint16_t((flags & ~kAvailUsedBits) | avail_flags(!tail_.wrap)));
        return true;
      }
      case RingBreach::AvailUsedMismatch:
        head_flags() = uint16_t((head_flags() & ~kAvailUsedBits) | used_flags(head_.wrap));
        return true;
      case RingBreach::IdReuse: reuse_id(); return true;
      case RingBreach::ChainOverRing: fill_ring_with_one_list(); return true;
      default: return false;
    }
  }

  bool rewrite_indirect(RingBreach breach) {
    switch (breach) {
      case RingBreach::IndirectNotNegotiated: make_indirect(0, kDescSize, 0); return true;
      case RingBreach::IndirectWithNext: make_indirect(0, kDescSize, VIRTQ_DESC_F_NEXT); return true;
      case RingBreach::NestedIndirect: make_indirect(VIRTQ_DESC_F_INDIRECT, kDescSize, 0); return true;
      case RingBreach::NextInIndirect: make_indirect(VIRTQ_DESC_F_NEXT, kDescSize, 0); return true;
      case RingBreach::IndirectTableLength: make_indirect(0, kBadIndirectTableLength, 0); return true;
      case RingBreach::ChainOver4GiB: make_over_4gib(); return true;
      default: return false;
    }
  }

  // The head's own buffer moves into a one-entry indirect table at scratch;
  // the head, now INDIRECT (plus `head_extra`), ends the list.
  void make_indirect(uint16_t entry_flags, uint32_t table_len, uint16_t head_extra) {
    uint64_t addr = 0;
    uint32_t len = 0;
    port_.read_le64(desc_at(head_.slot) + kDescAddr, addr);
    port_.read_le32(desc_at(head_.slot) + kDescLen, len);
    write_entry(scratch_, addr, len, entry_flags);
    point_head_at_table(table_len, head_extra);
  }

  void make_over_4gib() {
    for (uint16_t i = 0; i < kRingBreachChainOver4GiBEntries; ++i)
      write_entry(scratch_ + desc_offset(i), 0, uint32_t(kRingBreachEntryBytes), 0);
    point_head_at_table(uint32_t(kRingBreachScratchBytes), 0);
  }

  void point_head_at_table(uint32_t table_len, uint16_t head_extra) {
    port_.write_le64(desc_at(head_.slot) + kDescAddr, scratch_);
    port_.write_le32(desc_at(head_.slot) + kDescLen, table_len);
    head_flags() = uint16_t(VIRTQ_DESC_F_INDIRECT | head_extra | avail_flags(head_.wrap));
  }

  // The buffer id goes in every descriptor of the list (the device reads the last one's).
  void reuse_id() {
    port_.write_le16(desc_at(head_.slot) + kDescId, uint16_t(outstanding_.value));
    port_.write_le16(desc_at(tail_.slot) + kDescId, uint16_t(outstanding_.value));
  }

  // Every descriptor of the ring, from the head on, readable and with NEXT.
  void fill_ring_with_one_list() {
    uint64_t addr = 0;
    uint32_t len = 0;
    port_.read_le64(desc_at(head_.slot) + kDescAddr, addr);
    port_.read_le32(desc_at(head_.slot) + kDescLen, len);
    head_flags() = uint16_t(VIRTQ_DESC_F_NEXT | avail_flags(head_.wrap));
    Position at = tail_;
    for (uint16_t i = 1; i < ring_.addrs_.size; ++i, at.advance(1, ring_.addrs_.size))
      write_entry(desc_at(at.slot), addr, len, uint16_t(VIRTQ_DESC_F_NEXT | avail_flags(at.wrap)));
  }

  // One field at a time, as a driver rewriting a descriptor in place would.
  void write_entry(uint64_t at, uint64_t addr, uint32_t len, uint16_t flags) {
    port_.write_le64(at + kDescAddr, addr);
    port_.write_le32(at + kDescLen, len);
    port_.write_le16(at + kDescFlags, flags);
  }

  PackedVirtqueueDriver& ring_;
  MemoryPort& port_;
  uint64_t scratch_;
  ChainId outstanding_;
  Position head_, tail_;
};

Status break_last_packed_chain(PackedVirtqueueDriver& ring, RingBreach breach, uint64_t scratch, ChainId outstanding) {
  return PackedRingBreacher(ring, scratch, outstanding).apply(breach);
}

}  // namespace vvsim::tlm_virtio
