// The codec engine profile the engine tests compute their figures from by hand:
// 500 MHz (one cycle is exactly 2 ns); every codec and kind costs
// 100 cycles per unit + 10 per macroblock + 2 per bitstream byte, key frames
// x2.0, inter x1.0, bipredicted x1.5, 50 cycles for a unit without a picture.
#pragma once

#include "models/engine/codec_engine.h"

namespace vvsim::models::test {

inline CodecEngineProfile hand_profile(uint32_t cores) {
  CodecEngineProfile profile;
  profile.clock_mhz = 500.0;
  profile.num_cores = cores;
  for (auto* table : {profile.decode, profile.encode})
    for (size_t i = 0; i < kCodecCount; ++i) table[i] = CodecCost{100, 10, 2, 2.0, 1.0, 1.5, 50};
  return profile;
}

// A unit of work that produces a picture.
inline codec::UnitWork picture_work(uint32_t macroblocks, uint32_t bytes, codec::FrameType type) {
  codec::UnitWork work;
  work.macroblocks = macroblocks;
  work.bitstream_bytes = bytes;
  work.frame_type = type;
  work.produces_picture = true;
  return work;
}

}  // namespace vvsim::models::test
