// The encoder session's ioctls (dev-encoder.rst: Querying Capabilities,
// Initialization, Encoding Parameter Changes, Drain, Reset; Commit Points
// for EBUSY).
#include "models/protocols/media/encoder_session.h"

#include <algorithm>
#include <iterator>

#include "models/protocols/media/coded_formats.h"
#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/v4l2_constants.h"
#include "tlm_virtio/le_bytes.h"

namespace vvsim::virtio_media {

namespace {

constexpr uint32_t kMinDimension = 16;
constexpr uint32_t kMaxFramerate = 240;        // the encoders' limit (check_encoder_config)
constexpr uint32_t kCapTimePerFrame = 0x1000;  // V4L2_CAP_TIMEPERFRAME

uint32_t even_within(uint32_t v, uint32_t max) { return std::clamp((v + 1) & ~1u, kMinDimension, max & ~1u); }

}  // namespace

EncoderSession::EncoderSession(uint32_t id, const MediaDeviceProfile& profile, ShmRegion& shm, EncoderFactory encoders)
    : MediaSession(id, profile, shm), encoders_(std::move(encoders)) {
  raw_fmt_ = i420_layout(v4l2::kBufTypeVideoOutputMplane, profile.placeholder_width & ~1u, profile.placeholder_height & ~1u);
  coded_fmt_.type = v4l2::kBufTypeVideoCaptureMplane;
  coded_fmt_.pixelformat = v4l2::kPixFmtH264;
  coded_fmt_.field = v4l2::kFieldNone;
  coded_fmt_.num_planes = 1;
  coded_fmt_.width = raw_fmt_.width, coded_fmt_.height = raw_fmt_.height;
  coded_fmt_.planes[0].sizeimage = profile.output_buffer_bytes;
}

IoctlReply EncoderSession::ioctl(uint32_t code, const Bytes& in) {
  if (auto refused = refused_before_dispatch(code, in)) return *refused;
  switch (Ioctl(code)) {
    case Ioctl::EnumFmt: return enum_fmt(in);
    case Ioctl::GFmt: return get_fmt(in);
    case Ioctl::SFmt: return set_fmt(in, false);
    case Ioctl::TryFmt: return set_fmt(in, true);
    case Ioctl::ReqBufs: return reqbufs(in);
    case Ioctl::QueryBuf: return querybuf(in);
    case Ioctl::QBuf: {
      IoctlReply reply = qbuf(in);
      if (reply.status == 0 && read<v4l2::Buffer>(in)->type == output_.type && std::exchange(force_key_next_, false))
        forced_seqs_.insert(qbuf_seq_);
      return reply;
    }
    case Ioctl::StreamOn: return stream(in, true);
    case Ioctl::StreamOff: return stream(in, false);
    case Ioctl::SubscribeEvent: return subscribe(in, true);
    case Ioctl::UnsubscribeEvent: return subscribe(in, false);
    case Ioctl::EncoderCmd: return encoder_cmd(in, false);
    case Ioctl::TryEncoderCmd: return encoder_cmd(in, true);
    case Ioctl::GParm: return parm(in, false);
    case Ioctl::SParm: return parm(in, true);
    case Ioctl::GCtrl: return ctrl(in, false);
    case Ioctl::SCtrl: return ctrl(in, true);
    case Ioctl::GExtCtrls:
    case Ioctl::SExtCtrls:
    case Ioctl::TryExtCtrls: return ext_ctrls(in, code);
    default: return refuse(v4l2::kEnotty);  // a decoder's, a camera's, or one vvsim does not model
  }
}

const v4l2::Format& EncoderSession::format_of(const MediaQueue& q) const { return &q == &output_ ? raw_fmt_ : coded_fmt_; }

bool EncoderSession::subscribable(uint32_t type) const { return type == v4l2::kEventEos; }

IoctlReply EncoderSession::enum_fmt(const Bytes& in) {
  v4l2::FmtDesc d = *read<v4l2::FmtDesc>(in);
  if (d.type == capture_.type && d.index < std::size(kEncodedFormats)) {
    const auto& f = kEncodedFormats[d.index];
    d.flags = v4l2::kFmtFlagCompressed, d.description = f.description, d.pixelformat = f.fourcc;
    return answer(d);
  }
  if (d.type == output_.type && d.index == 0) {
    d.flags = 0, d.description = "Planar YUV 4:2:0", d.pixelformat = v4l2::kPixFmtYuv420;
    return answer(d);
  }
  return refuse(v4l2::kEinval);
}

// S_FMT/TRY_FMT adjust what they cannot take, as V4L2 drivers do. CAPTURE is
// the master queue (Initialization 1): its format is set first and resets the
// OUTPUT one's limits; either is refused EBUSY while its queue has buffers
// (Commit Points 5; the CAPTURE format also while OUTPUT has buffers).
IoctlReply EncoderSession::set_fmt(const Bytes& in, bool try_only) {
  v4l2::Format f = *read<v4l2::Format>(in);
  const bool capture = f.type == capture_.type;
  if (!capture && f.type != output_.type) return refuse(v4l2::kEinval);
  if (capture) {
    const CodedFormat* coded = find_coded_format(kEncodedFormats, f.pixelformat);
    if (!coded) coded = &kEncodedFormats[0];
    const uint32_t sizeimage = f.planes[0].sizeimage ? f.planes[0].sizeimage : profile_.output_buffer_bytes;
    f = coded_fmt_;  // width and height follow OUTPUT
    f.pixelformat = coded->fourcc;
    f.planes[0] = {std::min<uint32_t>(sizeimage, codec::kMaxUnitBytes), 0};
    if (try_only) return answer(f);
    const bool allocated = !capture_.buffers.empty() || !output_.buffers.empty();
    if (allocated && !faults_.format_change_with_buffers) return refuse(v4l2::kEbusy);
    coded_fmt_ = f;
    codec_ = coded->codec;
  } else {
    f = i420_layout(output_.type, even_within(f.width, profile_.max_width), even_within(f.height, profile_.max_height));
    if (try_only) return answer(f);
    if (!output_.buffers.empty()) return refuse(v4l2::kEbusy);
    raw_fmt_ = f;
    coded_fmt_.width = f.width, coded_fmt_.height = f.height;
  }
  encoder_.reset();
  return answer(f);
}

void EncoderSession::stream_off(MediaQueue& q) {
  q.streaming = false;
  for (auto& b : q.buffers) b.queued = false;  // returned implicitly, no DQBUF events
  q.ready.clear();
  ++q.generation;
  if (&q == &output_) {
    // Drain corner case: with OUTPUT stopped the drain has nothing left to wait for; it ends with its LAST.
    forced_seqs_.clear();
    if (faults_.output_streamoff_cancels_drain) cancel_drain();
    return;
  }
  // Reset 1-3: STREAMOFF(CAPTURE) drops what was not delivered and cancels a drain (Drain
  // corner cases); the next frame starts a new, independent stream (a new encoder: headers
  // and a key frame).
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(), [](const Pending& p) { return !p.last; }), pending_.end());
  if (!faults_.capture_streamoff_keeps_drain) cancel_drain();
  if (!faults_.capture_restart_keeps_encoder) encoder_.reset();
}

// No flush and no LAST owed any more.
void EncoderSession::cancel_drain() {
  drain_until_.reset();
  drain_flushed_ = false;
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(), [](const Pending& p) { return p.last; }), pending_.end());
}

IoctlReply EncoderSession::stream(const Bytes& in, bool on) {
  const uint32_t type = tlm_virtio::le::get32(in.data());  // the payload is the buffer type
  MediaQueue* q = queue_of(type);
  if (!q) return refuse(v4l2::kEinval);
  if (!on) {
    stream_off(*q);
    return {};
  }
  if (q->buffers.empty()) return refuse(v4l2::kEinval);
  q->streaming = true;
  capture_stopped_ = output_stopped_ = false;  // Drain 3, Reset 3: a restart of either queue resumes encoding
  return {};
}

IoctlReply EncoderSession::encoder_cmd(const Bytes& in, bool try_only) {
  v4l2::EncoderCmd c = *read<v4l2::EncoderCmd>(in);
  if (c.cmd != v4l2::kEncCmdStart && c.cmd != v4l2::kEncCmdStop) return refuse(v4l2::kEinval);
  c.flags = 0;  // STOP_AT_GOP_END is not offered
  if (try_only) return answer(c);
  if (drain_until_ && !faults_.commands_while_draining) return refuse(v4l2::kEbusy);  // Drain note: START and STOP while draining
  const bool both_streaming = output_.streaming && capture_.streaming;
  if (c.cmd == v4l2::kEncCmdStart) {
    capture_stopped_ = output_stopped_ = false;
  } else if (both_streaming) {  // Drain 1: otherwise no drain, no LAST
    drain_until_ = qbuf_seq_ + (faults_.drain_waits_for_output ? 1 : 0);
    drain_flushed_ = false;
  }
  return answer(c);
}

// The frame interval: OUTPUT's is the raw rate the encoder is configured with;
// CAPTURE reports the same (no separate coded rate). Taken only while OUTPUT is
// not streaming: the encoders are built for one rate.
IoctlReply EncoderSession::parm(const Bytes& in, bool set) {
  v4l2::StreamParm p = *read<v4l2::StreamParm>(in);
  if (p.type != output_.type && p.type != capture_.type) return refuse(v4l2::kEinval);
  if (set && p.timeperframe_numerator && p.timeperframe_denominator) {
    if (output_.streaming) return refuse(v4l2::kEbusy);
    const uint32_t rate = (p.timeperframe_denominator + p.timeperframe_numerator / 2) / p.timeperframe_numerator;
    framerate_ = std::clamp<uint32_t>(rate, 1, kMaxFramerate);
    encoder_.reset();
  }
  v4l2::StreamParm out{p.type};
  out.capability = kCapTimePerFrame;
  out.timeperframe_numerator = 1, out.timeperframe_denominator = framerate_;
  return answer(out);
}

uint32_t EncoderSession::get_control(uint32_t id, int64_t& value) const {
  if (id == v4l2::kCidMpegVideoBitrate) return value = bitrate_bps_, 0;
  if (id == v4l2::kCidMpegVideoGopSize) return value = gop_size_, 0;
  if (id == v4l2::kCidMpegVideoForceKeyFrame) return v4l2::kEacces;  // a button: write-only
  return v4l2::kEinval;
}

// Bitrate changes take effect at the next frame; the GOP size only before
// streaming (Encoding Parameter Changes: EBUSY, never ignored).
uint32_t EncoderSession::set_control(uint32_t id, int64_t value, bool try_only) {
  const bool known = id == v4l2::kCidMpegVideoBitrate || id == v4l2::kCidMpegVideoGopSize ||
                     id == v4l2::kCidMpegVideoForceKeyFrame;
  if (!known) return v4l2::kEinval;
  if (id != v4l2::kCidMpegVideoForceKeyFrame && (value < (id == v4l2::kCidMpegVideoBitrate ? 1 : 0) || value > INT32_MAX))
    return v4l2::kErange;
  if (id == v4l2::kCidMpegVideoGopSize && output_.streaming) return faults_.busy_controls_ignored ? 0 : v4l2::kEbusy;
  if (try_only) return 0;
  if (id == v4l2::kCidMpegVideoBitrate) bitrate_bps_ = uint32_t(value);
  if (id == v4l2::kCidMpegVideoGopSize) gop_size_ = uint32_t(value), encoder_.reset();
  if (id == v4l2::kCidMpegVideoForceKeyFrame) force_key_next_ = true;
  return 0;
}

}  // namespace vvsim::virtio_media
