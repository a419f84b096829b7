#include "tlm_virtio/split_virtqueue.h"

#include <fmt/format.h>

#include <algorithm>

#include "tlm_virtio/chain_builder.h"
#include "tlm_virtio/le_bytes.h"
#include "tlm_virtio/ring_rules.h"

namespace vvsim::tlm_virtio {

using namespace ring_rule_id;
using namespace split_ring;

// ---------------------------------------------------------------- device view

SplitVirtqueueDevice::SplitVirtqueueDevice(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs,
                                           RingFeatures features, uint64_t memory_size, uint16_t initial_index)
    : name_(std::move(name)),
      port_(port),
      addrs_(addrs),
      features_(features),
      memory_size_(memory_size),
      last_avail_(initial_index),
      used_idx_(initial_index),
      signalled_used_(initial_index) {}

std::string SplitVirtqueueDevice::where(uint16_t index) const {
  return fmt::format("{} descriptor {}", name_, index);
}

bool SplitVirtqueueDevice::read_desc(uint64_t table, uint16_t index, Desc& d) {
  uint8_t b[kDescSize];
  if (port_.read(table + desc_offset(index), b, kDescSize) != AccessStatus::Ok) return false;
  d.addr = le::get64(b + kDescAddr);
  d.len = le::get32(b + kDescLen);
  d.flags = le::get16(b + kDescFlags);
  d.next = le::get16(b + kDescNext);
  return true;
}

ChainCheck SplitVirtqueueDevice::walk_indirect(const Desc& d, ChainBuilder& chain) {
  const std::string at = name_ + " indirect table";
  if (!features_.indirect_desc)
    return RingError{kIndirectNegotiated,
                     at + ": VIRTQ_DESC_F_INDIRECT used but VIRTIO_F_INDIRECT_DESC not negotiated"};
  if (d.flags & VIRTQ_DESC_F_NEXT) return RingError{kIndirectWithoutNext, at + ": descriptor has both INDIRECT and NEXT"};
  if (auto table = check_indirect_table(d.addr, d.len, memory_size_, at); !table) return table;
  const uint64_t entries = d.len / kDescSize;
  uint16_t index = 0;
  for (uint64_t count = 0;; ++count) {
    auto here = [&] { return fmt::format("{} entry {}", at, index); };  // made only for a message
    if (count >= entries) return RingError{kNoLoop, here() + ": chain longer than the indirect table (loop)"};
    Desc e;
    if (!read_desc(d.addr, index, e)) return RingError{nullptr, here() + ": bus error reading the descriptor"};
    if (e.flags & VIRTQ_DESC_F_INDIRECT) return RingError{kIndirectNotNested, here() + ": nested indirect descriptor"};
    if (auto added = chain.add(e.addr, e.len, e.flags & VIRTQ_DESC_F_WRITE, here); !added) return added;
    if (!(e.flags & VIRTQ_DESC_F_NEXT)) return {};
    if (e.next >= entries)
      return RingError{kNextInRange, fmt::format("{}: next index {} past the table's {} entries", here(), e.next, entries)};
    index = e.next;
  }
}

ChainCheck SplitVirtqueueDevice::walk(uint16_t head, DescriptorChain& out) {
  ChainBuilder chain(out, memory_size_);
  uint16_t index = head;
  for (uint32_t count = 0;; ++count) {
    if (count >= addrs_.size)
      return RingError{kNoLoop, where(index) + ": chain longer than the queue size (descriptor loop)"};
    Desc d;
    if (!read_desc(addrs_.desc, index, d)) return RingError{nullptr, where(index) + ": bus error reading the descriptor"};
    if (d.flags & VIRTQ_DESC_F_INDIRECT) return walk_indirect(d, chain);
    if (auto added = chain.add(d.addr, d.len, d.flags & VIRTQ_DESC_F_WRITE, [&] { return where(index); }); !added)
      return added;
    if (!(d.flags & VIRTQ_DESC_F_NEXT)) return {};
    if (d.next >= addrs_.size)
      return RingError{kNextInRange,
                       fmt::format("{}: next index {} past the queue size {}", where(index), d.next, addrs_.size)};
    index = d.next;
  }
}

void SplitVirtqueueDevice::ask_for_kick() {
  if (features_.event_idx && kicks_wanted_) port_.write_le16(addrs_.device + avail_event_offset(addrs_.size), last_avail_);
}

PopResult SplitVirtqueueDevice::pop() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  uint16_t avail_idx;
  if (!port_.read_le16(addrs_.driver + kAvailIdx, avail_idx))
    return RingError{nullptr, name_ + ": bus error reading the available ring index"};
  const uint16_t pending = uint16_t(avail_idx - last_avail_);
  if (pending > addrs_.size) {
    return RingError{kAvailIdxAdvance, fmt::format("{}: available index {} is {} entries ahead of {} (queue size {})",
                                                   name_, avail_idx, pending, last_avail_, addrs_.size)};
  }
  if (pending == 0) {
    ask_for_kick();  // when the next buffer arrives
    return std::optional<DescriptorChain>();
  }
  uint16_t head;
  const uint16_t slot = last_avail_ % addrs_.size;
  if (!port_.read_le16(addrs_.driver + avail_slot_offset(slot), head))
    return RingError{nullptr, name_ + ": bus error reading the available ring"};
  if (head >= addrs_.size) {
    return RingError{kHeadInRange, fmt::format("{}: available ring entry {} names head {} past the queue size {}", name_,
                                               slot, head, addrs_.size)};
  }
  std::optional<DescriptorChain> chain(fresh_chain());
  chain->id = ChainId{head};
  if (auto walked = walk(head, *chain); !walked) return walked.error();
  ++last_avail_;
  ask_for_kick();
  return PopResult(std::move(chain));
}

Status SplitVirtqueueDevice::push(ChainId id, uint32_t written) {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  uint8_t elem[kUsedElemSize];
  le::put32(elem + kUsedElemId, id.value);
  le::put32(elem + kUsedElemLen, written);
  const uint64_t slot = addrs_.device + used_slot_offset(used_idx_ % addrs_.size);
  if (port_.write(slot, elem, sizeof elem) != AccessStatus::Ok)
    return Error{fmt::format("{}: bus error writing used element at {:#x}", name_, slot)};
  ++used_idx_;
  if (!port_.write_le16(addrs_.device + kUsedIdx, used_idx_))
    return Error{fmt::format("{}: bus error writing the used index", name_)};
  return {};
}

bool SplitVirtqueueDevice::needs_interrupt() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  const uint16_t old_idx = signalled_used_;
  signalled_used_ = used_idx_;
  if (old_idx == used_idx_) return false;
  if (features_.event_idx) {
    uint16_t used_event = 0;
    if (!port_.read_le16(addrs_.driver + used_event_offset(addrs_.size), used_event)) return true;
    return vring_need_event(used_event, used_idx_, old_idx);
  }
  uint16_t flags = 0;
  if (!port_.read_le16(addrs_.driver + kAvailFlags, flags)) return true;
  return !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void SplitVirtqueueDevice::set_kicks_wanted(bool wanted) {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  kicks_wanted_ = wanted;
  if (features_.event_idx) {
    if (wanted) port_.write_le16(addrs_.device + avail_event_offset(addrs_.size), last_avail_);
  } else {
    port_.write_le16(addrs_.device + kUsedFlags, wanted ? 0 : VIRTQ_USED_F_NO_NOTIFY);
  }
}

// ---------------------------------------------------------------- driver view

SplitVirtqueueDriver::SplitVirtqueueDriver(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs,
                                           RingFeatures features, uint16_t initial_index)
    : name_(std::move(name)),
      port_(port),
      addrs_(addrs),
      features_(features),
      chain_length_(addrs.size, 0),
      chain_next_(addrs.size, 0),
      avail_idx_(initial_index),
      published_(initial_index),
      last_used_(initial_index) {
  for (uint16_t i = addrs.size; i > 0; --i) free_.push_back(uint16_t(i - 1));
}

Status SplitVirtqueueDriver::initialize() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  std::vector<uint8_t> zeros(std::max(desc_table_bytes(addrs_.size), used_ring_bytes(addrs_.size)), 0);
  bool ok = port_.write(addrs_.desc, zeros.data(), desc_table_bytes(addrs_.size)) == AccessStatus::Ok &&
            port_.write(addrs_.driver, zeros.data(), avail_ring_bytes(addrs_.size)) == AccessStatus::Ok &&
            port_.write(addrs_.device, zeros.data(), used_ring_bytes(addrs_.size)) == AccessStatus::Ok;
  ok = ok && port_.write_le16(addrs_.driver + kAvailIdx, avail_idx_) && port_.write_le16(addrs_.device + kUsedIdx, last_used_);
  if (features_.event_idx) ok = ok && port_.write_le16(addrs_.driver + used_event_offset(addrs_.size), last_used_);
  if (!ok) return Error{fmt::format("{}: bus error initialising the rings", name_)};
  return {};
}

void SplitVirtqueueDriver::write_desc(uint16_t index, const Segment& s, uint16_t flags, uint16_t next) {
  uint8_t b[kDescSize];
  le::put64(b + kDescAddr, s.addr);
  le::put32(b + kDescLen, s.len);
  le::put16(b + kDescFlags, flags);
  le::put16(b + kDescNext, next);
  port_.write(addrs_.desc + desc_offset(index), b, kDescSize);
  chain_next_[index] = next;
}

std::optional<ChainId> SplitVirtqueueDriver::add(const std::vector<Segment>& readable,
                                                 const std::vector<Segment>& writable) {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  const size_t n = readable.size() + writable.size();
  if (n == 0 || n > free_.size()) return std::nullopt;
  std::vector<uint16_t>& ids = ids_;
  ids.assign(free_.rbegin(), free_.rbegin() + n);
  free_.resize(free_.size() - n);
  for (size_t i = 0; i < n; ++i) {
    const bool is_writable = i >= readable.size();
    const bool last = i + 1 == n;
    const uint16_t flags = (is_writable ? VIRTQ_DESC_F_WRITE : 0) | (last ? 0 : VIRTQ_DESC_F_NEXT);
    write_desc(ids[i], is_writable ? writable[i - readable.size()] : readable[i], flags, last ? 0 : ids[i + 1]);
  }
  const uint16_t head = ids.front();
  last_head_ = head;
  chain_length_[head] = static_cast<uint16_t>(n);
  port_.write_le16(addrs_.driver + avail_slot_offset(avail_idx_ % addrs_.size), head);
  ++avail_idx_;
  return ChainId{head};
}

bool SplitVirtqueueDriver::publish() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  const uint16_t old_idx = published_;
  if (old_idx == avail_idx_) return false;
  published_ = avail_idx_;
  port_.write_le16(addrs_.driver + kAvailIdx, published_);
  if (features_.event_idx) {
    uint16_t avail_event = 0;
    port_.read_le16(addrs_.device + avail_event_offset(addrs_.size), avail_event);
    return vring_need_event(avail_event, published_, old_idx);
  }
  uint16_t flags = 0;
  port_.read_le16(addrs_.device + kUsedFlags, flags);
  return !(flags & VIRTQ_USED_F_NO_NOTIFY);
}

void SplitVirtqueueDriver::free_chain(uint16_t head) {
  uint16_t d = head;
  for (uint16_t k = chain_length_[head]; k > 0; --k) {
    free_.push_back(d);
    d = chain_next_[d];
  }
  chain_length_[head] = 0;
}

const std::vector<UsedBuffer>& SplitVirtqueueDriver::reap() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  std::vector<UsedBuffer>& out = reaped_;
  out.clear();
  uint16_t used_idx = last_used_;
  port_.read_le16(addrs_.device + kUsedIdx, used_idx);
  while (last_used_ != used_idx) {
    uint8_t elem[kUsedElemSize];
    port_.read(addrs_.device + used_slot_offset(last_used_ % addrs_.size), elem, kUsedElemSize);
    ++last_used_;
    const uint32_t id = le::get32(elem + kUsedElemId);
    const uint32_t len = le::get32(elem + kUsedElemLen);
    if (id >= addrs_.size || chain_length_[id] == 0) continue;  // not a chain this driver has in flight
    free_chain(uint16_t(id));
    out.push_back({ChainId{id}, len});
  }
  if (features_.event_idx && interrupts_wanted_)
    port_.write_le16(addrs_.driver + used_event_offset(addrs_.size), last_used_);
  return out;
}

void SplitVirtqueueDriver::set_interrupts_wanted(bool wanted) {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  interrupts_wanted_ = wanted;
  if (features_.event_idx)
    port_.write_le16(addrs_.driver + used_event_offset(addrs_.size), uint16_t(wanted ? last_used_ : last_used_ - 1));
  else
    port_.write_le16(addrs_.driver + kAvailFlags, wanted ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT);
}

}  // namespace vvsim::tlm_virtio
