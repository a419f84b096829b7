#include "codec/vpx_encoder.h"

#include <fmt/format.h>
#include <vpx/vp8cx.h>

#include "codec/image_layout.h"

namespace vvsim::codec {
namespace {

// Real-time speed settings, fast enough for simulation-sized runs. VP8 picks
// its speed from measured encode times for a positive cpu_used
// (vp8_auto_select_speed); a negative one fixes speed |cpu_used|, so the
// output does not depend on how busy the host is.
constexpr int kVp8CpuUsed = -6;  // VP8 realtime range -16..16
constexpr int kVp9CpuUsed = 7;   // VP9 realtime range 5..9
constexpr unsigned long kDeadline = VPX_DL_REALTIME;

vpx_codec_iface_t* interface_of(CodecId codec) {
  return codec == CodecId::VP9 ? vpx_codec_vp9_cx() : vpx_codec_vp8_cx();
}

unsigned int kbps(uint32_t bps) { return (bps + 500) / 1000; }

}  // namespace

Status VpxEncoder::open() {
  if (vpx_codec_enc_config_default(interface_of(config().codec), &cfg_, 0) != VPX_CODEC_OK)
    return Error{"libvpx has no default configuration"};
  cfg_.g_threads = 1;              // deterministic output
  cfg_.g_lag_in_frames = 0;        // one unit out per picture in
  cfg_.g_pass = VPX_RC_ONE_PASS;
  cfg_.g_error_resilient = 0;
  cfg_.rc_end_usage = VPX_CBR;     // follows set_bitrate closely
  cfg_.rc_dropframe_thresh = 0;    // never drop a picture silently
  cfg_.rc_resize_allowed = 0;      // coded size stays the configured size
  cfg_.kf_mode = VPX_KF_DISABLED;  // EncoderBase decides key frames
  return init();
}

VpxEncoder::~VpxEncoder() { destroy(); }

Error VpxEncoder::library_error(const char* call) {
  const char* detail = vpx_codec_error_detail(&ctx_);
  return Error{fmt::format("{}: {}{}{}", call, vpx_codec_error(&ctx_), detail ? ": " : "", detail ? detail : "")};
}

Status VpxEncoder::init() {
  cfg_.g_w = config().width;
  cfg_.g_h = config().height;
  cfg_.g_timebase = {1, static_cast<int>(config().framerate)};
  cfg_.rc_target_bitrate = kbps(config().bitrate_bps);
  if (vpx_codec_enc_init(&ctx_, interface_of(config().codec), &cfg_, 0) != VPX_CODEC_OK)
    return library_error("vpx_codec_enc_init");
  initialised_ = true;
  created_width_ = cfg_.g_w;
  created_height_ = cfg_.g_h;
  bool vp9 = config().codec == CodecId::VP9;
  if (vpx_codec_control(&ctx_, VP8E_SET_CPUUSED, vp9 ? kVp9CpuUsed : kVp8CpuUsed) != VPX_CODEC_OK)
    return library_error("VP8E_SET_CPUUSED");
  if (vp9 && (vpx_codec_control(&ctx_, VP9E_SET_TILE_COLUMNS, 0) != VPX_CODEC_OK ||
              vpx_codec_control(&ctx_, VP9E_SET_ROW_MT, 0) != VPX_CODEC_OK))
    return library_error("VP9E_SET_TILE_COLUMNS/ROW_MT");
  return {};
}

void VpxEncoder::destroy() {
  if (initialised_) vpx_codec_destroy(&ctx_);
  initialised_ = false;
}

void VpxEncoder::apply_bitrate() {
  cfg_.rc_target_bitrate = kbps(config().bitrate_bps);
  if (initialised_) vpx_codec_enc_config_set(&ctx_, &cfg_);
}

// A size within the one the encoder was created with goes through
// config_set; a larger one starts a fresh encoder (VP8 refuses to grow, and
// growing VP9 this way corrupts the heap in libvpx 1.12). Either way
// EncoderBase forces the next frame to be a key frame.
Status VpxEncoder::apply_resolution() {
  vpx_codec_enc_cfg_t resized = cfg_;
  resized.g_w = config().width;
  resized.g_h = config().height;
  resized.rc_target_bitrate = kbps(config().bitrate_bps);
  bool fits = resized.g_w <= created_width_ && resized.g_h <= created_height_;
  if (initialised_ && fits && vpx_codec_enc_config_set(&ctx_, &resized) == VPX_CODEC_OK) {
    cfg_ = resized;
    return {};
  }
  destroy();
  return init();
}

EncodeResult VpxEncoder::encode_frame(const Picture& picture, bool key_frame) {
  if (!initialised_) return encode_error("VP8/VP9 encoder is not initialised");
  vpx_image_t image;
  // The planes are only read; libvpx's image type has no const flavour.
  auto* y = const_cast<uint8_t*>(picture.y.data());
  vpx_img_wrap(&image, VPX_IMG_FMT_I420, picture.width, picture.height, 1, y);
  image.planes[VPX_PLANE_Y] = y;
  image.planes[VPX_PLANE_U] = const_cast<uint8_t*>(picture.u.data());
  image.planes[VPX_PLANE_V] = const_cast<uint8_t*>(picture.v.data());
  image.stride[VPX_PLANE_Y] = static_cast<int>(picture.width);
  image.stride[VPX_PLANE_U] = image.stride[VPX_PLANE_V] = static_cast<int>(chroma_width(picture.width));
  timestamps_[next_pts_] = picture.timestamp;
  return submit(&image, key_frame ? VPX_EFLAG_FORCE_KF : 0);
}

EncodeResult VpxEncoder::drain() {
  if (!initialised_) return {};
  return submit(nullptr, 0);
}

EncodeResult VpxEncoder::submit(const vpx_image_t* image, vpx_enc_frame_flags_t flags) {
  int64_t pts = next_pts_;
  if (vpx_codec_encode(&ctx_, image, pts, 1, flags, kDeadline) != VPX_CODEC_OK) {
    if (image) timestamps_.erase(pts);
    return encode_error(library_error("vpx_codec_encode").message);
  }
  if (image) ++next_pts_;
  EncodeResult result;
  vpx_codec_iter_t iter = nullptr;
  while (const vpx_codec_cx_pkt_t* pkt = vpx_codec_get_cx_data(&ctx_, &iter)) {
    if (pkt->kind != VPX_CODEC_CX_FRAME_PKT) continue;
    EncodedUnit unit;
    const auto* bytes = static_cast<const uint8_t*>(pkt->data.frame.buf);
    unit.data.assign(bytes, bytes + pkt->data.frame.sz);
    if (auto ts = timestamps_.find(pkt->data.frame.pts); ts != timestamps_.end()) {
      unit.timestamp = ts->second;
      timestamps_.erase(ts);
    }
    unit.frame_type = (pkt->data.frame.flags & VPX_FRAME_IS_KEY) ? FrameType::Key : FrameType::Inter;
    bool shown = !(pkt->data.frame.flags & VPX_FRAME_IS_INVISIBLE);
    unit.work = unit_work(unit.data.size(), unit.frame_type, shown);
    result.units.push_back(std::move(unit));
  }
  return result;
}

}  // namespace vvsim::codec
