// What each input unit costs the modelled hardware, from the bitstream's own
// headers, the same for every backend and for the timing-only scan: every
// picture is charged once, for its own size, whatever the library has output.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "codec/codec.h"
#include "codec/start_code_headers.h"
#include "codec/unit_header.h"

namespace vvsim::codec {

// H.264: a picture is charged on the first slice of its access unit, for the
// size of the SPS its PPS names (a field: half the frame's macroblocks);
// later slices of it add none. How many macroblocks a slice covers is known
// only once its data is decoded, so the picture is not split across them.
class H264PictureWork {
 public:
  // Notes an SPS or PPS (other NAL units are ignored).
  void note_parameter_set(const NalInfo& nal, const uint8_t* data, size_t size);
  // The work of a slice NAL unit that is decoded; `first_slice`: the first of its access unit.
  void charge_slice(const uint8_t* data, size_t size, bool first_slice, UnitWork& work) const;
  void reset();

 private:
  std::map<uint32_t, SpsInfo> sps_;       // by seq_parameter_set_id
  std::map<uint32_t, uint32_t> pps_sps_;  // pic_parameter_set_id -> its SPS id
};

// HEVC: a picture is charged on its first slice segment
// (first_slice_segment_in_pic_flag), for the size of the SPS its PPS names
// (pic_width/height_in_luma_samples), typed by its slice_type; later slice
// segments of it add none.
class HevcPictureWork {
 public:
  // Notes an SPS or PPS (other NAL units are ignored).
  void note_parameter_set(const NalInfo& nal, const uint8_t* data, size_t size);
  // The work of a slice segment NAL unit that is decoded.
  void charge_slice(const uint8_t* data, size_t size, UnitWork& work) const;
  void reset();

 private:
  std::map<uint32_t, HevcSps> sps_;  // by sps_seq_parameter_set_id
  std::map<uint32_t, HevcPps> pps_;  // by pps_pic_parameter_set_id
};

// VP8/VP9: every frame a unit codes (each frame of a VP9 superframe; not a
// VP9 show-existing frame, which codes nothing) is charged for its own size:
// a key or intra-only frame's, a VP9 inter frame's explicit size or that of
// the reference it takes its size from. Key and intra-only frames are Key;
// a VP9 inter frame whose header allows compound prediction is BiPredicted.
class VpxFrameWork {
 public:
  explicit VpxFrameWork(CodecId codec) : codec_(codec) {}
  // The work of a unit that is decoded.
  void charge_unit(const uint8_t* data, size_t size, UnitWork& work);
  void reset() { slots_ = {}; }

 private:
  CodecId codec_;
  // Picture size held in each VP9 reference slot; VP8 keeps its key frame's in slot 0.
  std::array<std::pair<uint32_t, uint32_t>, 8> slots_{};
};

// MPEG-2: a unit with a picture is charged for the size of the last
// sequence header (a field picture: half the frame's macroblocks; an
// interlaced sequence's frame height in pairs of macroblock rows, §6.3.3).
class Mpeg2PictureWork {
 public:
  // Notes the unit's sequence header, if any; the sequence the stream is in (nothing before the first).
  const std::optional<Mpeg2Sequence>& note_sequence(const uint8_t* data, size_t size);
  // The work of a unit with a picture that is decoded.
  void charge_picture(const uint8_t* data, size_t size, UnitWork& work) const;
  const std::optional<Mpeg2Sequence>& sequence() const { return sequence_; }
  void reset() { sequence_.reset(); }

 private:
  std::optional<Mpeg2Sequence> sequence_;
};

}  // namespace vvsim::codec
