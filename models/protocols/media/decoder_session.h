// One virtio-media session of the stateful decoder: the V4L2 state the kernel
// docs' dev-decoder.rst define (formats, the OUTPUT and CAPTURE queues,
// subscriptions, Initialization -> Decoding -> DRC / Drain / Seek) and its
// ioctl handlers. Nothing here waits: the device runs the jobs this class
// hands out (bitstream reads, codec units on the engine, frame writes) and
// reports back; events the session raises collect in its outbox.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "codec/codec.h"
#include "models/protocols/media/media_controls.h"
#include "models/protocols/media/media_session.h"
#include "models/protocols/media/v4l2_constants.h"

namespace vvsim::virtio_media {

// A bitstream buffer to decode: read `bytes` from `ranges`, then decode them.
struct OutputJob {
  uint32_t index = 0;
  uint64_t generation = 0;
  GuestRanges ranges;
  uint32_t bytes = 0;
  uint64_t timestamp_us = 0;
};

// A CAPTURE buffer to fill: with a picture, or empty and flagged LAST.
struct CaptureJob {
  uint32_t index = 0;
  uint64_t generation = 0;
  GuestRanges ranges;
  uint32_t length = 0;                    // the buffer's plane length
  std::optional<codec::Picture> picture;  // none: an empty LAST buffer
  v4l2::Format format;                    // the layout to write the picture in
  bool ends_drain = false;                // the LAST of a drain (EOS follows)
};

// The V4L2 pixel format of a bitstream format the device decodes.
uint32_t coded_pixel_format(codec::CodecId codec);

// The CAPTURE layout of a stream of this coded size: planar I420 in one
// memory plane, each plane at its own width (bytesperline = width).
v4l2::Format capture_layout(uint32_t width, uint32_t height);

class DecoderSession : public MediaSession {
 public:
  using DecoderFactory = std::function<std::unique_ptr<codec::Decoder>(codec::CodecId)>;
  DecoderSession(uint32_t id, const MediaDeviceProfile& profile, ShmRegion& shm, DecoderFactory decoders);

  IoctlReply ioctl(uint32_t code, const Bytes& readable) override;

  // The device's jobs, in the order it should try them.
  std::optional<CaptureJob> take_capture_job();
  // The CAPTURE buffer a picture just decoded goes to at once (its write
  // overlaps its job): when nothing waits before it and a buffer is queued.
  std::optional<CaptureJob> take_capture_now(codec::Picture& picture);
  // A buffer take_capture_now gave back at the front of the queue, its picture dropped.
  void give_back(const CaptureJob& job);
  void capture_done(const CaptureJob& job);
  std::optional<OutputJob> take_output_job();
  // Decodes the unit (zero simulated time; the device charges the engine).
  codec::DecodeResult decode(const OutputJob& job, const std::vector<uint8_t>& data);
  // False when the result is dropped: a STREAMOFF returned the buffer meanwhile, or the session failed.
  bool output_done(const OutputJob& job, codec::DecodeResult result);
  // A drain whose every OUTPUT buffer is decoded: flush the decoder and end with LAST.
  bool take_drain_flush();
  codec::DecodeResult flush();  // the decoder's held pictures (zero simulated time)
  void flush_done(codec::DecodeResult result);

  codec::CodecId codec() const { return codec_; }
  // The format_change_with_buffers fault: S_FMT(OUTPUT) is not refused EBUSY while buffers exist.
  void allow_format_change_with_buffers() { format_change_with_buffers_ = true; }
  // The drain_commands_accepted fault: DEC_CMD_START/STOP are not refused EBUSY during a drain.
  void accept_commands_while_draining() { commands_while_draining_ = true; }
  // The idle_stop_refused fault: DEC_CMD_STOP is refused while a queue is not streaming.
  void refuse_stop_when_idle() { idle_stop_refused_ = true; }
  // The decode_after_drain fault: OUTPUT queued after a drain is decoded without a restart.
  void decode_after_drain() { decode_after_drain_ = true; }

 private:
  // A decoded picture, or the point where LAST goes out (DRC or end of drain).
  struct Pending {
    std::optional<codec::Picture> picture;
    bool last = false;
    std::optional<codec::StreamFormat> new_format;  // a DRC: the format to switch to once reached
    bool announced = false;                         // its SOURCE_CHANGE is out
    bool eos = false;                               // a drain's LAST: the EOS event
  };

  // The next queued CAPTURE buffer, taken off the queue, to write in the current format.
  CaptureJob next_capture_buffer();
  IoctlReply enum_fmt(const Bytes& in);
  IoctlReply enum_framesizes(const Bytes& in);
  IoctlReply set_fmt(const Bytes& in, bool try_only);
  IoctlReply stream(const Bytes& in, bool on);
  IoctlReply decoder_cmd(const Bytes& in, bool try_only);
  IoctlReply get_selection(const Bytes& in);
  IoctlReply query_ctrl(const Bytes& in, bool extended);
  IoctlReply query_menu(const Bytes& in);
  uint32_t get_control(uint32_t id, int64_t& value) const override { return controls_.get(id, value); }
  uint32_t set_control(uint32_t id, int64_t value, bool try_only) override { return controls_.set(id, value, try_only); }
  IoctlReply parm(const Bytes& in, bool set);

  void stream_off(MediaQueue& q);
  void apply_format(const codec::StreamFormat& f);
  const v4l2::Format& format_of(const MediaQueue& q) const override;
  uint32_t min_buffers(const MediaQueue& q) const override {
    return &q == &capture_ ? uint32_t(controls_.current(v4l2::kCidMinBuffersForCapture)) : 0;
  }
  bool subscribable(uint32_t type) const override;

  codec::CodecId codec_ = codec::CodecId::H264;
  v4l2::Format output_fmt_, capture_fmt_;
  codec::Rect visible_;
  ControlSet controls_;  // MIN_BUFFERS_FOR_CAPTURE (set from the header) and the profile menus
  std::unique_ptr<codec::Decoder> decoder_;
  std::deque<Pending> pending_;
  bool header_seen_ = false;
  bool capture_stopped_ = false;  // after LAST: until DEC_CMD_START or a CAPTURE restart
  // A drain: every OUTPUT buffer queued up to this QBUF is decoded before the flush.
  std::optional<uint64_t> drain_until_;
  bool drain_flushed_ = false;
  bool output_stopped_ = false;  // after a drain: OUTPUT accepted, not decoded until a restart
  uint32_t units_decoded_ = 0;
  v4l2::StreamParm output_parm_;
  bool format_change_with_buffers_ = false;
  bool commands_while_draining_ = false;
  bool idle_stop_refused_ = false;
  bool decode_after_drain_ = false;
  DecoderFactory decoders_;
};

}  // namespace vvsim::virtio_media
