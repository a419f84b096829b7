#include "codec/start_code_headers.h"

namespace vvsim::codec {

std::optional<NalInfo> parse_hevc_nal(const uint8_t* d, size_t size) {
  NalInfo n;
  n.payload_offset = start_code_length(d, size);
  if (size < n.payload_offset + 2) return std::nullopt;
  const uint8_t* h = d + n.payload_offset;
  if (h[0] & 0x80) return std::nullopt;  // forbidden_zero_bit
  if ((h[1] & 7) == 0) return std::nullopt;  // nuh_temporal_id_plus1 must not be 0
  n.type = (h[0] >> 1) & 0x3f;
  const uint32_t layer_id = ((h[0] & 1) << 5) | (h[1] >> 3);
  n.is_slice = n.type < 32 && layer_id == 0;
  if (!n.is_slice) return n;
  if (size < n.payload_offset + 3) return std::nullopt;
  n.first_mb_in_slice = (h[2] & 0x80) ? 0 : 1;
  if (n.type >= kHevcIrapFirst && n.type <= kHevcIrapLast) n.frame_type = FrameType::Key;
  return n;
}

bool starts_hevc_access_unit(const NalInfo& nal, bool current_has_slice) {
  if (!current_has_slice) return false;
  if (nal.is_slice) return nal.first_mb_in_slice == 0;
  const uint8_t t = nal.type;
  return (t >= kHevcVps && t <= 35) || t == 39 || (t >= 41 && t <= 44) || (t >= 48 && t <= 55);
}

std::optional<FrameType> mpeg2_picture_type(const uint8_t* d, size_t size) {
  for (size_t i = 0; i + 5 < size; ++i) {
    if (d[i] != 0 || d[i + 1] != 0 || d[i + 2] != 1 || d[i + 3] != uint8_t(Mpeg2Code::Picture)) continue;
    switch ((d[i + 5] >> 3) & 7) {  // temporal_reference (10 bits), picture_coding_type (3)
      case 1: return FrameType::Key;
      case 2: return FrameType::Inter;
      case 3: return FrameType::BiPredicted;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace vvsim::codec
