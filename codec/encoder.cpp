// make_encoder: picks the backend for the configured codec.
#include <fmt/format.h>
#include <vpx/vpx_codec.h>
#include <wels/codec_api.h>

#include <memory>

#include "codec/codec.h"
#include "codec/h264_encoder.h"
#include "codec/vpx_encoder.h"

namespace vvsim::codec {
namespace {

template <typename Backend>
std::unique_ptr<Encoder> build(const EncoderConfig& config) {
  std::string error;
  auto encoder = std::make_unique<Backend>(config, error);
  return error.empty() ? std::move(encoder) : nullptr;
}

}  // namespace

std::unique_ptr<Encoder> make_encoder(const EncoderConfig& config) {
  if (!check_encoder_config(config).empty()) return nullptr;
  if (config.codec == CodecId::H264) return build<H264Encoder>(config);
  return build<VpxEncoder>(config);
}

std::string encoder_library_version(CodecId codec) {
  if (codec != CodecId::H264) return std::string("libvpx ") + vpx_codec_version_str();
  const OpenH264Version v = WelsGetCodecVersion();
  return fmt::format("openh264 {}.{}.{}.{}", v.uMajor, v.uMinor, v.uRevision, v.uReserved);
}

}  // namespace vvsim::codec
