#include "codec/hevc_output_order.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace vvsim::codec {

namespace {

bool is_irap(uint8_t type) { return type >= kHevcIrapFirst && type <= kHevcIrapLast; }
bool is_rasl(uint8_t type) { return type == kHevcRaslN || type == kHevcRaslR; }
// RADL, RASL or a sub-layer non-reference picture (even types up to 14): not a prevTid0Pic (§8.3.1).
bool may_be_prev_tid0(uint8_t type) { return !(type >= kHevcRadlN && type <= kHevcRaslR) && !(type <= 14 && type % 2 == 0); }

}  // namespace

std::string discarded_pictures_message(size_t pictures) {
  return fmt::format("{} pictures waiting for output discarded (NoOutputOfPriorPicsFlag 1, H.265 §C.5.2.2)", pictures);
}

void HevcOutputOrder::note_nal(const NalInfo& nal, const uint8_t* data, size_t size) {
  if (nal.type == kHevcSps) {
    if (const auto sps = parse_hevc_sps(data, size)) sps_[sps->sps_id] = *sps;
  } else if (nal.type == kHevcPps) {
    if (const auto pps = parse_hevc_pps(data, size)) pps_[pps->pps_id] = *pps;
  } else if (nal.type == kHevcEos) {
    sequence_starts_ = true;
  } else if (nal.is_slice && nal.first_mb_in_slice == 0 && unsupported_.empty()) {
    note_first_slice(nal.type, data, size);
  }
}

void HevcOutputOrder::note_first_slice(uint8_t type, const uint8_t* data, size_t size) {
  const auto slice = parse_hevc_slice_start(data, size);
  const auto pps = slice ? pps_.find(slice->pps_id) : pps_.end();
  const auto sps = pps != pps_.end() ? sps_.find(pps->second.sps_id) : sps_.end();
  pending_.reset();
  if (sps == sps_.end()) return;  // no picture comes of it: the decoders skip it too
  const auto fields = hevc_slice_order_fields(data, size, pps->second, sps->second);
  if (!fields) {
    unsupported_ = "a slice segment header not read up to slice_pic_order_cnt_lsb";
    return;
  }
  // NoRaslOutputFlag (§8.1.3): IDR and BLA pictures, and a CRA picture that starts the sequence.
  const bool no_rasl_output = is_irap(type) && (type != kHevcCra || sequence_starts_);
  if (is_irap(type)) rasl_skipped_ = no_rasl_output, sequence_starts_ = false;
  Pending p;
  p.skipped = is_rasl(type) && rasl_skipped_;
  p.arrival.order_count = order_count(type, hevc_temporal_id(data, size), no_rasl_output, fields->pic_order_cnt_lsb,
                                      sps->second.log2_max_poc_lsb);
  // §C.5.2.2: a CRA picture infers NoOutputOfPriorPicsFlag 1; none applies to the first picture.
  const bool discards = no_rasl_output && any_picture_ && (type == kHevcCra || fields->no_output_of_prior_pics);
  p.arrival.discards_prior = discards;
  p.arrival.releases_prior = no_rasl_output && !discards;
  p.arrival.output = fields->pic_output && !p.skipped;
  p.arrival.reorder_depth = sps->second.max_num_reorder_pics;
  const uint64_t latency_pictures =  // SpsMaxLatencyPictures (§7.4.3.2.1)
      uint64_t{sps->second.max_num_reorder_pics} + sps->second.max_latency_increase_plus1 - 1;
  if (sps->second.max_latency_increase_plus1 != 0)
    p.arrival.max_latency = uint32_t(std::min<uint64_t>(latency_pictures, UINT32_MAX));
  pending_ = p;
}

// §8.3.1: PicOrderCntMsb 0 at an IRAP picture with NoRaslOutputFlag 1, else
// wrapped against prevTid0Pic's.
int64_t HevcOutputOrder::order_count(uint8_t type, uint32_t temporal_id, bool no_rasl_output, uint32_t lsb,
                                     uint32_t log2_max_lsb) {
  const int64_t msb =
      no_rasl_output ? 0 : wrapped_order_count_msb(prev_tid0_msb_, prev_tid0_lsb_, lsb, int64_t{1} << log2_max_lsb);
  if (temporal_id == 0 && may_be_prev_tid0(type)) prev_tid0_msb_ = msb, prev_tid0_lsb_ = lsb;
  return msb + lsb;
}

// Without a pending picture (no parameter sets for it: no library decodes
// it) the picture leaves at once, so nothing waits for it forever.
LeavingPictures HevcOutputOrder::picture_decoded(uint64_t id) {
  const Pending p = pending_.value_or(Pending{});
  if (p.skipped) return {};
  any_picture_ = true;
  return order_.arrive(id, p.arrival);
}

}  // namespace vvsim::codec
