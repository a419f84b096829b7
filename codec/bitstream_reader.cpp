#include "codec/bitstream_reader.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "codec/unit_header.h"

namespace vvsim::codec {

namespace {

uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
uint64_t le64(const uint8_t* p) { return uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32; }

// Position of the next start code at or after `from`, or `size`.
size_t find_start_code(const uint8_t* d, size_t size, size_t from) {
  for (size_t i = from; i + 3 <= size; ++i)
    if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1) return i > from && d[i - 1] == 0 ? i - 1 : i;
  return size;
}

}  // namespace

namespace {

// Where the IVF walk reads from: a buffer in memory, or a file read as it goes
// (SeekingSource, below).
class MemorySource {
 public:
  MemorySource(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  size_t size() const { return size_; }
  void read(size_t at, uint8_t* dst, size_t n) const { std::copy(data_ + at, data_ + at + n, dst); }

 private:
  const uint8_t* data_;
  size_t size_;
};


// Checks an IVF container and calls on_frame(offset of the frame's data,
// size, timestamp) for each frame; `s` gets the header's facts and the error.
template <typename Source, typename OnFrame>
void walk_ivf(Source& src, ParsedStream& s, OnFrame on_frame) {
  const size_t size = src.size();
  uint8_t d[kIvfFileHeaderSize];
  if (size >= kIvfFileHeaderSize) src.read(0, d, kIvfFileHeaderSize);
  if (size < kIvfFileHeaderSize || std::string(reinterpret_cast<const char*>(d), 4) != "DKIF") {
    s.error = "offset 0: not an IVF file (no DKIF signature in a 32-byte header)";
    return;
  }
  const uint16_t version = le16(d + 4), header_size = le16(d + 6);
  if (version != 0 || header_size != kIvfFileHeaderSize) {
    s.error = fmt::format("offset 4: IVF version {} with header size {} (expected 0 and 32)", version, header_size);
    return;
  }
  const std::string fourcc(reinterpret_cast<const char*>(d + 8), 4);
  const auto codec = codec_from_fourcc(fourcc);
  if (!codec || *codec == CodecId::H264) {
    s.error = fmt::format("offset 8: IVF fourcc '{}' is not VP80 or VP90", fourcc);
    return;
  }
  s.codec = *codec;
  s.width = le16(d + 12);
  s.height = le16(d + 14);
  // The frame count at offset 24 is informational: writers leave it 0 and
  // concatenated files understate it, so frames are read to the end.
  size_t at = kIvfFileHeaderSize;
  while (at < size) {
    if (size - at < kIvfFrameHeaderSize) {
      s.error = fmt::format("offset {}: truncated frame header ({} bytes left)", at, size - at);
      return;
    }
    uint8_t h[kIvfFrameHeaderSize];
    src.read(at, h, kIvfFrameHeaderSize);
    const uint32_t frame_size = le32(h);
    if (frame_size == 0 || frame_size > kMaxUnitBytes) {
      s.error = fmt::format("offset {}: frame size {} out of range (1..{})", at, frame_size, kMaxUnitBytes);
      return;
    }
    if (frame_size > size - at - kIvfFrameHeaderSize) {
      s.error = fmt::format("offset {}: frame of {} bytes runs past the end of the file", at, frame_size);
      return;
    }
    on_frame(at + kIvfFrameHeaderSize, frame_size, le64(h + 4));
    at += kIvfFrameHeaderSize + frame_size;
  }
}

template <typename Source>
ParsedStream parse_ivf_from(Source& src) {
  ParsedStream s;
  walk_ivf(src, s, [&](size_t at, uint32_t size, uint64_t timestamp) {
    BitstreamUnit u;
    u.timestamp = timestamp;
    u.data.resize(size);
    src.read(at, u.data.data(), size);
    s.units.push_back(std::move(u));
  });
  return s;
}

// An indexed IVF file: frames are read when asked for.
class IvfFileUnits : public UnitSource {
 public:
  struct Frame {
    uint64_t offset, timestamp;
    uint32_t size;
  };
  IvfFileUnits(std::ifstream in, std::vector<Frame> frames) : in_(std::move(in)), frames_(std::move(frames)) {}
  size_t size() const override { return frames_.size(); }
  const BitstreamUnit& unit(size_t i) override {
    const Frame& f = frames_.at(i);
    current_.timestamp = f.timestamp;
    current_.data.resize(f.size);
    in_.clear();
    in_.seekg(std::streamoff(f.offset));
    in_.read(reinterpret_cast<char*>(current_.data.data()), std::streamsize(f.size));
    if (!in_) std::fill(current_.data.begin(), current_.data.end(), 0);  // the file changed under us: a corrupt unit
    return current_;
  }

 private:
  std::ifstream in_;
  std::vector<Frame> frames_;
  BitstreamUnit current_;
};

// Index-only pass: the frames' data is skipped, not read.
class SeekingSource {
 public:
  SeekingSource(std::ifstream& in, size_t size) : in_(in), size_(size) {}
  size_t size() const { return size_; }
  void read(size_t at, uint8_t* dst, size_t n) {
    in_.clear();
    in_.seekg(std::streamoff(at));
    in_.read(reinterpret_cast<char*>(dst), std::streamsize(n));
    if (!in_) std::fill(dst, dst + n, 0);
  }

 private:
  std::ifstream& in_;
  size_t size_;
};

}  // namespace

ParsedStream parse_ivf(const uint8_t* d, size_t size) {
  MemorySource source(d, size);
  return parse_ivf_from(source);
}

ParsedStream parse_annexb(const uint8_t* d, size_t size, uint64_t frame_duration) {
  ParsedStream s;
  s.codec = CodecId::H264;
  size_t at = find_start_code(d, size, 0);
  if (at != 0 || !start_code_length(d, size)) {
    s.error = fmt::format("offset 0: H.264 Annex B stream must begin with a start code{}",
                          at < size ? fmt::format(" (first one at offset {})", at) : " (none found)");
    return s;
  }
  uint64_t au_index = 0;
  bool au_has_slice = false;
  while (at < size) {
    const size_t sc = start_code_length(d + at, size - at);
    const size_t next = find_start_code(d, size, at + sc);
    BitstreamUnit u;
    u.data.assign(d + at, d + next);
    const auto nal = parse_nal(u.data.data(), u.data.size());
    if (!nal) {
      s.error = fmt::format("offset {}: malformed NAL unit header", at);
      return s;
    }
    const bool new_au = starts_access_unit(*nal, au_has_slice);
    if (new_au) {
      ++au_index;
      au_has_slice = false;
      if (!s.units.empty()) s.units.back().ends_frame = true;
    }
    au_has_slice = au_has_slice || nal->is_slice;
    u.timestamp = au_index * frame_duration;
    u.ends_frame = false;
    s.units.push_back(std::move(u));
    at = next;
  }
  if (!s.units.empty()) s.units.back().ends_frame = true;
  return s;
}

ParsedStream read_bitstream_file(const std::string& path) {
  std::error_code ec;
  std::ifstream in;
  if (std::filesystem::is_regular_file(path, ec)) in.open(path, std::ios::binary);
  if (!in.is_open() || !in) {
    ParsedStream s;
    s.error = fmt::format("{}: cannot open (not a readable regular file)", path);
    return s;
  }
  const size_t size = std::filesystem::file_size(path, ec);
  char magic[4] = {};
  in.read(magic, 4);
  in.clear();
  ParsedStream s;
  if (!ec && size >= 4 && std::equal(magic, magic + 4, "DKIF")) {
    SeekingSource source(in, size);
    s = parse_ivf_from(source);
  } else {
    std::vector<uint8_t> bytes(ec ? 0 : size);
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size()));
    bytes.resize(size_t(in.gcount()));
    s = parse_annexb(bytes.data(), bytes.size());
  }
  if (!s.error.empty()) s.error = path + ": " + s.error;
  return s;
}

OpenedStream open_bitstream_file(const std::string& path) {
  OpenedStream out;
  std::error_code ec;
  std::ifstream in;
  if (std::filesystem::is_regular_file(path, ec)) in.open(path, std::ios::binary);
  const size_t size = in.is_open() ? size_t(std::filesystem::file_size(path, ec)) : 0;
  char magic[4] = {};
  if (in.is_open()) in.read(magic, 4);
  const bool ivf = in.is_open() && !ec && size >= 4 && std::equal(magic, magic + 4, "DKIF");
  // Named .ivf but without the signature: say so, rather than a start-code
  // complaint about a format the user never meant.
  if (in.is_open() && !ivf && std::filesystem::path(path).extension() == ".ivf") {
    out.error = path + ": not an IVF file (it does not begin with the signature DKIF)";
    return out;
  }
  if (!ivf) {
    in.close();
    ParsedStream whole = read_bitstream_file(path);  // Annex B, or the reader's error
    out.codec = whole.codec, out.width = whole.width, out.height = whole.height, out.error = whole.error;
    if (out.error.empty()) out.units = std::make_shared<UnitsInMemory>(std::move(whole.units));
    return out;
  }
  ParsedStream header;
  std::vector<IvfFileUnits::Frame> frames;
  SeekingSource source(in, size);
  walk_ivf(source, header, [&](size_t at, uint32_t n, uint64_t ts) { frames.push_back({at, ts, n}); });
  out.codec = header.codec, out.width = header.width, out.height = header.height;
  if (!header.error.empty()) {
    out.error = path + ": " + header.error;
    return out;
  }
  out.units = std::make_shared<IvfFileUnits>(std::move(in), std::move(frames));
  return out;
}

std::optional<std::pair<uint32_t, uint32_t>> declared_picture_size(CodecId codec, UnitSource& units, size_t max_units) {
  for (size_t i = 0; i < units.size() && i < max_units; ++i) {
    const auto& data = units.unit(i).data;
    uint32_t width = 0, height = 0;
    if (codec == CodecId::H264) {
      const auto nal = parse_nal(data.data(), data.size());
      if (!nal || nal->type != static_cast<uint8_t>(NalType::Sps)) continue;
      if (const auto sps = parse_sps(data.data(), data.size())) width = sps->width, height = sps->height;
    } else {
      const auto header = codec == CodecId::VP8 ? parse_vp8_header(data.data(), data.size())
                                                : parse_vp9_header(data.data(), data.size());
      if (header) width = header->width, height = header->height;
    }
    if (width != 0 && height != 0) return std::make_pair(width, height);
  }
  return std::nullopt;
}

}  // namespace vvsim::codec
