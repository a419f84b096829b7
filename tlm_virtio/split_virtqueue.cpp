#include "tlm_virtio/split_virtqueue.h"

#include <fmt/format.h>

#include <algorithm>

#include "tlm_virtio/ring_rules.h"

namespace vvsim::tlm_virtio {

using namespace ring_rule_id;

uint64_t DescriptorChain::readable_bytes() const {
  uint64_t n = 0;
  for (const auto& s : readable) n += s.len;
  return n;
}

uint64_t DescriptorChain::writable_bytes() const {
  uint64_t n = 0;
  for (const auto& s : writable) n += s.len;
  return n;
}

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
  if (port_.read(table + kDescSize * index, b, kDescSize) != AccessStatus::Ok) return false;
  d.addr = 0;
  for (int i = 0; i < 8; ++i) d.addr |= uint64_t(b[i]) << (8 * i);
  d.len = uint32_t(b[8]) | uint32_t(b[9]) << 8 | uint32_t(b[10]) << 16 | uint32_t(b[11]) << 24;
  d.flags = uint16_t(b[12] | b[13] << 8);
  d.next = uint16_t(b[14] | b[15] << 8);
  return true;
}

SplitVirtqueueDevice::ChainCheck SplitVirtqueueDevice::add_segment(const Desc& d, DescriptorChain& chain,
                                                                   WalkState& state,
                                                                   const std::function<std::string()>& at) {
  if (d.len > memory_size_ || d.addr > memory_size_ - d.len)
    return ChainError{kBufferInMemory,
                      fmt::format("{}: buffer [{:#x}, +{}) lies outside guest memory", at(), d.addr, d.len)};
  const bool writable = d.flags & VIRTQ_DESC_F_WRITE;
  if (!writable && state.seen_writable)
    return ChainError{kWritableLast, fmt::format("{}: device-readable descriptor after a writable one", at())};
  state.seen_writable = state.seen_writable || writable;
  state.bytes += d.len;
  if (state.bytes > kMaxChainBytes)
    return ChainError{kChainBytes, fmt::format("{}: the chain holds {} bytes, more than 2^32", at(), state.bytes)};
  (writable ? chain.writable : chain.readable).push_back({d.addr, d.len});
  return std::nullopt;
}

SplitVirtqueueDevice::ChainCheck SplitVirtqueueDevice::walk_indirect(const Desc& d, DescriptorChain& chain,
                                                                     WalkState& state) {
  const std::string at = name_ + " indirect table";
  if (!features_.indirect_desc)
    return ChainError{kIndirectNegotiated,
                      at + ": VIRTQ_DESC_F_INDIRECT used but VIRTIO_F_INDIRECT_DESC not negotiated"};
  if (d.flags & VIRTQ_DESC_F_NEXT)
    return ChainError{kIndirectWithoutNext, at + ": descriptor has both INDIRECT and NEXT"};
  if (d.len == 0 || d.len % kDescSize != 0)
    return ChainError{kIndirectTableSize, fmt::format("{}: length {} is not a non-zero multiple of 16", at, d.len)};
  if (d.len > memory_size_ || d.addr > memory_size_ - d.len)
    return ChainError{kBufferInMemory,
                      fmt::format("{}: table [{:#x}, +{}) lies outside guest memory", at, d.addr, d.len)};
  const uint64_t entries = d.len / kDescSize;
  if (entries > kMaxQueueSize)
    return ChainError{kIndirectTableSize,
                      fmt::format("{}: {} entries exceed the maximum of {}", at, entries, kMaxQueueSize)};
  uint16_t index = 0;
  for (uint64_t count = 0;; ++count) {
    auto here = [&] { return fmt::format("{} entry {}", at, index); };  // made only for a message
    if (count >= entries) return ChainError{kNoLoop, here() + ": chain longer than the indirect table (loop)"};
    Desc e;
    if (!read_desc(d.addr, index, e)) return ChainError{nullptr, here() + ": bus error reading the descriptor"};
    if (e.flags & VIRTQ_DESC_F_INDIRECT) return ChainError{kIndirectNotNested, here() + ": nested indirect descriptor"};
    if (auto err = add_segment(e, chain, state, here)) return err;
    if (!(e.flags & VIRTQ_DESC_F_NEXT)) return std::nullopt;
    if (e.next >= entries)
      return ChainError{kNextInRange,
                        fmt::format("{}: next index {} past the table's {} entries", here(), e.next, entries)};
    index = e.next;
  }
}

SplitVirtqueueDevice::ChainCheck SplitVirtqueueDevice::walk(uint16_t head, DescriptorChain& chain) {
  WalkState state;
  uint16_t index = head;
  for (uint32_t count = 0;; ++count) {
    if (count >= addrs_.size)
      return ChainError{kNoLoop, where(index) + ": chain longer than the queue size (descriptor loop)"};
    Desc d;
    if (!read_desc(addrs_.desc, index, d))
      return ChainError{nullptr, where(index) + ": bus error reading the descriptor"};
    if (d.flags & VIRTQ_DESC_F_INDIRECT) return walk_indirect(d, chain, state);
    if (auto err = add_segment(d, chain, state, [&] { return where(index); })) return err;
    if (!(d.flags & VIRTQ_DESC_F_NEXT)) return std::nullopt;
    if (d.next >= addrs_.size)
      return ChainError{kNextInRange,
                        fmt::format("{}: next index {} past the queue size {}", where(index), d.next, addrs_.size)};
    index = d.next;
  }
}

SplitVirtqueueDevice::PopResult SplitVirtqueueDevice::refuse(ChainError error) {
  PopResult result;
  result.status = PopStatus::Error;
  result.rule = error.rule;
  result.error = std::move(error.message);
  return result;
}

SplitVirtqueueDevice::PopResult SplitVirtqueueDevice::pop() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  uint16_t avail_idx;
  if (!port_.read_le16(addrs_.driver + 2, avail_idx))
    return refuse({nullptr, name_ + ": bus error reading the available ring index"});
  const uint16_t pending = uint16_t(avail_idx - last_avail_);
  if (pending > addrs_.size) {
    return refuse({kAvailIdxAdvance, fmt::format("{}: available index {} is {} entries ahead of {} (queue size {})",
                                                 name_, avail_idx, pending, last_avail_, addrs_.size)});
  }
  PopResult result;
  if (pending == 0) {
    // Ask for a kick when the next buffer arrives.
    if (features_.event_idx && kicks_wanted_) port_.write_le16(addrs_.device + 4 + kUsedElemSize * addrs_.size, last_avail_);
    return result;
  }
  uint16_t head;
  const uint64_t slot = addrs_.driver + 4 + 2ull * (last_avail_ % addrs_.size);
  if (!port_.read_le16(slot, head)) return refuse({nullptr, name_ + ": bus error reading the available ring"});
  if (head >= addrs_.size) {
    return refuse({kHeadInRange, fmt::format("{}: available ring entry {} names head {} past the queue size {}", name_,
                                             last_avail_ % addrs_.size, head, addrs_.size)});
  }
  result.chain.head = head;
  if (auto err = walk(head, result.chain)) return refuse(std::move(*err));
  ++last_avail_;
  if (features_.event_idx && kicks_wanted_) port_.write_le16(addrs_.device + 4 + kUsedElemSize * addrs_.size, last_avail_);
  result.status = PopStatus::Chain;
  return result;
}

bool SplitVirtqueueDevice::push(uint16_t head, uint32_t written) {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  uint8_t elem[kUsedElemSize];
  for (int i = 0; i < 4; ++i) elem[i] = uint8_t(uint32_t(head) >> (8 * i));
  for (int i = 0; i < 4; ++i) elem[4 + i] = uint8_t(written >> (8 * i));
  const uint64_t slot = addrs_.device + 4 + kUsedElemSize * (used_idx_ % addrs_.size);
  if (port_.write(slot, elem, sizeof elem) != AccessStatus::Ok) return false;
  ++used_idx_;
  return port_.write_le16(addrs_.device + 2, used_idx_);
}

bool SplitVirtqueueDevice::needs_interrupt() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  const uint16_t old_idx = signalled_used_;
  signalled_used_ = used_idx_;
  if (old_idx == used_idx_) return false;
  if (features_.event_idx) {
    uint16_t used_event = 0;
    if (!port_.read_le16(addrs_.driver + 4 + 2ull * addrs_.size, used_event)) return true;
    return vring_need_event(used_event, used_idx_, old_idx);
  }
  uint16_t flags = 0;
  if (!port_.read_le16(addrs_.driver, flags)) return true;
  return !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void SplitVirtqueueDevice::set_kicks_wanted(bool wanted) {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  kicks_wanted_ = wanted;
  if (features_.event_idx) {
    if (wanted) port_.write_le16(addrs_.device + 4 + kUsedElemSize * addrs_.size, last_avail_);
  } else {
    port_.write_le16(addrs_.device, wanted ? 0 : VIRTQ_USED_F_NO_NOTIFY);
  }
}

bool gather_chain(MemoryPort& port, const DescriptorChain& chain, std::vector<uint8_t>& out, uint64_t max_bytes) {
  MemoryPort::Batch batch(port);  // one wait for the whole ring operation
  out.clear();
  for (const auto& s : chain.readable) {
    const uint64_t n = std::min<uint64_t>(s.len, max_bytes - out.size());
    if (n == 0) break;
    const size_t at = out.size();
    out.resize(at + n);
    if (port.read(s.addr, out.data() + at, n) != AccessStatus::Ok) return false;
  }
  return true;
}

bool scatter_chain(MemoryPort& port, const DescriptorChain& chain, const uint8_t* data, uint64_t len) {
  MemoryPort::Batch batch(port);  // one wait for the whole ring operation
  if (len > chain.writable_bytes()) return false;
  for (const auto& s : chain.writable) {
    if (len == 0) break;
    const uint64_t n = std::min<uint64_t>(s.len, len);
    if (port.write(s.addr, data, n) != AccessStatus::Ok) return false;
    data += n, len -= n;
  }
  return true;
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

bool SplitVirtqueueDriver::initialize() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  std::vector<uint8_t> zeros(std::max(desc_table_bytes(addrs_.size), used_ring_bytes(addrs_.size)), 0);
  bool ok = port_.write(addrs_.desc, zeros.data(), desc_table_bytes(addrs_.size)) == AccessStatus::Ok &&
            port_.write(addrs_.driver, zeros.data(), avail_ring_bytes(addrs_.size)) == AccessStatus::Ok &&
            port_.write(addrs_.device, zeros.data(), used_ring_bytes(addrs_.size)) == AccessStatus::Ok;
  ok = ok && port_.write_le16(addrs_.driver + 2, avail_idx_) && port_.write_le16(addrs_.device + 2, last_used_);
  if (features_.event_idx) ok = ok && port_.write_le16(addrs_.driver + 4 + 2ull * addrs_.size, last_used_);
  return ok;
}

std::optional<uint16_t> SplitVirtqueueDriver::add(const std::vector<Segment>& readable,
                                                  const std::vector<Segment>& writable) {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  const size_t n = readable.size() + writable.size();
  if (n == 0 || n > free_.size()) return std::nullopt;
  std::vector<uint16_t>& ids = ids_;
  ids.assign(free_.rbegin(), free_.rbegin() + n);
  free_.resize(free_.size() - n);
  for (size_t i = 0; i < n; ++i) {
    const bool is_writable = i >= readable.size();
    const Segment& s = is_writable ? writable[i - readable.size()] : readable[i];
    const bool last = i + 1 == n;
    const uint16_t flags = (is_writable ? VIRTQ_DESC_F_WRITE : 0) | (last ? 0 : VIRTQ_DESC_F_NEXT);
    const uint16_t next = last ? 0 : ids[i + 1];
    uint8_t b[kDescSize];
    for (int k = 0; k < 8; ++k) b[k] = uint8_t(s.addr >> (8 * k));
    for (int k = 0; k < 4; ++k) b[8 + k] = uint8_t(s.len >> (8 * k));
    b[12] = uint8_t(flags), b[13] = uint8_t(flags >> 8), b[14] = uint8_t(next), b[15] = uint8_t(next >> 8);
    port_.write(addrs_.desc + kDescSize * ids[i], b, kDescSize);
    chain_next_[ids[i]] = next;
  }
  const uint16_t head = ids.front();
  last_head_ = head;
  chain_length_[head] = static_cast<uint16_t>(n);
  port_.write_le16(addrs_.driver + 4 + 2ull * (avail_idx_ % addrs_.size), head);
  ++avail_idx_;
  return head;
}

bool SplitVirtqueueDriver::publish() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  const uint16_t old_idx = published_;
  if (old_idx == avail_idx_) return false;
  published_ = avail_idx_;
  port_.write_le16(addrs_.driver + 2, published_);
  if (features_.event_idx) {
    uint16_t avail_event = 0;
    port_.read_le16(addrs_.device + 4 + kUsedElemSize * addrs_.size, avail_event);
    return vring_need_event(avail_event, published_, old_idx);
  }
  uint16_t flags = 0;
  port_.read_le16(addrs_.device, flags);
  return !(flags & VIRTQ_USED_F_NO_NOTIFY);
}

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

namespace {
// Field offsets in a virtq_desc (§2.7.5).
constexpr uint64_t kDescAddr = 0, kDescLen = 8, kDescFlags = 12, kDescNext = 14;
constexpr uint64_t kBeyondAnyMemory = 1ull << 63;
constexpr uint32_t kBadIndirectTableLength = kDescSize + 4;
}  // namespace

bool SplitVirtqueueDriver::break_last_chain(RingBreach breach, uint64_t scratch) {
  const uint16_t head = last_head_;
  if (chain_length_[head] < 2) return false;
  const uint64_t head_desc = addrs_.desc + kDescSize * head;
  const uint64_t tail_desc = addrs_.desc + kDescSize * chain_next_[head];
  uint16_t head_flags = 0;
  port_.read_le16(head_desc + kDescFlags, head_flags);
  // The head's own buffer moves into a one-entry indirect table at `scratch`
  // (the response descriptor is left out of the chain unless `head_extra` has NEXT).
  auto make_indirect = [&](uint16_t entry_flags, uint32_t table_len, uint16_t head_extra) {
    uint64_t addr = 0;
    uint32_t len = 0;
    port_.read_le64(head_desc + kDescAddr, addr);
    port_.read_le32(head_desc + kDescLen, len);
    port_.write_le64(scratch + kDescAddr, addr);
    port_.write_le32(scratch + kDescLen, len);
    port_.write_le16(scratch + kDescFlags, entry_flags);
    port_.write_le16(scratch + kDescNext, 0);
    port_.write_le64(head_desc + kDescAddr, scratch);
    port_.write_le32(head_desc + kDescLen, table_len);
    port_.write_le16(head_desc + kDescFlags, uint16_t(VIRTQ_DESC_F_INDIRECT | head_extra));
  };
  switch (breach) {
    case RingBreach::WritableFirst:
      port_.write_le16(head_desc + kDescFlags, uint16_t(head_flags | VIRTQ_DESC_F_WRITE));
      port_.write_le16(tail_desc + kDescFlags, 0);
      return true;
    case RingBreach::BufferOutsideMemory: port_.write_le64(head_desc + kDescAddr, kBeyondAnyMemory); return true;
    case RingBreach::NextOutOfRange: port_.write_le16(head_desc + kDescNext, addrs_.size); return true;
    case RingBreach::Loop: port_.write_le16(head_desc + kDescNext, head); return true;  // the head chains to itself
    case RingBreach::IndirectNotNegotiated: make_indirect(0, kDescSize, 0); return true;
    case RingBreach::IndirectWithNext: make_indirect(0, kDescSize, VIRTQ_DESC_F_NEXT); return true;
    case RingBreach::NestedIndirect: make_indirect(VIRTQ_DESC_F_INDIRECT, kDescSize, 0); return true;
    case RingBreach::IndirectTableLength: make_indirect(0, kBadIndirectTableLength, 0); return true;
    case RingBreach::HeadOutOfRange:
      port_.write_le16(addrs_.driver + 4 + 2ull * (uint16_t(avail_idx_ - 1) % addrs_.size), addrs_.size);
      return true;
    case RingBreach::AvailIdxJump: avail_idx_ = uint16_t(avail_idx_ + addrs_.size); return true;
    case RingBreach::ChainOver4GiB:
      for (uint16_t i = 0; i < kRingBreachChainOver4GiBEntries; ++i) {
        const uint64_t entry = scratch + kDescSize * i;
        const bool last = i + 1 == kRingBreachChainOver4GiBEntries;
        port_.write_le64(entry + kDescAddr, 0);
        port_.write_le32(entry + kDescLen, uint32_t(kRingBreachEntryBytes));
        port_.write_le16(entry + kDescFlags, last ? 0 : VIRTQ_DESC_F_NEXT);
        port_.write_le16(entry + kDescNext, uint16_t(i + 1));
      }
      port_.write_le64(head_desc + kDescAddr, scratch);
      port_.write_le32(head_desc + kDescLen, uint32_t(kRingBreachScratchBytes));
      port_.write_le16(head_desc + kDescFlags, VIRTQ_DESC_F_INDIRECT);
      return true;
  }
  return false;
}

const std::vector<UsedElement>& SplitVirtqueueDriver::reap() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  std::vector<UsedElement>& out = reaped_;
  out.clear();
  uint16_t used_idx = last_used_;
  port_.read_le16(addrs_.device + 2, used_idx);
  while (last_used_ != used_idx) {
    uint8_t elem[kUsedElemSize];
    port_.read(addrs_.device + 4 + kUsedElemSize * (last_used_ % addrs_.size), elem, kUsedElemSize);
    ++last_used_;
    const uint32_t id = uint32_t(elem[0]) | uint32_t(elem[1]) << 8 | uint32_t(elem[2]) << 16 | uint32_t(elem[3]) << 24;
    const uint32_t len = uint32_t(elem[4]) | uint32_t(elem[5]) << 8 | uint32_t(elem[6]) << 16 | uint32_t(elem[7]) << 24;
    if (id >= addrs_.size || chain_length_[id] == 0) continue;  // not a chain this driver has in flight
    uint16_t d = uint16_t(id);
    for (uint16_t k = chain_length_[id]; k > 0; --k) {
      free_.push_back(d);
      d = chain_next_[d];
    }
    chain_length_[id] = 0;
    out.push_back({uint16_t(id), len});
  }
  if (features_.event_idx && interrupts_wanted_) port_.write_le16(addrs_.driver + 4 + 2ull * addrs_.size, last_used_);
  return out;
}

void SplitVirtqueueDriver::set_interrupts_wanted(bool wanted) {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  interrupts_wanted_ = wanted;
  if (features_.event_idx)
    port_.write_le16(addrs_.driver + 4 + 2ull * addrs_.size, uint16_t(wanted ? last_used_ : last_used_ - 1));
  else
    port_.write_le16(addrs_.driver, wanted ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT);
}

}  // namespace vvsim::tlm_virtio
