// A V4L2 memory-to-memory encode client on the virtio-media driver, in the
// order ffmpeg's v4l2m2m encoders and GStreamer's v4l2 encoders follow
// dev-encoder.rst: OPEN, SUBSCRIBE(EOS), S_FMT(CAPTURE, coded format) first,
// S_FMT(OUTPUT, raw format and size), S_PARM(OUTPUT, frame interval),
// S_EXT_CTRLS(bitrate), REQBUFS + QUERYBUF + MMAP on both queues, QBUF every
// CAPTURE buffer, STREAMON both; per frame the raw image into an OUTPUT
// buffer and QBUF (S_EXT_CTRLS(bitrate) before the frames where the bitrate
// changes, S_CTRL(FORCE_KEY_FRAME) before the forced ones); each coded
// CAPTURE buffer read and queued again; before the frames asked for, the
// Reset sequence (ENCODER_CMD(STOP) and its LAST, STREAMOFF + STREAMON(CAPTURE),
// every CAPTURE buffer queued again); after the last frame ENCODER_CMD(STOP)
// and its LAST buffer; then STREAMOFF, REQBUFS(0), MUNMAP, CLOSE. DQBUF is the
// driver's events.
#pragma once

#include <systemc>

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "codec/codec.h"
#include "models/guest/stream_report.h"
#include "models/protocols/media/media_driver.h"

namespace vvsim::virtio_media {

struct MediaEncodeConfig {
  codec::CodecId codec = codec::CodecId::VP8;
  uint32_t width = 176, height = 144;
  uint32_t frames = 30;
  uint64_t seed = 1;                        // of the generated test pattern
  uint32_t bitrate_bps = 500'000;
  uint32_t framerate = 30;                  // S_PARM(OUTPUT): timeperframe 1/framerate
  std::map<uint32_t, uint32_t> bitrate_at;  // frame index -> new bitrate (S_EXT_CTRLS before queueing it)
  std::set<uint32_t> force_key_frames;      // frame indices queued after S_CTRL(FORCE_KEY_FRAME)
  std::set<uint32_t> restart_capture_at;    // frame indices the Reset sequence comes before (a new, standalone stream)
  uint32_t output_buffers = 4;              // raw frames
  uint32_t capture_buffers = 8;             // coded frames
  uint32_t capture_buffer_bytes = 512 * 1024;
  double feed_fps = 0;  // a camera: frame i is queued no earlier than start + i / fps (0: as buffers free up)
};

class MediaEncodeClient {
 public:
  MediaEncodeClient(MediaDriver& driver, MediaEncodeConfig config);
  // Runs the whole session on the calling SystemC thread.
  guest::EncodeReport run();
  const guest::EncodeReport& progress() const { return report_; }

 private:
  struct Buffer {
    uint64_t guest_addr = 0;
    uint32_t length = 0;
    uint64_t driver_addr = 0;  // the mapping, for MUNMAP
    bool queued = false;
  };
  bool setup();
  bool allocate(uint32_t type, uint32_t count, std::vector<Buffer>& buffers);
  bool qbuf(uint32_t type, uint32_t index, uint32_t bytesused, uint64_t timestamp);
  bool set_bitrate(uint32_t bps);
  bool queue_frame(uint32_t buffer);
  void encode_frames();
  void restart_capture();
  void handle_events();
  void on_coded(uint32_t index, uint32_t bytesused, uint32_t flags, uint64_t timestamp, sc_core::sc_time when);
  void teardown();
  MediaReply call(uint32_t code, const Bytes& payload, uint32_t response_bytes);
  bool check(const MediaReply& reply, const char* what);

  MediaDriver& driver_;
  MediaEncodeConfig config_;
  guest::EncodeReport report_;
  uint32_t session_ = 0;
  bool stop_sent_ = false;
  uint32_t raw_bytes_ = 0;  // the OUTPUT format's sizeimage
  std::vector<Buffer> output_, capture_;
  uint32_t next_frame_ = 0;
  std::set<uint32_t> restarts_left_;  // of config_.restart_capture_at
  sc_core::sc_time start_;  // pacing is counted from the end of set-up
};

}  // namespace vvsim::virtio_media
