#include "codec/decoder_support.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "codec/byte_source.h"
#include "codec/content_refusal.h"
#include "codec/elementary_stream.h"
#include "codec/start_code_headers.h"

namespace vvsim::codec {

std::optional<DecodeResult> refuse_unit(bool library_ready, const char* library, size_t size) {
  DecodeResult result;
  result.work.bitstream_bytes = static_cast<uint32_t>(size);
  if (!library_ready) {
    result.status = UnitStatus::Unsupported;
    result.message = fmt::format("{} decoder could not be initialised", library);
    return result;
  }
  if (size == 0 || size > kMaxUnitBytes) {
    result.status = UnitStatus::Corrupt;
    result.message = fmt::format("unit of {} bytes (must be 1..{})", size, kMaxUnitBytes);
    return result;
  }
  return std::nullopt;
}

namespace {

// One NAL unit's result into its access unit's (decode_nal_units_of).
void add_nal_result(DecodeResult&& nal, DecodeResult& au) {
  const bool worse = nal.status != UnitStatus::Ok && au.status == UnitStatus::Ok;
  if (worse || (au.message.empty() && nal.status == au.status)) {
    au.status = nal.status;
    au.message = std::move(nal.message);
    au.about_timestamp = nal.about_timestamp;
  }
  for (auto& p : nal.pictures) au.pictures.push_back(std::move(p));
  UnitWork& w = au.work;
  w.bitstream_bytes += nal.work.bitstream_bytes;
  w.continues_picture = w.continues_picture || nal.work.continues_picture;
  if (w.coded_width == 0) w.coded_width = nal.work.coded_width, w.coded_height = nal.work.coded_height;
  if (w.frame_type == FrameType::Unknown) w.frame_type = nal.work.frame_type;
  if (w.macroblocks != 0 || nal.work.macroblocks == 0) return;
  w.macroblocks = nal.work.macroblocks;  // the picture, charged on its first slice
  w.frame_type = nal.work.frame_type;
  w.coded_width = nal.work.coded_width, w.coded_height = nal.work.coded_height;
  w.visible_width = nal.work.visible_width, w.visible_height = nal.work.visible_height;
}

}  // namespace

bool decode_nal_units_of(CodecId codec, const uint8_t* data, size_t size, const NalUnitStep& nal_unit,
                         DecodeResult& result) {
  result = DecodeResult{};
  MemorySource source(data, size);
  const StreamIndex index = index_elementary_stream(source, codec);
  if (!index.status) {
    result.status = UnitStatus::Corrupt;
    result.work.bitstream_bytes = static_cast<uint32_t>(size);
    result.message = "access unit: " + index.status.error().message;
    return false;
  }
  for (const UnitPlace& place : index.units) {
    DecodeResult nal;
    nal_unit(data + place.offset, place.size, nal);
    add_nal_result(std::move(nal), result);
  }
  return true;
}

void copy_plane(const uint8_t* src, int stride, uint32_t width, uint32_t height, std::vector<uint8_t>& dst) {
  dst.clear();
  dst.reserve(size_t(width) * height);  // appended row by row: no zero-fill of a frame-sized buffer first
  for (uint32_t row = 0; row < height; ++row) {
    const uint8_t* line = src + size_t(row) * stride;
    dst.insert(dst.end(), line, line + width);
  }
}

namespace {

// Why a VP8 frame, or any frame of a VP9 superframe (each declares its own
// profile and size), is refused; empty when none is.
Status check_vpx_unit(CodecId codec, const UnitHeader& first, const uint8_t* data, size_t size,
                      const PictureSizeLimit& limit) {
  if (codec == CodecId::VP8) return check_vpx_frame(codec, first, limit);
  for (const auto& [offset, length] : split_vp9_superframe(data, size))
    if (const auto frame = parse_vp9_header(data + offset, length))
      if (auto checked = check_vpx_frame(codec, *frame, limit); !checked) return checked;
  return {};
}

// The unit goes no further: `checked` says why.
void refuse(const Status& checked, DecodeResult& result) {
  result.status = UnitStatus::Unsupported;
  result.message = checked.error().message;
}

}  // namespace

std::optional<UnitHeader> admit_vpx_unit(CodecId codec, bool library_ready, const PictureSizeLimit& limit,
                                         const uint8_t* data, size_t size, bool& waiting_for_key, DecodeResult& result) {
  if (auto refused = refuse_unit(library_ready, "libvpx", size)) {
    result = *refused;
    return std::nullopt;
  }
  result = DecodeResult{};
  result.work.bitstream_bytes = static_cast<uint32_t>(size);
  const auto header = codec == CodecId::VP8 ? parse_vp8_header(data, size) : parse_vp9_header(data, size);
  if (!header) {
    result.status = UnitStatus::Corrupt;
    result.message = fmt::format("{} frame header not recognised", fourcc_of(codec));
    waiting_for_key = true;
    return std::nullopt;
  }
  result.work.frame_type = header->frame_type;
  if (const auto checked = check_vpx_unit(codec, *header, data, size, limit); !checked) {
    refuse(checked, result);
    return std::nullopt;
  }
  if (waiting_for_key && header->frame_type != FrameType::Key) {
    result.message = "skipped: waiting for a key frame";
    return std::nullopt;  // consumed, nothing decoded
  }
  waiting_for_key = false;
  return header;
}

std::optional<NalInfo> admit_nal_unit(CodecId codec, const char* library, bool library_ready,
                                      const PictureSizeLimit& limit, const uint8_t* data, size_t size,
                                      DecodeResult& result) {
  if (auto refused = refuse_unit(library_ready, library, size)) {
    result = *refused;
    return std::nullopt;
  }
  result = DecodeResult{};
  result.work.bitstream_bytes = static_cast<uint32_t>(size);
  const auto nal = codec == CodecId::HEVC ? parse_hevc_nal(data, size) : parse_nal(data, size);
  if (!nal) {
    result.status = UnitStatus::Corrupt;
    result.message = fmt::format("not an {} NAL unit (forbidden bit set, or too short)", codec == CodecId::HEVC ? "HEVC" : "H.264");
    return std::nullopt;
  }
  result.work.frame_type = nal->frame_type;
  if (codec == CodecId::H264 && nal->type == uint8_t(NalType::Sps)) {
    const auto sps = parse_sps(data, size);
    if (const auto checked = sps ? check_sps(*sps, limit) : Status{}; !checked) {
      refuse(checked, result);
      return std::nullopt;
    }
  }
  return nal;
}

void FormatAnnouncer::announce(DecodeResult& result, bool drained) {
  const UnitWork& work = result.work;
  const uint64_t charged = (work.macroblocks > 0 ? 1 : 0) + work.further_pictures.size();
  if (inside_ == 0 && charged > 0 && work.visible_width != 0 &&
      (work.visible_width != current_.visible.width || work.visible_height != current_.visible.height))
    change_to(work.visible_width, work.visible_height, result);
  for (const auto& p : result.pictures)
    if (p.width != current_.visible.width || p.height != current_.visible.height) change_to(p.width, p.height, result);
  inside_ += charged;
  inside_ -= std::min<uint64_t>(inside_, result.pictures.size());
  if (drained) inside_ = 0;
}

void FormatAnnouncer::change_to(uint32_t width, uint32_t height, DecodeResult& result) {
  current_ = StreamFormat{(width + 15) & ~15u, (height + 15) & ~15u, Rect{0, 0, width, height}, min_output_buffers_};
  result.new_format = current_;
}

void FormatAnnouncer::reset() {
  current_ = {};
  inside_ = 0;
}

}  // namespace vvsim::codec
