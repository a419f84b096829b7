#include "codec/unit_header.h"

#include <algorithm>

#include "codec/bit_reader.h"

namespace vvsim::codec {

namespace {

// More than a slice or picture parameter set header needs up to the fields read here.
constexpr size_t kHeaderPrefixBytes = 32;

}  // namespace

std::optional<UnitHeader> parse_vp8_header(const uint8_t* d, size_t size) {
  // RFC 6386 §9.1: 3-byte frame tag; key frames add start code 9d 01 2a and 14-bit sizes.
  if (size < 3) return std::nullopt;
  UnitHeader h;
  const bool key = (d[0] & 1) == 0;
  h.frame_type = key ? FrameType::Key : FrameType::Inter;
  h.shows_picture = (d[0] >> 4) & 1;
  if (key) {
    if (size < 10 || d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a) return std::nullopt;
    h.width = h.declared_width = (d[6] | d[7] << 8) & 0x3fff;
    h.height = h.declared_height = (d[8] | d[9] << 8) & 0x3fff;
  }
  return h;
}

namespace {

// VP9 §6.2.2 color_config(): bit depth and chroma subsampling into `h`.
bool read_vp9_color_config(BitReader& r, uint32_t profile, UnitHeader& h) {
  h.bit_depth = 8;
  if (profile >= 2) {
    auto ten_or_twelve_bit = r.bits(1);
    if (!ten_or_twelve_bit) return false;
    h.bit_depth = *ten_or_twelve_bit ? 12 : 10;
  }
  auto color_space = r.bits(3);
  if (!color_space) return false;
  uint32_t subsampling_x = 1, subsampling_y = 1;
  if (*color_space != 7) {  // not CS_RGB
    if (!r.bits(1)) return false;  // color_range
    if (profile == 1 || profile == 3) {
      auto x = r.bits(1), y = r.bits(1);
      if (!x || !y || !r.bits(1)) return false;  // + reserved_zero
      subsampling_x = *x, subsampling_y = *y;
    }
  } else {
    subsampling_x = subsampling_y = 0;  // RGB is 4:4:4
    if ((profile == 1 || profile == 3) && !r.bits(1)) return false;  // reserved_zero
  }
  h.chroma_format = subsampling_x && subsampling_y ? "4:2:0"
                    : subsampling_x                ? "4:2:2"
                    : subsampling_y                ? "4:4:0"
                                                   : "4:4:4";
  return true;
}

// §6.2.3 frame_size(): frame_width_minus_1, frame_height_minus_1.
bool read_vp9_frame_size(BitReader& r, UnitHeader& h) {
  auto w = r.bits(16), hh = r.bits(16);
  if (!w || !hh) return false;
  h.declared_width = *w + 1;
  h.declared_height = *hh + 1;
  return true;
}

// The part of a non-key frame's header up to its size (intra_only frames,
// §6.2 with §6.2.5 frame_size_with_refs for inter frames), with the
// reference slots it refreshes and predicts from.
bool read_vp9_non_key_size(BitReader& r, uint32_t profile, bool show_frame, bool error_resilient, UnitHeader& h) {
  auto intra_only = show_frame ? std::optional<uint32_t>(0) : r.bits(1);
  if (!intra_only || (!error_resilient && !r.bits(2))) return false;  // reset_frame_context
  h.intra_only = *intra_only;
  if (*intra_only) {
    auto sync = r.bits(24);
    if (!sync || *sync != 0x498342) return false;
    if (profile > 0 && !read_vp9_color_config(r, profile, h)) return false;
    auto refresh = r.bits(8);
    if (!refresh) return false;
    h.refresh_frame_flags = *refresh;
    return read_vp9_frame_size(r, h);
  }
  auto refresh = r.bits(8);
  if (!refresh) return false;
  h.refresh_frame_flags = *refresh;
  uint32_t sign_bias[3] = {};
  for (int i = 0; i < 3; ++i) {
    auto idx = r.bits(3), bias = r.bits(1);
    if (!idx || !bias) return false;
    h.ref_frame_idx[i] = static_cast<uint8_t>(*idx);
    sign_bias[i] = *bias;
  }
  h.compound_allowed = sign_bias[1] != sign_bias[0] || sign_bias[2] != sign_bias[0];
  for (int i = 0; i < 3; ++i) {
    auto found_ref = r.bits(1);
    if (!found_ref) return false;
    if (*found_ref) {
      h.size_from_ref = h.ref_frame_idx[i];
      return true;
    }
  }
  return read_vp9_frame_size(r, h);
}

}  // namespace

std::optional<UnitHeader> parse_vp9_header(const uint8_t* d, size_t size) {
  // VP9 bitstream spec §6.2 uncompressed_header, for profiles 0..3.
  BitReader r(d, size);
  auto marker = r.bits(2);
  if (!marker || *marker != 2) return std::nullopt;
  auto lo = r.bits(1), hi = r.bits(1);
  if (!lo || !hi) return std::nullopt;
  UnitHeader h;
  h.profile = *lo | *hi << 1;
  if (h.profile == 3 && !r.bits(1)) return std::nullopt;  // reserved zero
  auto show_existing = r.bits(1);
  if (!show_existing) return std::nullopt;
  if (*show_existing) {
    h.frame_type = FrameType::Inter;
    h.shows_picture = true;
    h.show_existing_frame = true;
    return h;
  }
  auto frame_type = r.bits(1), show_frame = r.bits(1), error_res = r.bits(1);
  if (!frame_type || !show_frame || !error_res) return std::nullopt;
  h.frame_type = *frame_type == 0 ? FrameType::Key : FrameType::Inter;
  h.shows_picture = *show_frame;
  if (*frame_type != 0) {
    // A header cut short before its size still tells the frame type.
    if (!read_vp9_non_key_size(r, h.profile, *show_frame, *error_res, h)) h.declared_width = h.declared_height = 0;
    return h;
  }
  auto sync = r.bits(24);
  if (!sync || *sync != 0x498342) return std::nullopt;
  if (!read_vp9_color_config(r, h.profile, h) || !read_vp9_frame_size(r, h)) return std::nullopt;
  h.width = h.declared_width;
  h.height = h.declared_height;
  h.refresh_frame_flags = 0xff;
  return h;
}

size_t start_code_length(const uint8_t* d, size_t size) {
  if (size >= 3 && d[0] == 0 && d[1] == 0 && d[2] == 1) return 3;
  if (size >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 1) return 4;
  return 0;
}

std::optional<NalInfo> parse_nal(const uint8_t* d, size_t size) {
  NalInfo n;
  n.payload_offset = start_code_length(d, size);
  if (n.payload_offset >= size) return std::nullopt;
  const uint8_t header = d[n.payload_offset];
  if (header & 0x80) return std::nullopt;  // forbidden_zero_bit
  n.type = header & 0x1f;
  n.is_slice = n.type >= 1 && n.type <= 5;
  if (!n.is_slice) return n;
  // Slice header §7.3.3 (emulation prevention cannot occur in its first bytes we read
  // often enough to matter; a value that fails to parse leaves the type Unknown).
  BitReader r(d + n.payload_offset + 1, size - n.payload_offset - 1);
  auto first_mb = r.ue();
  auto slice_type = first_mb ? r.ue() : std::nullopt;
  if (!first_mb || !slice_type) return n;
  n.first_mb_in_slice = *first_mb;
  switch (*slice_type % 5) {
    case 2:
    case 4: n.frame_type = FrameType::Key; break;  // I, SI
    case 0:
    case 3: n.frame_type = FrameType::Inter; break;  // P, SP
    case 1: n.frame_type = FrameType::BiPredicted; break;
  }
  return n;
}

namespace {

bool skip_scaling_list(BitReader& r, int entries) {
  int32_t last = 8, next = 8;
  for (int j = 0; j < entries; ++j) {
    if (next != 0) {
      auto delta = r.se();
      if (!delta || *delta < -128 || *delta > 127) return false;  // §7.4.2.1.1.1: delta_scale range
      next = (last + *delta + 256) % 256;
    }
    last = next == 0 ? last : next;
  }
  return true;
}

// §7.3.2.1.1 from log2_max_pic_order_cnt_lsb_minus4 / delta_pic_order_always_zero_flag on.
bool read_poc_fields(BitReader& r, SpsInfo& info) {
  if (info.pic_order_cnt_type == 0) {
    auto lsb_bits = r.ue();
    if (!lsb_bits || *lsb_bits > 12) return false;
    info.log2_max_poc_lsb = *lsb_bits + 4;
  }
  if (info.pic_order_cnt_type != 1) return true;
  auto always_zero = r.bits(1);
  auto non_ref = always_zero ? r.se() : std::nullopt;
  auto top_to_bottom = non_ref ? r.se() : std::nullopt;
  auto cycle = top_to_bottom ? r.ue() : std::nullopt;
  if (!cycle || *cycle > 255) return false;
  info.delta_pic_order_always_zero = *always_zero;
  info.offset_for_non_ref_pic = *non_ref, info.offset_for_top_to_bottom_field = *top_to_bottom;
  for (uint32_t i = 0; i < *cycle; ++i) {
    auto offset = r.se();
    if (!offset) return false;
    info.offset_for_ref_frame.push_back(*offset);
  }
  return true;
}

// hrd_parameters() (§E.1.2), skipped; false when it does not parse.
bool skip_hrd_parameters(BitReader& r) {
  auto count = r.ue();
  if (!count || *count > 31 || !r.bits(8)) return false;  // cpb_cnt_minus1, bit_rate/cpb_size scales
  for (uint32_t i = 0; i <= *count; ++i)
    if (!r.ue() || !r.ue() || !r.bits(1)) return false;
  return r.bits(20).has_value();  // four 5-bit lengths
}

// vui_parameters() (§E.1.1) up to max_num_reorder_frames; nothing when the
// VUI has no bitstream restriction or does not parse.
std::optional<uint32_t> read_vui_max_num_reorder_frames(BitReader& r) {
  auto aspect = r.bits(1);
  if (!aspect) return std::nullopt;
  if (*aspect) {
    auto idc = r.bits(8);
    if (!idc || (*idc == 255 && !r.bits(32))) return std::nullopt;  // Extended_SAR: sar_width, sar_height
  }
  auto overscan = r.bits(1);
  if (!overscan || (*overscan && !r.bits(1))) return std::nullopt;
  auto signal = r.bits(1);
  if (!signal) return std::nullopt;
  if (*signal) {  // video_format, video_full_range_flag, then the colour description
    auto colour = r.bits(4) ? r.bits(1) : std::nullopt;
    if (!colour || (*colour && !r.bits(24))) return std::nullopt;
  }
  auto chroma_loc = r.bits(1);
  if (!chroma_loc || (*chroma_loc && (!r.ue() || !r.ue()))) return std::nullopt;
  auto timing = r.bits(1);
  if (!timing || (*timing && (!r.bits(32) || !r.bits(32) || !r.bits(1)))) return std::nullopt;
  auto nal_hrd = r.bits(1);
  if (!nal_hrd || (*nal_hrd && !skip_hrd_parameters(r))) return std::nullopt;
  auto vcl_hrd = r.bits(1);
  if (!vcl_hrd || (*vcl_hrd && !skip_hrd_parameters(r))) return std::nullopt;
  if ((*nal_hrd || *vcl_hrd) && !r.bits(1)) return std::nullopt;  // low_delay_hrd_flag
  auto pic_struct = r.bits(1), restriction = pic_struct ? r.bits(1) : std::nullopt;
  if (!restriction || !*restriction || !r.bits(1)) return std::nullopt;  // motion_vectors_over_pic_boundaries
  for (int i = 0; i < 4; ++i)  // max_bytes_per_pic_denom .. log2_max_mv_length_vertical
    if (!r.ue()) return std::nullopt;
  auto reorder = r.ue();
  if (!reorder || *reorder > 16) return std::nullopt;
  return reorder;
}

bool profile_has_chroma_info(uint32_t profile_idc) {
  for (uint32_t p : {100u, 110u, 122u, 244u, 44u, 83u, 86u, 118u, 128u, 138u, 139u, 134u, 135u})
    if (profile_idc == p) return true;
  return false;
}

}  // namespace

std::optional<SpsInfo> parse_sps(const uint8_t* d, size_t size) {
  const size_t start = start_code_length(d, size);
  if (start >= size || (d[start] & 0x1f) != uint8_t(NalType::Sps)) return std::nullopt;
  const auto rbsp = nal_rbsp(d + start + 1, size - start - 1);
  BitReader r(rbsp.data(), rbsp.size());
  auto profile_idc = r.bits(8);
  auto level_idc = profile_idc && r.bits(8) ? r.bits(8) : std::nullopt;  // after the constraint flags
  auto sps_id = level_idc ? r.ue() : std::nullopt;
  if (!sps_id || *sps_id > 31) return std::nullopt;
  uint32_t chroma_format_idc = 1, bit_depth_luma = 8, bit_depth_chroma = 8;
  bool separate_colour_plane = false;
  if (profile_has_chroma_info(*profile_idc)) {
    auto cf = r.ue();
    if (!cf || *cf > 3) return std::nullopt;
    chroma_format_idc = *cf;
    if (chroma_format_idc == 3) {
      auto separate = r.bits(1);
      if (!separate) return std::nullopt;
      separate_colour_plane = *separate;
    }
    auto luma_minus8 = r.ue(), chroma_minus8 = r.ue();
    if (!luma_minus8 || !chroma_minus8 || *luma_minus8 > 6 || *chroma_minus8 > 6 || !r.bits(1))
      return std::nullopt;  // bit depths (§7.4.2.1.1: 0..6), qpprime bypass
    bit_depth_luma = 8 + *luma_minus8, bit_depth_chroma = 8 + *chroma_minus8;
    auto matrix = r.bits(1);
    if (!matrix) return std::nullopt;
    const int lists = *matrix ? (chroma_format_idc != 3 ? 8 : 12) : 0;
    for (int i = 0; i < lists; ++i) {
      auto present = r.bits(1);
      if (!present || (*present && !skip_scaling_list(r, i < 6 ? 16 : 64))) return std::nullopt;
    }
  }
  SpsInfo info;
  info.profile_idc = *profile_idc;
  info.chroma_format_idc = chroma_format_idc;
  info.bit_depth_luma = bit_depth_luma, info.bit_depth_chroma = bit_depth_chroma;
  info.sps_id = *sps_id;
  info.separate_colour_plane = separate_colour_plane;
  auto frame_num_bits = r.ue(), poc_type = r.ue();
  if (!frame_num_bits || *frame_num_bits > 12 || !poc_type || *poc_type > 2) return std::nullopt;
  info.log2_max_frame_num = *frame_num_bits + 4;
  info.pic_order_cnt_type = *poc_type;
  info.level_idc = *level_idc;
  if (!read_poc_fields(r, info)) return std::nullopt;
  auto refs = r.ue(), gaps = r.bits(1), w_mbs = r.ue(), h_units = r.ue(), frame_mbs_only = r.bits(1);
  if (!refs || !gaps || !w_mbs || !h_units || !frame_mbs_only || *w_mbs > 1023 || *h_units > 1023) return std::nullopt;
  if (!*frame_mbs_only && !r.bits(1)) return std::nullopt;  // mb_adaptive_frame_field
  auto direct8x8 = r.bits(1), cropping = r.bits(1);
  if (!direct8x8 || !cropping) return std::nullopt;
  uint32_t crop[4] = {0, 0, 0, 0};  // left, right, top, bottom
  if (*cropping) {
    for (auto& c : crop) {
      auto v = r.ue();
      if (!v) return std::nullopt;
      c = *v;
    }
  }
  // §7.4.2.1.1: crop units in luma samples.
  const uint32_t field_factor = 2 - *frame_mbs_only;
  const uint32_t unit_x = chroma_format_idc == 1 || chroma_format_idc == 2 ? 2 : 1;
  const uint32_t unit_y = (chroma_format_idc == 1 ? 2 : 1) * field_factor;
  const uint32_t coded_w = (*w_mbs + 1) * 16, coded_h = (*h_units + 1) * 16 * field_factor;
  const uint64_t crop_w = uint64_t(unit_x) * (crop[0] + crop[1]), crop_h = uint64_t(unit_y) * (crop[2] + crop[3]);
  info.coded_width = coded_w, info.coded_height = coded_h;
  info.frame_mbs_only = *frame_mbs_only;
  info.crop_left = crop[0], info.crop_right = crop[1], info.crop_top = crop[2], info.crop_bottom = crop[3];
  // A crop that leaves nothing is read, not refused here: sps_refusal names its values.
  info.width = crop_w >= coded_w ? 0 : coded_w - uint32_t(crop_w);
  info.height = crop_h >= coded_h ? 0 : coded_h - uint32_t(crop_h);
  auto vui = r.bits(1);
  if (vui && *vui) info.max_num_reorder_frames = read_vui_max_num_reorder_frames(r);
  return info;
}

std::optional<PpsInfo> parse_pps(const uint8_t* d, size_t size) {
  const size_t start = start_code_length(d, size);
  if (start >= size || (d[start] & 0x1f) != uint8_t(NalType::Pps)) return std::nullopt;
  const auto rbsp = nal_rbsp(d + start + 1, std::min<size_t>(size - start - 1, kHeaderPrefixBytes));
  BitReader r(rbsp.data(), rbsp.size());
  auto pps_id = r.ue(), sps_id = r.ue();
  if (!pps_id || !sps_id || *pps_id > 255 || *sps_id > 31) return std::nullopt;
  PpsInfo info{*pps_id, *sps_id};
  auto entropy = r.bits(1), bottom_present = entropy ? r.bits(1) : std::nullopt;
  info.bottom_field_pic_order_in_frame_present = bottom_present.value_or(0) == 1;
  auto slice_groups = bottom_present ? r.ue() : std::nullopt;
  if (!slice_groups || *slice_groups != 0) return info;  // slice group maps (FMO) are not read
  auto l0 = r.ue(), l1 = l0 ? r.ue() : std::nullopt;
  auto weighted = l1 ? r.bits(3) : std::nullopt;  // weighted_pred_flag, weighted_bipred_idc
  bool read = weighted && *l0 < 32 && *l1 < 32 && r.se() && r.se() && r.se();  // pic_init_qp/qs, chroma_qp_index_offset
  auto flags = read ? r.bits(3) : std::nullopt;  // deblocking, constrained intra, redundant_pic_cnt_present
  if (!flags) return info;
  info.prediction_fields_read = true;
  info.num_ref_idx_default_active[0] = *l0 + 1, info.num_ref_idx_default_active[1] = *l1 + 1;
  info.weighted_pred = (*weighted >> 2) & 1, info.weighted_bipred_idc = *weighted & 3;
  info.redundant_pic_cnt_present = *flags & 1;
  info.entropy_coding_mode = *entropy, info.deblocking_filter_control_present = (*flags >> 2) & 1;
  return info;
}

namespace {

// A slice header's RBSP read up to its pic_parameter_set_id.
std::optional<uint32_t> read_slice_pps_id(BitReader& r) {
  auto first_mb = r.ue();
  auto slice_type = first_mb ? r.ue() : std::nullopt;
  auto pps_id = slice_type ? r.ue() : std::nullopt;
  if (!pps_id || *pps_id > 255) return std::nullopt;
  return pps_id;
}

std::vector<uint8_t> slice_header_rbsp(const uint8_t* d, size_t size) {
  const size_t start = start_code_length(d, size);
  if (start + 1 >= size) return {};
  return nal_rbsp(d + start + 1, std::min<size_t>(size - start - 1, kHeaderPrefixBytes));
}

}  // namespace

std::optional<uint32_t> slice_pps_id(const uint8_t* d, size_t size) {
  const auto rbsp = slice_header_rbsp(d, size);
  BitReader r(rbsp.data(), rbsp.size());
  return read_slice_pps_id(r);
}

std::optional<bool> slice_is_field(const uint8_t* d, size_t size, const SpsInfo& sps) {
  const auto rbsp = slice_header_rbsp(d, size);
  BitReader r(rbsp.data(), rbsp.size());
  if (!read_slice_pps_id(r)) return std::nullopt;
  if (sps.separate_colour_plane && !r.bits(2)) return std::nullopt;  // colour_plane_id
  if (!r.bits(int(sps.log2_max_frame_num))) return std::nullopt;     // frame_num
  if (sps.frame_mbs_only) return false;
  auto field_pic = r.bits(1);
  if (!field_pic) return std::nullopt;
  return *field_pic == 1;
}

std::vector<std::pair<size_t, size_t>> split_vp9_superframe(const uint8_t* d, size_t size) {
  if (size == 0) return {};
  const uint8_t marker = d[size - 1];
  if ((marker & 0xe0) == 0xc0) {
    const size_t frames = (marker & 7) + 1, mag = ((marker >> 3) & 3) + 1;
    const size_t index = 2 + mag * frames;
    if (size >= index && d[size - index] == marker) {
      std::vector<std::pair<size_t, size_t>> out;
      size_t offset = 0;
      const uint8_t* p = d + size - index + 1;
      for (size_t f = 0; f < frames; ++f) {
        size_t frame_size = 0;
        for (size_t b = 0; b < mag; ++b) frame_size |= size_t(*p++) << (8 * b);
        if (frame_size > size - index - offset) return {{0, size}};
        out.emplace_back(offset, frame_size);
        offset += frame_size;
      }
      return out;
    }
  }
  return {{0, size}};
}

bool starts_access_unit(const NalInfo& nal, bool current_has_slice) {
  if (!current_has_slice) return false;
  if (nal.is_slice) return nal.first_mb_in_slice == 0;
  return nal.type == uint8_t(NalType::Aud) || nal.type == uint8_t(NalType::Sps) ||
         nal.type == uint8_t(NalType::Pps) || nal.type == uint8_t(NalType::Sei) || (nal.type >= 14 && nal.type <= 18);
}

}  // namespace vvsim::codec
