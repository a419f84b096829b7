// Where a container reader takes its bytes from: a buffer in memory, or a
// file read as it goes (the file is indexed, never held whole).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>

namespace vvsim::codec {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual size_t size() const = 0;
  // Copies bytes [at, at + n) (within size()); zeros if they cannot be read.
  virtual void read(size_t at, uint8_t* dst, size_t n) = 0;
};

class MemorySource : public ByteSource {
 public:
  MemorySource(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  size_t size() const override { return size_; }
  void read(size_t at, uint8_t* dst, size_t n) override { std::copy(data_ + at, data_ + at + n, dst); }

 private:
  const uint8_t* data_;
  size_t size_;
};

class SeekingSource : public ByteSource {
 public:
  SeekingSource(std::ifstream& in, size_t size) : in_(in), size_(size) {}
  size_t size() const override { return size_; }
  void read(size_t at, uint8_t* dst, size_t n) override {
    in_.clear();
    in_.seekg(std::streamoff(at));
    in_.read(reinterpret_cast<char*>(dst), std::streamsize(n));
    if (!in_) std::fill(dst, dst + n, 0);
  }

 private:
  std::ifstream& in_;
  size_t size_;
};

}  // namespace vvsim::codec
