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
};
using FrameSink = std::function<void(const DecodedFrame&)>;

struct DecodeReport {
  std::vector<FrameRecord> frames;  // in output order
  uint32_t stream_id = 0;
  uint32_t drc_events = 0, error_events = 0;
  uint32_t error_code = 0;  // detail of the last error event
  uint32_t inputs_consumed = 0, inputs_canceled = 0, outputs_canceled = 0;
  bool stopped = false, destroyed_mid_stream = false;
  std::optional<uint64_t> first_timestamp_after_stop;
  uint32_t resets = 0;
  uint32_t frame_drains = 0;
  std::vector<std::string> raw_answers;  // result of each raw command, e.g. "ERR_INVALID_COMMAND"
  std::optional<uint64_t> first_timestamp_after_reset;
  bool drained = false, destroyed = false;
  std::string destroy_result;  // the destroy's answer (e.g. INVALID_STREAM_ID after an error closed the stream)
  sc_core::sc_time drain_sent, drain_answered;  // the drain submitted / its answer reaped
  std::vector<std::string> problems;  // anything the device refused or that went wrong
  std::map<uint64_t, sc_core::sc_time> input_queued;  // by timestamp: first unit of each timestamp
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
