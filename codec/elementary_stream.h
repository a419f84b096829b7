// Start-code delimited streams cut into v6 units, by index: H.264 and HEVC
// Annex B byte streams (one NAL unit per unit) and MPEG-2 video elementary
// streams (one access unit, a picture with the headers before it, per unit).
// The stream is read block by block and only each unit's place is kept, so
// memory does not grow with the file, and a file that is not such a stream
// (no start code in the first kMaxUnitBytes, a unit above kMaxUnitBytes) is
// refused after reading at most that much of it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codec/byte_source.h"
#include "codec/codec.h"

namespace vvsim::codec {

struct UnitPlace {
  uint64_t offset = 0;  // first byte (of its start code)
  uint32_t size = 0;
  uint64_t timestamp = 0;  // index of its access unit times the frame duration
  bool ends_frame = true;  // last unit of its access unit
};

struct StreamIndex {
  std::vector<UnitPlace> units;
  Status status;  // ok when the whole stream was indexed; else names the byte offset
};

// Any number of zero bytes may precede the first start code (H.264 and
// H.265 Annex B leading_zero_8bits), up to kMaxUnitBytes of them.
StreamIndex index_elementary_stream(ByteSource& source, CodecId codec, uint64_t frame_duration = 1);

// Whether `codec` is carried as a start-code delimited stream (H.264, HEVC, MPEG-2).
bool is_start_code_codec(CodecId codec);

}  // namespace vvsim::codec
