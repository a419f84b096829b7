// Just enough bitstream parsing for the encoder tests to check what the
// units claim, independently of the encoders' own flags.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "codec/annexb_writer.h"

namespace vvsim::codec::test {

// MSB-first bit reader (VP9 uncompressed header).
class BitReader {
 public:
  explicit BitReader(const std::vector<uint8_t>& d) : data_(d) {}
  uint32_t bits(int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i, ++pos_) {
      size_t byte = pos_ / 8;
      uint32_t bit = byte < data_.size() ? (data_[byte] >> (7 - pos_ % 8)) & 1 : 0;
      v = (v << 1) | bit;
    }
    return v;
  }

 private:
  const std::vector<uint8_t>& data_;
  size_t pos_ = 0;
};

struct PeekedFrame {
  bool key = false;
  uint32_t width = 0, height = 0;  // key frames only
};

// VP8 frame tag: bit 0 of byte 0 is 0 for a key frame, which then carries the
// start code 9d 01 2a and 14-bit width and height.
inline std::optional<PeekedFrame> peek_vp8(const std::vector<uint8_t>& d) {
  if (d.size() < 3) return std::nullopt;
  PeekedFrame f;
  f.key = (d[0] & 1) == 0;
  if (f.key) {
    if (d.size() < 10 || d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a) return std::nullopt;
    f.width = (d[6] | d[7] << 8) & 0x3fff;
    f.height = (d[8] | d[9] << 8) & 0x3fff;
  }
  return f;
}

// VP9 uncompressed header (profile 0/1, as the encoder makes): frame_marker,
// profile, show_existing_frame, frame_type (0 = key); key frames then carry
// show_frame, error_resilient_mode, the sync code, colour config and the size.
inline std::optional<PeekedFrame> peek_vp9(const std::vector<uint8_t>& d) {
  BitReader r(d);
  if (r.bits(2) != 2) return std::nullopt;
  uint32_t profile = r.bits(1);
  profile |= r.bits(1) << 1;
  if (profile > 1 || r.bits(1) /* show_existing_frame */) return std::nullopt;
  PeekedFrame f;
  f.key = r.bits(1) == 0;
  if (!f.key) return f;
  r.bits(2);  // show_frame, error_resilient_mode
  if (r.bits(24) != 0x498342) return std::nullopt;
  uint32_t color_space = r.bits(3);
  if (color_space != 7 /* CS_RGB */) {
    r.bits(1);                    // color_range
    if (profile == 1) r.bits(3);  // subsampling_x, subsampling_y, reserved
  } else if (profile == 1) {
    r.bits(1);
  }
  f.width = r.bits(16) + 1;
  f.height = r.bits(16) + 1;
  return f;
}

// nal_unit_type of an Annex B NAL unit (start code included or not).
inline int h264_nal_type(const std::vector<uint8_t>& d) {
  size_t at = start_code_length(d.data(), d.size());
  return at < d.size() ? d[at] & 0x1f : -1;
}

}  // namespace vvsim::codec::test
