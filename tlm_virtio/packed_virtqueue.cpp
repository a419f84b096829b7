#include "tlm_virtio/packed_virtqueue.h"

#include <fmt/format.h>

#include <algorithm>

#include "tlm_virtio/le_bytes.h"
#include "tlm_virtio/ring_rules.h"

namespace vvsim::tlm_virtio {

using namespace ring_rule_id;
using namespace packed_ring;

namespace packed_ring {

void Position::advance(uint16_t n, uint16_t size) {
  const uint32_t next = uint32_t(slot) + n;
  slot = uint16_t(next % size);
  if (next >= size) wrap = !wrap;
}

bool event_passed(uint16_t off_wrap, Position from, Position to, uint16_t size) {
  // Count positions over two laps (slot, plus the size on a lap of wrap 0):
  // the event lies in [from, to) taken modulo two laps.
  const uint32_t laps = 2u * size;
  auto place = [size](uint32_t slot, bool wrap) { return slot + (wrap ? 0u : size); };
  const uint32_t event = place(off_wrap & ~(1u << kEventWrapBit), off_wrap >> kEventWrapBit);
  const uint32_t start = place(from.slot, from.wrap), end = place(to.slot, to.wrap);
  return (event + laps - start) % laps < (end + laps - start) % laps;
}

}  // namespace packed_ring

namespace {
constexpr uint16_t kAvailUsedBits = VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED;
// The bytes of a used descriptor the device writes: len, id, then flags (offsets 8..16).
constexpr uint64_t kUsedPart = kDescLen, kUsedPartBytes = kDescSize - kDescLen;
// Offsets inside that part.
constexpr uint64_t kUsedLen = kDescLen - kUsedPart, kUsedId = kDescId - kUsedPart, kUsedFlags = kDescFlags - kUsedPart;
}  // namespace

// ---------------------------------------------------------------- device view

PackedVirtqueueDevice::PackedVirtqueueDevice(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs,
                                             RingFeatures features, uint64_t memory_size)
    : name_(std::move(name)), port_(port), addrs_(addrs), features_(features), memory_size_(memory_size) {
  outstanding_.reserve(addrs.size);
}

std::string PackedVirtqueueDevice::where(uint16_t slot) const { return fmt::format("{} descriptor {}", name_, slot); }

bool PackedVirtqueueDevice::read_desc(uint16_t slot, Desc& d) {
  uint8_t b[kDescSize];
  if (port_.read(addrs_.desc + desc_offset(slot), b, kDescSize) != AccessStatus::Ok) return false;
  d.addr = le::get64(b + kDescAddr);
  d.len = le::get32(b + kDescLen);
  d.id = le::get16(b + kDescId);
  d.flags = le::get16(b + kDescFlags);
  return true;
}

ChainCheck PackedVirtqueueDevice::walk_indirect(const Desc& d, ChainBuilder& chain) {
  const std::string at = name_ + " indirect table";
  if (!features_.indirect_desc)
    return RingError{kIndirectNegotiated,
                     at + ": VIRTQ_DESC_F_INDIRECT used but VIRTIO_F_INDIRECT_DESC not negotiated"};
  if (auto table = check_indirect_table(d.addr, d.len, memory_size_, at); !table) return table;
  std::vector<uint8_t> table(d.len);  // a flat array (§2.8.7): one read
  if (port_.read(d.addr, table.data(), table.size()) != AccessStatus::Ok)
    return RingError{nullptr, at + ": bus error reading the table"};
  for (uint32_t i = 0; i < d.len / kDescSize; ++i) {
    const uint8_t* e = table.data() + desc_offset(uint16_t(i));
    const uint16_t flags = le::get16(e + kDescFlags);
    auto here = [&] { return fmt::format("{} entry {}", at, i); };  // made only for a message
    if (flags & ~VIRTQ_DESC_F_WRITE)
      return RingError{kPackedIndirectFlags, fmt::format("{}: flags {:#x}, but only VIRTQ_DESC_F_WRITE is allowed",
                                                         here(), flags)};
    if (auto added = chain.add(le::get64(e + kDescAddr), le::get32(e + kDescLen), flags & VIRTQ_DESC_F_WRITE, here);
        !added)
      return added;
  }
  return {};
}

ChainCheck PackedVirtqueueDevice::walk(const Desc& first, DescriptorChain& out, uint16_t& count, uint16_t& id) {
  ChainBuilder chain(out, memory_size_);
  Position at = next_avail_;
  Desc d = first;
  for (count = 1;; ++count) {
    if (d.flags & VIRTQ_DESC_F_INDIRECT) {
      if (count > 1 || (d.flags & VIRTQ_DESC_F_NEXT))
        return RingError{kPackedIndirectAlone, where(at.slot) + ": VIRTQ_DESC_F_INDIRECT in a list linked by NEXT"};
      id = d.id;
      return walk_indirect(d, chain);
    }
    if (auto added = chain.add(d.addr, d.len, d.flags & VIRTQ_DESC_F_WRITE, [&] { return where(at.slot); }); !added)
      return added;
    if (!(d.flags & VIRTQ_DESC_F_NEXT)) {
      id = d.id;  // §2.8.6: the buffer id is in the last descriptor of the list
      return {};
    }
    if (count >= addrs_.size)
      return RingError{kPackedListLength,
                       fmt::format("{}: list longer than the queue size {}", where(at.slot), addrs_.size)};
    at.advance(1, addrs_.size);
    if (!read_desc(at.slot, d)) return RingError{nullptr, where(at.slot) + ": bus error reading the descriptor"};
    if ((d.flags & kAvailUsedBits) != avail_flags(at.wrap))
      return RingError{kPackedListAvailable,
                       fmt::format("{}: flags {:#x} do not make it available in the lap of wrap counter {}, as the "
                                   "list's first descriptor is",
                                   where(at.slot), d.flags, int(at.wrap))};
  }
}

void PackedVirtqueueDevice::write_device_event(uint16_t flags) {
  if (flags == RING_EVENT_FLAGS_DESC) {
    uint8_t b[kEventSize];
    le::put16(b + kEventOffWrap, next_avail_.off_wrap());
    le::put16(b + kEventFlags, flags);
    // The flags only when they change: one write of the offset otherwise.
    if (device_event_flags_ == flags)
      port_.write(addrs_.device + kEventOffWrap, b + kEventOffWrap, 2);
    else
      port_.write(addrs_.device, b, kEventSize);
  } else if (device_event_flags_ != flags) {
    port_.write_le16(addrs_.device + kEventFlags, flags);
  }
  device_event_flags_ = flags;
}

void PackedVirtqueueDevice::ask_for_kick() {
  if (features_.event_idx && kicks_wanted_) write_device_event(RING_EVENT_FLAGS_DESC);
}

PopResult PackedVirtqueueDevice::pop() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  Desc first;
  if (!read_desc(next_avail_.slot, first))
    return RingError{nullptr, where(next_avail_.slot) + ": bus error reading the descriptor"};
  const bool avail = first.flags & VIRTQ_DESC_F_AVAIL, used = first.flags & VIRTQ_DESC_F_USED;
  if (avail != next_avail_.wrap) {
    ask_for_kick();  // when the driver makes it available
    return std::optional<DescriptorChain>();
  }
  if (used == avail)
    return RingError{kPackedAvailUsedInverse,
                     fmt::format("{}: AVAIL and USED both {} in a descriptor made available in the lap of wrap "
                                 "counter {}",
                                 where(next_avail_.slot), int(avail), int(next_avail_.wrap))};
  std::optional<DescriptorChain> chain(fresh_chain());
  uint16_t count = 0, id = 0;
  if (auto walked = walk(first, *chain, count, id); !walked) return walked.error();
  if (outstanding_.count(id))
    return RingError{kPackedIdNotOutstanding, fmt::format("{}: buffer id {} is already held by the device",
                                                          where(next_avail_.slot), id)};
  outstanding_[id] = count;
  chain->id = ChainId{id};
  next_avail_.advance(count, addrs_.size);
  ask_for_kick();
  return PopResult(std::move(chain));
}

Status PackedVirtqueueDevice::push(ChainId id, uint32_t written) {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  // A buffer id the device does not hold (a device fault) still takes one descriptor.
  uint16_t count = 1;
  if (auto it = outstanding_.find(uint16_t(id.value)); id.value <= 0xffff && it != outstanding_.end()) {
    count = it->second;
    outstanding_.erase(it);
  }
  // §2.8.6: one used descriptor for the whole list, in the slot of the next to use.
  uint8_t b[kUsedPartBytes];
  le::put32(b + kUsedLen, written);
  le::put16(b + kUsedId, uint16_t(id.value));
  le::put16(b + kUsedFlags, uint16_t(used_flags(next_used_.wrap) | (written ? VIRTQ_DESC_F_WRITE : 0)));
  const uint64_t at = addrs_.desc + desc_offset(next_used_.slot) + kUsedPart;
  if (port_.write(at, b, sizeof b) != AccessStatus::Ok)
    return Error{fmt::format("{}: bus error writing the used descriptor at {:#x}", name_, at)};
  next_used_.advance(count, addrs_.size);
  return {};
}

bool PackedVirtqueueDevice::needs_interrupt() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  const Position from = signalled_used_;
  signalled_used_ = next_used_;
  if (from == next_used_) return false;
  uint8_t b[kEventSize];
  if (port_.read(addrs_.driver, b, kEventSize) != AccessStatus::Ok) return true;
  const uint16_t flags = le::get16(b + kEventFlags) & kEventFlagsMask;
  if (flags == RING_EVENT_FLAGS_DISABLE) return false;
  if (flags == RING_EVENT_FLAGS_DESC && features_.event_idx)
    return event_passed(le::get16(b + kEventOffWrap), from, next_used_, addrs_.size);
  return true;
}

void PackedVirtqueueDevice::set_kicks_wanted(bool wanted) {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  kicks_wanted_ = wanted;
  if (!wanted)
    write_device_event(RING_EVENT_FLAGS_DISABLE);
  else
    write_device_event(features_.event_idx ? RING_EVENT_FLAGS_DESC : RING_EVENT_FLAGS_ENABLE);
}

// ---------------------------------------------------------------- driver view

PackedVirtqueueDriver::PackedVirtqueueDriver(std::string name, MemoryPort& port, const VirtqueueAddresses& addrs,
                                             RingFeatures features)
    : name_(std::move(name)),
      port_(port),
      addrs_(addrs),
      features_(features),
      free_descriptors_(addrs.size),
      list_length_(addrs.size, 0) {
  for (uint16_t i = addrs.size; i > 0; --i) free_ids_.push_back(uint16_t(i - 1));
}

Status PackedVirtqueueDriver::initialize() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  std::vector<uint8_t> zeros(desc_ring_bytes(addrs_.size), 0);
  bool ok = port_.write(addrs_.desc, zeros.data(), zeros.size()) == AccessStatus::Ok &&
            port_.write(addrs_.driver, zeros.data(), kEventSize) == AccessStatus::Ok &&
            port_.write(addrs_.device, zeros.data(), kEventSize) == AccessStatus::Ok;
  if (features_.event_idx) {  // an interrupt for the first used descriptor, as the split ring's used_event 0
    uint8_t b[kEventSize];
    le::put16(b + kEventOffWrap, next_used_.off_wrap());
    le::put16(b + kEventFlags, RING_EVENT_FLAGS_DESC);
    ok = ok && port_.write(addrs_.driver, b, kEventSize) == AccessStatus::Ok;
  }
  if (!ok) return Error{fmt::format("{}: bus error initialising the ring", name_)};
  return {};
}

void PackedVirtqueueDriver::write_desc(uint16_t slot, const Segment& s, uint16_t id, uint16_t flags) {
  uint8_t b[kDescSize];
  le::put64(b + kDescAddr, s.addr);
  le::put32(b + kDescLen, s.len);
  le::put16(b + kDescId, id);
  le::put16(b + kDescFlags, flags);
  port_.write(addrs_.desc + desc_offset(slot), b, kDescSize);
}

std::optional<ChainId> PackedVirtqueueDriver::add(const std::vector<Segment>& readable,
                                                  const std::vector<Segment>& writable) {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  const size_t n = readable.size() + writable.size();
  if (n == 0 || n > free_descriptors_ || free_ids_.empty()) return std::nullopt;
  const uint16_t id = free_ids_.back();
  free_ids_.pop_back();
  last_head_ = next_avail_;
  for (size_t i = 0; i < n; ++i) {
    const bool is_writable = i >= readable.size();
    const Segment& s = is_writable ? writable[i - readable.size()] : readable[i];
    const uint16_t flags = uint16_t((is_writable ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) |
                                    avail_flags(next_avail_.wrap));
    if (i == 0) {
      // §2.8.6: the first descriptor's flags go last, in publish(), so the device never sees part of a list.
      uint8_t b[kDescFlags];
      le::put64(b + kDescAddr, s.addr);
      le::put32(b + kDescLen, s.len);
      le::put16(b + kDescId, id);
      port_.write(addrs_.desc + desc_offset(next_avail_.slot), b, sizeof b);
      pending_.push_back({next_avail_.slot, flags});
    } else {
      write_desc(next_avail_.slot, s, id, flags);
    }
    next_avail_.advance(1, addrs_.size);
  }
  free_descriptors_ = uint16_t(free_descriptors_ - n);
  list_length_[id] = uint16_t(n);
  return ChainId{id};
}

bool PackedVirtqueueDriver::publish() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  if (pending_.empty()) return false;
  for (const auto& head : pending_) port_.write_le16(addrs_.desc + desc_offset(head.slot) + kDescFlags, head.flags);
  pending_.clear();
  const Position from = published_;
  published_ = next_avail_;
  uint8_t b[kEventSize] = {};
  port_.read(addrs_.device, b, kEventSize);
  const uint16_t flags = le::get16(b + kEventFlags) & kEventFlagsMask;
  if (flags == RING_EVENT_FLAGS_DISABLE) return false;
  if (flags == RING_EVENT_FLAGS_DESC && features_.event_idx)
    return event_passed(le::get16(b + kEventOffWrap), from, published_, addrs_.size);
  return true;
}

const std::vector<UsedBuffer>& PackedVirtqueueDriver::reap() {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  std::vector<UsedBuffer>& out = reaped_;
  out.clear();
  // At most one used descriptor per ring slot per call: a device writing
  // nonsense cannot keep the driver here.
  for (uint16_t seen = 0; seen < addrs_.size; ++seen) {
    uint8_t b[kUsedPartBytes];
    port_.read(addrs_.desc + desc_offset(next_used_.slot) + kUsedPart, b, sizeof b);
    const uint16_t flags = le::get16(b + kUsedFlags);
    if ((flags & kAvailUsedBits) != used_flags(next_used_.wrap)) break;
    const uint16_t id = le::get16(b + kUsedId);
    if (id >= addrs_.size || list_length_[id] == 0) {  // not a list this driver has in flight
      next_used_.advance(1, addrs_.size);
      continue;
    }
    const uint16_t n = list_length_[id];
    next_used_.advance(n, addrs_.size);
    free_descriptors_ = uint16_t(free_descriptors_ + n);
    list_length_[id] = 0;
    free_ids_.push_back(id);
    // §2.8.4: len is reserved in a used descriptor without WRITE.
    out.push_back({ChainId{id}, flags & VIRTQ_DESC_F_WRITE ? le::get32(b + kUsedLen) : 0u});
  }
  if (features_.event_idx && interrupts_wanted_)
    port_.write_le16(addrs_.driver + kEventOffWrap, next_used_.off_wrap());
  return out;
}

void PackedVirtqueueDriver::set_interrupts_wanted(bool wanted) {
  MemoryPort::Batch batch(port_);  // one wait for the whole ring operation
  interrupts_wanted_ = wanted;
  if (wanted && features_.event_idx) {
    uint8_t b[kEventSize];
    le::put16(b + kEventOffWrap, next_used_.off_wrap());
    le::put16(b + kEventFlags, RING_EVENT_FLAGS_DESC);
    port_.write(addrs_.driver, b, kEventSize);
  } else {
    port_.write_le16(addrs_.driver + kEventFlags, wanted ? RING_EVENT_FLAGS_ENABLE : RING_EVENT_FLAGS_DISABLE);
  }
}

}  // namespace vvsim::tlm_virtio
