#include "codec/library_versions.h"

extern "C" {
#include <libavcodec/avcodec.h>
}

#include <fmt/format.h>
#include <vpx/vpx_codec.h>
#include <wels/codec_api.h>

namespace vvsim::codec {

std::vector<std::pair<std::string, std::string>> library_versions() {
  OpenH264Version h264;
  WelsGetCodecVersionEx(&h264);
  const unsigned av = avcodec_version();
  return {
      {"libvpx", vpx_codec_version_str()},
      {"openh264", fmt::format("{}.{}.{}", h264.uMajor, h264.uMinor, h264.uRevision)},
      {"libavcodec", fmt::format("{}.{}.{}", AV_VERSION_MAJOR(av), AV_VERSION_MINOR(av), AV_VERSION_MICRO(av))},
  };
}

}  // namespace vvsim::codec
