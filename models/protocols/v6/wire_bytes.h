// Little-endian byte writer/reader for the virtio-video wire structures, over
// the transport's one byte codec (tlm_virtio/le_bytes.h).
// Structures are never overlaid on memory: every field is written and read
// explicitly at its offset, so host endianness and padding never leak in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vvsim::virtio_video {

// A read-only view of bytes (C++17 has no std::span).
struct ByteSpan {
  const uint8_t* data = nullptr;
  size_t size = 0;

  ByteSpan() = default;
  ByteSpan(const uint8_t* d, size_t n) : data(d), size(n) {}
  ByteSpan(const std::vector<uint8_t>& v) : data(v.data()), size(v.size()) {}  // NOLINT: implicit by design
  ByteSpan subspan(size_t offset) const {
    return offset >= size ? ByteSpan{} : ByteSpan{data + offset, size - offset};
  }
};

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<uint8_t>& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(v); }
  void le32(uint32_t v);
  void le64(uint64_t v);
  void bytes(const uint8_t* data, size_t n) { out_.insert(out_.end(), data, data + n); }
  void zeros(size_t n) { out_.insert(out_.end(), n, 0); }
  size_t size() const { return out_.size(); }

 private:
  std::vector<uint8_t>& out_;
};

// Reads fields in order; the first read past the end records which structure
// and field were cut short, and every later read yields zero.
class ByteReader {
 public:
  // `structure` names the structure in messages: a string literal (kept as a
  // pointer, not copied: a reader is made for every command and answer).
  ByteReader(ByteSpan in, const char* structure) : in_(in), structure_(structure) {}
  uint8_t u8(const char* field);
  uint32_t le32(const char* field);
  uint64_t le64(const char* field);
  void bytes(uint8_t* dst, size_t n, const char* field);
  void skip(size_t n, const char* field);
  // Checks that `n` more bytes are present for `field` without reading them
  // (so a count read from the input is checked before it sizes anything).
  bool require(size_t n, const char* field);

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  size_t offset() const { return offset_; }
  size_t remaining() const { return in_.size - offset_; }

 private:
  ByteSpan in_;
  const char* structure_;
  size_t offset_ = 0;
  std::string error_;
};

}  // namespace vvsim::virtio_video
