#include "codec/decoder_support.h"

#include <fmt/format.h>

#include <cstring>

namespace vvsim::codec {

std::optional<DecodeResult> refuse_unit(bool library_ready, const char* library, size_t size) {
  DecodeResult result;
  result.work.bitstream_bytes = static_cast<uint32_t>(size);
  if (!library_ready) {
    result.status = UnitStatus::Unsupported;
    result.message = fmt::format("{} decoder could not be initialised", library);
    return result;
  }
  if (size == 0 || size > kMaxUnitBytes) {
    result.status = UnitStatus::Corrupt;
    result.message = fmt::format("unit of {} bytes (must be 1..{})", size, kMaxUnitBytes);
    return result;
  }
  return std::nullopt;
}

void copy_plane(const uint8_t* src, int stride, uint32_t width, uint32_t height, std::vector<uint8_t>& dst) {
  dst.resize(size_t(width) * height);
  for (uint32_t row = 0; row < height; ++row) std::memcpy(dst.data() + size_t(row) * width, src + size_t(row) * stride, width);
}

}  // namespace vvsim::codec
