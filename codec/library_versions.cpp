#include "codec/library_versions.h"

#include <fmt/format.h>
#include <vpx/vpx_codec.h>
#include <wels/codec_api.h>

#include <stdexcept>

#include "codec/libav_library.h"

namespace vvsim::codec {

namespace {

std::string openh264_version() {
  OpenH264Version v;
  WelsGetCodecVersionEx(&v);
  return fmt::format("{}.{}.{}", v.uMajor, v.uMinor, v.uRevision);
}

std::string libavcodec_version() {
  try {
    const unsigned v = libav().avcodec_version();
    return fmt::format("{}.{}.{}", AV_VERSION_MAJOR(v), AV_VERSION_MINOR(v), AV_VERSION_MICRO(v));
  } catch (const std::runtime_error& e) {
    return fmt::format("(not loaded: {})", e.what());
  }
}

}  // namespace

std::string library_version(DecoderBackend backend) {
  switch (backend) {
    case DecoderBackend::Libvpx: return vpx_codec_version_str();
    case DecoderBackend::Openh264: return openh264_version();
    case DecoderBackend::Libavcodec: return libavcodec_version();
  }
  return "?";
}

std::vector<std::pair<std::string, std::string>> library_versions() {
  std::vector<std::pair<std::string, std::string>> versions;
  for (const auto backend : {DecoderBackend::Libvpx, DecoderBackend::Openh264, DecoderBackend::Libavcodec})
    versions.emplace_back(backend_name(backend), library_version(backend));
  return versions;
}

}  // namespace vvsim::codec
