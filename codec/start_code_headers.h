// HEVC NAL unit and MPEG-2 start code headers, as far as cutting a stream
// into v6 units and gathering access units needs them. Never reads past `size`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "codec/unit_header.h"

namespace vvsim::codec {

// HEVC NAL unit header (H.265 §7.3.1.2), with or without start code, as a
// NalInfo: `type` is nal_unit_type, `is_slice` a VCL NAL unit (types 0..31),
// `first_mb_in_slice` 0 for the first slice segment of a picture
// (first_slice_segment_in_pic_flag), `frame_type` Key for IRAP pictures.
std::optional<NalInfo> parse_hevc_nal(const uint8_t* data, size_t size);
// H.265 §7.4.2.4.4: once the current access unit has a VCL NAL unit, an AUD,
// VPS, SPS, PPS, prefix SEI, NAL types 41..44 and 48..55, or the first slice
// segment of a picture begins the next one (layer 0 only).
bool starts_hevc_access_unit(const NalInfo& nal, bool current_has_slice);
constexpr uint8_t kHevcIrapFirst = 16, kHevcIrapLast = 23, kHevcVps = 32, kHevcSps = 33;

// MPEG-2 video start codes (ISO/IEC 13818-2 §6.2): 00 00 01 then the code.
enum class Mpeg2Code : uint8_t { Picture = 0x00, Sequence = 0xb3, Gop = 0xb8 };
// The picture coding type (I, P or B) of the first picture header in an
// MPEG-2 access unit; nothing when it has none.
std::optional<FrameType> mpeg2_picture_type(const uint8_t* data, size_t size);

}  // namespace vvsim::codec
