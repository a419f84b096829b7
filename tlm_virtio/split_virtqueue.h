// Split virtqueues as virtio 1.2 §2.7 lays them out in guest memory, seen
// from each side. The two views share nothing but the ring bytes: every
// access goes through a MemoryPort and costs bus time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tlm_virtio/memory_port.h"

namespace vvsim::tlm_virtio {

// virtio 1.2 §2.7.5 / §2.7.6 / §2.7.8 layout.
constexpr uint16_t VIRTQ_DESC_F_NEXT = 1;
constexpr uint16_t VIRTQ_DESC_F_WRITE = 2;
constexpr uint16_t VIRTQ_DESC_F_INDIRECT = 4;
constexpr uint16_t VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
constexpr uint16_t VIRTQ_USED_F_NO_NOTIFY = 1;
constexpr uint64_t kDescSize = 16;
constexpr uint64_t kUsedElemSize = 8;
constexpr uint16_t kMaxQueueSize = 32768;
constexpr uint64_t kMaxChainBytes = 1ull << 32;  // §2.7.5: no chain longer than 2^32 bytes in total

constexpr uint64_t desc_table_bytes(uint16_t size) { return kDescSize * size; }
constexpr uint64_t avail_ring_bytes(uint16_t size) { return 6 + 2ull * size; }
constexpr uint64_t used_ring_bytes(uint16_t size) { return 6 + kUsedElemSize * size; }
static_assert(desc_table_bytes(1) == 16 && avail_ring_bytes(1) == 8 && used_ring_bytes(1) == 14);

// virtio 1.2 §2.7.10: has the index crossed `event` between old_idx and new_idx?
constexpr bool vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx) {
  return uint16_t(new_idx - event - 1) < uint16_t(new_idx - old_idx);
}

struct VirtqueueAddresses {
  uint16_t size = 0;
  uint64_t desc = 0, driver = 0, device = 0;  // descriptor table, available ring, used ring
};

struct Segment {
  uint64_t addr = 0;
  uint32_t len = 0;
};

struct DescriptorChain {
  uint16_t head = 0;
  std::vector<Segment> readable, writable;  // in chain order
  uint64_t epoch = 0;                       // the controller's reset generation it came from
  uint64_t readable_bytes() const;
  uint64_t writable_bytes() const;
};

struct UsedElement {
  uint16_t id = 0;
  uint32_t len = 0;
};

// Ring features both views must agree on (negotiated by the driver).
struct RingFeatures {
  bool event_idx = false;
  bool indirect_desc = false;
};

// Copies a chain's readable bytes (at most max_bytes), in chain order, one bus
// transaction per segment.
bool gather_chain(MemoryPort& port, const DescriptorChain& chain, std::vector<uint8_t>& out,
                  uint64_t max_bytes = UINT64_MAX);
// Writes `len` bytes into a chain's writable part, first writable descriptor
// first; refuses (writes nothing) when the chain is too short.
bool scatter_chain(MemoryPort& port, const DescriptorChain& chain, const uint8_t* data, uint64_t len);

class SplitVirtqueueDevice {
 public:
  enum class PopStatus { Chain, Empty, Error };
  struct PopResult {
    PopStatus status = PopStatus::Empty;
    DescriptorChain chain;
    std::string error;         // names the queue and descriptor
    const char* rule = nullptr;  // the ring rule (ring_rules.h) the driver broke; null for a bus error
  };

  // `memory_size`: the guest memory every descriptor must lie in ([0, size)).
  SplitVirtqueueDevice(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs, RingFeatures features,
                       uint64_t memory_size, uint16_t initial_index = 0);

  PopResult pop();
  // Puts a chain on the used ring. Returns false on a bus error.
  bool push(uint16_t head, uint32_t written);
  // After pushes: should the driver be interrupted (EVENT_IDX / NO_INTERRUPT)?
  bool needs_interrupt();
  // Ask the driver not to kick (busy device) or to kick again.
  void set_kicks_wanted(bool wanted);

  const std::string& name() const { return name_; }
  uint16_t size() const { return addrs_.size; }

 private:
  struct Desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
  };
  // What made a chain unusable: the ring rule broken (null for a bus error) and where.
  struct ChainError {
    const char* rule;
    std::string message;
  };
  using ChainCheck = std::optional<ChainError>;
  bool read_desc(uint64_t table, uint16_t index, Desc& d);
  ChainCheck walk(uint16_t head, DescriptorChain& chain);
  // What a chain walk has seen so far.
  struct WalkState {
    bool seen_writable = false;
    uint64_t bytes = 0;
  };
  ChainCheck walk_indirect(const Desc& d, DescriptorChain& chain, WalkState& state);
  // `where` names the descriptor, made only for a message.
  ChainCheck add_segment(const Desc& d, DescriptorChain& chain, WalkState& state,
                         const std::function<std::string()>& where);
  PopResult refuse(ChainError error);
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

// Ways a misbehaving driver breaks one ring rule with a chain it has just
// added (tests of the transport's ring checks; never used by a sane driver).
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
};
// Scenario names of the breaches ("writable_first", ...), in enum order.
const std::vector<std::pair<const char*, RingBreach>>& ring_breach_names();
// Whether the breach needs VIRTIO_F_INDIRECT_DESC negotiated to reach its rule.
bool ring_breach_needs_indirect(RingBreach breach);
// Guest memory a breach needs for its indirect table.
constexpr uint64_t kRingBreachChainOver4GiBEntries = 65;  // of kRingBreachEntryBytes: just over 2^32 bytes
constexpr uint64_t kRingBreachEntryBytes = 64ull << 20;
constexpr uint64_t kRingBreachScratchBytes = kDescSize * kRingBreachChainOver4GiBEntries;

class SplitVirtqueueDriver {
 public:
  SplitVirtqueueDriver(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs, RingFeatures features,
                       uint16_t initial_index = 0);

  // Zeroes the rings (and sets both indices to the initial index).
  bool initialize();
  // Writes a chain (readable segments first) and its avail ring slot; the
  // device sees it after publish(). Returns the head, or nothing when the
  // queue lacks free descriptors.
  std::optional<uint16_t> add(const std::vector<Segment>& readable, const std::vector<Segment>& writable);
  // Makes added chains visible. Returns whether the device wants a kick.
  bool publish();
  // Misbehaving on purpose: rewrites the chain added last (before publish) so
  // that it breaks one ring rule. `scratch`: kRingBreachScratchBytes of guest
  // memory for an indirect table. False when the chain has fewer than two descriptors.
  bool break_last_chain(RingBreach breach, uint64_t scratch);
  // The chains the device returned since the last reap; valid until the next one.
  const std::vector<UsedElement>& reap();
  // NO_INTERRUPT flag, or used_event, per the negotiated features.
  void set_interrupts_wanted(bool wanted);

  uint16_t free_descriptors() const { return static_cast<uint16_t>(free_.size()); }
  uint16_t size() const { return addrs_.size; }
  const VirtqueueAddresses& addresses() const { return addrs_; }

 private:
  std::string name_;
  MemoryPort& port_;
  VirtqueueAddresses addrs_;
  RingFeatures features_;
  std::vector<uint16_t> free_;
  std::vector<uint16_t> chain_length_;  // descriptors used by the chain at each head
  std::vector<uint16_t> chain_next_;    // next pointers as written, to free chains
  uint16_t last_head_ = 0;   // head of the chain added last
  std::vector<uint16_t> ids_;  // descriptors of the chain being added (kept: no allocation per add)
  std::vector<UsedElement> reaped_;  // what reap() returns (kept: no allocation per reap)
  uint16_t avail_idx_ = 0;   // next avail index to publish
  uint16_t published_ = 0;   // avail idx the device can see
  uint16_t last_used_ = 0;
  bool interrupts_wanted_ = true;
};

}  // namespace vvsim::tlm_virtio
