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

namespace {

constexpr uint8_t kExtensionCode = 0xb5;
constexpr uint8_t kSequenceExtensionId = 1, kPictureCodingExtensionId = 8;

// Offset of the first byte after the first start code `code` at or after `from`; `size` if none.
size_t after_start_code(const uint8_t* d, size_t size, uint8_t code, size_t from = 0) {
  for (size_t i = from; i + 3 < size; ++i)
    if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1 && d[i + 3] == code) return i + 4;
  return size;
}

// Offset after the first extension start code of `id` at or after `from` (4-bit identifier included); `size` if none.
size_t after_extension(const uint8_t* d, size_t size, uint8_t id, size_t from) {
  for (size_t at = after_start_code(d, size, kExtensionCode, from); at < size;
       at = after_start_code(d, size, kExtensionCode, at))
    if ((d[at] >> 4) == id) return at;
  return size;
}

}  // namespace

std::optional<Mpeg2Sequence> mpeg2_sequence(const uint8_t* d, size_t size) {
  const size_t at = after_start_code(d, size, uint8_t(Mpeg2Code::Sequence));
  if (at + 3 > size) return std::nullopt;
  Mpeg2Sequence s;
  s.width = uint32_t(d[at]) << 4 | d[at + 1] >> 4;           // horizontal_size_value (12 bits)
  s.height = uint32_t(d[at + 1] & 0x0f) << 8 | d[at + 2];    // vertical_size_value (12 bits)
  const size_t ext = after_extension(d, size, kSequenceExtensionId, at);
  if (ext + 6 <= size) {
    // identifier(4) profile_and_level(8) progressive_sequence(1) chroma_format(2) horizontal/vertical_size_extension(2+2)
    // bit_rate_extension(12) marker(1) vbv_buffer_size_extension(8) low_delay(1)
    s.progressive = (d[ext + 1] >> 3) & 1;
    s.width |= uint32_t((d[ext + 1] & 1) << 1 | d[ext + 2] >> 7) << 12;
    s.height |= uint32_t((d[ext + 2] >> 5) & 3) << 12;
    s.low_delay = (d[ext + 5] >> 7) & 1;
  }
  return s;
}

bool mpeg2_codes_field(const uint8_t* d, size_t size) {
  const size_t ext = after_extension(d, size, kPictureCodingExtensionId, 0);
  if (ext + 3 > size) return false;
  // identifier(4) f_code(16) intra_dc_precision(2) picture_structure(2): bits 20..23 after the identifier's start.
  const uint32_t structure = d[ext + 2] & 3;
  return structure == 1 || structure == 2;
}

}  // namespace vvsim::codec
