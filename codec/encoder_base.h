// What every encoder backend shares: picture checks, the key-frame policy,
// bitrate limits and the work figures of a unit. Backends supply the
// library calls.
#pragma once

#include <string>

#include "codec/codec.h"

namespace vvsim::codec {

class EncoderBase : public Encoder {
 public:
  CodecId codec() const final { return config_.codec; }
  EncodeResult encode(const Picture& picture, bool force_key_frame) final;
  EncodeResult flush() final { return drain(); }
  void set_bitrate(uint32_t bitrate_bps) final;
  uint32_t min_bitrate() const final;
  uint32_t max_bitrate() const final;
  EncodeResult set_resolution(uint32_t width, uint32_t height) final;

 protected:
  // config must have passed check_encoder_config; the bitrate is clamped.
  explicit EncoderBase(const EncoderConfig& config);
  // The current size, bitrate (clamped) and the rest of the configuration.
  const EncoderConfig& config() const { return config_; }
  // Work figures of a unit of `bytes` at the current size.
  UnitWork unit_work(size_t bytes, FrameType type, bool produces_picture) const;

  virtual EncodeResult encode_frame(const Picture& picture, bool key_frame) = 0;
  virtual EncodeResult drain() = 0;
  virtual void apply_bitrate() = 0;
  // Re-configures the library to config().width x height; empty on success.
  virtual Status apply_resolution() = 0;

 private:
  uint32_t clamp_bitrate(uint32_t bitrate_bps) const;
  EncoderConfig config_;
  uint64_t frames_since_start_ = 0;  // restarts at a resolution change (a new key frame)
};

EncodeResult encode_error(std::string message);
uint32_t align16(uint32_t value);

}  // namespace vvsim::codec
