// The frame every protocol's conformance monitor is built on: the registry of
// rules it checks (the protocol's own, then the transport's virtio ring
// rules), the record of violations with the callback that hears each as it is
// found, the transport's ring breaches reported among them, and the reading of
// what a descriptor chain offers. A protocol supplies its rule table and its
// checks (v6: models/protocols/v6/conformance_monitor.h). A monitor reads;
// it never changes what crosses the queues. Page: docs/conformance.md.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tlm_virtio/ring_rules.h"
#include "tlm_virtio/virtqueue.h"

namespace vvsim::conformance {

using tlm_virtio::ConformanceRule;
using tlm_virtio::Side;

struct Violation {
  uint64_t at_ps = 0;
  std::string rule;
  Side side = Side::Device;
  std::string section;
  uint32_t stream_id = 0;  // 0: not tied to a stream
  std::string command;     // the protocol's command, or "event", "config", "features", "queue N" (ring rules)
  std::string detail;
};

// A protocol's rules followed by the transport's ring rules.
class RuleRegistry {
 public:
  explicit RuleRegistry(const std::vector<ConformanceRule>& protocol_rules);
  const std::vector<ConformanceRule>& rules() const { return rules_; }
  // The rule with this id; throws std::logic_error for an unknown id (a model bug).
  const ConformanceRule& rule(const char* id) const;

 private:
  std::vector<ConformanceRule> rules_;
};

// The violations a monitor found, in the order found.
class ViolationLog {
 public:
  explicit ViolationLog(const RuleRegistry& rules) : rules_(rules) {}
  // Called with each violation as it is found (e.g. to stop a strict run).
  void on_violation(std::function<void(const Violation&)> callback) { callback_ = std::move(callback); }
  const std::vector<Violation>& violations() const { return violations_; }
  void report(uint64_t at_ps, const char* rule, uint32_t stream, const std::string& command,
              const std::string& detail);
  // A breach the transport found, under its ring rule, named by queue.
  void report_ring(const tlm_virtio::RingViolation& violation);

 private:
  const RuleRegistry& rules_;
  std::function<void(const Violation&)> callback_;
  std::vector<Violation> violations_;
};

// Chain reading: the bytes the first device-writable descriptor holds (0 when
// the chain has none), where every virtio device protocol puts its response.
uint32_t first_writable_len(const tlm_virtio::DescriptorChain& chain);

}  // namespace vvsim::conformance
