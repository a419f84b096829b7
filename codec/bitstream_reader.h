// Readers that cut a bitstream into the units the v6 spec puts in one input
// resource: one frame per unit for VP8/VP9 (IVF), one NAL unit per unit for
// H.264 and HEVC (Annex B), one access unit for MPEG-2 (elementary stream,
// codec/elementary_stream.h). They never read past the end; a malformed
// container yields the units read so far and an error naming the byte offset.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "codec/ivf_writer.h"

namespace vvsim::codec {

struct BitstreamUnit {
  std::vector<uint8_t> data;
  uint64_t timestamp = 0;
  bool ends_frame = true;  // H.264: last NAL of its access unit
};

struct ParsedStream {
  CodecId codec = CodecId::VP8;
  uint32_t width = 0, height = 0;  // from the container header (IVF), 0 if unknown
  std::vector<BitstreamUnit> units;
  Status status;  // ok when the whole input parsed; else what stopped it (the units before it are kept)
};

// IVF: 32-byte header (DKIF, version 0, header size 32, fourcc, size,
// timebase, frame count) then frames of 12-byte header + data.
ParsedStream parse_ivf(const uint8_t* data, size_t size);
// H.264/HEVC Annex B (NAL units split on 00 00 01 / 00 00 00 01, start codes
// kept: decoders want them) or an MPEG-2 elementary stream (access units).
// Every unit of an access unit gets the AU's index times `frame_duration` as
// timestamp.
ParsedStream parse_annexb(const uint8_t* data, size_t size, uint64_t frame_duration = 1,
                          CodecId codec = CodecId::H264);

// Reads a file and picks the reader: "DKIF" magic -> IVF; otherwise a
// start-code stream whose codec the name gives: .hevc/.h265/.265 HEVC,
// .m2v/.mpv MPEG-2, anything else H.264.
ParsedStream read_bitstream_file(const std::string& path);

// A stream's units as a decode session takes them, one at a time.
class UnitSource {
 public:
  virtual ~UnitSource() = default;
  virtual size_t size() const = 0;
  // Unit i (< size()); the reference is valid until the next call.
  virtual const BitstreamUnit& unit(size_t i) = 0;
};

class UnitsInMemory : public UnitSource {
 public:
  explicit UnitsInMemory(std::vector<BitstreamUnit> units) : units_(std::move(units)) {}
  size_t size() const override { return units_.size(); }
  const BitstreamUnit& unit(size_t i) override { return units_.at(i); }

 private:
  std::vector<BitstreamUnit> units_;
};

// The units of an H.264/HEVC NAL unit source gathered into one unit per
// access unit (InputUnit::AccessUnit), where the stream index begins one
// (starts_access_unit, starts_hevc_access_unit): its NAL units back to back,
// with the timestamp of its first slice (of its first NAL unit without one).
class AccessUnitSource : public UnitSource {
 public:
  AccessUnitSource(CodecId codec, std::shared_ptr<UnitSource> nal_units);
  size_t size() const override { return first_nal_.size(); }
  const BitstreamUnit& unit(size_t i) override;

 private:
  std::shared_ptr<UnitSource> nal_units_;
  std::vector<size_t> first_nal_;  // of each access unit; the next one's (or the end) ends it
  std::vector<uint64_t> timestamps_;
  BitstreamUnit current_;
};

// Bytes a bitstream buffer needs for one compressed picture of a stream of
// coded size width x height, as V4L2 drivers compute a compressed format's
// sizeimage: half a 4:2:0 picture of the size aligned to 32 (the Venus
// driver's rule), rounded up to 4 KiB, and never below kMinBitstreamBufferBytes
// (a fixed size for small streams, whose high-quality intra pictures can
// exceed half their raw size).
constexpr uint32_t kMinBitstreamBufferBytes = 256u << 10;
uint32_t bitstream_buffer_bytes(uint32_t width, uint32_t height);

// The picture size (width, height) the first key frame (VP8, VP9) or
// sequence parameter set (H.264) among the first `max_units` units declares,
// as a driver parsing the stream before decoding learns it; none if absent.
std::optional<std::pair<uint32_t, uint32_t>> declared_picture_size(CodecId codec, UnitSource& units,
                                                                    size_t max_units = 16);

struct OpenedStream {
  CodecId codec = CodecId::VP8;
  uint32_t width = 0, height = 0;
  std::shared_ptr<UnitSource> units;  // null when status is an error
  Status status;
};
// Like read_bitstream_file, but the file is only indexed (offset, size and
// timestamp of each unit) and each unit is read from the file when asked
// for: memory does not grow with the stream's length.
OpenedStream open_bitstream_file(const std::string& path);

}  // namespace vvsim::codec
