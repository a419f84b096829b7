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
#include <memory>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "codec/decode_ahead.h"
#include "models/engine/codec_engine.h"
#include "models/engine/stage_marks.h"
#include "models/virtio_host/device_transport.h"
#include "models/virtio_host/mmio_device_transport.h"
#include "models/protocols/v6/completion_route.h"
#include "models/protocols/v6/device_faults.h"
#include "models/protocols/v6/object_registry.h"
#include "models/protocols/v6/stream_pipeline.h"
#include "models/protocols/v6/video_device_profile.h"
#include "models/protocols/v6/video_stream.h"
#include "models/protocols/v6/wire.h"
#include "tlm_virtio/virtio_device.h"

namespace vvsim::virtio_video {

using DecoderFactory = std::function<std::unique_ptr<codec::Decoder>(codec::CodecId)>;
// An encoder for the configuration, or the reason (the library's) why not.
using EncoderFactory = std::function<vvsim::Result<std::unique_ptr<codec::Encoder>>(const codec::EncoderConfig&)>;

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

using models::DeviceProbe;
using models::DeviceStage;
using models::DeviceStageMark;

// Answers collected while stream state changes, sent once the change is done.
struct Answer {
  CompletionTag tag;
  std::vector<uint8_t> bytes;
};
using Answers = std::vector<Answer>;

// A command the device refuses: the result code and the diagnostic.
struct Refusal {
  Result result;
  std::string why;
};

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

  // Another completion scheme than v6's (v6-async); before simulation starts.
  void route_completions(CompletionRoute* route) { route_ = route; }

  // ---- For a CompletionRoute ----
  // Answers a held commandq chain with `response`, whatever the route.
  void answer_chain(CompletionTag tag, const std::vector<uint8_t>& response);
  // Sends event bytes the route encoded (after those raised before).
  void send_event_bytes(std::vector<uint8_t> bytes);
  // A resolution change's hold on a stream's outputs ends: OK, or why not.
  Result unblock_output(uint32_t stream_id);
  void diagnose(const std::string& what);

  // The encoders an encoder device (role Encoder) uses; before simulation starts.
  void use_encoders(EncoderFactory encoders) { encoders_ = std::move(encoders); }
  // Decoding runs on `host_threads` host threads in all, ahead of the
  // simulation (codec::DecodeWorkers); 1, the default: on the simulation's
  // thread. Results are the same for every count. Before simulation starts.
  void use_host_threads(unsigned host_threads) { decode_workers_ = std::make_unique<codec::DecodeWorkers>(host_threads); }

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
  // The largest picture of `codec` the device takes: its profile's limit, and
  // a decoder's backend's (codec::decoder_caps) too.
  codec::PictureSizeLimit picture_limit(codec::CodecId codec) const;
  // The caps_length the config space reports.
  uint32_t caps_length() const;

  const VideoDeviceStats& stats() const { return stats_; }
  // Each refused command or protocol problem, with time and reason.
  const std::vector<std::string>& diagnostics() const { return diagnostics_; }

 private:
  friend class DecoderPipeline;
  friend class EncoderPipeline;

  // ---- processes ----
  void command_loop();
  void event_loop();
  void stream_worker(uint32_t slot);

  // ---- commands (video_device_commands.cpp); each handler answers or holds the chain ----
  using Handler = void (VideoDevice::*)(ByteSpan bytes, const PendingCompletion& chain);
  static Handler handler_of(CmdType type);
  void handle_command(const DeviceTransport::Chain& chain);
  void dispatch(const DeviceTransport::Chain& chain, const PendingCompletion& answer_to);
  // The command's type once the chain may be acted on; nothing after answering why not.
  std::optional<CmdType> admit(const DeviceTransport::Chain& c, const PendingCompletion& chain);
  // stats_.commands_by_type[name], found by the name's address after its first use.
  uint64_t& command_count(const char* name);
  void on_query_caps(ByteSpan bytes, const PendingCompletion& chain);
  void on_stream_create(ByteSpan bytes, const PendingCompletion& chain);
  void on_stream_destroy(ByteSpan bytes, const PendingCompletion& chain);
  void on_stream_drain(ByteSpan bytes, const PendingCompletion& chain);
  void on_stream_stop(ByteSpan bytes, const PendingCompletion& chain);
  void on_get_param(ByteSpan bytes, const PendingCompletion& chain);
  void on_set_param(ByteSpan bytes, const PendingCompletion& chain);
  void on_attach_backing(ByteSpan bytes, const PendingCompletion& chain);
  void on_resource_queue(ByteSpan bytes, const PendingCompletion& chain);
  // A STREAM_DESTROY/DRAIN/STOP's stream; nothing after answering the error.
  VideoStream* stream_command_target(ByteSpan bytes, const PendingCompletion& chain);
  std::unique_ptr<VideoStream> new_stream(uint32_t slot);
  // STOP: pending inputs (and the drain) out, the codec back to a key frame.
  void stop_stream(VideoStream& s, Answers& canceled);

  // ---- answers (video_device_answers.cpp) ----
  // Sending an answer waits for its DMA, and another thread may change or
  // destroy any stream meanwhile: answers take held commands by tag (the
  // completion table is their one owner), and code that changes stream
  // state collects its answers first and sends them once it is done with it.
  void answer(CompletionTag head, const std::vector<uint8_t>& response);
  void answer_result(CompletionTag head, Result result, const std::string& why = {});
  void answer_queue(CompletionTag head, const ResourceQueueResp& resp);
  void refuse_queue(CompletionTag head, Result result, const std::string& why);
  void send(const Answers& answers);
  void withdraw_resource(Resource& r, Answers& out);  // a queued resource, answered CANCELED
  void withdraw_inputs(VideoStream& s, Answers& out);
  void withdraw_outputs(VideoStream& s, Answers& out);
  void close_stream(uint32_t id);
  void fail_stream(uint32_t id, ErrorEventCode code = ErrorEventCode::HostFailure);
  VideoStream* find_stream(uint32_t id, const PendingCompletion& chain);

  // ---- parameters (video_device_params.cpp) ----
  std::optional<ParamType> param_target(const char* command, uint32_t stream_id, uint32_t raw_type,
                                        const PendingCompletion& chain, VideoStream*& stream);
  StreamParamValue current_param(VideoStream& s, ParamType type) const;
  bool param_changeable(VideoStream& s, ParamType type) const;
  void apply_param(VideoStream& s, ParamType type, const StreamParamValue& requested, Answers& canceled);
  void apply_resources(VideoStream& s, ParamType type, const ParamsResources& requested, Answers& canceled);
  void apply_bitstream_format(VideoStream& s, const ParamsBitstreamFormat& requested);
  void apply_image_format(VideoStream& s, ParamType type, const ParamsImageFormat& requested);
  bool needs_adjusting(const StreamParamValue& requested) const;  // a resources count the device would clamp
  ParamsResources clamp_resources(const ParamsResources& requested, uint8_t current_mem) const;
  void take_driver_image_size(VideoStream& s, const ParamsImageFormat& requested);

  // ---- backing memory (video_device_resources.cpp) ----
  std::string check_segments(const std::vector<SgEntry>& segments) const;
  uint32_t buffers_of(const VideoStream& s, QueueType q) const;
  std::vector<uint32_t> buffer_needs(const VideoStream& s, QueueType q) const;
  // The buffers an ATTACH_BACKING gives, checked; an error names the buffer and the reason.
  vvsim::Result<std::vector<std::vector<SgEntry>>> attached_buffers(const AttachBackingCmd& cmd,
                                                                    const std::vector<uint32_t>& needs) const;
  std::optional<Refusal> attach_refusal(const VideoStream& s, QueueType q, const AttachBackingHeader& header) const;
  // Why a RESOURCE_QUEUE is refused (nothing: it is not), before and after the
  // resource's state is looked at.
  std::optional<Refusal> queue_target_refusal(const VideoStream& s, QueueType q, const ResourceQueueCmd& cmd) const;
  std::optional<Refusal> queue_resource_refusal(const VideoStream& s, QueueType q, const ResourceQueueCmd& cmd) const;
  std::string data_size_refusal(const Resource& r, QueueType q, const ResourceQueueCmd& cmd) const;
  void take_queued(VideoStream& s, QueueType q, const ResourceQueueCmd& cmd, CompletionTag tag);
  // Segments by value: the transfers wait, and the resource may be gone by then.
  void read_backing(std::vector<SgEntry> segments, std::vector<uint8_t>& dst, uint32_t len);
  // The same bytes at once, without bus time (unreadable ones as zeros).
  std::vector<uint8_t> peek_backing(const std::vector<SgEntry>& segments, uint32_t len);
  // A queued decoder input's bytes to the stream's decoder, which may decode them ahead.
  void submit_decode(VideoStream& s, InputWork& w);
  // Bytes [at, at + n) of the buffer come from `fill`, straight into guest
  // memory; an empty fill: the transfer takes its bus time but moves no data
  // (timing-only pictures).
  void write_backing(std::vector<SgEntry> segments, uint32_t len, const DeviceTransport::Fill& fill);
  void charge_cpu_copy(const std::vector<SgEntry>& segments, uint32_t len);
  // Whether a transfer of these segments (of any of these buffers) is a CPU bounce copy (unaligned_sg: cpu_copy).
  bool bounces_through_cpu(const std::vector<SgEntry>& segments) const;
  bool bounces_through_cpu(const std::vector<std::vector<SgEntry>>& buffers) const;

  // ---- the stream workers' shared steps (video_device_workers.cpp) ----
  // The stream, if no DESTROY, STOP, error or reset overtook the work `ref` began.
  VideoStream* live(const StreamRef& ref);
  VideoStream* stream_in_slot(uint32_t slot);
  bool run_drain(const StreamRef& ref);
  // Takes the consumed input `input_id` off the front of the work list and answers it.
  void answer_consumed(VideoStream& s, uint32_t input_id, uint64_t timestamp);
  // Waits until the stream has a queued output; false when the stream went away.
  bool wait_for_output(const StreamRef& ref);
  // Answers output `out_id` with `resp` if it is still queued (nothing canceled it meanwhile).
  void return_output(const StreamRef& ref, uint32_t out_id, const ResourceQueueResp& resp);
  // The codec failed for good, or refused the content: the stream gets the error event with `code`.
  void fail_unrecoverable(const StreamRef& ref, const std::string& why,
                          ErrorEventCode code = ErrorEventCode::HostFailure);
  void send_event(const Event& event);
  void mark(uint32_t stream_id, uint64_t timestamp, DeviceStage stage, sc_core::sc_time at = sc_core::sc_time_stamp()) {
    if (probe_) probe_({stream_id, timestamp, stage, at});
  }

  VideoDeviceProfile profile_;
  DeviceFaults faults_;
  models::CodecEngine& engine_;
  DecoderFactory decoders_;
  EncoderFactory encoders_;
  // Declared before the streams, whose decoders use them.
  std::unique_ptr<codec::DecodeWorkers> decode_workers_ = std::make_unique<codec::DecodeWorkers>(1);
  // What a stream's work is: decoding or encoding, by the device's role.
  std::unique_ptr<StreamPipeline> pipeline_;
  DeviceProbe probe_;
  TransportObserver* transport_observer_ = nullptr;
  const VirtioObjectRegistry* objects_;
  DeviceTransport* transport_ = nullptr;
  std::unique_ptr<MmioDeviceTransport> mmio_transport_;
  uint64_t features_ = 0;

  std::map<uint32_t, std::unique_ptr<VideoStream>> streams_;
  std::vector<uint32_t> slot_stream_;  // stream ID served by each worker slot, 0 = free
  std::vector<std::unique_ptr<sc_core::sc_event>> slot_wake_;
  uint32_t next_stream_id_ = 1;

  sc_core::sc_event command_kick_, event_kick_;
  CompletionRoute* route_ = nullptr;  // none: v6's own scheme
  struct HeldEvent {
    std::vector<uint8_t> bytes;
    sc_core::sc_time raised;
  };
  std::deque<HeldEvent> pending_events_;

  // The one table of commands in flight: every chain popped and not yet
  // answered; stream state keeps only tags into it.
  CompletionTable completions_;
  VideoDeviceStats stats_;
  std::vector<std::pair<const char*, uint64_t*>> command_counts_;  // command_count's cache
  std::vector<std::string> diagnostics_;
};

}  // namespace vvsim::virtio_video
