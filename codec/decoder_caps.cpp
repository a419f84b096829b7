#include "codec/decoder_caps.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace vvsim::codec {

namespace {

// Header field widths bound the libraries (neither sets a lower limit of its
// own): VP8 frame tags have 14-bit sizes, MPEG-2 12 bits plus a 2-bit
// extension; VP9 (16 bits), H.264 and HEVC allow more than the codec layer's
// kMaxCodedDimension.
constexpr uint32_t kVp8MaxDimension = (1u << 14) - 1;
constexpr uint32_t kMpeg2MaxDimension = (1u << 14) - 1;

PictureSizeLimit square(uint32_t dimension) { return {dimension, dimension}; }

// libavcodec: FMO/ASO (Baseline, Extended) and data partitioning (Extended)
// are not implemented; 10-bit, 4:2:2 and 4:4:4 profiles give pictures no
// device format carries; MPEG-2 High and 4:2:2 allow 4:2:2, the scalable
// profiles' enhancement layers are not decoded.
DecoderCaps libavcodec_caps(CodecId codec) {
  switch (codec) {
    case CodecId::H264: return {square(kMaxCodedDimension), {"Constrained Baseline", "Main", "High"}};
    case CodecId::HEVC: return {square(kMaxCodedDimension), {"Main", "Main Still Picture"}};
    case CodecId::MPEG2: return {square(kMpeg2MaxDimension), {"Simple", "Main"}};
    default: break;
  }
  throw std::invalid_argument(fmt::format("libavcodec does not decode {}", fourcc_of(codec)));
}

// openh264's documented decoder: Constrained Baseline up to level 5.2, whose
// frames have at most 36864 macroblocks and sides at most sqrt(8 * 36864) = 543
// macroblocks (the area bound has no place in a width x height limit). It
// decodes CABAC and 8x8 transforms too, but B slices wrong: Main and High are
// not claimed.
DecoderCaps openh264_caps() {
  constexpr uint32_t kMaxSideMacroblocks = 543;
  return {square(kMaxSideMacroblocks * 16), {"Constrained Baseline"}};
}

// libvpx decodes every VP8 version; VP9 profiles 1-3 give pictures no device
// format carries (content_refusal.h refuses them).
DecoderCaps libvpx_caps(CodecId codec) {
  if (codec == CodecId::VP8) return {square(kVp8MaxDimension), {"0", "1", "2", "3"}};
  if (codec == CodecId::VP9) return {square(kMaxCodedDimension), {"0"}};
  throw std::invalid_argument(fmt::format("libvpx does not decode {}", fourcc_of(codec)));
}

}  // namespace

DecoderCaps decoder_caps(CodecId codec, DecoderBackend backend) {
  switch (backend) {
    case DecoderBackend::Libavcodec: return libavcodec_caps(codec);
    case DecoderBackend::Openh264:
      if (codec == CodecId::H264) return openh264_caps();
      break;
    case DecoderBackend::Libvpx: return libvpx_caps(codec);
  }
  throw std::invalid_argument(fmt::format("{} does not decode {}", backend_name(backend), fourcc_of(codec)));
}

PictureSizeLimit intersect(const PictureSizeLimit& device, const DecoderCaps& caps) {
  return {std::min(device.max_width, caps.max_size.max_width), std::min(device.max_height, caps.max_size.max_height)};
}

}  // namespace vvsim::codec
