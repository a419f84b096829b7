#include "codec/h264_slice_header.h"

#include <algorithm>

#include "codec/bit_reader.h"

namespace vvsim::codec {

namespace {

// A slice header with the longest prediction weight tables fits in this.
constexpr size_t kSliceHeaderBytes = 2048;
constexpr uint32_t kMaxListOperations = 64;  // more than any list has entries

bool read_order_counts(BitReader& r, const SpsInfo& sps, const PpsInfo& pps, SliceOrderFields& f) {
  const bool bottom_delta = pps.bottom_field_pic_order_in_frame_present && !f.field_pic;
  if (sps.pic_order_cnt_type == 0) {
    auto lsb = r.bits(int(sps.log2_max_poc_lsb));
    auto delta = lsb && bottom_delta ? r.se() : std::optional<int32_t>(0);
    if (!lsb || !delta) return false;
    f.pic_order_cnt_lsb = *lsb, f.delta_pic_order_cnt_bottom = *delta;
  } else if (sps.pic_order_cnt_type == 1 && !sps.delta_pic_order_always_zero) {
    auto first = r.se();
    auto second = first && bottom_delta ? r.se() : std::optional<int32_t>(0);
    if (!first || !second) return false;
    f.delta_pic_order_cnt[0] = *first, f.delta_pic_order_cnt[1] = *second;
  }
  return true;
}

// ref_pic_list_modification() for one list (§7.3.3.1).
bool skip_list_modification(BitReader& r) {
  auto flag = r.bits(1);
  if (!flag) return false;
  for (uint32_t i = 0; *flag && i < kMaxListOperations; ++i) {
    auto idc = r.ue();
    if (!idc || *idc > 3) return false;
    if (*idc == 3) return true;
    if (!r.ue()) return false;  // abs_diff_pic_num_minus1 or long_term_pic_num
  }
  return !*flag;
}

// pred_weight_table() (§7.3.3.2).
bool skip_weights(BitReader& r, bool chroma, const uint32_t active[2], int lists) {
  if (!r.ue() || (chroma && !r.ue())) return false;  // luma/chroma_log2_weight_denom
  for (int list = 0; list < lists; ++list) {
    for (uint32_t i = 0; i < active[list]; ++i) {
      auto luma = r.bits(1);
      if (!luma || (*luma && (!r.se() || !r.se()))) return false;
      if (!chroma) continue;
      auto flag = r.bits(1);
      if (!flag || (*flag && (!r.se() || !r.se() || !r.se() || !r.se()))) return false;
    }
  }
  return true;
}

// dec_ref_pic_marking() (§7.3.3.3).
bool read_marking(BitReader& r, SliceOrderFields& f) {
  if (f.idr) {
    auto no_output = r.bits(1);
    if (!no_output || !r.bits(1)) return false;  // long_term_reference_flag
    f.no_output_of_prior_pics = *no_output;
    return true;
  }
  auto adaptive = r.bits(1);
  if (!adaptive) return false;
  for (uint32_t i = 0; *adaptive && i < kMaxListOperations; ++i) {
    auto op = r.ue();
    if (!op || *op > 6) return false;
    if (*op == 0) return true;
    f.resets_order = f.resets_order || *op == 5;
    if ((*op == 1 || *op == 3) && !r.ue()) return false;  // difference_of_pic_nums_minus1
    if (*op == 2 && !r.ue()) return false;                // long_term_pic_num
    if ((*op == 3 || *op == 6) && !r.ue()) return false;  // long_term_frame_idx
    if (*op == 4 && !r.ue()) return false;                // max_long_term_frame_idx_plus1
  }
  return !*adaptive;
}

// The fields after dec_ref_pic_marking, each within its range: a header read
// out of step (a field misread before) fails here rather than passing.
bool read_slice_tail(BitReader& r, const SpsInfo& sps, const PpsInfo& pps, uint32_t type) {
  if (pps.entropy_coding_mode && type != 2 && type != 4) {
    auto cabac_init = r.ue();
    if (!cabac_init || *cabac_init > 2) return false;
  }
  const int32_t qp_range = 26 + 6 * int32_t(sps.bit_depth_luma - 8);
  auto qp_delta = r.se();
  if (!qp_delta || *qp_delta < -qp_range || *qp_delta > 25) return false;
  if ((type == 3 && !r.bits(1)) || ((type == 3 || type == 4) && !r.se())) return false;  // SP/SI fields
  if (!pps.deblocking_filter_control_present) return true;
  auto idc = r.ue();
  if (!idc || *idc > 2) return false;
  if (*idc == 1) return true;
  for (int i = 0; i < 2; ++i) {  // slice_alpha_c0_offset_div2, slice_beta_offset_div2
    auto offset = r.se();
    if (!offset || *offset < -6 || *offset > 6) return false;
  }
  return true;
}

}  // namespace

std::optional<SliceOrderFields> slice_order_fields(const uint8_t* d, size_t size, const SpsInfo& sps,
                                                   const PpsInfo& pps) {
  const size_t start = start_code_length(d, size);
  if (start + 1 >= size || !pps.prediction_fields_read) return std::nullopt;
  SliceOrderFields f;
  f.idr = (d[start] & 0x1f) == uint8_t(NalType::Idr);
  f.nal_ref_idc = (d[start] >> 5) & 3;
  const auto rbsp = nal_rbsp(d + start + 1, std::min(size - start - 1, kSliceHeaderBytes));
  BitReader r(rbsp.data(), rbsp.size());
  auto slice_type = r.ue() ? r.ue() : std::nullopt;  // after first_mb_in_slice
  if (!slice_type || *slice_type > 9 || !r.ue() || (sps.separate_colour_plane && !r.bits(2))) return std::nullopt;
  const uint32_t type = *slice_type % 5;  // P 0, B 1, I 2, SP 3, SI 4
  const bool b = type == 1, predicted = type == 0 || type == 1 || type == 3;
  auto frame_num = r.bits(int(sps.log2_max_frame_num));
  if (!frame_num) return std::nullopt;
  f.frame_num = *frame_num;
  if (!sps.frame_mbs_only) {
    auto field = r.bits(1);
    if (!field || (*field && !r.bits(1))) return std::nullopt;  // bottom_field_flag
    f.field_pic = *field;
  }
  if ((f.idr && !r.ue()) || !read_order_counts(r, sps, pps, f)) return std::nullopt;  // idr_pic_id
  if ((pps.redundant_pic_cnt_present && !r.ue()) || (b && !r.bits(1))) return std::nullopt;
  uint32_t active[2] = {pps.num_ref_idx_default_active[0], pps.num_ref_idx_default_active[1]};
  if (predicted) {
    auto override_flag = r.bits(1);
    if (!override_flag) return std::nullopt;
    for (int list = 0; *override_flag && list < (b ? 2 : 1); ++list) {
      auto n = r.ue();
      if (!n || *n > 31) return std::nullopt;
      active[list] = *n + 1;
    }
  }
  if (type != 2 && type != 4 && !skip_list_modification(r)) return std::nullopt;
  if (b && !skip_list_modification(r)) return std::nullopt;
  const bool weights = (pps.weighted_pred && (type == 0 || type == 3)) || (pps.weighted_bipred_idc == 1 && b);
  const bool chroma = !sps.separate_colour_plane && sps.chroma_format_idc != 0;
  if (weights && !skip_weights(r, chroma, active, b ? 2 : 1)) return std::nullopt;
  if (f.nal_ref_idc != 0 && !read_marking(r, f)) return std::nullopt;
  if (!read_slice_tail(r, sps, pps, type)) return std::nullopt;
  return f;
}

}  // namespace vvsim::codec
