// What a guest application reports of its stream, whatever protocol carried
// it: the frames it took (decoder) or the units it collected (encoder), with
// when each reached it, what the device refused, and how many buffers the
// device held over time. Protocols fill these; the runner and analysis read
// them and never see a protocol type.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "codec/image_layout.h"

namespace vvsim::guest {

// The two buffer queues of a stream, named by what flows through them.
enum class BufferQueue { Input, Output };

// How many of a stream's buffers of one queue the device holds (queued, not
// yet returned) from `at` on; the application holds the rest.
struct QueueDepthSample {
  sc_core::sc_time at;
  BufferQueue queue = BufferQueue::Input;
  uint32_t device_held = 0;
};

struct FrameRecord {
  uint32_t stream_id = 0;  // the stream it came from (a device reset gives the stream a new ID)
  uint32_t width = 0, height = 0;
  uint64_t timestamp = 0;
  bool error_flag = false;    // the device marked the frame as damaged
  sc_core::sc_time answered;  // when the application took the frame (its output answer reached it)
  sc_core::sc_time interrupted, reaped;  // the interrupt that announced it; the driver reaping the answer
};

// A frame as the application reads it out of guest memory. `pixels` hands
// the frame, as raw I420 (what `vpxdec --i420` writes), to a sink in pieces,
// read where it lies in guest memory; callable during the sink call only,
// empty in a timing-only run (no pixels).
struct DecodedFrame {
  FrameRecord record;
  std::function<void(const codec::PixelSink&)> pixels;
  // When the application queued the first unit of the frame's timestamp (none: never queued).
  std::optional<sc_core::sc_time> queued;
};
using FrameSink = std::function<void(const DecodedFrame&)>;

// The frames an application took, counted whether or not each is kept
// (models::StreamPlan::keep_frame_records).
struct FrameCounts {
  uint64_t taken = 0, flagged = 0;
  sc_core::sc_time first_answered, last_answered;
  void count(const sc_core::sc_time& answered, bool error_flag) {
    if (taken++ == 0) first_answered = answered;
    last_answered = answered;
    flagged += error_flag;
  }
};

// When the application queued the first unit of `timestamp` (none: never).
// `forget`: the frame of that timestamp is taken and its record not kept, so
// its entry goes (a run folding its frames as they are taken keeps none).
inline std::optional<sc_core::sc_time> queued_time(std::map<uint64_t, sc_core::sc_time>& input_queued,
                                                   uint64_t timestamp, bool forget) {
  auto it = input_queued.find(timestamp);
  if (it == input_queued.end()) return std::nullopt;
  const sc_core::sc_time at = it->second;
  if (forget) input_queued.erase(it);
  return at;
}

struct DecodeReport {
  std::vector<FrameRecord> frames;  // in output order; none kept when the run folds them as taken
  FrameCounts frame_counts;         // every frame taken, kept or not
  uint32_t stream_id = 0;
  uint32_t drc_events = 0, error_events = 0;
  uint32_t error_code = 0;  // detail of the last error event
  uint32_t inputs_consumed = 0, inputs_canceled = 0, outputs_canceled = 0;
  bool stopped = false, destroyed_mid_stream = false;
  std::optional<uint64_t> first_timestamp_after_stop;
  uint32_t resets = 0;
  uint32_t frame_drains = 0;
  std::vector<std::string> raw_answers;  // result of each raw command, e.g. "ERR_INVALID_COMMAND"
  std::vector<std::string> device_profiles;  // the profiles the device lists for the stream's codec (virtio-media)
  std::optional<uint64_t> first_timestamp_after_reset;
  bool drained = false, destroyed = false;
  std::string destroy_result;  // the destroy's answer (e.g. INVALID_STREAM_ID after an error closed the stream)
  sc_core::sc_time drain_sent, drain_answered;  // the drain submitted / its answer reaped
  std::vector<std::string> problems;  // anything the device refused or that went wrong
  // By timestamp: first unit of each timestamp (entries of taken frames go when frames are not kept).
  std::map<uint64_t, sc_core::sc_time> input_queued;
  std::vector<QueueDepthSample> queue_depth;          // device-held input/output buffers over time
  uint32_t input_resources = 0, output_resources = 0;  // the most the device granted
};

struct EncodedOutput {
  std::vector<uint8_t> data;
  uint64_t timestamp = 0;
  codec::FrameType frame_type = codec::FrameType::Unknown;  // as the device reported it
  bool error_flag = false;                // the device marked the unit as damaged
  sc_core::sc_time answered;              // when the application took the unit
  sc_core::sc_time interrupted, reaped;  // the interrupt that announced it; the driver reaping the answer
};

struct EncodeReport {
  uint32_t stream_id = 0;
  std::vector<EncodedOutput> units;  // in output order
  std::map<uint64_t, sc_core::sc_time> input_queued;  // frame timestamp (its index) -> its queueing submitted
  uint32_t frames_queued = 0, inputs_consumed = 0;
  bool drained = false, destroyed = false;
  std::vector<std::string> problems;
};

}  // namespace vvsim::guest
