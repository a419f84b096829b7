// The split ring's ring breaches (ring_breach.h): rewrites of the chain the
// driver added last, each breaking one §2.7 rule.
#include <fmt/format.h>

#include <optional>

#include "tlm_virtio/ring_breach.h"
#include "tlm_virtio/ring_breach_forms.h"
#include "tlm_virtio/split_virtqueue.h"

namespace vvsim::tlm_virtio {

using namespace split_ring;
static_assert(kRingBreachDescSize == kDescSize);


class SplitRingBreacher {
 public:
  SplitRingBreacher(SplitVirtqueueDriver& ring, uint64_t scratch)
      : ring_(ring),
        port_(ring.port_),
        scratch_(scratch),
        head_(ring.last_head_),
        head_desc_(ring.addrs_.desc + desc_offset(head_)),
        tail_desc_(ring.addrs_.desc + desc_offset(ring.chain_next_[head_])) {}

  Status apply(RingBreach breach) {
    if (ring_.chain_length_[head_] < 2)
      return Error{fmt::format("{}: the chain to break has fewer than two descriptors", ring_.name_)};
    port_.read_le16(head_desc_ + kDescFlags, head_flags_);  // every breach reads it, as a driver inspecting the chain
    if (rewrite_descriptors(breach) || rewrite_rings(breach)) return {};
    return Error{fmt::format("{}: ring breach {} has no split-ring form", ring_.name_, int(breach))};
  }

 private:
  bool rewrite_descriptors(RingBreach breach) {
    switch (breach) {
      case RingBreach::WritableFirst:
        port_.write_le16(head_desc_ + kDescFlags, uint16_t(head_flags_ | VIRTQ_DESC_F_WRITE));
        port_.write_le16(tail_desc_ + kDescFlags, 0);
        return true;
      case RingBreach::BufferOutsideMemory: port_.write_le64(head_desc_ + kDescAddr, kBeyondAnyMemory); return true;
      case RingBreach::NextOutOfRange: port_.write_le16(head_desc_ + kDescNext, ring_.addrs_.size); return true;
      case RingBreach::Loop: port_.write_le16(head_desc_ + kDescNext, head_); return true;  // chains to itself
      case RingBreach::IndirectNotNegotiated: make_indirect(0, kDescSize, 0); return true;
      case RingBreach::IndirectWithNext: make_indirect(0, kDescSize, VIRTQ_DESC_F_NEXT); return true;
      case RingBreach::NestedIndirect: make_indirect(VIRTQ_DESC_F_INDIRECT, kDescSize, 0); return true;
      case RingBreach::IndirectTableLength: make_indirect(0, kBadIndirectTableLength, 0); return true;
      case RingBreach::ChainOver4GiB: make_over_4gib(); return true;
      default: return false;
    }
  }

  bool rewrite_rings(RingBreach breach) {
    const uint16_t size = ring_.addrs_.size;
    switch (breach) {
      case RingBreach::HeadOutOfRange:
        port_.write_le16(ring_.addrs_.driver + avail_slot_offset(uint16_t(ring_.avail_idx_ - 1) % size), size);
        return true;
      case RingBreach::AvailIdxJump: ring_.avail_idx_ = uint16_t(ring_.avail_idx_ + size); return true;
      default: return false;
    }
  }

  // The head's own buffer moves into a one-entry indirect table at scratch (the
  // response descriptor is left out of the chain unless `head_extra` has NEXT).
  void make_indirect(uint16_t entry_flags, uint32_t table_len, uint16_t head_extra) {
    uint64_t addr = 0;
    uint32_t len = 0;
    port_.read_le64(head_desc_ + kDescAddr, addr);
    port_.read_le32(head_desc_ + kDescLen, len);
    write_entry(scratch_, addr, len, entry_flags, 0);
    write_entry(head_desc_, scratch_, table_len, uint16_t(VIRTQ_DESC_F_INDIRECT | head_extra), std::nullopt);
  }

  void make_over_4gib() {
    for (uint16_t i = 0; i < kRingBreachChainOver4GiBEntries; ++i) {
      const bool last = i + 1 == kRingBreachChainOver4GiBEntries;
      write_entry(scratch_ + desc_offset(i), 0, uint32_t(kRingBreachEntryBytes), last ? 0 : VIRTQ_DESC_F_NEXT,
                  uint16_t(i + 1));
    }
    write_entry(head_desc_, scratch_, uint32_t(kRingBreachScratchBytes), VIRTQ_DESC_F_INDIRECT, std::nullopt);
  }

  // One field at a time, as a driver rewriting a descriptor in place would;
  // `next` unset leaves the descriptor's next as it is.
  void write_entry(uint64_t at, uint64_t addr, uint32_t len, uint16_t flags, std::optional<uint16_t> next) {
    port_.write_le64(at + kDescAddr, addr);
    port_.write_le32(at + kDescLen, len);
    port_.write_le16(at + kDescFlags, flags);
    if (next) port_.write_le16(at + kDescNext, *next);
  }

  SplitVirtqueueDriver& ring_;
  MemoryPort& port_;
  uint64_t scratch_;
  uint16_t head_;
  uint64_t head_desc_, tail_desc_;
  uint16_t head_flags_ = 0;
};

Status break_last_split_chain(SplitVirtqueueDriver& ring, RingBreach breach, uint64_t scratch) {
  return SplitRingBreacher(ring, scratch).apply(breach);
}

}  // namespace vvsim::tlm_virtio
