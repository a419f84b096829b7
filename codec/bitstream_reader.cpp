#include "codec/bitstream_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "codec/elementary_stream.h"
#include "codec/start_code_headers.h"
#include "codec/unit_header.h"

namespace vvsim::codec {

namespace {

uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
uint64_t le64(const uint8_t* p) { return uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32; }

}  // namespace

namespace {

// Checks an IVF container and calls on_frame(offset of the frame's data,
// size, timestamp) for each frame; `s` gets the header's facts and the status.
template <typename Source, typename OnFrame>
void walk_ivf(Source& src, ParsedStream& s, OnFrame on_frame) {
  const size_t size = src.size();
  uint8_t d[kIvfFileHeaderSize];
  if (size >= kIvfFileHeaderSize) src.read(0, d, kIvfFileHeaderSize);
  if (size < kIvfFileHeaderSize || std::string(reinterpret_cast<const char*>(d), 4) != "DKIF") {
    s.status = Error{"offset 0: not an IVF file (no DKIF signature in a 32-byte header)"};
    return;
  }
  const uint16_t version = le16(d + 4), header_size = le16(d + 6);
  if (version != 0 || header_size != kIvfFileHeaderSize) {
    s.status = Error{fmt::format("offset 4: IVF version {} with header size {} (expected 0 and 32)", version, header_size)};
    return;
  }
  const std::string fourcc(reinterpret_cast<const char*>(d + 8), 4);
  const auto codec = codec_from_fourcc(fourcc);
  if (!codec || is_start_code_codec(*codec)) {
    s.status = Error{fmt::format("offset 8: IVF fourcc '{}' is not VP80 or VP90", fourcc)};
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
      s.status = Error{fmt::format("offset {}: truncated frame header ({} bytes left)", at, size - at)};
      return;
    }
    uint8_t h[kIvfFrameHeaderSize];
    src.read(at, h, kIvfFrameHeaderSize);
    const uint32_t frame_size = le32(h);
    if (frame_size == 0 || frame_size > kMaxUnitBytes) {
      s.status = Error{fmt::format("offset {}: frame size {} out of range (1..{})", at, frame_size, kMaxUnitBytes)};
      return;
    }
    if (frame_size > size - at - kIvfFrameHeaderSize) {
      s.status = Error{fmt::format("offset {}: frame of {} bytes runs past the end of the file", at, frame_size)};
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

// An indexed file: units are read when asked for.
class FileUnits : public UnitSource {
 public:
  FileUnits(std::ifstream in, std::vector<UnitPlace> places) : in_(std::move(in)), places_(std::move(places)) {}
  size_t size() const override { return places_.size(); }
  const BitstreamUnit& unit(size_t i) override {
    const UnitPlace& p = places_.at(i);
    current_.timestamp = p.timestamp;
    current_.ends_frame = p.ends_frame;
    current_.data.resize(p.size);
    in_.clear();
    in_.seekg(std::streamoff(p.offset));
    in_.read(reinterpret_cast<char*>(current_.data.data()), std::streamsize(p.size));
    if (!in_) std::fill(current_.data.begin(), current_.data.end(), 0);  // the file changed under us: a corrupt unit
    return current_;
  }

 private:
  std::ifstream in_;
  std::vector<UnitPlace> places_;
  BitstreamUnit current_;
};

// The start-code codec a file holds, by its name: .hevc/.h265/.265 HEVC,
// .m2v/.mpv MPEG-2, anything else H.264.
CodecId start_code_codec_of(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (ext == ".hevc" || ext == ".h265" || ext == ".265") return CodecId::HEVC;
  if (ext == ".m2v" || ext == ".mpv") return CodecId::MPEG2;
  return CodecId::H264;
}

// An opened file: its stream and size, or why it cannot be read.
struct OpenFile {
  std::ifstream in;
  size_t size = 0;
  bool ivf = false;
  Status status;
};

OpenFile open_file(const std::string& path) {
  OpenFile f;
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) f.in.open(path, std::ios::binary);
  if (f.in.is_open()) f.size = size_t(std::filesystem::file_size(path, ec));
  if (!f.in.is_open() || !f.in || ec) {
    f.status = Error{fmt::format("{}: cannot open (not a readable regular file)", path)};
    return f;
  }
  char magic[4] = {};
  f.in.read(magic, 4);
  f.in.clear();
  f.ivf = f.size >= 4 && std::equal(magic, magic + 4, "DKIF");
  return f;
}

}  // namespace

ParsedStream parse_ivf(const uint8_t* d, size_t size) {
  MemorySource source(d, size);
  return parse_ivf_from(source);
}

ParsedStream parse_annexb(const uint8_t* d, size_t size, uint64_t frame_duration, CodecId codec) {
  MemorySource source(d, size);
  const StreamIndex index = index_elementary_stream(source, codec, frame_duration);
  ParsedStream s;
  s.codec = codec;
  s.status = index.status;
  for (const UnitPlace& p : index.units)
    s.units.push_back({std::vector<uint8_t>(d + p.offset, d + p.offset + p.size), p.timestamp, p.ends_frame});
  return s;
}

namespace {

// A file indexed (IVF frames or start-code units), still open for reading them.
struct IndexedFile {
  OpenFile file;
  CodecId codec = CodecId::H264;
  uint32_t width = 0, height = 0;
  std::vector<UnitPlace> places;  // what was indexed, also when `status` is an error
  Status status;
};

IndexedFile index_file(const std::string& path) {
  IndexedFile f;
  f.file = open_file(path);
  if (!f.file.status) {
    f.status = f.file.status;
    return f;
  }
  // Named .ivf but without the signature: say so, rather than a start-code
  // complaint about a format the user never meant.
  if (!f.file.ivf && std::filesystem::path(path).extension() == ".ivf") {
    f.status = Error{path + ": not an IVF file (it does not begin with the signature DKIF)"};
    return f;
  }
  SeekingSource source(f.file.in, f.file.size);
  if (f.file.ivf) {
    // Counted first: a growing index would hold its old and new copies at once (1.5 times its size).
    ParsedStream header;
    size_t frames = 0;
    walk_ivf(source, header, [&frames](size_t, uint32_t, uint64_t) { ++frames; });
    f.places.reserve(frames);
    walk_ivf(source, header, [&](size_t at, uint32_t n, uint64_t ts) { f.places.push_back({at, n, ts, true}); });
    f.codec = header.codec, f.width = header.width, f.height = header.height;
    f.status = header.status;
  } else {
    f.codec = start_code_codec_of(path);
    StreamIndex index = index_elementary_stream(source, f.codec);
    f.places = std::move(index.units);
    f.status = index.status;
  }
  if (!f.status) f.status = Error{path + ": " + f.status.error().message};
  return f;
}

}  // namespace

ParsedStream read_bitstream_file(const std::string& path) {
  IndexedFile f = index_file(path);
  ParsedStream s;
  s.codec = f.codec, s.width = f.width, s.height = f.height, s.status = f.status;
  if (!f.file.in.is_open()) return s;
  FileUnits units(std::move(f.file.in), std::move(f.places));
  for (size_t i = 0; i < units.size(); ++i) s.units.push_back(units.unit(i));
  return s;
}

OpenedStream open_bitstream_file(const std::string& path) {
  IndexedFile f = index_file(path);
  OpenedStream out;
  out.codec = f.codec, out.width = f.width, out.height = f.height, out.status = f.status;
  if (out.status) out.units = std::make_shared<FileUnits>(std::move(f.file.in), std::move(f.places));
  return out;
}

AccessUnitSource::AccessUnitSource(CodecId codec, std::shared_ptr<UnitSource> nal_units)
    : nal_units_(std::move(nal_units)) {
  bool has_slice = false;
  for (size_t i = 0; i < nal_units_->size(); ++i) {
    const auto& d = nal_units_->unit(i).data;
    const auto nal = codec == CodecId::HEVC ? parse_hevc_nal(d.data(), d.size()) : parse_nal(d.data(), d.size());
    // A unit that is no NAL unit stays with its access unit: the decoder says what it is.
    const bool begins = nal && (codec == CodecId::HEVC ? starts_hevc_access_unit(*nal, has_slice)
                                                       : starts_access_unit(*nal, has_slice));
    if (first_nal_.empty() || begins) {
      first_nal_.push_back(i);
      timestamps_.push_back(nal_units_->unit(i).timestamp);
      has_slice = false;
    }
    // The picture's timestamp is its first slice's, as AccessUnitAssembler takes it.
    if (nal && nal->is_slice && !has_slice) timestamps_.back() = nal_units_->unit(i).timestamp;
    has_slice = has_slice || (nal && nal->is_slice);
  }
}

const BitstreamUnit& AccessUnitSource::unit(size_t i) {
  const size_t end = i + 1 < first_nal_.size() ? first_nal_[i + 1] : nal_units_->size();
  current_.data.clear();
  for (size_t n = first_nal_.at(i); n < end; ++n) {
    const BitstreamUnit& nal = nal_units_->unit(n);
    current_.data.insert(current_.data.end(), nal.data.begin(), nal.data.end());
  }
  current_.timestamp = timestamps_[i];
  current_.ends_frame = true;
  return current_;
}

uint32_t bitstream_buffer_bytes(uint32_t width, uint32_t height) {
  const auto align = [](uint64_t v, uint64_t to) { return (v + to - 1) / to * to; };
  const uint64_t half_picture = align(width, 32) * align(height, 32) * 3 / 4;
  return uint32_t(std::max<uint64_t>(kMinBitstreamBufferBytes, align(half_picture, 4096)));
}

std::optional<std::pair<uint32_t, uint32_t>> declared_picture_size(CodecId codec, UnitSource& units, size_t max_units) {
  for (size_t i = 0; i < units.size() && i < max_units; ++i) {
    const auto& data = units.unit(i).data;
    uint32_t width = 0, height = 0;
    if (codec == CodecId::H264) {
      const auto nal = parse_nal(data.data(), data.size());
      if (!nal || nal->type != static_cast<uint8_t>(NalType::Sps)) continue;
      if (const auto sps = parse_sps(data.data(), data.size())) width = sps->width, height = sps->height;
    } else if (codec == CodecId::VP8 || codec == CodecId::VP9) {
      const auto header = codec == CodecId::VP8 ? parse_vp8_header(data.data(), data.size())
                                                : parse_vp9_header(data.data(), data.size());
      if (header) width = header->width, height = header->height;
    }
    if (width != 0 && height != 0) return std::make_pair(width, height);
  }
  return std::nullopt;
}

}  // namespace vvsim::codec
