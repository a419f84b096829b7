// The decoder session's ioctls (dev-decoder.rst: Querying Capabilities,
// Initialization, Capture Setup, Drain, Seek; Commit Points for EBUSY).
#include "models/protocols/media/decoder_session.h"

#include <algorithm>

#include "models/protocols/media/coded_formats.h"
#include "models/protocols/media/media_device_profile_fields.h"
#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/v4l2_constants.h"
#include "tlm_virtio/le_bytes.h"

namespace vvsim::virtio_media {

namespace {

constexpr uint32_t kDimensionStep = 16;
constexpr uint32_t kCapTimePerFrame = 0x1000;  // V4L2_CAP_TIMEPERFRAME

uint32_t align_up(uint32_t v, uint32_t step) { return (v + step - 1) / step * step; }

}  // namespace

uint32_t coded_pixel_format(codec::CodecId codec) {
  for (const auto& f : kDecodedFormats)
    if (f.codec == codec) return f.fourcc;
  return 0;
}

v4l2::Format capture_layout(uint32_t width, uint32_t height) {
  return i420_layout(v4l2::kBufTypeVideoCaptureMplane, width, height);
}

DecoderSession::DecoderSession(uint32_t id, const MediaDeviceProfile& profile, ShmRegion& shm, DecoderFactory decoders)
    : MediaSession(id, profile, shm), controls_(decoder_controls(profile)), decoders_(std::move(decoders)) {
  output_fmt_.type = v4l2::kBufTypeVideoOutputMplane;
  output_fmt_.pixelformat = v4l2::kPixFmtH264;
  output_fmt_.field = v4l2::kFieldNone;
  output_fmt_.num_planes = 1;
  output_fmt_.planes[0].sizeimage = profile.output_buffer_bytes;
  capture_fmt_ = capture_layout(profile.placeholder_width, profile.placeholder_height);
  visible_ = {0, 0, profile.placeholder_width, profile.placeholder_height};
}

IoctlReply DecoderSession::ioctl(uint32_t code, const Bytes& in) {
  if (auto refused = refused_before_dispatch(code, in)) return *refused;
  switch (Ioctl(code)) {
    case Ioctl::EnumFmt: return enum_fmt(in);
    case Ioctl::EnumFrameSizes: return enum_framesizes(in);
    case Ioctl::GFmt: return get_fmt(in);
    case Ioctl::SFmt: return set_fmt(in, false);
    case Ioctl::TryFmt: return set_fmt(in, true);
    case Ioctl::ReqBufs: return reqbufs(in);
    case Ioctl::QueryBuf: return querybuf(in);
    case Ioctl::QBuf: return qbuf(in);
    case Ioctl::StreamOn: return stream(in, true);
    case Ioctl::StreamOff: return stream(in, false);
    case Ioctl::SubscribeEvent: return subscribe(in, true);
    case Ioctl::UnsubscribeEvent: return subscribe(in, false);
    case Ioctl::DecoderCmd: return decoder_cmd(in, false);
    case Ioctl::TryDecoderCmd: return decoder_cmd(in, true);
    case Ioctl::GSelection: return get_selection(in);
    case Ioctl::QueryCtrl: return query_ctrl(in, false);
    case Ioctl::QueryExtCtrl: return query_ctrl(in, true);
    case Ioctl::QueryMenu: return query_menu(in);
    case Ioctl::GCtrl: return ctrl(in, false);
    case Ioctl::SCtrl: return ctrl(in, true);
    case Ioctl::GExtCtrls:
    case Ioctl::SExtCtrls:
    case Ioctl::TryExtCtrls: return ext_ctrls(in, code);
    case Ioctl::GParm: return parm(in, false);
    case Ioctl::SParm: return parm(in, true);
    default: return refuse(v4l2::kEnotty);  // an encoder's, a camera's, or one vvsim does not model
  }
}

IoctlReply DecoderSession::enum_fmt(const Bytes& in) {
  v4l2::FmtDesc d = *read<v4l2::FmtDesc>(in);
  if (d.type == output_.type && d.index < std::size(kDecodedFormats)) {
    const auto& f = kDecodedFormats[d.index];
    d.flags = v4l2::kFmtFlagCompressed | v4l2::kFmtFlagDynResolution;
    d.description = f.description, d.pixelformat = f.fourcc;
    return answer(d);
  }
  if (d.type == capture_.type && d.index == 0) {
    d.flags = 0, d.description = "Planar YUV 4:2:0", d.pixelformat = v4l2::kPixFmtYuv420;
    return answer(d);
  }
  return refuse(v4l2::kEinval);
}

IoctlReply DecoderSession::enum_framesizes(const Bytes& in) {
  v4l2::FrmSizeEnum f = *read<v4l2::FrmSizeEnum>(in);
  const CodedFormat* coded = find_coded_format(kDecodedFormats, f.pixel_format);
  if (f.index != 0 || (!coded && f.pixel_format != v4l2::kPixFmtYuv420)) return refuse(v4l2::kEinval);
  // A coded format's sizes are those its backend decodes too; the decoded format's, the profile's.
  const codec::PictureSizeLimit limit =
      coded ? decoded_picture_limit(profile_, coded->codec) : codec::PictureSizeLimit{profile_.max_width, profile_.max_height};
  f.type = v4l2::kFrmSizeTypeStepwise;
  f.min_width = f.min_height = kDimensionStep;
  f.max_width = limit.max_width / kDimensionStep * kDimensionStep;  // reachable in steps from the minimum
  f.max_height = limit.max_height / kDimensionStep * kDimensionStep;
  f.step_width = f.step_height = kDimensionStep;
  return answer(f);
}

// S_FMT/TRY_FMT adjust what they cannot take, as V4L2 drivers do; only the
// queue type and a busy OUTPUT queue are refused.
IoctlReply DecoderSession::set_fmt(const Bytes& in, bool try_only) {
  v4l2::Format f = *read<v4l2::Format>(in);
  if (f.type == capture_.type) return answer(capture_fmt_);  // one CAPTURE format: the stream's
  if (f.type != output_.type) return refuse(v4l2::kEinval);
  const CodedFormat* coded = find_coded_format(kDecodedFormats, f.pixelformat);
  if (!coded) coded = &kDecodedFormats[0], f.pixelformat = coded->fourcc;
  f.field = v4l2::kFieldNone, f.num_planes = 1;
  const codec::PictureSizeLimit limit = decoded_picture_limit(profile_, coded->codec);
  f.width = std::min(f.width, limit.max_width), f.height = std::min(f.height, limit.max_height);
  if (f.planes[0].sizeimage == 0) f.planes[0].sizeimage = profile_.output_buffer_bytes;
  f.planes[0].sizeimage = std::min<uint32_t>(f.planes[0].sizeimage, codec::kMaxUnitBytes);
  f.planes[0].bytesperline = 0;
  if (try_only) return answer(f);
  const bool allocated = !output_.buffers.empty() || !capture_.buffers.empty();
  if (allocated && !format_change_with_buffers_) return refuse(v4l2::kEbusy);  // Commit Points 5
  output_fmt_ = f;
  codec_ = coded->codec;
  decoder_.reset();
  header_seen_ = false;
  if (f.width && f.height) {  // the client's guess becomes the placeholder until the header says otherwise
    capture_fmt_ = capture_layout(align_up(f.width, kDimensionStep), align_up(f.height, kDimensionStep));
    visible_ = {0, 0, f.width, f.height};
  }
  return answer(f);
}

const v4l2::Format& DecoderSession::format_of(const MediaQueue& q) const { return &q == &output_ ? output_fmt_ : capture_fmt_; }

void DecoderSession::stream_off(MediaQueue& q) {
  q.streaming = false;
  for (auto& b : q.buffers) b.queued = false;  // returned implicitly, no DQBUF events (Seek 1)
  q.ready.clear();
  ++q.generation;
  // STREAMOFF on either queue aborts a drain (Drain note): its LAST is not sent. Under drain_survives_drc the
  // CAPTURE reallocation after a DRC's LAST does not (Drain 2: the DRC is carried out, the drain goes on); a drain
  // still set when CAPTURE is stopped means that LAST was the DRC's, the drain's own would have ended it.
  const bool reallocation = &q == &capture_ && capture_stopped_;
  if (drain_until_ && !(reallocation && profile_.drain_survives_drc)) {
    drain_until_.reset();
    drain_flushed_ = false;
    pending_.erase(std::remove_if(pending_.begin(), pending_.end(), [](const Pending& p) { return p.eos; }), pending_.end());
  }
  if (&q == &output_ && profile_.streamoff_output_flushes_backend && decoder_) decoder_->reset();
}

IoctlReply DecoderSession::stream(const Bytes& in, bool on) {
  const uint32_t type = tlm_virtio::le::get32(in.data());  // the payload is the buffer type
  MediaQueue* q = queue_of(type);
  if (!q) return refuse(v4l2::kEinval);
  if (!on) {
    stream_off(*q);
    return {};
  }
  if (q->buffers.empty()) return refuse(v4l2::kEinval);
  q->streaming = true;
  // A restart resumes a stopped decoder: CAPTURE after LAST (DRC, drain), OUTPUT after a drain (seek).
  if (q == &capture_) capture_stopped_ = false;
  output_stopped_ = false;
  return {};
}

bool DecoderSession::subscribable(uint32_t type) const {
  return type == v4l2::kEventEos || type == v4l2::kEventSourceChange;
}

IoctlReply DecoderSession::decoder_cmd(const Bytes& in, bool try_only) {
  v4l2::DecoderCmd c = *read<v4l2::DecoderCmd>(in);
  if (c.cmd != v4l2::kDecCmdStart && c.cmd != v4l2::kDecCmdStop) return refuse(v4l2::kEinval);
  if (drain_until_ && !commands_while_draining_) return refuse(v4l2::kEbusy);  // Drain note: START and STOP while draining
  c.flags = 0, c.stop_pts = 0;
  if (try_only) return answer(c);
  const bool both_streaming = output_.streaming && capture_.streaming;
  if (c.cmd == v4l2::kDecCmdStop && !both_streaming && idle_stop_refused_) return refuse(v4l2::kEinval);
  if (c.cmd == v4l2::kDecCmdStart) {
    capture_stopped_ = output_stopped_ = false;
  } else if (both_streaming) {  // Drain 1: otherwise no drain, no LAST
    drain_until_ = qbuf_seq_;
    drain_flushed_ = false;
  }
  return answer(c);
}

IoctlReply DecoderSession::get_selection(const Bytes& in) {
  v4l2::Selection s = *read<v4l2::Selection>(in);
  const bool capture = s.type == v4l2::kBufTypeVideoCapture || s.type == capture_.type;
  if (!capture) return refuse(v4l2::kEinval);
  if (s.target == v4l2::kSelTgtCompose || s.target == v4l2::kSelTgtComposeDefault) {
    s.left = int32_t(visible_.left), s.top = int32_t(visible_.top), s.width = visible_.width, s.height = visible_.height;
  } else if (s.target == v4l2::kSelTgtComposeBounds) {
    s.left = s.top = 0, s.width = capture_fmt_.width, s.height = capture_fmt_.height;
  } else {
    return refuse(v4l2::kEinval);
  }
  return answer(s);
}

// QUERYCTRL is QUERY_EXT_CTRL in the old structure (the kernel's
// v4l2_query_ext_ctrl_to_v4l2_queryctrl): the same control, 32-bit ranges.
IoctlReply DecoderSession::query_ctrl(const Bytes& in, bool extended) {
  const uint32_t id = tlm_virtio::le::get32(in.data());
  const ControlInfo* c = controls_.query(id);
  if (!c) return refuse(v4l2::kEinval);
  if (!extended)
    return answer(v4l2::QueryCtrl{c->id, c->type, c->name, c->minimum, c->maximum, c->step, c->default_value, c->flags});
  constexpr uint32_t kElemSize = 4;  // INTEGER and MENU values are s32
  return answer(v4l2::QueryExtCtrl{c->id, c->type, c->name, c->minimum, c->maximum, uint64_t(c->step), c->default_value,
                                   c->flags, kElemSize, 1, 0});
}

IoctlReply DecoderSession::query_menu(const Bytes& in) {
  v4l2::QueryMenu m = *read<v4l2::QueryMenu>(in);
  const auto name = controls_.menu_item(m.id, m.index);
  if (!name) return refuse(v4l2::kEinval);
  m.name = *name;
  return answer(m);
}

IoctlReply DecoderSession::parm(const Bytes& in, bool set) {
  v4l2::StreamParm p = *read<v4l2::StreamParm>(in);
  if (p.type == output_.type) {
    if (set) output_parm_ = p;
    p = output_parm_;
    p.type = output_.type, p.capability = kCapTimePerFrame;
    return answer(p);
  }
  if (p.type != capture_.type) return refuse(v4l2::kEinval);
  return answer(v4l2::StreamParm{p.type});
}

}  // namespace vvsim::virtio_media
