// The v6-async conformance monitor: in front of the v6 monitor, it shows it
// the traffic in v6's form (a command completed by an event looks like a
// chain held until the event, with the v6 response the event stands for; a
// STOP or DESTROY answer, which may overtake the CANCELED events sent before
// it, is shown once they are in), so every v6 rule keeps its meaning, and
// checks the rules of the completion scheme itself. Reads only; docs/conformance.md.
#pragma once

#include <map>
#include <optional>
#include <set>

#include "models/conformance/interval_set.h"
#include "models/protocols/v6/conformance_monitor.h"
#include "models/protocols/v6_async/async_wire.h"

namespace vvsim::virtio_video {

// The v6-async rules, then the transport's ring rules.
const conformance::RuleRegistry& async_rule_registry();
// The ids of the v6-async rules alone.
std::vector<std::string> async_rule_ids();

class AsyncMonitor : public TransportObserver, public tlm_virtio::VirtioObserver {
 public:
  explicit AsyncMonitor(ConformanceMonitor& v6) : v6_(v6), log_(async_rule_registry()) {}
  void on_violation(std::function<void(const Violation&)> callback) { log_.on_violation(std::move(callback)); }
  const std::vector<Violation>& violations() const { return log_.violations(); }

  void on_chain_taken(uint64_t at_ps, uint32_t queue, const tlm_virtio::DescriptorChain& chain,
                      const std::vector<uint8_t>& readable) override;
  void on_chain_returned(uint64_t at_ps, uint32_t queue, const tlm_virtio::DescriptorChain& chain, uint32_t written,
                         const std::vector<uint8_t>& response) override;
  void on_queue_empty(uint64_t at_ps, uint32_t queue) override { v6_.on_queue_empty(at_ps, queue); }
  void on_reset(uint64_t at_ps) override;
  void on_features_ok(uint64_t at_ps, uint64_t offered, uint64_t accepted) override {
    v6_.on_features_ok(at_ps, offered, accepted);
  }
  void on_ring_violation(const tlm_virtio::RingViolation& violation) override { v6_.on_ring_violation(violation); }
  // The run ended with nothing left to happen: completions still owed to a
  // STOP or DESTROY are missing. Before v6's monitor's own end check.
  void on_run_idle(uint64_t at_ps);

 private:
  // A RESOURCE_QUEUE or DRAIN between being taken and its completion.
  struct Owed {
    tlm_virtio::DescriptorChain v6_chain;  // as v6's monitor knows it: its own id, v6's sizes
    CmdType cmd = CmdType::ResourceQueue;
    uint32_t stream_id = 0;
    bool output = false;    // a RESOURCE_QUEUE of an OUTPUT resource
    bool accepted = false;  // answered OK: the completion is owed
  };
  void take_command(uint64_t at_ps, const tlm_virtio::DescriptorChain& chain, const std::vector<uint8_t>& readable);
  void answer_command(uint64_t at_ps, const tlm_virtio::DescriptorChain& chain, uint32_t written,
                      const std::vector<uint8_t>& response);
  void take_event(uint64_t at_ps, const tlm_virtio::DescriptorChain& chain, const std::vector<uint8_t>& response);
  void take_completion(uint64_t at_ps, const AsyncEvent& e);
  // A STOP or DESTROY answer, held for v6's monitor until the commands it cancels have completed.
  struct HeldAnswer {
    tlm_virtio::DescriptorChain chain;
    uint32_t written = 0;
    std::vector<uint8_t> response;
    uint32_t stream_id = 0;
    bool destroy = false;        // a DESTROY (else a STOP)
    std::set<uint64_t> waiting;  // cookies
  };
  bool hold_answer(const tlm_virtio::DescriptorChain& chain, uint32_t written, const std::vector<uint8_t>& response);
  void release_answers(uint64_t at_ps, uint64_t completed_cookie);
  void report(uint64_t at_ps, const char* rule, uint32_t stream, const std::string& what) {
    log_.report(at_ps, rule, stream, "event", what);
  }

  ConformanceMonitor& v6_;
  conformance::ViolationLog log_;
  std::map<tlm_virtio::ChainId, uint64_t> cookie_of_chain_;  // async commands on the ring, not yet answered
  std::map<tlm_virtio::ChainId, std::pair<uint32_t, bool>> unblocks_;  // UNBLOCKs on the ring: stream, blocked when sent
  std::map<uint64_t, Owed> owed_;                             // by cookie
  std::map<tlm_virtio::ChainId, std::pair<uint32_t, bool>> closers_;  // STOP/DESTROY on the ring: stream, is DESTROY
  std::vector<HeldAnswer> held_answers_;
  conformance::IntervalSet completed_, canceled_;             // cookies completed (CANCELED) since the last reset
  std::set<uint32_t> blocked_;                                // streams whose outputs a DRC holds
  uint32_t next_chain_id_ = 1u << 20;                         // above any ring's ids
};

}  // namespace vvsim::virtio_video
