// Just enough header parsing to know what a unit is before decoding it: the
// frame type and whether it codes a picture (VP8 frame tag, VP9 uncompressed
// header, H.264 NAL header and slice header start). Never reads past `size`.
#pragma once

#include <array>
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
  uint32_t width = 0, height = 0;  // from key frames, 0 if absent
  // A size any frame declares (key, VP9 intra-only, VP9 inter with an explicit size), 0 if none.
  uint32_t declared_width = 0, declared_height = 0;
  uint32_t profile = 0;                // VP9 profile (0..3); 0 for VP8
  // VP9 colour config, on frames that have one: bit depth, and chroma
  // format "4:2:0", "4:2:2", "4:4:0" or "4:4:4"; 0 and null on others.
  uint32_t bit_depth = 0;
  const char* chroma_format = nullptr;
  // VP9 reference bookkeeping: the slots this frame refreshes (a key frame
  // all eight), the slots an inter frame predicts from, the one whose size it
  // takes (-1: its own size or none), and whether compound prediction is
  // allowed (§6.3.19: a reference's sign bias differs from LAST's).
  uint32_t refresh_frame_flags = 0;
  std::array<uint8_t, 3> ref_frame_idx{};
  int size_from_ref = -1;
  bool compound_allowed = false;
  bool show_existing_frame = false;  // codes nothing: shows a reference slot
  bool intra_only = false;           // a VP9 non-key frame coded without prediction
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
// Nothing when the SPS cannot be read; a crop that leaves no picture is read
// (width or height 0) and refused by sps_refusal.
struct SpsInfo {
  uint32_t width = 0, height = 0;  // visible (cropped) size
  uint32_t coded_width = 0, coded_height = 0;
  uint32_t crop_left = 0, crop_right = 0, crop_top = 0, crop_bottom = 0;  // frame_crop_*_offset
  uint32_t profile_idc = 0;
  uint32_t chroma_format_idc = 1;
  uint32_t bit_depth_luma = 8, bit_depth_chroma = 8;
  uint32_t pic_order_cnt_type = 0;
  uint32_t sps_id = 0;
  uint32_t log2_max_frame_num = 4;
  bool frame_mbs_only = true;
  bool separate_colour_plane = false;
  // What picture order counts (§8.2.1) and the output order need.
  uint32_t level_idc = 0;
  uint32_t log2_max_poc_lsb = 4;  // pic_order_cnt_type 0
  bool delta_pic_order_always_zero = false;  // pic_order_cnt_type 1
  int32_t offset_for_non_ref_pic = 0, offset_for_top_to_bottom_field = 0;
  std::vector<int32_t> offset_for_ref_frame;
  // VUI bitstream_restriction's max_num_reorder_frames; nothing when absent (or the VUI does not parse).
  std::optional<uint32_t> max_num_reorder_frames;
};
std::optional<SpsInfo> parse_sps(const uint8_t* data, size_t size);
// H.264 picture parameter set (§7.3.2.2): its id and its SPS's.
struct PpsInfo {
  uint32_t pps_id = 0, sps_id = 0;
  bool bottom_field_pic_order_in_frame_present = false;
  // What a slice header's reference fields need; read unless the PPS has slice groups.
  bool prediction_fields_read = false;
  uint32_t num_ref_idx_default_active[2] = {1, 1};
  bool weighted_pred = false;
  uint32_t weighted_bipred_idc = 0;
  bool redundant_pic_cnt_present = false;
  bool entropy_coding_mode = false, deblocking_filter_control_present = false;
};
std::optional<PpsInfo> parse_pps(const uint8_t* data, size_t size);
// The start of an H.264 slice NAL unit's header (§7.3.3): the PPS it
// refers to, and whether it codes a field (`sps` is that PPS's SPS).
// Nothing when the header cannot be read.
std::optional<uint32_t> slice_pps_id(const uint8_t* data, size_t size);
std::optional<bool> slice_is_field(const uint8_t* data, size_t size, const SpsInfo& sps);

// VP9 superframe (Annex B of the VP9 spec): the frames packed in one unit, as
// (offset, size); one frame covering the unit when there is no valid index.
std::vector<std::pair<size_t, size_t>> split_vp9_superframe(const uint8_t* data, size_t size);

// H.264 §7.4.1.2.3: once the current access unit has a slice, an AUD, SPS,
// PPS, SEI, NAL types 14..18, or a slice with first_mb_in_slice == 0 begins
// the next one.
bool starts_access_unit(const NalInfo& nal, bool current_has_slice);

}  // namespace vvsim::codec
