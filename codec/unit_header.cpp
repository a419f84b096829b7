#include "codec/unit_header.h"

namespace vvsim::codec {

namespace {

// MSB-first bit reader that yields nothing once past the end.
class BitReader {
 public:
  BitReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  std::optional<uint32_t> bits(int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i, ++pos_) {
      if (pos_ / 8 >= size_) return std::nullopt;
      v = (v << 1) | ((data_[pos_ / 8] >> (7 - pos_ % 8)) & 1);
    }
    return v;
  }
  // Exp-Golomb ue(v), H.264 §9.1.
  std::optional<uint32_t> ue() {
    int zeros = 0;
    for (;;) {
      auto b = bits(1);
      if (!b) return std::nullopt;
      if (*b) break;
      if (++zeros > 31) return std::nullopt;
    }
    auto rest = bits(zeros);
    if (!rest) return std::nullopt;
    return (1u << zeros) - 1 + *rest;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<UnitHeader> parse_vp8_header(const uint8_t* d, size_t size) {
  // RFC 6386 §9.1: 3-byte frame tag; key frames add start code 9d 01 2a and 14-bit sizes.
  if (size < 3) return std::nullopt;
  UnitHeader h;
  const bool key = (d[0] & 1) == 0;
  h.frame_type = key ? FrameType::Key : FrameType::Inter;
  h.shows_picture = (d[0] >> 4) & 1;
  if (key) {
    if (size < 10 || d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a) return std::nullopt;
    h.width = (d[6] | d[7] << 8) & 0x3fff;
    h.height = (d[8] | d[9] << 8) & 0x3fff;
  }
  return h;
}

std::optional<UnitHeader> parse_vp9_header(const uint8_t* d, size_t size) {
  // VP9 bitstream spec §6.2 uncompressed_header, for profiles 0..3.
  BitReader r(d, size);
  auto marker = r.bits(2);
  if (!marker || *marker != 2) return std::nullopt;
  auto lo = r.bits(1), hi = r.bits(1);
  if (!lo || !hi) return std::nullopt;
  const uint32_t profile = *lo | *hi << 1;
  if (profile == 3 && !r.bits(1)) return std::nullopt;  // reserved zero
  UnitHeader h;
  auto show_existing = r.bits(1);
  if (!show_existing) return std::nullopt;
  if (*show_existing) {
    h.frame_type = FrameType::Inter;
    h.shows_picture = true;
    return h;
  }
  auto frame_type = r.bits(1), show_frame = r.bits(1), error_res = r.bits(1);
  if (!frame_type || !show_frame || !error_res) return std::nullopt;
  h.frame_type = *frame_type == 0 ? FrameType::Key : FrameType::Inter;
  h.shows_picture = *show_frame;
  if (*frame_type == 0) {
    auto sync = r.bits(24);
    if (!sync || *sync != 0x498342) return std::nullopt;
    if (profile >= 2 && !r.bits(1)) return std::nullopt;  // ten_or_twelve_bit
    auto color_space = r.bits(3);
    if (!color_space) return std::nullopt;
    if (*color_space != 7) {  // not CS_RGB
      if (!r.bits(1)) return std::nullopt;  // color_range
      if ((profile == 1 || profile == 3) && !r.bits(4)) return std::nullopt;  // subsampling + reserved
    } else if ((profile == 1 || profile == 3) && !r.bits(1)) {
      return std::nullopt;
    }
    auto w = r.bits(16), hh = r.bits(16);
    if (!w || !hh) return std::nullopt;
    h.width = *w + 1;
    h.height = *hh + 1;
  }
  return h;
}

size_t start_code_length(const uint8_t* d, size_t size) {
  if (size >= 3 && d[0] == 0 && d[1] == 0 && d[2] == 1) return 3;
  if (size >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 1) return 4;
  return 0;
}

std::optional<NalInfo> parse_nal(const uint8_t* d, size_t size) {
  NalInfo n;
  n.payload_offset = start_code_length(d, size);
  if (n.payload_offset >= size) return std::nullopt;
  const uint8_t header = d[n.payload_offset];
  if (header & 0x80) return std::nullopt;  // forbidden_zero_bit
  n.type = header & 0x1f;
  n.is_slice = n.type >= 1 && n.type <= 5;
  if (!n.is_slice) return n;
  // Slice header §7.3.3 (emulation prevention cannot occur in its first bytes we read
  // often enough to matter; a value that fails to parse leaves the type Unknown).
  BitReader r(d + n.payload_offset + 1, size - n.payload_offset - 1);
  auto first_mb = r.ue();
  auto slice_type = first_mb ? r.ue() : std::nullopt;
  if (!first_mb || !slice_type) return n;
  n.first_mb_in_slice = *first_mb;
  switch (*slice_type % 5) {
    case 2:
    case 4: n.frame_type = FrameType::Key; break;  // I, SI
    case 0:
    case 3: n.frame_type = FrameType::Inter; break;  // P, SP
    case 1: n.frame_type = FrameType::BiPredicted; break;
  }
  return n;
}

bool starts_access_unit(const NalInfo& nal, bool current_has_slice) {
  if (!current_has_slice) return false;
  if (nal.is_slice) return nal.first_mb_in_slice == 0;
  return nal.type == uint8_t(NalType::Aud) || nal.type == uint8_t(NalType::Sps) ||
         nal.type == uint8_t(NalType::Pps) || nal.type == uint8_t(NalType::Sei) || (nal.type >= 14 && nal.type <= 18);
}

}  // namespace vvsim::codec
