#include "codec/codec.h"

#include <fmt/format.h>

#include <stdexcept>

#include "codec/h264_decoder.h"
#include "codec/libav_decoder.h"
#include "codec/vpx_decoder.h"

namespace vvsim::codec {

std::string fourcc_of(CodecId codec) {
  switch (codec) {
    case CodecId::VP8: return "VP80";
    case CodecId::VP9: return "VP90";
    case CodecId::H264: return "H264";
    case CodecId::HEVC: return "HEVC";
    case CodecId::MPEG2: return "MPG2";
  }
  return "????";
}

std::optional<CodecId> codec_from_fourcc(const std::string& fourcc) {
  for (CodecId c : kAllCodecs)
    if (fourcc_of(c) == fourcc) return c;
  return std::nullopt;
}

const char* backend_name(DecoderBackend backend) {
  switch (backend) {
    case DecoderBackend::Libavcodec: return "libavcodec";
    case DecoderBackend::Openh264: return "openh264";
    case DecoderBackend::Libvpx: return "libvpx";
  }
  return "?";
}

std::optional<DecoderBackend> decoder_backend_from_name(const std::string& name) {
  for (auto b : {DecoderBackend::Libavcodec, DecoderBackend::Openh264, DecoderBackend::Libvpx})
    if (name == backend_name(b)) return b;
  return std::nullopt;
}

std::vector<DecoderBackend> decoder_backends(CodecId codec) {
  if (codec == CodecId::H264) return {DecoderBackend::Libavcodec, DecoderBackend::Openh264};
  if (codec == CodecId::HEVC || codec == CodecId::MPEG2) return {DecoderBackend::Libavcodec};
  return {DecoderBackend::Libvpx};
}

std::unique_ptr<Decoder> make_decoder(CodecId codec) { return make_decoder(codec, decoder_backends(codec).front()); }

std::unique_ptr<Decoder> make_decoder(CodecId codec, DecoderBackend backend) {
  switch (backend) {
    case DecoderBackend::Libavcodec:
      if (codec == CodecId::H264 || codec == CodecId::HEVC || codec == CodecId::MPEG2)
        return std::make_unique<LibavDecoder>(codec);
      break;
    case DecoderBackend::Openh264:
      if (codec == CodecId::H264) return std::make_unique<H264Decoder>();
      break;
    case DecoderBackend::Libvpx:
      if (codec == CodecId::VP8 || codec == CodecId::VP9) return std::make_unique<VpxDecoder>(codec);
      break;
  }
  throw std::invalid_argument(fmt::format("{} does not decode {}", backend_name(backend), fourcc_of(codec)));
}

}  // namespace vvsim::codec
