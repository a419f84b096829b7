// What each decoder backend really decodes, per coded format: the largest
// picture and the profiles whose every stream it decodes to 8-bit 4:2:0 (the
// only pictures a device carries). A device advertises the intersection of
// these with its own profile's limits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codec/codec.h"

namespace vvsim::codec {

struct DecoderCaps {
  PictureSizeLimit max_size;
  // Profile names as libavcodec's avcodec_profile_name spells them ("Main",
  // "High"); VP8 and VP9 by number ("0").
  std::vector<std::string> profiles;
};

// `backend` must be one of decoder_backends(codec).
DecoderCaps decoder_caps(CodecId codec, DecoderBackend backend);

// The largest picture both the device (`device`) and the backend take.
PictureSizeLimit intersect(const PictureSizeLimit& device, const DecoderCaps& caps);

}  // namespace vvsim::codec
