#include "models/engine/memory_traffic.h"

#include <cmath>

namespace vvsim::models {

double BytesPerMacroblock::of(codec::FrameType type) const {
  if (type == codec::FrameType::Key) return key;
  if (type == codec::FrameType::BiPredicted) return bipred;
  return inter;
}

namespace {
double picture_bytes(const MemoryTrafficProfile& p, uint32_t macroblocks, codec::FrameType type) {
  return static_cast<double>(macroblocks) * (p.read_bytes_per_macroblock.of(type) + p.write_bytes_per_macroblock.of(type));
}
}  // namespace

uint64_t job_traffic_bytes(const MemoryTrafficProfile& profile, const codec::UnitWork& work) {
  double bytes = picture_bytes(profile, work.macroblocks, work.frame_type);
  for (const auto& picture : work.further_pictures) bytes += picture_bytes(profile, picture.macroblocks, picture.frame_type);
  return static_cast<uint64_t>(std::llround(bytes)) + work.bitstream_bytes;
}

}  // namespace vvsim::models
