#include "codec/work_accounting.h"

#include <vector>

namespace vvsim::codec {

namespace {

uint32_t macroblocks_of(uint32_t width, uint32_t height) { return ((width + 15) / 16) * ((height + 15) / 16); }

void set_pictures(const std::vector<CodedPicture>& pictures, UnitWork& work) {
  if (pictures.empty()) return;
  work.macroblocks = pictures.front().macroblocks;
  work.frame_type = pictures.front().frame_type;
  work.further_pictures.assign(pictures.begin() + 1, pictures.end());
}

}  // namespace

void H264PictureWork::note_parameter_set(const NalInfo& nal, const uint8_t* data, size_t size) {
  if (nal.type == uint8_t(NalType::Sps)) {
    if (const auto sps = parse_sps(data, size)) sps_[sps->sps_id] = *sps;
  } else if (nal.type == uint8_t(NalType::Pps)) {
    if (const auto pps = parse_pps(data, size)) pps_sps_[pps->pps_id] = pps->sps_id;
  }
}

void H264PictureWork::charge_slice(const uint8_t* data, size_t size, bool first_slice, UnitWork& work) const {
  const auto pps_id = slice_pps_id(data, size);
  const auto pps = pps_id ? pps_sps_.find(*pps_id) : pps_sps_.end();
  const auto sps = pps != pps_sps_.end() ? sps_.find(pps->second) : sps_.end();
  if (sps == sps_.end()) return;  // no picture the library could decode either
  work.coded_width = sps->second.coded_width;
  work.coded_height = sps->second.coded_height;
  if (!first_slice) {
    work.continues_picture = true;
    return;
  }
  const bool field = slice_is_field(data, size, sps->second).value_or(false);
  work.macroblocks = macroblocks_of(work.coded_width, work.coded_height) / (field ? 2 : 1);
  work.visible_width = sps->second.width;
  work.visible_height = sps->second.height;
}

void H264PictureWork::reset() {
  sps_.clear();
  pps_sps_.clear();
}

void HevcPictureWork::note_parameter_set(const NalInfo& nal, const uint8_t* data, size_t size) {
  if (nal.type == kHevcSps) {
    if (const auto sps = parse_hevc_sps(data, size)) sps_[sps->sps_id] = *sps;
  } else if (nal.type == kHevcPps) {
    if (const auto pps = parse_hevc_pps(data, size)) pps_[pps->pps_id] = *pps;
  }
}

void HevcPictureWork::charge_slice(const uint8_t* data, size_t size, UnitWork& work) const {
  const auto slice = parse_hevc_slice_start(data, size);
  const auto pps = slice ? pps_.find(slice->pps_id) : pps_.end();
  const auto sps = pps != pps_.end() ? sps_.find(pps->second.sps_id) : sps_.end();
  if (sps == sps_.end()) return;  // no picture the library could decode either
  work.coded_width = (sps->second.width + 15) & ~15u;
  work.coded_height = (sps->second.height + 15) & ~15u;
  if (!slice->first_in_picture) {
    work.continues_picture = true;
    return;
  }
  work.macroblocks = macroblocks_of(sps->second.width, sps->second.height);
  work.visible_width = sps->second.visible_width;
  work.visible_height = sps->second.visible_height;
  work.frame_type = hevc_first_slice_type(data, size, pps->second).value_or(FrameType::Unknown);
}

void HevcPictureWork::reset() {
  sps_.clear();
  pps_.clear();
}

void VpxFrameWork::charge_unit(const uint8_t* data, size_t size, UnitWork& work) {
  std::vector<CodedPicture> pictures;
  std::pair<uint32_t, uint32_t> coded{};
  if (codec_ == CodecId::VP8) {
    const auto h = parse_vp8_header(data, size);
    if (h && h->width != 0) slots_[0] = {h->width, h->height};
    coded = slots_[0];
    if (h) pictures.push_back({macroblocks_of(coded.first, coded.second), h->frame_type});
  } else {
    for (const auto& [offset, length] : split_vp9_superframe(data, size)) {
      const auto h = parse_vp9_header(data + offset, length);
      if (!h || h->show_existing_frame) continue;
      std::pair<uint32_t, uint32_t> own{h->declared_width, h->declared_height};
      if (own.first == 0 && h->size_from_ref >= 0) own = slots_[size_t(h->size_from_ref)];
      for (size_t slot = 0; slot < slots_.size(); ++slot)
        if (h->refresh_frame_flags >> slot & 1) slots_[slot] = own;
      const FrameType type = h->frame_type == FrameType::Key || h->intra_only ? FrameType::Key
                             : h->compound_allowed                          ? FrameType::BiPredicted
                                                                            : FrameType::Inter;
      pictures.push_back({macroblocks_of(own.first, own.second), type});
      coded = own;
    }
  }
  if (coded.first != 0) {
    work.coded_width = (coded.first + 15) & ~15u;
    work.coded_height = (coded.second + 15) & ~15u;
  }
  set_pictures(pictures, work);
}

const std::optional<Mpeg2Sequence>& Mpeg2PictureWork::note_sequence(const uint8_t* data, size_t size) {
  if (auto sequence = mpeg2_sequence(data, size)) sequence_ = sequence;
  return sequence_;
}

void Mpeg2PictureWork::charge_picture(const uint8_t* data, size_t size, UnitWork& work) const {
  if (!sequence_ || sequence_->width == 0) return;
  const uint32_t mb_width = (sequence_->width + 15) / 16;
  const uint32_t frame_mb_height =
      sequence_->progressive ? (sequence_->height + 15) / 16 : 2 * ((sequence_->height + 31) / 32);
  work.coded_width = mb_width * 16;
  work.coded_height = frame_mb_height * 16;
  work.macroblocks = mb_width * frame_mb_height / (mpeg2_codes_field(data, size) ? 2 : 1);
  work.visible_width = sequence_->width;
  work.visible_height = sequence_->height;
}

}  // namespace vvsim::codec
