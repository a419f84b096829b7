// Content a decoder refuses when its header is parsed, the same for every
// backend and for the timing-only scan: pictures above the device's maximum
// size, and what no v6 image format carries (bit depth above 8, 4:2:2,
// 4:4:4, VP9 profiles 1-3). Each reason names the header's values.
#pragma once

#include <cstdint>

#include "codec/codec.h"
#include "common/result.h"
#include "codec/unit_header.h"

namespace vvsim::codec {

// Whether a `width` x `height` picture is within `limit`, and why not.
Status check_picture_size(const char* codec, uint32_t width, uint32_t height, const PictureSizeLimit& limit);

// Whether an H.264 stream with this SPS is decoded, and why not: a crop
// that leaves no picture, chroma format or bit depth no v6 image format
// carries, or a size above `limit`.
Status check_sps(const SpsInfo& sps, const PictureSizeLimit& limit);

// Whether a VP8/VP9 frame with this header is decoded, and why not (a VP9
// key or intra-only frame of profile 1-3, a declared size above `limit`).
Status check_vpx_frame(CodecId codec, const UnitHeader& header, const PictureSizeLimit& limit);

}  // namespace vvsim::codec
