// What a stream's work is, by the device's role: a decoder turns bitstream
// inputs into pictures on image outputs, an encoder turns image inputs into
// bitstream units on outputs. The device's stream worker hands each input and
// each drain to its pipeline; the pipeline moves data through the device's
// DMA, engine and answers. Every step that waits carries a StreamRef and looks
// the stream up again after the wait (VideoDevice::live).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "codec/codec.h"
#include "codec/image_layout.h"
#include "models/engine/codec_engine.h"
#include "models/virtio_host/device_transport.h"
#include "models/protocols/v6/role_rules.h"
#include "models/protocols/v6/wire.h"

namespace vvsim::virtio_video {

class VideoDevice;
struct VideoStream;

// A worker's stream across waits: ids and values only.
struct StreamRef {
  uint32_t slot = 0, id = 0;
  uint64_t generation = 0;
};
StreamRef ref_of(const VideoStream& s);

class StreamPipeline {
 public:
  virtual ~StreamPipeline() = default;
  // Processes the input at the front of the stream's work list; false when a
  // STOP, DESTROY or error overtook it (its results are dropped).
  virtual bool process_input(const StreamRef& ref) = 0;
  // At a drain: the codec's held pictures or units go out; false when the stream went away.
  virtual bool flush(const StreamRef& ref) = 0;
};

std::unique_ptr<StreamPipeline> make_pipeline(DeviceRole role, VideoDevice& device);

class DecoderPipeline : public StreamPipeline {
 public:
  explicit DecoderPipeline(VideoDevice& device) : dev_(device) {}
  bool process_input(const StreamRef& ref) override;
  bool flush(const StreamRef& ref) override;

 private:
  // A result's first picture written while its job decodes (engine
  // output_write: during_decode): the output it goes to, its answer, and the
  // write's bus time still to come. Values only: it is kept across the job.
  struct OverlappedWrite {
    uint32_t out_id = 0;
    ResourceQueueResp resp;
    DeviceTransport::Posted posted;
  };
  // Runs `result`'s job on a core; at its start, the first picture's write
  // goes out when it may overlap the job. False when the job was cancelled or
  // the stream went away.
  bool decode_job(const StreamRef& ref, codec::DecodeResult& result, const std::function<codec::UnitWork()>& work,
                  std::optional<OverlappedWrite>& overlapped);
  // At the job's start: the write of the result's first picture, issued
  // without waiting, if an output is queued for it and no format change comes first.
  std::optional<OverlappedWrite> start_overlapped_write(const StreamRef& ref, const codec::DecodeResult& result);
  // Sends the pictures of one decode result to outputs, in order, starting
  // with a DRC if the format changed; the first one's answer waits for its
  // overlapped write, if it had one. Waits for outputs as needed.
  bool deliver(const StreamRef& ref, const codec::DecodeResult& result, std::optional<OverlappedWrite> overlapped);
  bool finish_overlapped_write(const StreamRef& ref, const codec::Picture& picture, const OverlappedWrite& write);
  void mark_decode(uint32_t id, const codec::DecodeResult& result, const models::CodecEngine::JobRecord& job);
  void report_unit(uint32_t id, uint64_t timestamp, const codec::DecodeResult& result);
  void check_unchanged(const StreamRef& ref, uint64_t timestamp, const std::vector<uint8_t>& read_now);
  void start_drc(const StreamRef& ref, const codec::StreamFormat& format);
  void late_output_after_drc(const StreamRef& ref, const codec::StreamFormat& format);
  void switch_output_format(VideoStream& s, const codec::StreamFormat& format);
  bool fill_output(const StreamRef& ref, const codec::Picture& picture);
  // The answer of the output `picture` goes to, before its sizes are known.
  ResourceQueueResp picture_answer(const codec::Picture& picture);
  bool write_picture(const StreamRef& ref, const codec::Picture& picture, uint32_t out_id, ResourceQueueResp& resp);
  bool write_planes(const StreamRef& ref, const codec::Picture& picture, uint32_t out_id, ResourceQueueResp& resp);
  // Answers output `out_id` with the picture; false when the stream went away.
  bool return_picture(const StreamRef& ref, const codec::Picture& picture, uint32_t out_id, const ResourceQueueResp& resp);

  VideoDevice& dev_;
};

class EncoderPipeline : public StreamPipeline {
 public:
  explicit EncoderPipeline(VideoDevice& device) : dev_(device) {}
  bool process_input(const StreamRef& ref) override;
  bool flush(const StreamRef& ref) override;

 private:
  // The stream's encoder, built on first use; the factory's reason when it cannot be.
  vvsim::Status ensure_encoder(VideoStream& s);
  // Input `input_id`'s image, read out of guest memory; nothing when the stream went away.
  std::optional<vvsim::Result<codec::Picture>> read_image(const StreamRef& ref, uint32_t input_id, uint64_t timestamp);
  codec::EncodeResult encode(const StreamRef& ref, const vvsim::Result<codec::Picture>& image, bool force_key,
                             bool& overtaken);
  bool deliver_units(const StreamRef& ref, const std::vector<codec::EncodedUnit>& units);
  bool fill_bitstream_output(const StreamRef& ref, const codec::EncodedUnit& unit);

  VideoDevice& dev_;
};

}  // namespace vvsim::virtio_video
