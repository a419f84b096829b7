// One virtio-media session of the stateful encoder: the V4L2 state the kernel
// docs' dev-encoder.rst define (the coded format on CAPTURE first, the raw
// format and size on OUTPUT, the frame interval, the codec controls, the
// queues, Encoding -> Drain -> Reset) and its ioctl handlers. As the decoder
// session, nothing here waits: the device takes the jobs (a raw frame to read
// and encode, a coded frame to write into a CAPTURE buffer, a drain's flush)
// and reports back; the events collect in the outbox.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "codec/codec.h"
#include "common/result.h"
#include "models/protocols/media/media_session.h"

namespace vvsim::virtio_media {

// A raw frame to encode: read `bytes` (the OUTPUT format's I420 image) from `ranges`.
struct RawFrameJob {
  uint32_t index = 0;
  uint64_t generation = 0;
  GuestRanges ranges;
  uint32_t bytes = 0;
  uint64_t timestamp_us = 0;
  bool force_key_frame = false;  // V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME was set before its QBUF
  uint64_t capture_generation = 0;  // the CAPTURE stream it is encoded for (Reset: a restart starts another)
};

// A CAPTURE buffer to fill with one coded frame, or empty and flagged LAST.
struct CodedFrameJob {
  uint32_t index = 0;
  uint64_t generation = 0;
  GuestRanges ranges;
  uint32_t length = 0;     // the buffer's plane length
  std::vector<uint8_t> data;
  uint32_t flags = 0;      // KEYFRAME / PFRAME / BFRAME, LAST
  uint64_t timestamp_us = 0;
  bool ends_drain = false; // the LAST of a drain (EOS follows)
};

// The device faults an encoder session takes (media_device_faults.h names the rule each breaks).
struct EncoderSessionFaults {
  bool format_change_with_buffers = false;      // S_FMT(CAPTURE) not refused EBUSY while buffers exist
  bool commands_while_draining = false;         // ENC_CMD_START/STOP not refused EBUSY during a drain
  bool encode_before_capture_streams = false;   // OUTPUT encoded into CAPTURE buffers queued before STREAMON(CAPTURE)
  bool capture_restart_keeps_encoder = false;           // STREAMOFF(CAPTURE) keeps the encoder: no new stream after it
  bool output_streamoff_cancels_drain = false;  // STREAMOFF(OUTPUT) drops a drain instead of completing it
  bool capture_streamoff_keeps_drain = false;   // STREAMOFF(CAPTURE) keeps a drain and its LAST
  bool busy_controls_ignored = false;           // a control that cannot change while streaming answered 0, not applied
  bool drain_waits_for_output = false;          // a STOP's drain ends only after one more OUTPUT buffer, coded first
};

class EncoderSession : public MediaSession {
 public:
  using EncoderFactory = std::function<Result<std::unique_ptr<codec::Encoder>>(const codec::EncoderConfig&)>;
  EncoderSession(uint32_t id, const MediaDeviceProfile& profile, ShmRegion& shm, EncoderFactory encoders);

  IoctlReply ioctl(uint32_t code, const Bytes& readable) override;
  codec::CodecId codec() const { return codec_; }
  void set_faults(const EncoderSessionFaults& faults) { faults_ = faults; }

  // The device's jobs, in the order it should try them.
  std::optional<CodedFrameJob> take_coded_job();
  void coded_done(const CodedFrameJob& job);
  std::optional<RawFrameJob> take_raw_job();
  // Encodes the frame (zero simulated time; the device charges the engine).
  codec::EncodeResult encode(const RawFrameJob& job, const std::vector<uint8_t>& image);
  void raw_done(const RawFrameJob& job, codec::EncodeResult result);
  // A drain whose every OUTPUT buffer is encoded: flush the encoder and end with LAST.
  bool take_drain_flush();
  codec::EncodeResult flush();
  void flush_done(codec::EncodeResult result);

 private:
  // A coded frame (the units of one encode call) waiting for a CAPTURE buffer, or the drain's LAST.
  struct Pending {
    std::vector<uint8_t> data;
    uint32_t flags = 0;
    uint64_t timestamp_us = 0;
    bool last = false;
  };

  IoctlReply enum_fmt(const Bytes& in);
  IoctlReply set_fmt(const Bytes& in, bool try_only);
  IoctlReply stream(const Bytes& in, bool on);
  IoctlReply encoder_cmd(const Bytes& in, bool try_only);
  IoctlReply parm(const Bytes& in, bool set);
  uint32_t get_control(uint32_t id, int64_t& value) const override;
  uint32_t set_control(uint32_t id, int64_t value, bool try_only) override;
  void stream_off(MediaQueue& q);
  void cancel_drain();
  // Initialization 8: frames go into CAPTURE buffers only once CAPTURE streams (OUTPUT too, for a job).
  bool capture_takes_frames() const { return capture_.streaming || faults_.encode_before_capture_streams; }
  void pend_units(std::vector<codec::EncodedUnit> units);
  codec::EncoderConfig encoder_config() const;
  const v4l2::Format& format_of(const MediaQueue& q) const override;
  uint32_t min_buffers(const MediaQueue&) const override { return 1; }
  bool subscribable(uint32_t type) const override;

  codec::CodecId codec_ = codec::CodecId::H264;
  v4l2::Format coded_fmt_, raw_fmt_;  // CAPTURE, OUTPUT
  uint32_t framerate_ = 30;
  uint32_t bitrate_bps_ = 1'000'000, gop_size_ = 0;
  bool force_key_next_ = false;      // for the next OUTPUT QBUF
  std::set<uint64_t> forced_seqs_;   // OUTPUT QBUFs (queued_seq) to encode as key frames
  std::unique_ptr<codec::Encoder> encoder_;
  uint32_t encoder_bitrate_ = 0;     // what the encoder was last told
  std::deque<Pending> pending_;
  bool capture_stopped_ = false;     // after LAST: until ENC_CMD_START or a CAPTURE restart
  std::optional<uint64_t> drain_until_;  // a drain: OUTPUT QBUFs up to this one are encoded first
  bool drain_flushed_ = false;
  bool output_stopped_ = false;      // after a drain: OUTPUT accepted, not encoded until a restart
  EncoderSessionFaults faults_;
  EncoderFactory encoders_;
};

}  // namespace vvsim::virtio_media
