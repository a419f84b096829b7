// A guest application decoding one stream through the v6 driver: creates the
// stream, sets the input format, attaches input and output buffers in guest
// memory, feeds units as input resources free up, takes decoded frames back
// out of guest memory, handles DRC (take pending outputs, read the new
// format, re-allocate, re-attach, re-queue), drains at end of stream and
// destroys the stream. Runs inside a SystemC thread.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "codec/bitstream_reader.h"
#include "codec/image_layout.h"
#include "models/guest/misbehaviour.h"
#include "models/guest/stream_report.h"
#include "models/protocols/v6/decode_misbehaviour.h"
#include "models/protocols/v6/stream_client.h"

namespace vvsim::virtio_video {

using guest::DecodedFrame;
using guest::FrameRecord;

struct DecodeSessionConfig {
  codec::CodecId codec = codec::CodecId::VP8;
  // The stream, shared with whoever prepared it (a long stream is held once).
  std::shared_ptr<codec::UnitSource> units = std::make_shared<codec::UnitsInMemory>(std::vector<codec::BitstreamUnit>{});
  uint32_t input_resources = 4;
  uint32_t output_resources = 8;  // raised to the device's minimum when it asks for more
  uint32_t input_buffer_size = 256 * 1024;
  std::string output_fourcc = "NV12";
  // Driver policy: the stream's size as its container or first header declares
  // it (width, height). When set, it goes on the output format before
  // streaming, as a driver that parses the stream itself does, so a stream of
  // that size starts without a DRC; unset, the device's initial format stands
  // until the first key frame's DRC.
  std::optional<std::pair<uint32_t, uint32_t>> stream_size;
  // Receives every frame in output order; the report keeps only the records,
  // so memory does not grow with stream length.
  std::function<void(const DecodedFrame&)> frame_sink;
  bool keep_frame_records = true;  // false: the sink folds them (models::StreamPlan::keep_frame_records)
  bool drain_at_end = true;
  // Input pacing: the units of the stream's access unit k (its frame: every
  // NAL unit of an H.264/HEVC access unit, one IVF frame) are not queued
  // before k / feed_fps seconds, counted in access units queued (0: as fast as
  // input resources free up).
  double feed_fps = 0;
  // How long the application holds each decoded frame (a display pipeline)
  // before its output buffer is queued again.
  sc_core::sc_time output_hold = sc_core::SC_ZERO_TIME;
  // A seek: STREAM_STOP once this many units are queued, then feeding resumes
  // at unit seek_to_unit (the device skips to the next key frame itself).
  std::optional<uint32_t> stop_after_units;
  uint32_t seek_to_unit = 0;
  // STREAM_DESTROY once this many units are queued (no drain).
  std::optional<uint32_t> destroy_after_units;
  // Device reset (Status = 0) once this many units are queued, then full
  // re-initialisation and a new stream that continues with the next unit.
  std::optional<uint32_t> reset_after_units;
  // Low-latency policy: DRAIN after every complete frame (AC's advice in the
  // review thread for decoders that batch output), waiting for the answer
  // before the next unit.
  bool drain_each_frame = false;
  // Allocate buffers as scattered pages (the device must offer RESOURCE_NON_CONTIG).
  bool scatter_buffers = false;
  // Timing-only run: the device's pictures carry no pixels, so the guest reads
  // its output buffers for their bus time only and frames carry no picture.
  bool timing_only = false;
  // Record the device-held resources over time (DecodeReport::queue_depth; see models::RunPlan).
  bool depth_samples = true;
  std::function<void(const guest::QueueDepthSample&)> on_queue_depth;  // models::StreamPlan::on_queue_depth
  // The departures from the driver's rules this application commits on purpose
  // (applied by DecodeMisbehaviour; none: a conforming application).
  guest::Misbehaviour misbehaviour;
  // Give up when the device answers nothing for this long; zero waits forever
  // (a whole-system deadlock then shows as simulation starvation).
  sc_core::sc_time answer_timeout = sc_core::sc_time(10, sc_core::SC_SEC);
};

using guest::DecodeReport;

class DecodeSession : private StreamClient {
 public:
  DecodeSession(VideoDriver& driver, DecodeSessionConfig config);
  DecodeReport run();
  // While running: what has happened so far, and the queue commands not yet answered.
  DecodeReport progress() const {
    DecodeReport r = report_;
    r.problems = problems_;
    r.queue_depth = depth_samples_;
    return r;
  }
  size_t queue_commands_pending() const { return pending_.size(); }
  size_t units_fed() const { return next_unit_; }

 private:
  bool setup();
  bool attach_inputs();
  bool attach_outputs();
  bool read_output_format();
  bool set_output_size(uint32_t width, uint32_t height);
  void release_outputs();
  bool feed_inputs();
  void handle_answers();
  void handle_events();
  void take_output(const AnsweredQueue& answer);
  void frame_taken(const FrameRecord& record);
  // The frame as the application records it, read at the current time.
  DecodedFrame answered_frame(const AnsweredQueue& answer);
  bool finish_drc();
  void stop_and_seek();
  bool reset_and_restart();

  DecodeSessionConfig config_;
  DecodeMisbehaviour misbehaviour_;
  DecodeReport report_;
  std::vector<GuestBuffer> inputs_;
  std::vector<std::vector<GuestBuffer>> outputs_;  // per resource, per buffer
  codec::ImageLayout output_layout_;
  std::vector<bool> input_busy_;
  size_t next_unit_ = 0;
  uint64_t access_units_queued_ = 0;  // complete access units fed: the pacing clock's count
  uint64_t drain_ticket_ = 0;
  bool drc_pending_ = false;
  uint64_t frame_drain_ticket_ = 0;  // the per-frame DRAIN awaiting its answer
  // QUEUE refusals a stream event explains (see explained_by_event), until it comes: result, what.
  std::vector<std::pair<Result, std::string>> awaiting_event_;
  bool explained_by_event(const AnsweredQueue& answer, const std::string& what);
  std::vector<codec::BufferPieces> readback_;  // where the last frame read back lies, reused
  codec::Picture picture_;  // scratch for formats converted whole (RGB3), its planes reused
  std::multimap<sc_core::sc_time, uint32_t> held_outputs_;  // release time -> output resource
  sc_core::sc_time start_;
  // Queues the outputs whose hold time is over; the time of the next release, if any.
  std::optional<sc_core::sc_time> requeue_held_outputs();
  // When the next unit may be queued (input pacing).
  sc_core::sc_time next_feed_time() const;
};

}  // namespace vvsim::virtio_video
