#include "codec/start_code_headers.h"

#include <algorithm>
#include <vector>

#include "codec/bit_reader.h"

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

namespace {

constexpr size_t kHevcNalHeaderBytes = 2;
// More than any SPS needs up to its sub-layer ordering info (profile_tier_level of 8 sub-layers is 55 bytes).
constexpr size_t kHevcSpsPrefixBytes = 160;
constexpr size_t kHevcSlicePrefixBytes = 32;
constexpr uint32_t kMaxDpbPictures = 16;  // MaxDpbSize (§A.4.2)

// The RBSP after the NAL header of at most `prefix` bytes of the unit.
std::vector<uint8_t> hevc_rbsp(const uint8_t* d, size_t size, size_t prefix) {
  const size_t start = start_code_length(d, size) + kHevcNalHeaderBytes;
  if (size <= start) return {};
  return nal_rbsp(d + start, std::min(size - start, prefix));
}

// profile_tier_level(1, max_sub_layers_minus1), §7.3.3: only skipped.
bool skip_profile_tier_level(BitReader& r, uint32_t max_sub_layers_minus1) {
  // general_profile_space .. general_profile_idc (8), compatibility flags (32), constraint flags (48), level (8)
  if (!r.bits(8) || !r.bits(32) || !r.bits(32) || !r.bits(16) || !r.bits(8)) return false;
  uint32_t present[8] = {};
  for (uint32_t i = 0; i < max_sub_layers_minus1; ++i) {
    const auto flags = r.bits(2);  // sub_layer_profile_present_flag, sub_layer_level_present_flag
    if (!flags) return false;
    present[i] = *flags;
  }
  if (max_sub_layers_minus1 > 0)
    for (uint32_t i = max_sub_layers_minus1; i < 8; ++i)
      if (!r.bits(2)) return false;  // reserved_zero_2bits
  for (uint32_t i = 0; i < max_sub_layers_minus1; ++i) {
    if ((present[i] & 2) && (!r.bits(32) || !r.bits(32) || !r.bits(24))) return false;  // sub-layer profile: 88 bits
    if ((present[i] & 1) && !r.bits(8)) return false;
  }
  return true;
}

// The conformance window (in chroma sample units, SubWidthC/SubHeightC of
// Table 6-1): the visible picture size.
bool read_conformance_window(BitReader& r, uint32_t chroma_format_idc, HevcSps& sps) {
  const auto window = r.bits(1);
  if (!window) return false;
  uint32_t offsets[4] = {};  // conf_win_left/right/top/bottom_offset
  for (int i = 0; i < (*window ? 4 : 0); ++i) {
    const auto offset = r.ue();
    if (!offset || *offset > kMaxCodedDimension) return false;
    offsets[i] = *offset;
  }
  const bool colour_planes = chroma_format_idc == 0 || sps.separate_colour_planes;
  const uint32_t sub_width = colour_planes || chroma_format_idc == 3 ? 1 : 2;
  const uint32_t sub_height = colour_planes || chroma_format_idc != 1 ? 1 : 2;
  const uint32_t crop_width = sub_width * (offsets[0] + offsets[1]), crop_height = sub_height * (offsets[2] + offsets[3]);
  if (crop_width >= sps.width || crop_height >= sps.height) return false;
  sps.visible_width = sps.width - crop_width, sps.visible_height = sps.height - crop_height;
  return true;
}

// From the bit depths to the sub-layer ordering info (§7.3.2.2.1): the POC
// lsb length and the highest sub-layer's reorder and latency limits.
bool read_sps_output_order(BitReader& r, uint32_t max_sub_layers_minus1, HevcSps& sps) {
  const auto depth_luma = r.ue(), depth_chroma = r.ue(), log2_lsb_minus4 = r.ue(), ordering_per_layer = r.bits(1);
  if (!depth_luma || !depth_chroma || !log2_lsb_minus4 || *log2_lsb_minus4 > 12 || !ordering_per_layer) return false;
  sps.log2_max_poc_lsb = *log2_lsb_minus4 + 4;
  // With the per-layer flag 0 only the highest sub-layer's values are sent (and apply to all).
  for (uint32_t i = *ordering_per_layer ? 0 : max_sub_layers_minus1; i <= max_sub_layers_minus1; ++i) {
    const auto dec_buffering_minus1 = r.ue(), reorder = r.ue(), latency_plus1 = r.ue();
    if (!dec_buffering_minus1 || *dec_buffering_minus1 >= kMaxDpbPictures || !reorder || !latency_plus1) return false;
    // A reorder depth above the DPB is read as the DPB's, as libavcodec does.
    sps.max_num_reorder_pics = std::min(*reorder, *dec_buffering_minus1);
    sps.max_latency_increase_plus1 = *latency_plus1;
  }
  return true;
}

}  // namespace

std::optional<HevcSps> parse_hevc_sps(const uint8_t* d, size_t size) {
  const auto rbsp = hevc_rbsp(d, size, kHevcSpsPrefixBytes);
  BitReader r(rbsp.data(), rbsp.size());
  const auto vps_and_layers = r.bits(8);  // sps_video_parameter_set_id (4), sps_max_sub_layers_minus1 (3), nesting (1)
  if (!vps_and_layers || !skip_profile_tier_level(r, (*vps_and_layers >> 1) & 7)) return std::nullopt;
  HevcSps sps;
  const auto id = r.ue(), chroma_format_idc = r.ue();
  if (!id || !chroma_format_idc) return std::nullopt;
  if (*chroma_format_idc == 3) {
    const auto separate = r.bits(1);
    if (!separate) return std::nullopt;
    sps.separate_colour_planes = *separate == 1;
  }
  const auto width = r.ue(), height = r.ue();
  if (!width || !height || *width > kMaxCodedDimension || *height > kMaxCodedDimension) return std::nullopt;
  sps.sps_id = *id, sps.width = *width, sps.height = *height;
  if (!read_conformance_window(r, *chroma_format_idc, sps) || !read_sps_output_order(r, (*vps_and_layers >> 1) & 7, sps))
    return std::nullopt;
  return sps;
}

std::optional<HevcPps> parse_hevc_pps(const uint8_t* d, size_t size) {
  const auto rbsp = hevc_rbsp(d, size, kHevcSlicePrefixBytes);
  BitReader r(rbsp.data(), rbsp.size());
  const auto pps_id = r.ue(), sps_id = r.ue();
  const auto dependent = r.bits(1), output_flag_present = r.bits(1), extra_bits = r.bits(3);
  if (!pps_id || !sps_id || !dependent || !output_flag_present || !extra_bits) return std::nullopt;
  return HevcPps{*pps_id, *sps_id, *dependent == 1, *output_flag_present == 1, *extra_bits};
}

namespace {

// Reads a slice segment header up to slice_pic_parameter_set_id.
std::optional<HevcSliceStart> read_hevc_slice_start(BitReader& r, uint8_t nal_type) {
  const auto first = r.bits(1);
  if (!first) return std::nullopt;
  if (nal_type >= kHevcIrapFirst && nal_type <= kHevcIrapLast && !r.bits(1)) return std::nullopt;  // no_output_of_prior_pics_flag
  const auto pps_id = r.ue();
  if (!pps_id) return std::nullopt;
  return HevcSliceStart{*first == 1, *pps_id};
}

}  // namespace

std::optional<HevcSliceStart> parse_hevc_slice_start(const uint8_t* d, size_t size) {
  const auto nal = parse_hevc_nal(d, size);
  if (!nal || !nal->is_slice) return std::nullopt;
  const auto rbsp = hevc_rbsp(d, size, kHevcSlicePrefixBytes);
  BitReader r(rbsp.data(), rbsp.size());
  return read_hevc_slice_start(r, nal->type);
}

std::optional<FrameType> hevc_first_slice_type(const uint8_t* d, size_t size, const HevcPps& pps) {
  const auto nal = parse_hevc_nal(d, size);
  if (!nal || !nal->is_slice) return std::nullopt;
  const auto rbsp = hevc_rbsp(d, size, kHevcSlicePrefixBytes);
  BitReader r(rbsp.data(), rbsp.size());
  const auto start = read_hevc_slice_start(r, nal->type);
  // A first slice segment is never dependent and has no slice_segment_address.
  if (!start || !start->first_in_picture || (pps.num_extra_slice_header_bits && !r.bits(int(pps.num_extra_slice_header_bits))))
    return std::nullopt;
  const auto type = r.ue();
  if (!type || *type > 2) return std::nullopt;
  return *type == 2 ? FrameType::Key : *type == 1 ? FrameType::Inter : FrameType::BiPredicted;
}

std::optional<HevcSliceOrderFields> hevc_slice_order_fields(const uint8_t* d, size_t size, const HevcPps& pps,
                                                            const HevcSps& sps) {
  const auto nal = parse_hevc_nal(d, size);
  if (!nal || !nal->is_slice) return std::nullopt;
  const auto rbsp = hevc_rbsp(d, size, kHevcSlicePrefixBytes);
  BitReader r(rbsp.data(), rbsp.size());
  HevcSliceOrderFields f;
  const auto first = r.bits(1);
  if (!first || *first != 1) return std::nullopt;  // only a picture's first slice segment is read
  if (nal->type >= kHevcIrapFirst && nal->type <= kHevcIrapLast) {
    const auto no_output = r.bits(1);
    if (!no_output) return std::nullopt;
    f.no_output_of_prior_pics = *no_output == 1;
  }
  if (!r.ue() || (pps.num_extra_slice_header_bits && !r.bits(int(pps.num_extra_slice_header_bits))) || !r.ue())
    return std::nullopt;  // slice_pic_parameter_set_id, slice_reserved_flag[i], slice_type
  if (pps.output_flag_present) {
    const auto output = r.bits(1);
    if (!output) return std::nullopt;
    f.pic_output = *output == 1;
  }
  if (sps.separate_colour_planes && !r.bits(2)) return std::nullopt;  // colour_plane_id
  if (nal->type != kHevcIdrWRadl && nal->type != kHevcIdrNLp) {
    const auto lsb = r.bits(int(sps.log2_max_poc_lsb));
    if (!lsb) return std::nullopt;
    f.pic_order_cnt_lsb = *lsb;
  }
  return f;
}

uint32_t hevc_temporal_id(const uint8_t* d, size_t size) {
  const size_t at = start_code_length(d, size) + 1;
  return at < size && (d[at] & 7) ? (d[at] & 7) - 1u : 0;
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
