// A passive checker of the v6 protocol on live traffic: it watches the
// commandq and eventq through a TransportObserver and reports every breach of
// a normative statement of the spec, naming the side that broke it (driver or
// device), the simulated time, the stream, the command and the spec section.
// It also hears the transport (tlm_virtio::VirtioObserver): the features the
// driver negotiated, and the virtio 1.2 ring rules the transport found broken,
// which it reports among its own. It never changes what crosses the queues.
// Built on the protocol-neutral frame (models/conformance: rule registry,
// violation log, chain reading); the v6 rule table: conformance_rules.cpp.
// Rules and their tests: docs/conformance.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/conformance/interval_set.h"
#include "models/virtio_host/transport_observer.h"
#include "models/protocols/v6/conformance_rules.h"
#include "models/protocols/v6/role_rules.h"
#include "models/protocols/v6/wire.h"
#include "tlm_virtio/ring_rules.h"

namespace vvsim::virtio_video {

class ConformanceMonitor : public TransportObserver, public tlm_virtio::VirtioObserver {
 public:
  // `device_id`: 30 encoder, 31 decoder; `config`: the device's config space.
  ConformanceMonitor(uint32_t device_id, const Config& config);
  // Called with each violation as it is found (e.g. to stop a strict run).
  void on_violation(std::function<void(const Violation&)> callback) { log_.on_violation(std::move(callback)); }
  const std::vector<Violation>& violations() const { return log_.violations(); }

  void on_chain_taken(uint64_t at_ps, uint32_t queue, const tlm_virtio::DescriptorChain& chain,
                      const std::vector<uint8_t>& readable) override;
  void on_chain_returned(uint64_t at_ps, uint32_t queue, const tlm_virtio::DescriptorChain& chain, uint32_t written,
                         const std::vector<uint8_t>& response) override;
  void on_queue_empty(uint64_t at_ps, uint32_t queue) override;
  void on_reset(uint64_t at_ps) override;
  void on_features_ok(uint64_t at_ps, uint64_t offered, uint64_t accepted) override;
  void on_ring_violation(const tlm_virtio::RingViolation& violation) override;
  // The run ended with nothing left to happen: rules that only an end can show.
  void on_run_idle(uint64_t at_ps);

 private:
  // A command the device has taken and not yet answered.
  struct Pending {
    uint64_t order = 0;  // position in the commandq's available order
    std::optional<CmdType> type;
    uint32_t raw_type = 0;
    uint32_t stream_id = 0;
    std::optional<QueueType> queue;
    uint32_t resource_id = 0;
    uint32_t param_type = 0;
    uint64_t drc_count = 0;          // DRC events of the stream when it was taken
    bool unattached_after_drc = false;  // an OUTPUT queued after DRC without a new ATTACH_BACKING
    bool stream_was_closed = false;     // sent for a stream already destroyed or closed
    uint64_t window_epoch = 0;          // RESOURCE_QUEUE: its queue's change window when taken
    uint64_t taken_ps = 0;
    bool earlier_input_canceled = false;  // DRAIN: an INPUT queued before it was answered CANCELED
    uint32_t earlier_outputs_canceled = 0;  // STOP: OUTPUTs queued before it answered CANCELED
    bool newly_queued = false;            // RESOURCE_QUEUE: its resource closed its attach window
    bool attach_out_of_window = false;    // ATTACH_BACKING: taken when the resource may not be re-attached
  };
  // A queue's parameters may change while its window is open (after CREATE,
  // STOP for INPUT, DRC for OUTPUT) and no RESOURCE_QUEUE taken since was accepted.
  struct ChangeWindow {
    uint64_t epoch = 0;   // bumped each time the window opens again
    uint32_t queued = 0;  // RESOURCE_QUEUEs taken in this epoch and not refused
    bool changeable() const { return queued == 0; }
    void reopen() { ++epoch, queued = 0; }
  };
  // What the driver last learnt of a queue (GET/SET_PARAM answers).
  struct QueueParams {
    std::optional<ParamsResources> resources;
    std::optional<ParamsImageFormat> image_format;  // the image queue's format
    uint32_t bitstream_buffer_size = 0;             // the bitstream queue's (0: not read)
  };
  struct StreamState {
    ChangeWindow input, output;
    ChangeWindow& window(QueueType q) { return q == QueueType::Input ? input : output; }
    QueueParams input_params, output_params;
    QueueParams& params(QueueType q) { return q == QueueType::Input ? input_params : output_params; }
    std::set<uint32_t> params_set;      // parameter types set OK (no longer defaults)
    bool format_query_owed = false;     // a DRC came; no GET_PARAM of the output format since
    // Resources queued since their backing could last change (CREATE, a new
    // resources value, STOP for INPUT, DRC for OUTPUT): not to be re-attached.
    std::set<uint32_t> input_attach_closed, output_attach_closed;
    std::set<uint32_t>& attach_closed(QueueType q) {
      return q == QueueType::Input ? input_attach_closed : output_attach_closed;
    }
    const std::set<uint32_t>& attach_closed(QueueType q) const {
      return q == QueueType::Input ? input_attach_closed : output_attach_closed;
    }
    uint64_t drc_count = 0;
    std::set<uint32_t> reattached_outputs;  // OUTPUT resources attached since the last DRC
    conformance::IntervalSet input_timestamps;
  };

  void take_command(uint64_t at_ps, const tlm_virtio::DescriptorChain& chain, const std::vector<uint8_t>& bytes);
  void take_stream_use(uint64_t at_ps, Pending& p, uint32_t stream_id, const std::string& name);
  void take_resource_queue(uint64_t at_ps, Pending& p, ByteSpan in);
  void take_attach_backing(uint64_t at_ps, Pending& p, ByteSpan in);
  void take_param_command(uint64_t at_ps, Pending& p, ByteSpan in, const std::string& name);
  void answer_command(uint64_t at_ps, const Pending& p, uint32_t written, const std::vector<uint8_t>& response);
  void answer_stream_command(uint64_t at_ps, const Pending& p, Result result);
  void answer_set_param(uint64_t at_ps, const Pending& p, Result result, const std::vector<uint8_t>& response);
  void answer_query_caps(uint64_t at_ps, Result result, uint32_t written, const std::vector<uint8_t>& response);
  // A RESOURCE_QUEUE answered CANCELED: what it tells of the DRAINs and STOPs taken after it.
  void note_canceled(const Pending& queued);
  bool attach_allowed(const StreamState& s, const Pending& attach) const;
  void answer_resource_queue(uint64_t at_ps, const Pending& p, const std::vector<uint8_t>& response);
  void take_event(uint64_t at_ps, const std::vector<uint8_t>& bytes);
  // Driver-side checks of a RESOURCE_QUEUE or ATTACH_BACKING as it is taken.
  void check_resource_target(uint64_t at_ps, const Pending& p, uint32_t raw_queue_type);
  void check_backing(uint64_t at_ps, const Pending& p, ByteSpan bytes);
  // The bytes each buffer of a queue's format needs, as the driver last read the format.
  std::optional<std::vector<uint64_t>> buffer_needs(const QueueParams& q, QueueType queue) const;
  void check_drain_answer(uint64_t at_ps, const Pending& p, Result result);
  void answer_get_param(uint64_t at_ps, const Pending& p, const std::vector<uint8_t>& response);
  void learn_param(StreamState& s, uint32_t raw_type, const StreamParamValue& value);
  std::string invalid_default(const StreamParamValue& value) const;
  bool negotiated(uint32_t feature) const { return (accepted_features_ >> feature) & 1u; }
  // Any pending command of `stream` matching `which`, taken before `before`.
  bool pending_of(uint32_t stream, uint64_t before, const std::function<bool(const Pending&)>& which) const;
  void report(uint64_t at_ps, const char* rule, uint32_t stream, const std::string& command, const std::string& detail);

  conformance::ViolationLog log_;
  DeviceRole role_;
  Config config_;
  uint64_t accepted_features_ = 0, offered_features_ = 0;
  std::optional<QueryCapsResp> caps_;
  std::map<tlm_virtio::ChainId, Pending> pending_;  // by chain id
  uint64_t next_order_ = 0;
  std::map<uint32_t, StreamState> alive_;
  std::set<uint32_t> created_, closed_;  // every ID created / destroyed or closed by an error event
  std::set<uint32_t> destroyed_;          // IDs whose DESTROY was answered OK (and not created again)
  bool eventq_empty_reported_ = false;
};

}  // namespace vvsim::virtio_video
