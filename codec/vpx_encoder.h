// VP8 and VP9 encoding on libvpx: one-pass CBR, no look-ahead (one unit per
// frame, in the order given), single thread for byte-identical output.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <vpx/vpx_encoder.h>

#include "codec/encoder_base.h"

namespace vvsim::codec {

class VpxEncoder final : public EncoderBase {
 public:
  // config.codec is VP8 or VP9 and has passed check_encoder_config.
  explicit VpxEncoder(const EncoderConfig& config) : EncoderBase(config) {}
  ~VpxEncoder() override;
  // Sets the library up; after a failure the encoder must not be used.
  Status open();

 private:
  EncodeResult encode_frame(const Picture& picture, bool key_frame) override;
  EncodeResult drain() override;
  void apply_bitrate() override;
  Status apply_resolution() override;

  Status init();
  void destroy();
  Error library_error(const char* call);
  // Feeds one picture (or nullptr to drain) and collects the packets out.
  EncodeResult submit(const vpx_image_t* image, vpx_enc_frame_flags_t flags);

  vpx_codec_ctx_t ctx_{};
  vpx_codec_enc_cfg_t cfg_{};
  bool initialised_ = false;
  unsigned int created_width_ = 0, created_height_ = 0;  // size at vpx_codec_enc_init
  int64_t next_pts_ = 0;                    // in 1/framerate ticks, never reset
  std::map<int64_t, uint64_t> timestamps_;  // pts -> timestamp of the picture
};

}  // namespace vvsim::codec
