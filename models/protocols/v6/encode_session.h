// A guest application encoding generated frames through the v6 encoder
// device: sets the bitstream and image formats, attaches image input buffers
// and bitstream output buffers, writes each frame into guest memory, queues it
// (FORCE_KEY_FRAME where asked), changes the bitrate mid-stream where asked,
// collects the encoded units with their flags, drains and destroys.
#pragma once

#include <systemc>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "models/guest/stream_report.h"
#include "models/protocols/v6/stream_client.h"

namespace vvsim::virtio_video {

struct EncodeSessionConfig {
  codec::CodecId codec = codec::CodecId::VP8;
  uint32_t width = 176, height = 144;
  uint32_t frames = 30;
  uint64_t seed = 1;                          // of the generated test pattern
  uint32_t bitrate_bps = 500'000;
  std::map<uint32_t, uint32_t> bitrate_at;    // frame index -> new bitrate (SET_PARAM before queueing it)
  std::set<uint32_t> force_key_frames;        // frame indices queued with FORCE_KEY_FRAME
  uint32_t input_resources = 4;
  uint32_t output_resources = 8;
  uint32_t output_buffer_size = 512 * 1024;
  double feed_fps = 0;  // a camera: frame i is queued no earlier than start + i / fps (0: as fast as inputs free up)
};

using guest::EncodedOutput;
using guest::EncodeReport;

class EncodeSession : private StreamClient {
 public:
  EncodeSession(VideoDriver& driver, EncodeSessionConfig config);
  EncodeReport run();

 private:
  bool setup();
  bool set_bitrate(uint32_t bps);
  void feed_frames();
  void handle_answers();

  EncodeSessionConfig config_;
  EncodeReport report_;
  codec::ImageLayout input_layout_;
  std::vector<std::vector<GuestBuffer>> inputs_, outputs_;
  std::vector<bool> input_busy_;
  uint32_t next_frame_ = 0;
  sc_core::sc_time start_;  // pacing is counted from the end of set-up
};

}  // namespace vvsim::virtio_video
