// Split virtqueues as virtio 1.2 §2.7 lays them out in guest memory, seen
// from each side: the split ring behind the virtqueue interface. The two
// views share nothing but the ring bytes: every access goes through a
// MemoryPort and costs bus time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tlm_virtio/chain_builder.h"
#include "tlm_virtio/memory_port.h"
#include "tlm_virtio/virtqueue.h"

namespace vvsim::tlm_virtio {

// virtio 1.2 §2.7.6 / §2.7.8 flags (the descriptor flags are in virtqueue.h).
constexpr uint16_t VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
constexpr uint16_t VIRTQ_USED_F_NO_NOTIFY = 1;

// Byte offsets of the split ring's structures (struct virtq_desc, virtq_avail,
// virtq_used, virtq_used_elem of §2.7), checked against <linux/virtio_ring.h>.
namespace split_ring {
constexpr uint64_t kDescAddr = 0, kDescLen = 8, kDescFlags = 12, kDescNext = 14, kDescSize = 16;
constexpr uint64_t kAvailFlags = 0, kAvailIdx = 2, kAvailRing = 4, kAvailEntrySize = 2;
constexpr uint64_t kUsedFlags = 0, kUsedIdx = 2, kUsedRing = 4;
constexpr uint64_t kUsedElemId = 0, kUsedElemLen = 4, kUsedElemSize = 8;

constexpr uint64_t desc_offset(uint16_t index) { return kDescSize * index; }
constexpr uint64_t avail_slot_offset(uint16_t slot) { return kAvailRing + kAvailEntrySize * slot; }
constexpr uint64_t used_slot_offset(uint16_t slot) { return kUsedRing + kUsedElemSize * slot; }
// §2.7.10: used_event follows the available ring, avail_event the used ring.
constexpr uint64_t used_event_offset(uint16_t size) { return avail_slot_offset(size); }
constexpr uint64_t avail_event_offset(uint16_t size) { return used_slot_offset(size); }
}  // namespace split_ring

constexpr uint64_t desc_table_bytes(uint16_t size) { return split_ring::desc_offset(size); }
constexpr uint64_t avail_ring_bytes(uint16_t size) { return split_ring::used_event_offset(size) + 2; }
constexpr uint64_t used_ring_bytes(uint16_t size) { return split_ring::avail_event_offset(size) + 2; }
static_assert(desc_table_bytes(1) == 16 && avail_ring_bytes(1) == 8 && used_ring_bytes(1) == 14);

// virtio 1.2 §2.7.10: has the index crossed `event` between old_idx and new_idx?
constexpr bool vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx) {
  return uint16_t(new_idx - event - 1) < uint16_t(new_idx - old_idx);
}

// The chain id is the head descriptor's index.
class SplitVirtqueueDevice : public VirtqueueDevice {
 public:
  // `memory_size`: the guest memory every descriptor must lie in ([0, size)).
  SplitVirtqueueDevice(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs, RingFeatures features,
                       uint64_t memory_size, uint16_t initial_index = 0);

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
    uint16_t flags, next;
  };
  bool read_desc(uint64_t table, uint16_t index, Desc& d);
  ChainCheck walk(uint16_t head, DescriptorChain& out);
  ChainCheck walk_indirect(const Desc& d, ChainBuilder& chain);
  void ask_for_kick();
  std::string where(uint16_t index) const;

  std::string name_;
  MemoryPort& port_;
  VirtqueueAddresses addrs_;
  RingFeatures features_;
  uint64_t memory_size_;
  uint16_t last_avail_ = 0;
  uint16_t used_idx_ = 0;
  uint16_t signalled_used_ = 0;  // used idx when the driver was last considered for an interrupt
  bool kicks_wanted_ = true;
};

class SplitVirtqueueDriver : public VirtqueueDriver {
 public:
  SplitVirtqueueDriver(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs, RingFeatures features,
                       uint16_t initial_index = 0);

  Status initialize() override;
  std::optional<ChainId> add(const std::vector<Segment>& readable, const std::vector<Segment>& writable) override;
  bool publish() override;
  const std::vector<UsedBuffer>& reap() override;
  void set_interrupts_wanted(bool wanted) override;
  uint16_t free_descriptors() const override { return static_cast<uint16_t>(free_.size()); }
  uint16_t size() const override { return addrs_.size; }
  const VirtqueueAddresses& addresses() const override { return addrs_; }

 private:
  friend class SplitRingBreacher;  // the misbehaving-driver policy (ring_breach.h) rewrites the last chain
  void write_desc(uint16_t index, const Segment& s, uint16_t flags, uint16_t next);
  void free_chain(uint16_t head);

  std::string name_;
  MemoryPort& port_;
  VirtqueueAddresses addrs_;
  RingFeatures features_;
  std::vector<uint16_t> free_;
  std::vector<uint16_t> chain_length_;  // descriptors used by the chain at each head
  std::vector<uint16_t> chain_next_;    // next pointers as written, to free chains
  uint16_t last_head_ = 0;   // head of the chain added last
  std::vector<uint16_t> ids_;  // descriptors of the chain being added (kept: no allocation per add)
  std::vector<UsedBuffer> reaped_;  // what reap() returns (kept: no allocation per reap)
  uint16_t avail_idx_ = 0;   // next avail index to publish
  uint16_t published_ = 0;   // avail idx the device can see
  uint16_t last_used_ = 0;
  bool interrupts_wanted_ = true;
};

}  // namespace vvsim::tlm_virtio
