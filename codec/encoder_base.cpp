#include "codec/encoder_base.h"

#include <algorithm>
#include <fmt/format.h>

#include "codec/image_layout.h"

namespace vvsim::codec {
namespace {

// Lowest target offered: a policy floor (both libraries accept lower
// targets, but nothing simulated needs them).
constexpr uint32_t kMinBitrate = 16'000;
// Highest target per codec: the top level's maximum bitrate (H.264 level
// 5.2 baseline: 240 Mbit/s; VP9 level 6.2: 480 Mbit/s). VP8 has no levels;
// it gets VP9's cap.
uint32_t codec_bitrate_cap(CodecId codec) {
  return codec == CodecId::H264 ? 240'000'000u : 480'000'000u;
}

constexpr uint32_t kMaxFramerate = 240;

}  // namespace

Status check_encoder_size(uint32_t width, uint32_t height) {
  if (width < 2 || height < 2 || width > kMaxCodedDimension || height > kMaxCodedDimension || width % 2 ||
      height % 2)
    return Error{fmt::format("size {}x{}: width and height must be even and within 2..{}", width, height,
                             kMaxCodedDimension)};
  return {};
}

EncodeResult encode_error(std::string message) {
  EncodeResult r;
  r.status = UnitStatus::Corrupt;
  r.message = std::move(message);
  return r;
}

uint32_t align16(uint32_t value) { return (value + 15) / 16 * 16; }

Status check_encoder_config(const EncoderConfig& config) {
  if (auto size = check_encoder_size(config.width, config.height); !size)
    return Error{"encoder " + size.error().message};
  if (config.framerate == 0 || config.framerate > kMaxFramerate)
    return Error{fmt::format("encoder framerate {} outside 1..{}", config.framerate, kMaxFramerate)};
  if (config.bitrate_bps == 0) return Error{"encoder bitrate is 0"};
  return {};
}

EncoderBase::EncoderBase(const EncoderConfig& config) : config_(config) {
  config_.bitrate_bps = clamp_bitrate(config.bitrate_bps);
}

uint32_t EncoderBase::min_bitrate() const { return kMinBitrate; }

// No point coding above the raw I420 rate of the stream (12 bits a pixel).
uint32_t EncoderBase::max_bitrate() const {
  uint64_t raw = uint64_t{config_.width} * config_.height * 12 * config_.framerate;
  return static_cast<uint32_t>(std::clamp<uint64_t>(raw, kMinBitrate, codec_bitrate_cap(config_.codec)));
}

uint32_t EncoderBase::clamp_bitrate(uint32_t bitrate_bps) const {
  return std::clamp(bitrate_bps, min_bitrate(), max_bitrate());
}

void EncoderBase::set_bitrate(uint32_t bitrate_bps) {
  config_.bitrate_bps = clamp_bitrate(bitrate_bps);
  apply_bitrate();
}

EncodeResult EncoderBase::encode(const Picture& picture, bool force_key_frame) {
  if (auto s = check_picture(picture); !s.ok()) return encode_error(s.error().message);
  if (picture.width != config_.width || picture.height != config_.height)
    return encode_error(fmt::format("picture {}x{} does not match the encoder's {}x{}",
                                    picture.width, picture.height, config_.width, config_.height));
  bool periodic = config_.keyframe_interval && frames_since_start_ % config_.keyframe_interval == 0;
  bool key = force_key_frame || frames_since_start_ == 0 || periodic;
  EncodeResult result = encode_frame(picture, key);
  if (result.status == UnitStatus::Ok) ++frames_since_start_;
  return result;
}

EncodeResult EncoderBase::set_resolution(uint32_t width, uint32_t height) {
  if (auto size = check_encoder_size(width, height); !size) return encode_error("new " + size.error().message);
  EncodeResult pending = drain();
  if (pending.status != UnitStatus::Ok) return pending;
  EncoderConfig previous = config_;
  config_.width = width;
  config_.height = height;
  config_.bitrate_bps = clamp_bitrate(config_.bitrate_bps);
  if (auto resized = apply_resolution(); !resized) {
    config_ = previous;
    const Status restored = apply_resolution();
    return encode_error(fmt::format("resolution {}x{} refused: {}{}", width, height, resized.error().message,
                                    restored ? "" : "; restoring the old size failed: " + restored.error().message));
  }
  frames_since_start_ = 0;
  return pending;
}

UnitWork EncoderBase::unit_work(size_t bytes, FrameType type, bool produces_picture) const {
  UnitWork w;
  w.coded_width = align16(config_.width);
  w.coded_height = align16(config_.height);
  w.macroblocks = produces_picture ? (w.coded_width / 16) * (w.coded_height / 16) : 0;
  w.bitstream_bytes = static_cast<uint32_t>(bytes);
  w.frame_type = type;
  w.produces_picture = produces_picture;
  return w;
}

}  // namespace vvsim::codec
