// H.264 encoding on openh264: constrained baseline, one slice per picture,
// bitrate rate control without frame skipping, single thread. Each NAL unit
// becomes one EncodedUnit (the v6 H.264 unit), start code included.
#pragma once

#include <string>

#include <wels/codec_api.h>

#include "codec/encoder_base.h"

namespace vvsim::codec {

class H264Encoder final : public EncoderBase {
 public:
  explicit H264Encoder(const EncoderConfig& config) : EncoderBase(config) {}
  ~H264Encoder() override;
  // Sets the library up; after a failure the encoder must not be used.
  Status open();

 private:
  EncodeResult encode_frame(const Picture& picture, bool key_frame) override;
  EncodeResult drain() override { return {}; }  // openh264 holds no pictures back
  void apply_bitrate() override;
  Status apply_resolution() override;

  Status initialise();
  EncodeResult split_nal_units(const SFrameBSInfo& info, uint64_t timestamp) const;

  ISVCEncoder* encoder_ = nullptr;
  bool initialised_ = false;
  uint64_t frames_in_ = 0;  // for openh264's millisecond timestamps (rate control)
};

}  // namespace vvsim::codec
