// make_encoder: picks the backend for the configured codec.
#include <fmt/format.h>
#include <vpx/vpx_codec.h>
#include <wels/codec_api.h>

#include <algorithm>
#include <cstdint>
#include <memory>

#include "codec/codec.h"
#include "codec/h264_encoder.h"
#include "codec/vpx_encoder.h"

namespace vvsim::codec {
namespace {

template <typename Backend>
Result<std::unique_ptr<Encoder>> build(const EncoderConfig& config) {
  auto encoder = std::make_unique<Backend>(config);
  if (auto opened = encoder->open(); !opened) return opened.error();
  return std::unique_ptr<Encoder>(std::move(encoder));
}

}  // namespace

UnitWork encoded_frame_work(const EncodeResult& result) {
  UnitWork work;
  uint64_t bytes = 0;
  for (const auto& unit : result.units) {
    bytes += unit.work.bitstream_bytes;
    if (unit.work.macroblocks > 0 && work.macroblocks == 0) work = unit.work;
  }
  if (work.macroblocks == 0 && !result.units.empty()) work = result.units.front().work;
  work.bitstream_bytes = static_cast<uint32_t>(std::min<uint64_t>(bytes, UINT32_MAX));
  return work;
}

Result<std::unique_ptr<Encoder>> make_encoder(const EncoderConfig& config) {
  if (auto usable = check_encoder_config(config); !usable) return usable.error();
  if (config.codec == CodecId::H264) return build<H264Encoder>(config);
  return build<VpxEncoder>(config);
}

std::string encoder_library_version(CodecId codec) {
  if (codec != CodecId::H264) return std::string("libvpx ") + vpx_codec_version_str();
  const OpenH264Version v = WelsGetCodecVersion();
  return fmt::format("openh264 {}.{}.{}.{}", v.uMajor, v.uMinor, v.uRevision, v.uReserved);
}

}  // namespace vvsim::codec
