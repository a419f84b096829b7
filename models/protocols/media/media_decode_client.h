// A V4L2 memory-to-memory decode client on the virtio-media driver, in the
// order ffmpeg's v4l2m2m decoder and GStreamer's v4l2 decoder follow
// dev-decoder.rst: OPEN, the coded format's profiles (QUERY_EXT_CTRL and
// QUERYMENU, as Chromium and GStreamer probe them), SUBSCRIBE(SOURCE_CHANGE, EOS), S_FMT(OUTPUT),
// REQBUFS(OUTPUT), QUERYBUF + MMAP per buffer (MMAP memory), STREAMON(OUTPUT),
// QBUF bitstream units; on SOURCE_CHANGE: G_FMT, G_SELECTION,
// G_CTRL(MIN_BUFFERS_FOR_CAPTURE), REQBUFS(CAPTURE), map, QBUF, STREAMON; a
// later SOURCE_CHANGE is a DRC, carried out at its LAST buffer by reallocating
// CAPTURE; at the end DECODER_CMD(STOP) and its LAST; then STREAMOFF, REQBUFS(0),
// MUNMAP, CLOSE. DQBUF is the driver's events.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/bitstream_reader.h"
#include "models/guest/feed_time.h"
#include "models/guest/stream_report.h"
#include "models/protocols/media/media_decode_misbehaviour.h"
#include "models/protocols/media/media_driver.h"
#include "models/protocols/media/v4l2_constants.h"

namespace vvsim::virtio_media {

struct MediaFrame {
  uint64_t timestamp = 0;
  uint32_t width = 0, height = 0;
  bool error = false;  // V4L2_BUF_FLAG_ERROR
  sc_core::sc_time at;
  uint32_t session_id = 0;
  std::optional<sc_core::sc_time> queued;  // the QBUF of the timestamp's first unit (none: never queued)
  // The frame's visible I420 bytes, plane by plane (empty in a timing-only run).
  std::vector<uint8_t> i420;
};

struct MediaDecodeConfig {
  codec::CodecId codec = codec::CodecId::VP8;
  std::shared_ptr<codec::UnitSource> units;
  uint32_t output_buffers = 4, capture_buffers = 8;
  uint32_t memory = v4l2::kMemoryMmap;  // or kMemoryUserptr (SHARED_PAGES)
  uint32_t output_buffer_bytes = 0;     // OUTPUT sizeimage asked for; 0: the device's default
  bool read_frames = true;              // read each frame's pixels (false: timing-only, the same bus time, no bytes)
  uint64_t frame_consume_ns = 1'000;    // CPU time to hand one frame on
  double feed_fps = 0;  // paced: access unit i is queued no earlier than i / feed_fps in (0: as fast as possible)
  sc_core::sc_time output_hold = sc_core::SC_ZERO_TIME;    // display: a frame's buffer is requeued this much later
  // Seek (dev-decoder Seek): once this many units are queued, STREAMOFF + STREAMON(OUTPUT),
  // then feed from `seek_to_unit`.
  std::optional<uint32_t> seek_after_units;
  uint32_t seek_to_unit = 0;
  std::optional<uint32_t> close_after_units;  // CLOSE mid-stream once this many units are queued
  // Device reset (Status = 0) once this many units are queued; the client then opens a new
  // session on the re-initialised device and feeds on from the next unit.
  std::optional<uint32_t> reset_after_units;
  // Low-latency policy: a drain (DECODER_CMD STOP, its LAST buffer, then START) after every
  // access unit but the last, once CAPTURE streams.
  bool drain_each_frame = false;
  guest::Misbehaviour misbehaviour;  // the departures MediaDecodeMisbehaviour models
  std::function<void(const MediaFrame&)> frame_sink;
  bool keep_frame_records = true;  // false: the sink folds them (models::StreamPlan::keep_frame_records)
  bool depth_samples = true;       // record MediaDecodeReport::queue_depth (models::RunPlan::depth_samples)
  std::function<void(const guest::QueueDepthSample&)> on_queue_depth;  // models::StreamPlan::on_queue_depth
};

struct MediaDecodeReport {
  std::vector<MediaFrame> frames;  // pixels dropped; in output order; none kept when the sink folds them
  guest::FrameCounts frame_counts;  // every frame taken, kept or not
  size_t units_fed = 0;
  uint32_t source_changes = 0, reallocations = 0;
  uint32_t inputs_consumed = 0;  // OUTPUT buffers the device gave back
  uint32_t error_events = 0;     // EVT_ERROR: the session is dead; the client closes it
  uint32_t drains_restarted = 0;  // a DRC's reallocation aborted the drain: STOP sent again
  uint32_t frame_drains = 0;      // drain_each_frame: drains after a frame, each ended by its LAST
  bool drained = false, closed = false;
  size_t commands_to_first_frame = 0;  // commands the client sent before the first frame came
  uint32_t resets = 0;
  std::optional<uint64_t> first_timestamp_after_reset;
  std::vector<std::string> raw_answers;     // each raw command's answer: "OK", "ENOTTY (25)", "no response"
  std::vector<std::string> device_profiles;  // the QUERYMENU items of the codec's profile control, at start-up
  bool seeked = false, closed_mid_stream = false;
  std::map<uint64_t, sc_core::sc_time> input_queued;  // by timestamp: the QBUF of its first unit
  std::vector<std::string> problems;
  uint32_t session_id = 0;
  uint32_t output_buffers = 0, capture_buffers = 0;  // the most REQBUFS gave
  std::vector<guest::QueueDepthSample> queue_depth;  // OUTPUT (Input) and CAPTURE (Output) buffers the device holds
};

class MediaDecodeClient {
 public:
  MediaDecodeClient(MediaDriver& driver, MediaDecodeConfig config);
  // Runs the whole session on the calling SystemC thread.
  MediaDecodeReport run();
  // While running: what has happened so far.
  const MediaDecodeReport& progress() const { return report_; }
  // While running: what the client waits for and the buffers the device holds, for a deadlock report.
  std::string waiting_for() const;

 private:
  struct Buffer {
    uint64_t guest_addr = 0;  // where the guest reads or writes it
    uint32_t length = 0;
    uint64_t mem_offset = 0;  // MMAP
    bool mapped = false, queued = false;
    uint64_t queued_timestamp = 0;  // OUTPUT: tells a DQBUF from before a seek from the current one
  };
  bool open_and_stream_output();
  void query_profiles();
  bool reset_and_reopen();
  bool setup_output();
  bool setup_capture();
  std::vector<uint8_t> read_visible_i420(uint32_t index);
  // Bytes of the I420-sized prefix of a CAPTURE buffer the client reads per frame.
  size_t capture_image_bytes() const;
  void release_capture();
  bool map_buffers(uint32_t type, std::vector<Buffer>& buffers);
  bool queue_output(uint32_t index);
  bool queue_capture(uint32_t index);
  bool qbuf(uint32_t type, uint32_t index, const Buffer& b, uint32_t bytesused, uint64_t timestamp);
  void handle_events();
  // The session ended by an ERROR event (§Device-side error): counted, and a
  // problem of the run when the device refused the stream's content.
  void note_device_error();
  void on_dqbuf(const Bytes& bytes);
  void on_frame(uint32_t index, const EventDqbuf& e);
  void on_last(uint32_t index);
  bool drain();
  void drain_after_frame();
  void resume_after_frame_drain(uint32_t last_index);
  void resume_drain();
  bool seek();
  void release_held();
  sc_core::sc_time next_feed_time() const;
  std::optional<sc_core::sc_time> next_deadline() const;
  void teardown();
  // A sample for each queue whose device-held count changed since the last one.
  void note_depths();
  MediaReply call(uint32_t code, const Bytes& payload, uint32_t response_bytes);
  bool check(const MediaReply& reply, const char* what);
  template <class T>
  std::optional<T> call_struct(uint32_t code, const T& v, const char* what);

  MediaDriver& driver_;
  MediaDecodeConfig config_;
  MediaDecodeReport report_;
  uint32_t session_ = 0;
  bool open_ = false;
  std::vector<Buffer> output_, capture_;
  v4l2::Format capture_fmt_;
  v4l2::Selection visible_;
  bool capture_streaming_ = false;
  bool drc_pending_ = false;    // a SOURCE_CHANGE after the first: reallocate at LAST
  bool draining_ = false;
  bool frame_drain_ = false;  // the drain in progress is drain_each_frame's, not the end of stream
  // Whether the misbehaviour keeps a CAPTURE buffer back now (during the end-of-stream drain only).
  bool withholds_captures() const { return misbehaviour_.withholds_captures(draining_ && !frame_drain_); }
  MediaDecodeMisbehaviour misbehaviour_;
  size_t next_unit_ = 0, units_queued_ = 0;
  uint64_t access_units_queued_ = 0;  // the pacing counts frames, not NAL units
  sc_core::sc_time started_;
  std::vector<std::pair<uint32_t, sc_core::sc_time>> held_;  // CAPTURE buffers on display, until then
  uint32_t output_held_ = 0, capture_held_ = 0;               // the last depths noted
  std::vector<uint64_t> guest_blocks_;  // USERPTR buffers, released at the end
};

}  // namespace vvsim::virtio_media
