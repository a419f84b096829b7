// Gathers v6 input units of one NAL unit each (H.264, HEVC) into access
// units, which is what decoding libraries take. An access unit is complete
// when the first NAL unit of the next one arrives, or at the end of the
// stream, so a picture leaves one unit after its last NAL unit.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "codec/unit_header.h"

namespace vvsim::codec {

struct AccessUnit {
  std::vector<uint8_t> bytes;  // its NAL units, each behind a start code
  uint64_t timestamp = 0;      // of its first slice (VCL NAL unit); without one, of its first NAL unit
  bool has_slice = false;
  bool is_random_access = false;  // decoding may start here (see AccessUnitAssembler::add)
};

// What a decoder that tunes in at recovery points says of an access unit it
// skips before the first one.
inline constexpr const char* kWaitingForTuneIn =
    "skipped: waiting for a picture to tune in at (IDR/IRAP, recovery point SEI, MPEG-2 I picture)";

// Whether an H.264 SEI NAL unit (with or without start code) carries a
// recovery point message (payload type 6, §D.1.8).
bool sei_has_recovery_point(const uint8_t* data, size_t size);

class AccessUnitAssembler {
 public:
  bool has_slice() const { return current_.has_slice; }
  bool is_random_access() const { return current_.is_random_access; }
  // Adds one NAL unit (`data` with or without its start code, as `nal` says);
  // returns the access unit it completes when it begins a new one.
  // `random_access`: decoding may start at this NAL unit's access unit.
  std::optional<AccessUnit> add(const NalInfo& nal, bool begins_access_unit, bool random_access,
                                const uint8_t* data, size_t size, uint64_t timestamp);
  // The access unit being gathered, if any (end of stream / drain).
  std::optional<AccessUnit> finish();
  void clear() { current_ = AccessUnit{}; }

 private:
  AccessUnit current_;
};

}  // namespace vvsim::codec
