#include "tlm_virtio/ring_rules.h"

#include <stdexcept>

namespace vvsim::tlm_virtio {

namespace {

constexpr const char* kFraming = "virtio 1.2 §2.7.4 Message Framing";
constexpr const char* kDescTable = "virtio 1.2 §2.7.5 The Virtqueue Descriptor Table";
constexpr const char* kIndirect = "virtio 1.2 §2.7.5.3 Indirect Descriptors";
constexpr const char* kAvail = "virtio 1.2 §2.7.6 The Virtqueue Available Ring";
constexpr const char* kUsed = "virtio 1.2 §2.7.8 The Virtqueue Used Ring";

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
};

}  // namespace

const char* side_name(Side side) { return side == Side::Driver ? "driver" : "device"; }

const std::vector<ConformanceRule>& ring_rules() { return kRules; }

const ConformanceRule& ring_rule(const char* id) {
  for (const auto& r : kRules)
    if (std::string(r.id) == id) return r;
  throw std::logic_error(std::string("no ring rule ") + id);
}

}  // namespace vvsim::tlm_virtio
