// The virtio 1.2 ring rules (split ring §2.7, packed ring §2.8) the transport
// checks on live rings,
// each with the side that must keep it, and the observer through which the
// transport names a breach. The transport still refuses a malformed chain
// itself (DEVICE_NEEDS_RESET, docs/transport.md); the observer only hears of it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vvsim::tlm_virtio {

enum class Side { Driver, Device };
const char* side_name(Side side);

// A normative statement one side must keep (the ring rules here; a device
// protocol's own checker may use the same shape for its rules).
struct ConformanceRule {
  const char* id;       // e.g. "ring-no-loop"
  Side side;
  const char* section;  // the virtio 1.2 section
  const char* must;     // the normative statement, briefly
};
// Every ring rule the transport checks.
const std::vector<ConformanceRule>& ring_rules();
// The rule with this id; throws std::logic_error for an unknown id (a model bug).
const ConformanceRule& ring_rule(const char* id);
// Whether a ring of this layout checks the rule: the packed-* rules only the
// packed ring, the index and next rules only the split ring, the rest both.
// Any id that is not a ring rule's is checked on either.
bool rule_checked_on_ring(const std::string& id, bool packed);

// Rule ids, as the ring code names the rule a chain or used entry broke.
namespace ring_rule_id {
constexpr const char* kWritableLast = "ring-writable-after-readable";
constexpr const char* kBufferInMemory = "ring-buffer-in-memory";
constexpr const char* kNextInRange = "ring-next-in-range";
constexpr const char* kNoLoop = "ring-no-loop";
constexpr const char* kChainBytes = "ring-chain-bytes";
constexpr const char* kIndirectNegotiated = "ring-indirect-negotiated";
constexpr const char* kIndirectWithoutNext = "ring-indirect-without-next";
constexpr const char* kIndirectNotNested = "ring-indirect-not-nested";
constexpr const char* kIndirectTableSize = "ring-indirect-table-size";
constexpr const char* kHeadInRange = "ring-head-in-range";
constexpr const char* kAvailIdxAdvance = "ring-avail-idx-advance";
constexpr const char* kUsedIdOutstanding = "ring-used-id-outstanding";
constexpr const char* kUsedLenBounded = "ring-used-len-bounded";
// The packed ring's own (the rules above on buffers, framing and indirect
// tables hold for it too).
constexpr const char* kPackedAvailUsedInverse = "packed-avail-used-inverse";
constexpr const char* kPackedListAvailable = "packed-list-available";
constexpr const char* kPackedListLength = "packed-list-length";
constexpr const char* kPackedIdNotOutstanding = "packed-id-not-outstanding";
constexpr const char* kPackedIndirectFlags = "packed-indirect-flags";
constexpr const char* kPackedIndirectAlone = "packed-indirect-alone";
}  // namespace ring_rule_id

struct RingViolation {
  uint64_t at_ps = 0;
  unsigned queue = 0;
  const ConformanceRule* rule = nullptr;
  std::string detail;  // names the queue and descriptor
};

// Passive observer of a virtio transport: feature negotiation and ring
// breaches. It reads; it changes nothing and takes no simulated time.
class VirtioObserver {
 public:
  virtual ~VirtioObserver() = default;
  // FEATURES_OK was accepted: what the device offered and what the driver took.
  virtual void on_features_ok(uint64_t at_ps, uint64_t offered, uint64_t accepted) = 0;
  virtual void on_ring_violation(const RingViolation& violation) = 0;
};

}  // namespace vvsim::tlm_virtio
