// MD5 of byte strings, as md5sum prints it: frame checksums in run summaries
// are comparable with `md5sum` of the dumped frames.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vvsim::codec {

class Md5 {
 public:
  Md5();
  ~Md5();
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;
  void update(const uint8_t* data, size_t size);
  // Lower-case hex digest; the object is spent afterwards.
  std::string hex();

 private:
  struct State;
  State* state_;
};

std::string md5_hex(const std::vector<uint8_t>& bytes);

// XXH3-64 of a byte stream, as `xxhsum -H3` prints it (16 hex digits): fast
// enough to checksum every decoded frame of a run (GB/s), where MD5 would cost
// more than the decode.
class FrameChecksum {
 public:
  FrameChecksum();
  ~FrameChecksum();
  FrameChecksum(const FrameChecksum&) = delete;
  FrameChecksum& operator=(const FrameChecksum&) = delete;
  void update(const uint8_t* data, size_t size);
  std::string hex() const;

 private:
  struct State;
  State* state_;
};

// XXH3-64 of one byte string (to tell whether two copies of it are equal).
uint64_t xxh3_64(const uint8_t* data, size_t size);

}  // namespace vvsim::codec
