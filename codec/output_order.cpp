#include "codec/output_order.h"

#include <fmt/format.h>

#include <algorithm>

namespace vvsim::codec {

LeavingPictures OutputOrder::arrive(uint64_t id, const PictureArrival& picture) {
  LeavingPictures out;
  if (picture.discards_prior) {
    for (const auto& w : waiting_) out.discarded.push_back(w.id);
    waiting_.clear();
  } else if (picture.releases_prior) {
    out.output = flush();  // order counts restart here
  }
  if (picture.output) {
    for (auto& w : waiting_) w.latency += w.order_count > picture.order_count;
    waiting_.push_back(Waiting{id, picture.order_count});
  }
  while (must_bump(picture)) output_smallest(out.output);
  return out;
}

bool OutputOrder::must_bump(const PictureArrival& picture) const {
  if (waiting_.size() > picture.reorder_depth) return true;
  const auto late = [&picture](const Waiting& w) { return w.latency >= *picture.max_latency; };
  return picture.max_latency && std::any_of(waiting_.begin(), waiting_.end(), late);
}

int64_t wrapped_order_count_msb(int64_t prev_msb, int64_t prev_lsb, int64_t lsb, int64_t max_lsb) {
  if (lsb < prev_lsb && prev_lsb - lsb >= max_lsb / 2) return prev_msb + max_lsb;
  if (lsb > prev_lsb && lsb - prev_lsb > max_lsb / 2) return prev_msb - max_lsb;
  return prev_msb;
}

std::vector<uint64_t> OutputOrder::flush() {
  std::vector<uint64_t> out;
  while (!waiting_.empty()) output_smallest(out);
  return out;
}

// The smallest order count leaves; of equal ones, the first decoded.
void OutputOrder::output_smallest(std::vector<uint64_t>& out) {
  const auto smallest = std::min_element(waiting_.begin(), waiting_.end(), [](const Waiting& a, const Waiting& b) {
    return a.order_count < b.order_count;
  });
  out.push_back(smallest->id);
  waiting_.erase(smallest);
}

namespace {

// Table A-1: MaxDpbMbs by level_idc (level 1b shares level 1's 396).
uint32_t max_dpb_mbs(uint32_t level_idc) {
  static constexpr std::pair<uint32_t, uint32_t> kTable[] = {
      {9, 396},     {10, 396},    {11, 900},    {12, 2376},   {13, 2376},   {20, 2376},   {21, 4752},
      {22, 8100},   {30, 8100},   {31, 18000},  {32, 20480},  {40, 32768},  {41, 32768},  {42, 34816},
      {50, 110400}, {51, 184320}, {52, 184320}, {60, 696320}, {61, 696320}, {62, 696320}};
  for (const auto& [level, mbs] : kTable)
    if (level == level_idc) return mbs;
  return 0;
}

constexpr uint32_t kMaxDpbFrames = 16;

}  // namespace

uint32_t h264_reorder_depth(const SpsInfo& sps) {
  if (sps.max_num_reorder_frames) return *sps.max_num_reorder_frames;
  if (sps.pic_order_cnt_type == 2) return 0;
  const uint32_t picture_mbs = (sps.coded_width / 16) * (sps.coded_height / 16);
  const uint32_t dpb_mbs = max_dpb_mbs(sps.level_idc);
  if (dpb_mbs == 0 || picture_mbs == 0) return kMaxDpbFrames;  // unknown level: the largest DPB
  return std::min(dpb_mbs / picture_mbs, kMaxDpbFrames);
}

// §8.2.1.1: the most significant part follows the lsb's wrap against the
// previous reference picture's.
int64_t H264OrderCount::type0(const SpsInfo& sps, const SliceOrderFields& slice) {
  if (slice.idr) prev_msb_ = prev_lsb_ = 0;
  const int64_t lsb = slice.pic_order_cnt_lsb;
  const int64_t msb = wrapped_order_count_msb(prev_msb_, prev_lsb_, lsb, int64_t{1} << sps.log2_max_poc_lsb);
  if (slice.nal_ref_idc != 0) prev_msb_ = msb, prev_lsb_ = lsb;
  top_ = msb + lsb;
  return std::min(top_, top_ + slice.delta_pic_order_cnt_bottom);
}

// §8.2.1.2 / §8.2.1.3: FrameNumOffset grows by MaxFrameNum when frame_num wraps.
int64_t H264OrderCount::frame_num_offset(const SpsInfo& sps, const SliceOrderFields& slice) {
  int64_t offset = 0;
  if (!slice.idr)
    offset = prev_frame_num_offset_ + (prev_frame_num_ > slice.frame_num ? int64_t{1} << sps.log2_max_frame_num : 0);
  prev_frame_num_offset_ = offset, prev_frame_num_ = slice.frame_num;
  return offset;
}

int64_t H264OrderCount::next(const SpsInfo& sps, const SliceOrderFields& slice) {
  const int64_t order_count = count(sps, slice);
  if (!slice.resets_order) return order_count;
  // §8.2.1: the previous picture's counts as if it were an IDR picture, its top field's kept relative.
  prev_msb_ = 0, prev_lsb_ = top_ - order_count;
  prev_frame_num_offset_ = prev_frame_num_ = 0;
  return 0;
}

int64_t H264OrderCount::count(const SpsInfo& sps, const SliceOrderFields& slice) {
  if (sps.pic_order_cnt_type == 0) return type0(sps, slice);
  const int64_t frame_num = frame_num_offset(sps, slice) + slice.frame_num;
  const bool reference = slice.nal_ref_idc != 0;
  top_ = 2 * frame_num - (reference ? 0 : 1);
  if (sps.pic_order_cnt_type == 2) return top_ = slice.idr ? 0 : top_;
  const auto& offsets = sps.offset_for_ref_frame;
  int64_t abs_frame_num = offsets.empty() ? 0 : frame_num;
  if (!reference && abs_frame_num > 0) --abs_frame_num;
  int64_t expected = 0;
  if (abs_frame_num > 0) {
    int64_t per_cycle = 0;
    for (int32_t o : offsets) per_cycle += o;
    const int64_t cycles = (abs_frame_num - 1) / int64_t(offsets.size());
    const auto in_cycle = size_t((abs_frame_num - 1) % int64_t(offsets.size()));
    expected = cycles * per_cycle;
    for (size_t i = 0; i <= in_cycle; ++i) expected += offsets[i];
  }
  if (!reference) expected += sps.offset_for_non_ref_pic;
  top_ = expected + slice.delta_pic_order_cnt[0];
  return std::min(top_, top_ + sps.offset_for_top_to_bottom_field + slice.delta_pic_order_cnt[1]);
}

void H264OutputOrder::note_nal(const NalInfo& nal, const uint8_t* data, size_t size, bool first_slice) {
  if (nal.type == uint8_t(NalType::Sps)) {
    if (auto sps = parse_sps(data, size)) sps_[sps->sps_id] = *sps;
  } else if (nal.type == uint8_t(NalType::Pps)) {
    if (auto pps = parse_pps(data, size)) pps_[pps->pps_id] = *pps;
  }
  if (!nal.is_slice || !first_slice || !unsupported_.empty()) return;
  const auto pps_id = slice_pps_id(data, size);
  const auto pps = pps_id ? pps_.find(*pps_id) : pps_.end();
  const auto sps = pps != pps_.end() ? sps_.find(pps->second.sps_id) : sps_.end();
  if (sps == sps_.end()) return;  // no picture comes of it: the decoders skip it too
  if (!sps->second.frame_mbs_only) {
    unsupported_ = "field or frame/field adaptive coding (frame_mbs_only_flag 0): its output order is not modelled";
    return;
  }
  const auto fields = slice_order_fields(data, size, sps->second, pps->second);
  if (!fields) {
    unsupported_ = "a slice header not read up to its reference marking (or a PPS with slice groups)";
    return;
  }
  if (fields->no_output_of_prior_pics) {
    unsupported_ = "an IDR picture with no_output_of_prior_pics_flag 1: discarding waiting pictures is not modelled";
    return;
  }
  pending_ = Pending{counts_.next(sps->second, *fields), fields->idr, fields->idr || fields->resets_order,
                     h264_reorder_depth(sps->second)};
}

std::vector<uint64_t> H264OutputOrder::picture_decoded(uint64_t id) {
  const Pending p = pending_.value_or(Pending{});
  return order_.decoded(id, p.order_count, p.clears_prior, p.depth);
}

void H264OutputOrder::reset() { *this = H264OutputOrder{}; }

void PictureRelease::from_library(std::vector<Picture>& pictures) {
  for (auto& p : pictures) {
    const auto discarded = std::find(discarded_.begin(), discarded_.end(), p.timestamp);
    if (discarded == discarded_.end()) {
      library_.push_back(std::move(p));
    } else {
      discarded_.erase(discarded);
    }
  }
  pictures.clear();
}

void PictureRelease::discarded(const std::vector<uint64_t>& ids) {
  for (uint64_t id : ids) {
    if (from_library_has(id)) {
      take_from_library(id);
    } else {
      discarded_.push_back(id);
    }
  }
}

void PictureRelease::released(const std::vector<uint64_t>& ids) { due_.insert(due_.end(), ids.begin(), ids.end()); }

bool PictureRelease::from_library_has(uint64_t id) const {
  return std::any_of(library_.begin(), library_.end(), [id](const Picture& p) { return p.timestamp == id; });
}

Picture PictureRelease::take_from_library(uint64_t id) {
  const auto it = std::find_if(library_.begin(), library_.end(), [id](const Picture& p) { return p.timestamp == id; });
  Picture p = std::move(*it);
  library_.erase(it);
  return p;
}

std::vector<Picture> PictureRelease::take() {
  std::vector<Picture> out;
  while (!due_.empty()) {
    if (from_library_has(due_.front())) {
      out.push_back(take_from_library(due_.front()));
    } else if (std::none_of(due_.begin() + 1, due_.end(), [this](uint64_t id) { return from_library_has(id); })) {
      break;  // not handed out yet
    }
    due_.pop_front();
  }
  return out;
}

std::vector<Picture> PictureRelease::take_all() {
  std::vector<Picture> out = take();
  due_.clear();
  for (auto& p : library_) out.push_back(std::move(p));
  library_.clear();
  return out;
}

void PictureRelease::clear() {
  library_.clear();
  due_.clear();
  discarded_.clear();
}

}  // namespace vvsim::codec
