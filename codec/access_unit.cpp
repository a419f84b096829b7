#include "codec/access_unit.h"

#include <utility>

namespace vvsim::codec {

namespace {
constexpr uint8_t kStartCode[4] = {0, 0, 0, 1};
}  // namespace

std::optional<AccessUnit> AccessUnitAssembler::add(const NalInfo& nal, bool begins_access_unit, bool random_access,
                                                   const uint8_t* data, size_t size, uint64_t timestamp) {
  std::optional<AccessUnit> completed;
  if (begins_access_unit) completed = finish();
  // The picture takes its first slice's timestamp: parameter sets and SEI
  // give no output of their own (docs/spec-notes.md, timestamps).
  if (current_.bytes.empty() || (nal.is_slice && !current_.has_slice)) current_.timestamp = timestamp;
  if (nal.payload_offset == 0) current_.bytes.insert(current_.bytes.end(), kStartCode, kStartCode + 4);
  current_.bytes.insert(current_.bytes.end(), data, data + size);
  current_.has_slice = current_.has_slice || nal.is_slice;
  current_.is_random_access = current_.is_random_access || random_access;
  return completed;
}

std::optional<AccessUnit> AccessUnitAssembler::finish() {
  if (current_.bytes.empty()) return std::nullopt;
  std::optional<AccessUnit> done(std::move(current_));
  current_ = AccessUnit{};
  return done;
}

bool sei_has_recovery_point(const uint8_t* data, size_t size) {
  const size_t start = start_code_length(data, size);
  if (start >= size || (data[start] & 0x1f) != uint8_t(NalType::Sei)) return false;
  // sei_message()s (§7.3.2.3.1) over the RBSP: emulation prevention bytes dropped as read.
  size_t at = start + 1;
  int zeros = 0;
  auto next = [&]() -> int {
    while (at < size) {
      const uint8_t b = data[at++];
      if (zeros >= 2 && b == 3) {
        zeros = 0;
        continue;
      }
      zeros = b == 0 ? zeros + 1 : 0;
      return b;
    }
    return -1;
  };
  auto coded_value = [&]() -> long {  // ff_byte* + last_byte
    long v = 0;
    for (int b = next();; b = next()) {
      if (b < 0) return -1;
      v += b;
      if (b != 0xff) return v;
    }
  };
  for (;;) {
    const long type = coded_value(), length = coded_value();
    if (type < 0 || length < 0) return false;
    if (type == 6) return true;
    for (long i = 0; i < length; ++i)
      if (next() < 0) return false;
    if (at >= size || data[at] == 0x80) return false;  // rbsp_trailing_bits
  }
}

}  // namespace vvsim::codec
