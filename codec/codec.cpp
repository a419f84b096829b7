#include "codec/codec.h"

#include "codec/h264_decoder.h"
#include "codec/vpx_decoder.h"

namespace vvsim::codec {

std::string fourcc_of(CodecId codec) {
  switch (codec) {
    case CodecId::VP8: return "VP80";
    case CodecId::VP9: return "VP90";
    case CodecId::H264: return "H264";
  }
  return "????";
}

std::optional<CodecId> codec_from_fourcc(const std::string& fourcc) {
  for (CodecId c : {CodecId::VP8, CodecId::VP9, CodecId::H264})
    if (fourcc_of(c) == fourcc) return c;
  return std::nullopt;
}

std::unique_ptr<Decoder> make_decoder(CodecId codec) {
  if (codec == CodecId::H264) return std::make_unique<H264Decoder>();
  return std::make_unique<VpxDecoder>(codec);
}

}  // namespace vvsim::codec
