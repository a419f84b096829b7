#include "models/protocols/v6/wire_bytes.h"

#include <cstring>

#include <fmt/format.h>

#include "tlm_virtio/le_bytes.h"

namespace vvsim::virtio_video {

namespace le = tlm_virtio::le;

void ByteWriter::le32(uint32_t v) {
  uint8_t b[4];
  le::put32(b, v);
  bytes(b, sizeof b);
}

void ByteWriter::le64(uint64_t v) {
  uint8_t b[8];
  le::put64(b, v);
  bytes(b, sizeof b);
}

bool ByteReader::require(size_t n, const char* field) {
  if (failed()) return false;
  if (in_.size - offset_ < n) {
    error_ = fmt::format("{}: truncated at field '{}' (offset {}, needs {} bytes, {} available)", structure_,
                         field, offset_, n, in_.size - offset_);
    return false;
  }
  return true;
}

uint8_t ByteReader::u8(const char* field) {
  if (!require(1, field)) return 0;
  return in_.data[offset_++];
}

uint32_t ByteReader::le32(const char* field) {
  if (!require(4, field)) return 0;
  const uint32_t v = le::get32(in_.data + offset_);
  offset_ += 4;
  return v;
}

uint64_t ByteReader::le64(const char* field) {
  if (!require(8, field)) return 0;
  const uint64_t v = le::get64(in_.data + offset_);
  offset_ += 8;
  return v;
}

void ByteReader::bytes(uint8_t* dst, size_t n, const char* field) {
  if (!require(n, field)) {
    std::memset(dst, 0, n);
    return;
  }
  std::memcpy(dst, in_.data + offset_, n);
  offset_ += n;
}

void ByteReader::skip(size_t n, const char* field) {
  if (require(n, field)) offset_ += n;
}

}  // namespace vvsim::virtio_video
