#include "tlm_virtio/ring_rules.h"

#include <stdexcept>

namespace vvsim::tlm_virtio {

namespace {

constexpr const char* kFraming = "virtio 1.2 §2.7.4 Message Framing";
constexpr const char* kDescTable = "virtio 1.2 §2.7.5 The Virtqueue Descriptor Table";
constexpr const char* kIndirect = "virtio 1.2 §2.7.5.3 Indirect Descriptors";
constexpr const char* kAvail = "virtio 1.2 §2.7.6 The Virtqueue Available Ring";
constexpr const char* kUsed = "virtio 1.2 §2.7.8 The Virtqueue Used Ring";
constexpr const char* kWrap = "virtio 1.2 §2.8.1 Driver and Device Ring Wrap Counters";
constexpr const char* kPackedScatter = "virtio 1.2 §2.8 Packed Virtqueues, Scatter-Gather Support (driver)";
constexpr const char* kPackedIndirect = "virtio 1.2 §2.8 Packed Virtqueues, Indirect Descriptors (driver)";
constexpr const char* kPackedPlacing = "virtio 1.2 §2.8 Packed Virtqueues, Placing Available Buffers Into The Descriptor Ring";

using namespace ring_rule_id;
const std::vector<ConformanceRule> kRules = {
    {kWritableLast, Side::Driver, kFraming, "device-writable descriptors come after every device-readable one"},
    {kBufferInMemory, Side::Driver, kDescTable, "a descriptor's addr and len describe guest memory"},
    {kNextInRange, Side::Driver, kDescTable, "next names a descriptor of the table"},
    {kNoLoop, Side::Driver, kDescTable, "no chain is longer than the queue size (no loops)"},
    {kChainBytes, Side::Driver, kDescTable, "no chain holds more than 2^32 bytes in total"},
    {kIndirectNegotiated, Side::Driver, kIndirect,
     "VIRTQ_DESC_F_INDIRECT only when VIRTIO_F_INDIRECT_DESC was negotiated"},
    {kIndirectWithoutNext, Side::Driver, kIndirect, "never both VIRTQ_DESC_F_INDIRECT and VIRTQ_DESC_F_NEXT"},
    {kIndirectNotNested, Side::Driver, kIndirect, "no VIRTQ_DESC_F_INDIRECT inside an indirect table"},
    {kIndirectTableSize, Side::Driver, kIndirect, "an indirect table is a non-zero whole number of 16-byte descriptors"},
    {kHeadInRange, Side::Driver, kAvail, "an available ring entry names a descriptor of the table"},
    {kAvailIdxAdvance, Side::Driver, kAvail,
     "the available idx never goes back (it is never more than the queue size ahead of the device)"},
    {kUsedIdOutstanding, Side::Device, kUsed,
     "a used element names the head of a chain the device took and has not returned"},
    {kUsedLenBounded, Side::Device, kUsed, "len is no more than the bytes the chain's device-writable descriptors hold"},
    {kPackedAvailUsedInverse, Side::Driver, kWrap,
     "an available descriptor's VIRTQ_DESC_F_USED is the inverse of its VIRTQ_DESC_F_AVAIL"},
    {kPackedListAvailable, Side::Driver, kPackedScatter,
     "every descriptor of a list is available (flags of the driver's wrap counter) when its first one is"},
    {kPackedListLength, Side::Driver, kPackedScatter, "no descriptor list is longer than the queue size"},
    {kPackedIdNotOutstanding, Side::Driver, kPackedPlacing,
     "a buffer id is free: not that of a buffer the device has not yet used"},
    {kPackedIndirectFlags, Side::Driver, kPackedIndirect, "no flag but VIRTQ_DESC_F_WRITE in an indirect table"},
    {kPackedIndirectAlone, Side::Driver, kPackedIndirect,
     "a descriptor with VIRTQ_DESC_F_INDIRECT is not part of a list linked by VIRTQ_DESC_F_NEXT"},
};

}  // namespace

bool rule_checked_on_ring(const std::string& id, bool packed) {
  static const char* const kSplitOnly[] = {kNextInRange, kNoLoop, kIndirectWithoutNext, kIndirectNotNested,
                                           kHeadInRange, kAvailIdxAdvance};
  if (id.rfind("packed-", 0) == 0) return packed;
  for (const char* split_only : kSplitOnly)
    if (id == split_only) return !packed;
  return true;
}

const char* side_name(Side side) { return side == Side::Driver ? "driver" : "device"; }

const std::vector<ConformanceRule>& ring_rules() { return kRules; }

const ConformanceRule& ring_rule(const char* id) {
  for (const auto& r : kRules)
    if (std::string(r.id) == id) return r;
  throw std::logic_error(std::string("no ring rule ") + id);
}

}  // namespace vvsim::tlm_virtio
