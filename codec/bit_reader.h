// Reading the bit fields of codec headers: an MSB-first bit reader with
// Exp-Golomb codes (H.264 §9.1, H.265 §9.2) and the RBSP of a NAL unit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace vvsim::codec {

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
  // Signed Exp-Golomb se(v), §9.1.1.
  std::optional<int32_t> se() {
    auto k = ue();
    if (!k) return std::nullopt;
    return (*k & 1) ? int32_t((*k + 1) / 2) : -int32_t(*k / 2);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// §7.4.1 (H.264) / §7.4.2 (H.265): the RBSP of a NAL payload, without emulation prevention bytes (00 00 03).
std::vector<uint8_t> nal_rbsp(const uint8_t* data, size_t size);

}  // namespace vvsim::codec
