// Just enough header parsing to know what a unit is before decoding it: the
// frame type and whether it codes a picture (VP8 frame tag, VP9 uncompressed
// header, H.264 NAL header and slice header start). Never reads past `size`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "codec/codec.h"

namespace vvsim::codec {

struct UnitHeader {
  FrameType frame_type = FrameType::Unknown;
  bool shows_picture = false;  // false: parameter sets, SEI, invisible frames
  uint32_t width = 0, height = 0;  // from key frames / VP9 size fields, 0 if absent
};

std::optional<UnitHeader> parse_vp8_header(const uint8_t* data, size_t size);
std::optional<UnitHeader> parse_vp9_header(const uint8_t* data, size_t size);

// H.264 (Annex B unit with or without start code).
enum class NalType : uint8_t {
  NonIdrSlice = 1, Idr = 5, Sei = 6, Sps = 7, Pps = 8, Aud = 9, EndOfSequence = 10, EndOfStream = 11, Filler = 12
};
struct NalInfo {
  uint8_t type = 0;
  size_t payload_offset = 0;       // first byte after the start code
  bool is_slice = false;           // types 1..5
  uint32_t first_mb_in_slice = 0;  // slices only
  FrameType frame_type = FrameType::Unknown;
};
// Length of the start code data begins with (3 or 4), 0 if none.
size_t start_code_length(const uint8_t* data, size_t size);
std::optional<NalInfo> parse_nal(const uint8_t* data, size_t size);
// H.264 sequence parameter set (§7.3.2.1.1): the picture size it declares,
// after cropping, and its reordering-relevant fields. `data` is one SPS NAL
// unit with or without start code; emulation prevention bytes are removed.
struct SpsInfo {
  uint32_t width = 0, height = 0;  // visible (cropped) size
  uint32_t profile_idc = 0;
  uint32_t pic_order_cnt_type = 0;
};
std::optional<SpsInfo> parse_sps(const uint8_t* data, size_t size);

// VP9 superframe (Annex B of the VP9 spec): the frames packed in one unit, as
// (offset, size); one frame covering the unit when there is no valid index.
std::vector<std::pair<size_t, size_t>> split_vp9_superframe(const uint8_t* data, size_t size);

// H.264 §7.4.1.2.3: once the current access unit has a slice, an AUD, SPS,
// PPS, SEI, NAL types 14..18, or a slice with first_mb_in_slice == 0 begins
// the next one.
bool starts_access_unit(const NalInfo& nal, bool current_has_slice);

}  // namespace vvsim::codec
