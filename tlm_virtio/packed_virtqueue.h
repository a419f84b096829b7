// Packed virtqueues as virtio 1.2 §2.8 lays them out in guest memory, seen
// from each side: one descriptor ring both sides write, wrap counters instead
// of indices, and two event suppression structures. The packed ring behind
// the virtqueue interface; the chain id is the buffer id. As for the split
// ring, the two views share nothing but the ring bytes.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "tlm_virtio/chain_builder.h"
#include "tlm_virtio/memory_port.h"
#include "tlm_virtio/virtqueue.h"

namespace vvsim::tlm_virtio {

// Byte offsets and flags of struct pvirtq_desc and pvirtq_event_suppress
// (§2.8.13, §2.8.14), checked against <linux/virtio_ring.h>.
namespace packed_ring {
constexpr uint64_t kDescAddr = 0, kDescLen = 8, kDescId = 12, kDescFlags = 14, kDescSize = 16;
constexpr uint64_t kEventOffWrap = 0, kEventFlags = 2, kEventSize = 4;
constexpr uint16_t VIRTQ_DESC_F_AVAIL = 1u << 7;
constexpr uint16_t VIRTQ_DESC_F_USED = 1u << 15;
constexpr unsigned kEventWrapBit = 15;  // desc_event_wrap in the top bit of off_wrap
constexpr uint16_t RING_EVENT_FLAGS_ENABLE = 0, RING_EVENT_FLAGS_DISABLE = 1, RING_EVENT_FLAGS_DESC = 2;
constexpr uint16_t kEventFlagsMask = 3;

constexpr uint64_t desc_offset(uint16_t slot) { return kDescSize * slot; }
constexpr uint64_t desc_ring_bytes(uint16_t size) { return desc_offset(size); }

// A place in the ring as one side walks it: the slot and the wrap counter of
// the lap (§2.8.1: both start at 1).
struct Position {
  uint16_t slot = 0;
  bool wrap = true;
  void advance(uint16_t n, uint16_t size);
  uint16_t off_wrap() const { return uint16_t(slot | (wrap ? 1u << kEventWrapBit : 0)); }
  friend bool operator==(Position a, Position b) { return a.slot == b.slot && a.wrap == b.wrap; }
};
// The AVAIL/USED bits of a descriptor the driver makes available in a lap of `wrap`.
constexpr uint16_t avail_flags(bool wrap) { return wrap ? VIRTQ_DESC_F_AVAIL : VIRTQ_DESC_F_USED; }
// The AVAIL/USED bits of a descriptor the device marks used in a lap of `wrap`.
constexpr uint16_t used_flags(bool wrap) { return wrap ? VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED : 0; }
// RING_EVENT_FLAGS_DESC (§2.8.10): did a side that moved from `from` to `to`
// make available (use) the descriptor `off_wrap` names?
bool event_passed(uint16_t off_wrap, Position from, Position to, uint16_t size);
}  // namespace packed_ring

class PackedVirtqueueDevice : public VirtqueueDevice {
 public:
  // `memory_size`: the guest memory every descriptor must lie in ([0, size)).
  PackedVirtqueueDevice(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs, RingFeatures features,
                        uint64_t memory_size);

  PopResult pop() override;
  Status push(ChainId id, uint32_t written) override;
  bool needs_interrupt() override;
  void set_kicks_wanted(bool wanted) override;
  const std::string& name() const override { return name_; }
  uint16_t size() const override { return addrs_.size; }

 private:
  struct Desc {
    uint64_t addr;
    uint32_t len;
    uint16_t id, flags;
  };
  bool read_desc(uint16_t slot, Desc& d);
  // Reads the list that starts at next_avail_; `count` gets the ring descriptors it takes, `id` its buffer id.
  ChainCheck walk(const Desc& first, DescriptorChain& out, uint16_t& count, uint16_t& id);
  ChainCheck walk_indirect(const Desc& d, ChainBuilder& chain);
  // Asks for a kick when the driver makes next_avail_ available (EVENT_IDX).
  void ask_for_kick();
  void write_device_event(uint16_t flags);
  std::string where(uint16_t slot) const;

  std::string name_;
  MemoryPort& port_;
  VirtqueueAddresses addrs_;
  RingFeatures features_;
  uint64_t memory_size_;
  packed_ring::Position next_avail_;      // the next descriptor to read, with the driver's wrap counter
  packed_ring::Position next_used_;       // where the next used descriptor goes, with the device's
  packed_ring::Position signalled_used_;  // next_used_ when the driver was last considered for an interrupt
  std::unordered_map<uint16_t, uint16_t> outstanding_;  // buffer id -> ring descriptors its list took
  uint16_t device_event_flags_ = packed_ring::RING_EVENT_FLAGS_ENABLE;  // as last written (zeroed by the driver)
  bool kicks_wanted_ = true;
};

class PackedVirtqueueDriver : public VirtqueueDriver {
 public:
  PackedVirtqueueDriver(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs, RingFeatures features);

  Status initialize() override;
  std::optional<ChainId> add(const std::vector<Segment>& readable, const std::vector<Segment>& writable) override;
  bool publish() override;
  const std::vector<UsedBuffer>& reap() override;
  void set_interrupts_wanted(bool wanted) override;
  uint16_t free_descriptors() const override { return free_descriptors_; }
  uint16_t size() const override { return addrs_.size; }
  const VirtqueueAddresses& addresses() const override { return addrs_; }

 private:
  friend class PackedRingBreacher;  // the misbehaving-driver policy (ring_breach.h) rewrites the last list
  // The first descriptor of a list added and not yet published: its flags, written by publish().
  struct PendingHead {
    uint16_t slot, flags;
  };
  void write_desc(uint16_t slot, const Segment& s, uint16_t id, uint16_t flags);

  std::string name_;
  MemoryPort& port_;
  VirtqueueAddresses addrs_;
  RingFeatures features_;
  uint16_t free_descriptors_;
  std::vector<uint16_t> free_ids_;
  std::vector<uint16_t> list_length_;  // by buffer id: ring descriptors of the list in flight (0: free)
  std::vector<PendingHead> pending_;
  std::vector<UsedBuffer> reaped_;    // what reap() returns (kept: no allocation per reap)
  packed_ring::Position next_avail_;  // where the next descriptor goes, with the driver's wrap counter
  packed_ring::Position published_;   // next_avail_ at the last publish
  packed_ring::Position next_used_;   // where the next used descriptor is expected
  packed_ring::Position last_head_;   // the first descriptor of the list added last
  bool interrupts_wanted_ = true;
};

}  // namespace vvsim::tlm_virtio
