#include "models/conformance/conformance_frame.h"

#include <stdexcept>

#include <fmt/format.h>

namespace vvsim::conformance {

RuleRegistry::RuleRegistry(const std::vector<ConformanceRule>& protocol_rules) : rules_(protocol_rules) {
  rules_.insert(rules_.end(), tlm_virtio::ring_rules().begin(), tlm_virtio::ring_rules().end());
}

const ConformanceRule& RuleRegistry::rule(const char* id) const {
  for (const auto& r : rules_)
    if (std::string(r.id) == id) return r;
  throw std::logic_error(std::string("no conformance rule ") + id);
}

void ViolationLog::report(uint64_t at_ps, const char* id, uint32_t stream, const std::string& command,
                          const std::string& detail) {
  const auto& r = rules_.rule(id);
  violations_.push_back({at_ps, r.id, r.side, r.section, stream, command, detail});
  if (callback_) callback_(violations_.back());
}

void ViolationLog::report_ring(const tlm_virtio::RingViolation& v) {
  report(v.at_ps, v.rule->id, 0, fmt::format("queue {}", v.queue), v.detail);
}

uint32_t first_writable_len(const tlm_virtio::DescriptorChain& chain) {
  return chain.writable.empty() ? 0 : chain.writable.front().len;
}

}  // namespace vvsim::conformance
