#include "codec/elementary_stream.h"

#include <fmt/format.h>

#include <algorithm>

#include "codec/start_code_headers.h"
#include "codec/unit_header.h"

namespace vvsim::codec {

namespace {

constexpr size_t kBlockBytes = 1u << 20;
constexpr size_t kHeaderBytes = 16;  // start code + every header field the grouping reads

// Turns the pieces between start codes into units: one per NAL unit for
// H.264/HEVC, one per access unit for MPEG-2, each with its access unit's
// timestamp.
class UnitGrouper {
 public:
  UnitGrouper(CodecId codec, uint64_t frame_duration, StreamIndex& out)
      : codec_(codec), frame_duration_(frame_duration), out_(out) {}

  // A piece from its start code to the next; false (with out_.status) when it cannot be a unit.
  bool piece(uint64_t offset, uint64_t size, const std::vector<uint8_t>& header) {
    const size_t n = std::min<size_t>(header.size(), size);
    return codec_ == CodecId::MPEG2 ? mpeg2_piece(offset, size, header.data(), n)
                                    : nal_piece(offset, size, header.data(), n);
  }
  void finish() {
    if (!out_.units.empty()) out_.units.back().ends_frame = true;
  }

 private:
  bool nal_piece(uint64_t offset, uint64_t size, const uint8_t* header, size_t n) {
    const auto nal = codec_ == CodecId::HEVC ? parse_hevc_nal(header, n) : parse_nal(header, n);
    if (!nal) {
      out_.status = Error{fmt::format("offset {}: malformed NAL unit header", offset)};
      return false;
    }
    const bool begins = codec_ == CodecId::HEVC ? starts_hevc_access_unit(*nal, au_has_picture_)
                                                : starts_access_unit(*nal, au_has_picture_);
    if (begins) next_access_unit();
    au_has_picture_ = au_has_picture_ || nal->is_slice;
    out_.units.push_back({offset, uint32_t(size), au_index_ * frame_duration_, false});
    return true;
  }
  // ISO/IEC 13818-2 §6.2: a sequence header, GOP header or picture header
  // after the current access unit's picture begins the next access unit.
  bool mpeg2_piece(uint64_t offset, uint64_t size, const uint8_t* header, size_t n) {
    const size_t sc = start_code_length(header, n);
    const uint8_t code = sc < n ? header[sc] : 0xff;
    const bool header_code = code == uint8_t(Mpeg2Code::Sequence) || code == uint8_t(Mpeg2Code::Gop) ||
                             code == uint8_t(Mpeg2Code::Picture);
    if (out_.units.empty() || (au_has_picture_ && header_code)) {
      if (!out_.units.empty()) next_access_unit();
      out_.units.push_back({offset, 0, au_index_ * frame_duration_, true});
    }
    au_has_picture_ = au_has_picture_ || code == uint8_t(Mpeg2Code::Picture);
    UnitPlace& unit = out_.units.back();
    if (unit.size + size > kMaxUnitBytes) {
      out_.status = Error{fmt::format("offset {}: access unit of more than {} bytes", unit.offset, kMaxUnitBytes)};
      return false;
    }
    unit.size += uint32_t(size);
    return true;
  }
  void next_access_unit() {
    ++au_index_;
    au_has_picture_ = false;
    if (!out_.units.empty()) out_.units.back().ends_frame = true;
  }

  CodecId codec_;
  uint64_t frame_duration_;
  StreamIndex& out_;
  uint64_t au_index_ = 0;
  bool au_has_picture_ = false;
};

// Walks the bytes once, finding start codes (00 00 01). In H.264 and HEVC a
// zero before them is the next NAL unit's zero_byte (a 4-byte start code) and
// further zeros belong to the unit before. MPEG-2 has no zero_byte: every zero
// before a start code stays with the unit before, where it may be the last
// byte of its slice data (cut off, libavcodec reads past the slice's end and
// conceals the picture as damaged).
class StartCodeScan {
 public:
  StartCodeScan(CodecId codec, UnitGrouper& grouper, StreamIndex& out)
      : grouper_(grouper), out_(out), start_code_zeros_(codec == CodecId::MPEG2 ? 2 : 3) {}

  // One byte at `pos`; false when the stream is refused.
  bool byte(uint64_t pos, uint8_t b) {
    if (started_ && header_.size() < kHeaderBytes) header_.push_back(b);
    if (b == 1 && zeros_ >= 2) {
      const uint64_t start = pos - std::min<uint32_t>(zeros_, start_code_zeros_);
      if (started_ && !grouper_.piece(piece_start_, start - piece_start_, header_)) return false;
      started_ = true;
      piece_start_ = start;
      header_.assign(size_t(pos - start), 0);
      header_.push_back(1);
    } else if (!started_ && b != 0) {
      return refuse(fmt::format("offset {}: byte {:#04x} before the first start code: the stream must begin "
                                "with a start code (zero bytes may precede it)", pos, b));
    }
    zeros_ = b == 0 ? zeros_ + 1 : 0;
    if (!started_ && pos + 1 >= kMaxUnitBytes)
      return refuse(fmt::format("offset 0: no start code in the first {} bytes", kMaxUnitBytes));
    if (started_ && pos - piece_start_ >= kMaxUnitBytes)
      return refuse(fmt::format("offset {}: unit of more than {} bytes", piece_start_, kMaxUnitBytes));
    return true;
  }
  bool end(uint64_t size) {
    if (!started_) return refuse("offset 0: no start code found");
    if (!grouper_.piece(piece_start_, size - piece_start_, header_)) return false;
    grouper_.finish();
    return true;
  }

 private:
  bool refuse(std::string why) {
    out_.status = Error{std::move(why)};
    grouper_.finish();
    return false;
  }

  UnitGrouper& grouper_;
  StreamIndex& out_;
  bool started_ = false;
  uint64_t piece_start_ = 0;
  uint32_t zeros_ = 0;
  uint32_t start_code_zeros_;  // zeros before the 01 that are the start code's
  std::vector<uint8_t> header_;
};

}  // namespace

bool is_start_code_codec(CodecId codec) {
  return codec == CodecId::H264 || codec == CodecId::HEVC || codec == CodecId::MPEG2;
}

StreamIndex index_elementary_stream(ByteSource& source, CodecId codec, uint64_t frame_duration) {
  StreamIndex out;
  UnitGrouper grouper(codec, frame_duration, out);
  StartCodeScan scan(codec, grouper, out);
  std::vector<uint8_t> block(std::min<size_t>(kBlockBytes, source.size()));
  for (uint64_t at = 0; at < source.size(); at += block.size()) {
    const size_t n = size_t(std::min<uint64_t>(block.size(), source.size() - at));
    source.read(size_t(at), block.data(), n);
    for (size_t i = 0; i < n; ++i)
      if (!scan.byte(at + i, block[i])) return out;
  }
  scan.end(source.size());
  return out;
}

}  // namespace vvsim::codec
