// Reading a fuzzer's input as a sequence of small fields: every read is
// bounded by what is left, and a finished input yields zeros.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vvsim::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint32_t u16() { return uint32_t(byte()) | uint32_t(byte()) << 8; }
  uint32_t u32() { return u16() | u16() << 16; }
  // Up to `max` bytes (the count itself comes from the input).
  std::vector<uint8_t> bytes(size_t max) {
    const size_t wanted = u16() % (max + 1);  // read first: the count's bytes are not part of what is left
    const size_t n = std::min<size_t>(wanted, size_ - std::min(pos_, size_));
    std::vector<uint8_t> out(data_ + pos_, data_ + pos_ + n);
    pos_ += n;
    return out;
  }
  std::vector<uint8_t> rest() {
    std::vector<uint8_t> out(data_ + std::min(pos_, size_), data_ + size_);
    pos_ = size_;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace vvsim::fuzz
