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
  if (current_.bytes.empty()) current_.timestamp = timestamp;
  if (nal.payload_offset == 0) current_.bytes.insert(current_.bytes.end(), kStartCode, kStartCode + 4);
  current_.bytes.insert(current_.bytes.end(), data, data + size);
  current_.has_slice = current_.has_slice || nal.is_slice;
  current_.is_random_access = current_.is_random_access || (nal.is_slice && random_access);
  return completed;
}

std::optional<AccessUnit> AccessUnitAssembler::finish() {
  if (current_.bytes.empty()) return std::nullopt;
  std::optional<AccessUnit> done(std::move(current_));
  current_ = AccessUnit{};
  return done;
}

}  // namespace vvsim::codec
