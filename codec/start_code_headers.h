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
constexpr uint8_t kHevcIrapFirst = 16, kHevcIrapLast = 23, kHevcVps = 32, kHevcSps = 33, kHevcPps = 34;
// What an HEVC SPS (§7.3.2.2.1) declares: its id, the coded picture size
// (pic_width/height_in_luma_samples, before the conformance window), the
// picture size a decoder outputs (inside it) and what
// output order needs: the POC lsb length and, for the highest sub-layer
// (sps_max_sub_layers_minus1), sps_max_num_reorder_pics and
// sps_max_latency_increase_plus1 (lower sub-layers' values are not needed).
struct HevcSps {
  uint32_t sps_id = 0, width = 0, height = 0;
  uint32_t visible_width = 0, visible_height = 0;  // inside the conformance window
  bool separate_colour_planes = false;
  uint32_t log2_max_poc_lsb = 4;
  uint32_t max_num_reorder_pics = 0, max_latency_increase_plus1 = 0;
};
std::optional<HevcSps> parse_hevc_sps(const uint8_t* data, size_t size);
// An HEVC PPS (§7.3.2.3.1) as far as a slice segment header needs it.
struct HevcPps {
  uint32_t pps_id = 0, sps_id = 0;
  bool dependent_slice_segments_enabled = false;
  bool output_flag_present = false;
  uint32_t num_extra_slice_header_bits = 0;
};
std::optional<HevcPps> parse_hevc_pps(const uint8_t* data, size_t size);
// The start of an HEVC slice segment header (§7.3.6.1): the PPS it refers
// to and, for the first slice segment of a picture, its slice_type.
struct HevcSliceStart {
  bool first_in_picture = false;
  uint32_t pps_id = 0;
};
std::optional<HevcSliceStart> parse_hevc_slice_start(const uint8_t* data, size_t size);
// slice_type of the first slice segment of a picture (B 0, P 1, I 2 as a FrameType).
std::optional<FrameType> hevc_first_slice_type(const uint8_t* data, size_t size, const HevcPps& pps);
// What output order needs of the first slice segment of a picture (§7.3.6.1):
// no_output_of_prior_pics_flag (IRAP pictures), pic_output_flag (1 unless the
// PPS lets the slice say otherwise) and slice_pic_order_cnt_lsb (0 for IDR
// pictures, which do not carry it).
struct HevcSliceOrderFields {
  bool no_output_of_prior_pics = false, pic_output = true;
  uint32_t pic_order_cnt_lsb = 0;
};
std::optional<HevcSliceOrderFields> hevc_slice_order_fields(const uint8_t* data, size_t size, const HevcPps& pps,
                                                            const HevcSps& sps);
// nuh_temporal_id_plus1 - 1 of an HEVC NAL unit already admitted by parse_hevc_nal.
uint32_t hevc_temporal_id(const uint8_t* data, size_t size);
constexpr uint8_t kHevcRadlN = 6, kHevcRaslN = 8, kHevcRaslR = 9, kHevcBlaFirst = 16, kHevcIdrWRadl = 19,
                  kHevcIdrNLp = 20, kHevcCra = 21, kHevcEos = 36;

// MPEG-2 video start codes (ISO/IEC 13818-2 §6.2): 00 00 01 then the code.
enum class Mpeg2Code : uint8_t { Picture = 0x00, Sequence = 0xb3, Gop = 0xb8 };
// The picture coding type (I, P or B) of the first picture header in an
// MPEG-2 access unit; nothing when it has none.
std::optional<FrameType> mpeg2_picture_type(const uint8_t* data, size_t size);
// What a decoder says of a B picture that comes before the second reference
// (I or P) picture since it tuned in: it has no forward reference and is not
// decoded (libavcodec skips it too).
inline constexpr const char* kMpeg2BWithoutReferences =
    "skipped: B picture before the second reference picture since tune-in";
// What an MPEG-2 sequence header (§6.2.2.1) and its sequence extension
// (§6.2.2.3) in a unit declare: the picture size, whether the sequence is
// progressive and whether it has no B pictures (low_delay).
struct Mpeg2Sequence {
  uint32_t width = 0, height = 0;
  bool progressive = true;
  bool low_delay = false;
};
std::optional<Mpeg2Sequence> mpeg2_sequence(const uint8_t* data, size_t size);
// Whether the unit's picture coding extension (§6.2.3.1) codes a field (picture_structure 1 or 2).
bool mpeg2_codes_field(const uint8_t* data, size_t size);

}  // namespace vvsim::codec
