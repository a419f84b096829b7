// The virtio-video RFC v6 device model (decoder, device ID 31): decodes the
// commandq, keeps one VideoStream per stream with its INPUT/OUTPUT resource
// queues, runs each stream's decoding on the shared CodecEngine cores, moves
// bitstream and pictures through guest memory by DMA, and sends DRC and error
// events on the eventq (holding them while no eventq buffer is posted).
// Readings of the spec's holes: docs/spec-notes.md; page: docs/models/video_device.md.
#pragma once

#include <systemc>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <memory>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "models/engine/codec_engine.h"
#include "models/virtio_host/device_transport.h"
#include "models/virtio_host/mmio_device_transport.h"
#include "models/protocols/v6/object_registry.h"
#include "models/protocols/v6/video_device_profile.h"
#include "models/protocols/v6/video_stream.h"
#include "models/protocols/v6/wire.h"
#include "tlm_virtio/virtio_device.h"

namespace vvsim::virtio_video {

using DecoderFactory = std::function<std::unique_ptr<codec::Decoder>(codec::CodecId)>;
using EncoderFactory = std::function<std::unique_ptr<codec::Encoder>(const codec::EncoderConfig&)>;

struct VideoDeviceStats {
  uint64_t commands = 0;
  uint64_t inputs_consumed = 0;
  uint64_t outputs_filled = 0;
  uint64_t canceled = 0;
  uint64_t errors_returned = 0;  // responses with a result other than OK/CANCELED
  uint64_t events_sent = 0;
  uint64_t events_held = 0;  // events that found no eventq buffer
  sc_core::sc_time event_wait_total = sc_core::SC_ZERO_TIME;
  sc_core::sc_time event_wait_max = sc_core::SC_ZERO_TIME;
  uint64_t bytes_read = 0, bytes_written = 0;
  // Output starvation: a picture or unit was ready and no output was queued.
  uint64_t output_stalls = 0;
  sc_core::sc_time output_stall_time = sc_core::SC_ZERO_TIME;
  // Input starvation: a stream's worker idled with no input until one came.
  uint64_t input_waits = 0;
  sc_core::sc_time input_wait_time = sc_core::SC_ZERO_TIME;
  std::map<std::string, uint64_t> commands_by_type;  // v6 command name -> count ("UNKNOWN" for the rest)
};

// Where a frame is on its way through the device, for analysis: reported by
// stream ID and the timestamp the frame carries.
enum class DeviceStage {
  InputAccepted,        // a RESOURCE_QUEUE of an input with this timestamp was taken in
  DecodeStarted,        // the core job that produced the picture began
  DecodeFinished,       // ... and ended
  OutputWriteStarted,   // an output buffer was free: its pixels start crossing the bus
  OutputWriteFinished,  // the pixels are in guest memory
  OutputReturned,       // the output's answer is in the used ring (the interrupt follows)
};
struct DeviceStageMark {
  uint32_t stream_id = 0;
  uint64_t timestamp = 0;
  DeviceStage stage = DeviceStage::InputAccepted;
  sc_core::sc_time at;
};
// Observers must not change the simulation; they run inside device threads.
using DeviceProbe = std::function<void(const DeviceStageMark&)>;

class VideoDevice : public sc_core::sc_module, public tlm_virtio::VirtioDevice {
 public:
  VideoDevice(sc_core::sc_module_name name, const VideoDeviceProfile& profile, models::CodecEngine& engine,
              DecoderFactory decoders, const VirtioObjectRegistry* objects = nullptr);

  // Analysis hook (before simulation starts); observes, changes nothing.
  void set_probe(DeviceProbe probe) { probe_ = std::move(probe); }
  // A passive observer of the device's virtqueues (the conformance monitor).
  void observe_transport(TransportObserver* observer) {
    transport_observer_ = observer;
    if (mmio_transport_) mmio_transport_->set_observer(observer);
  }

  // The encoders an encoder device (role Encoder) uses; before simulation starts.
  void use_encoders(EncoderFactory encoders) { encoders_ = std::move(encoders); }

  // Connects the transport (before simulation starts).
  void bind_transport(DeviceTransport& transport) { transport_ = &transport; }

  // ---- The virtio device interface ----
  uint32_t device_id() const override;
  uint64_t device_features() const override;
  unsigned num_queues() const override { return 2; }
  uint16_t queue_max_size(unsigned queue) const override;
  std::vector<uint8_t> config_space() const override;
  // On the virtio-mmio controller: the device's transport becomes its rings and bus.
  void attach(tlm_virtio::VirtioController& controller) override;
  void driver_ok(uint64_t negotiated_features) override;
  void notify(unsigned queue) override;
  void reset() override;

  // The QUERY_CAPS response this device gives (its size is caps_length).
  QueryCapsResp capabilities() const;
  // The caps_length the config space reports.
  uint32_t caps_length() const;

  const VideoDeviceStats& stats() const { return stats_; }
  // Each refused command or protocol problem, with time and reason.
  const std::vector<std::string>& diagnostics() const { return diagnostics_; }

 private:
  // ---- processes ----
  void command_loop();
  void event_loop();
  void stream_worker(uint32_t slot);

  // ---- command handlers; each answers or holds the chain ----
  void handle_command(const DeviceTransport::Chain& chain);
  void on_query_caps(const HeldChain& chain);
  void on_stream_create(const HeldChain& chain);
  void on_stream_destroy(const StreamCmd& cmd, const HeldChain& chain);
  void on_stream_drain(const StreamCmd& cmd, const HeldChain& chain);
  void on_stream_stop(const StreamCmd& cmd, const HeldChain& chain);
  void on_get_param(const GetParamCmd& cmd, const HeldChain& chain);
  void on_set_param(const SetParamCmd& cmd, const HeldChain& chain);
  void on_attach_backing(ByteSpan bytes, const HeldChain& chain);
  void on_resource_queue(const ResourceQueueCmd& cmd, const HeldChain& chain);

  // ---- answers ----
  // Sending an answer waits for its DMA, and another thread may change or
  // destroy any stream meanwhile: answers take held commands by id (the
  // table of held chains is their one owner), and code that changes stream
  // state collects its answers first and sends them once it is done with it.
  struct Answer {
    CommandId id;
    std::vector<uint8_t> bytes;
  };
  using Answers = std::vector<Answer>;
  void answer(CommandId id, const std::vector<uint8_t>& response);
  void answer_result(CommandId id, Result result, const std::string& why = {});
  void answer_queue(CommandId id, const ResourceQueueResp& resp);
  void send(const Answers& answers);
  void withdraw_resource(Resource& r, Answers& out);  // a queued resource, answered CANCELED
  void withdraw_inputs(VideoStream& s, Answers& out);
  void withdraw_outputs(VideoStream& s, Answers& out);
  void close_stream(uint32_t id);
  void fail_stream(uint32_t id, ErrorEventCode code = ErrorEventCode::HostFailure);
  void diagnose_unit(uint32_t id, const codec::DecodeResult& result, uint64_t timestamp);
  VideoStream* find_stream(uint32_t id, const HeldChain& chain);
  void diagnose(const std::string& what);

  // ---- parameters ----
  std::optional<ParamType> param_for_role(uint32_t raw) const;
  std::optional<ParamType> param_target(const char* command, uint32_t stream_id, uint32_t raw_type,
                                        const HeldChain& chain, VideoStream*& stream);
  StreamParamValue current_param(VideoStream& s, ParamType type) const;
  bool param_changeable(VideoStream& s, ParamType type) const;
  void apply_param(VideoStream& s, ParamType type, const StreamParamValue& requested, Answers& canceled);
  bool needs_adjusting(const StreamParamValue& requested) const;  // a resources count the device would clamp
  ParamsResources clamp_resources(const ParamsResources& requested, uint8_t current_mem) const;
  void take_driver_image_size(VideoStream& s, const ParamsImageFormat& requested);

  // ---- backing memory ----
  std::string check_segments(const std::vector<SgEntry>& segments) const;
  uint32_t buffers_of(const VideoStream& s, QueueType q) const;
  std::vector<uint32_t> buffer_needs(const VideoStream& s, QueueType q) const;
  // Segments by value: the transfers wait, and the resource may be gone by then.
  void read_backing(std::vector<SgEntry> segments, std::vector<uint8_t>& dst, uint32_t len);
  // Bytes [at, at + n) of the buffer come from `fill`, straight into guest
  // memory; an empty fill: the transfer takes its bus time but moves no data
  // (timing-only pictures).
  void write_backing(std::vector<SgEntry> segments, uint32_t len, const DeviceTransport::Fill& fill);
  void mark_decode(uint32_t id, const codec::DecodeResult& result, const models::CodecEngine::JobRecord& job);
  void charge_cpu_copy(const std::vector<SgEntry>& segments, uint32_t len);

  // ---- decoding (worker side) ----
  // A worker's stream across waits: a value, looked up again after each wait
  // (live), so nothing that refers into device state outlives a wait.
  struct StreamRef {
    uint32_t slot = 0, id = 0;
    uint64_t generation = 0;
  };
  static StreamRef ref_of(const VideoStream& s) { return {s.slot, s.id, s.generation}; }
  // The stream, if no DESTROY, STOP, error or reset overtook the work `ref` began.
  VideoStream* live(const StreamRef& ref);
  VideoStream* stream_in_slot(uint32_t slot);
  bool decode_unit(const StreamRef& ref);
  bool encode_unit(const StreamRef& ref);
  bool ensure_encoder(VideoStream& s);
  bool deliver_units(const StreamRef& ref, const std::vector<codec::EncodedUnit>& units);
  bool fill_bitstream_output(const StreamRef& ref, const codec::EncodedUnit& unit);
  bool is_encoder() const { return profile_.role == DeviceRole::Encoder; }
  // The queue that carries images: OUTPUT for a decoder, INPUT for an encoder.
  QueueType image_queue() const { return is_encoder() ? QueueType::Input : QueueType::Output; }
  bool run_drain(const StreamRef& ref);
  bool flush_decoder(const StreamRef& ref);  // the decoder's held pictures out; false when the stream went away
  bool flush_encoder(const StreamRef& ref);
  bool deliver(const StreamRef& ref, const codec::DecodeResult& result);
  // Waits until the stream has a queued output; false when the stream went away.
  bool wait_for_output(const StreamRef& ref);
  void late_output_after_drc(const StreamRef& ref, const codec::StreamFormat& format);
  void switch_output_format(VideoStream& s, const codec::StreamFormat& format, Answers& canceled);
  void start_drc(const StreamRef& ref, const codec::StreamFormat& format);
  bool fill_output(const StreamRef& ref, const codec::Picture& picture);
  // Answers output `out_id` with `resp` if it is still queued (nothing canceled it meanwhile).
  void return_output(const StreamRef& ref, uint32_t out_id, const ResourceQueueResp& resp);
  void send_event(const Event& event);

  VideoDeviceProfile profile_;
  models::CodecEngine& engine_;
  DecoderFactory decoders_;
  bool fault(DeviceFault f) const { return profile_.has_fault(f); }
  static constexpr uint32_t kFaultOverrunBytes = 8;
  static constexpr uint64_t kFaultTimestampShift = 1'000'000'007;  // lands on no input's timestamp
  static constexpr Fourcc kFaultFourcc = make_fourcc("NONE");         // in no QUERY_CAPS list
  DeviceProbe probe_;
  TransportObserver* transport_observer_ = nullptr;
  void mark(uint32_t stream_id, uint64_t timestamp, DeviceStage stage, sc_core::sc_time at = sc_core::sc_time_stamp()) {
    if (probe_) probe_({stream_id, timestamp, stage, at});
  }
  EncoderFactory encoders_;
  const VirtioObjectRegistry* objects_;
  DeviceTransport* transport_ = nullptr;
  std::unique_ptr<MmioDeviceTransport> mmio_transport_;
  uint64_t features_ = 0;

  std::map<uint32_t, std::unique_ptr<VideoStream>> streams_;
  std::vector<uint32_t> slot_stream_;  // stream ID served by each worker slot, 0 = free
  std::vector<std::unique_ptr<sc_core::sc_event>> slot_wake_;
  uint32_t next_stream_id_ = 1;

  sc_core::sc_event command_kick_, event_kick_;
  struct HeldEvent {
    Event event;
    sc_core::sc_time raised;
  };
  std::deque<HeldEvent> pending_events_;

  // Command chains popped and not yet answered, by id: a chain is answered exactly once.
  std::unordered_map<CommandId, HeldChain> held_;
  VideoDeviceStats stats_;
  std::vector<std::string> diagnostics_;
};

}  // namespace vvsim::virtio_video
