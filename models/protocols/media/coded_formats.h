// The coded pixel formats the virtio-media sessions offer: what the decoder
// decodes and the encoder encodes, with their V4L2 fourcc and description.
#pragma once

#include <cstdint>

#include "codec/codec.h"
#include "models/protocols/media/v4l2_constants.h"

namespace vvsim::virtio_media {

struct CodedFormat {
  uint32_t fourcc;
  codec::CodecId codec;
  const char* description;
};

// ENUM_FMT order of the decoder's OUTPUT queue.
constexpr CodedFormat kDecodedFormats[] = {
    {v4l2::kPixFmtH264, codec::CodecId::H264, "H.264"}, {v4l2::kPixFmtHevc, codec::CodecId::HEVC, "HEVC"},
    {v4l2::kPixFmtVp8, codec::CodecId::VP8, "VP8"},     {v4l2::kPixFmtVp9, codec::CodecId::VP9, "VP9"},
    {v4l2::kPixFmtMpeg2, codec::CodecId::MPEG2, "MPEG-2"},
};
// ENUM_FMT order of the encoder's CAPTURE queue: the codecs vvsim has encoders for (codec/encoder.cpp).
constexpr CodedFormat kEncodedFormats[] = {
    {v4l2::kPixFmtH264, codec::CodecId::H264, "H.264"},
    {v4l2::kPixFmtVp8, codec::CodecId::VP8, "VP8"},
    {v4l2::kPixFmtVp9, codec::CodecId::VP9, "VP9"},
};

// The entry of `formats` with `fourcc`; null when there is none.
template <size_t N>
const CodedFormat* find_coded_format(const CodedFormat (&formats)[N], uint32_t fourcc) {
  for (const auto& f : formats)
    if (f.fourcc == fourcc) return &f;
  return nullptr;
}

}  // namespace vvsim::virtio_media
