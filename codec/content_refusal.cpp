#include "codec/content_refusal.h"

#include <fmt/format.h>

namespace vvsim::codec {

namespace {

constexpr const char* kCarried = "no v6 image format carries it (8-bit 4:2:0 or 4:0:0 only)";

const char* h264_chroma_name(uint32_t chroma_format_idc) {
  static const char* const names[] = {"4:0:0", "4:2:0", "4:2:2", "4:4:4"};
  return chroma_format_idc < 4 ? names[chroma_format_idc] : "unknown";
}

}  // namespace

Status check_picture_size(const char* codec, uint32_t width, uint32_t height, const PictureSizeLimit& limit) {
  if (width <= limit.max_width && height <= limit.max_height) return {};
  return Error{fmt::format("{} picture of {}x{} is larger than the device's maximum of {}x{}", codec, width, height,
                           limit.max_width, limit.max_height)};
}

Status check_sps(const SpsInfo& sps, const PictureSizeLimit& limit) {
  if (sps.width == 0 || sps.height == 0)
    return Error{fmt::format(
        "H.264 SPS crops away the whole picture: coded {}x{}, frame_crop_left/right/top/bottom_offset {}/{}/{}/{}",
        sps.coded_width, sps.coded_height, sps.crop_left, sps.crop_right, sps.crop_top, sps.crop_bottom)};
  if (sps.chroma_format_idc > 1 || sps.bit_depth_luma > 8 || sps.bit_depth_chroma > 8)
    return Error{fmt::format("H.264 profile_idc {}, {} chroma (chroma_format_idc {}), {}-bit luma, {}-bit chroma: {}",
                             sps.profile_idc, h264_chroma_name(sps.chroma_format_idc), sps.chroma_format_idc,
                             sps.bit_depth_luma, sps.bit_depth_chroma, kCarried)};
  return check_picture_size("H.264", sps.coded_width, sps.coded_height, limit);
}

Status check_vpx_frame(CodecId codec, const UnitHeader& header, const PictureSizeLimit& limit) {
  // Only a frame with a colour config (key, intra-only) states the stream's
  // profile: other frames' profile bits, when not 0, are damage for libvpx to report.
  if (codec == CodecId::VP9 && header.profile != 0 && header.chroma_format)
    return Error{fmt::format("VP9 profile {}, {} chroma, {}-bit: {}", header.profile, header.chroma_format,
                             header.bit_depth, kCarried)};
  return check_picture_size(codec == CodecId::VP8 ? "VP8" : "VP9", header.declared_width, header.declared_height,
                            limit);
}

}  // namespace vvsim::codec
