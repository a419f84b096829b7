// The codec's own memory traffic during a job, besides the device's DMA of
// the input and output buffers: reference pictures read for motion
// compensation, the reconstructed picture and side buffers (motion vectors,
// co-located data) written and read, and the unit's bitstream read by the
// engine. Given per macroblock by frame type and direction (the reasoning is
// in docs/profile.md); the engine issues it on the bus during the job.
#pragma once

#include <cstdint>

#include "codec/codec.h"

namespace vvsim::models {

// Bytes per 16x16 macroblock of a picture of each frame type (Unknown counts as inter).
struct BytesPerMacroblock {
  double key = 0, inter = 0, bipred = 0;
  double of(codec::FrameType type) const;
};

struct MemoryTrafficProfile {
  bool enabled = false;  // off: jobs hold their core but put no bytes on the bus
  // Reference reads (P: one reference x 1.8 overfetch, B: two) and co-located motion data.
  BytesPerMacroblock read_bytes_per_macroblock{0, 755, 1446};
  // Reconstructed picture (384 bytes of 4:2:0 pixels) and its motion data.
  BytesPerMacroblock write_bytes_per_macroblock{448, 448, 448};
  // The job's bytes go out as this many equal transfers issued evenly over
  // its time.
  uint32_t transfers_per_job = 16;
  // How many of them a core may have in flight (AXI outstanding
  // transactions): with one, each transfer waits for the previous one's end
  // and pays its latency in series; with more, latencies overlap data.
  uint32_t outstanding_transfers = 1;
};

// The bytes a unit's work moves: every picture's macroblocks at its frame
// type (read and write), plus the unit's bitstream read once.
uint64_t job_traffic_bytes(const MemoryTrafficProfile& profile, const codec::UnitWork& work);

}  // namespace vvsim::models
