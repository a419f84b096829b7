// The video device's stream workers: one SystemC thread per stream slot hands
// the stream's queued inputs and drains to the role's pipeline (decoder or
// encoder) and holds the steps both pipelines share. Every DMA, engine job and
// answer waits, and the command loop may destroy, stop or fail the stream
// meanwhile: a worker carries a StreamRef (ids and values) across each wait and
// looks the stream up again after it; it never holds a reference into device
// state across a wait.
#include <algorithm>

#include <fmt/format.h>

#include "models/protocols/v6/video_device.h"

namespace vvsim::virtio_video {

using sc_core::sc_time;
using sc_core::sc_time_stamp;

StreamRef ref_of(const VideoStream& s) { return {s.slot, s.id, s.generation}; }

std::unique_ptr<StreamPipeline> make_pipeline(DeviceRole role, VideoDevice& device) {
  if (role == DeviceRole::Encoder) return std::make_unique<EncoderPipeline>(device);
  return std::make_unique<DecoderPipeline>(device);
}

VideoStream* VideoDevice::stream_in_slot(uint32_t slot) {
  const uint32_t id = slot_stream_[slot];
  auto it = id ? streams_.find(id) : streams_.end();
  return it == streams_.end() ? nullptr : it->second.get();
}

VideoStream* VideoDevice::live(const StreamRef& ref) {
  VideoStream* s = stream_in_slot(ref.slot);
  return s && s->id == ref.id && s->generation == ref.generation ? s : nullptr;
}

void VideoDevice::stream_worker(uint32_t slot) {
  std::optional<sc_time> idle_since;  // waiting for input on a live stream
  for (;;) {
    VideoStream* s = stream_in_slot(slot);
    if (!s || s->work.empty()) {
      if (!s) idle_since.reset();
      else if (!idle_since) idle_since = sc_time_stamp();
      sc_core::wait(*slot_wake_[slot]);
      continue;
    }
    if (idle_since) {
      ++stats_.input_waits;
      stats_.input_wait_time += sc_time_stamp() - *idle_since;
      idle_since.reset();
    }
    const StreamRef ref = ref_of(*s);
    if (s->work.front().is_drain) {
      run_drain(ref);
    } else {
      pipeline_->process_input(ref);
    }
  }
}

// The end-of-stream drain: the codec's held pictures (or units) go out, then the DRAIN is answered.
bool VideoDevice::run_drain(const StreamRef& ref) {
  if (!pipeline_->flush(ref)) return false;
  VideoStream* s = live(ref);
  if (!s) return false;
  const CompletionTag command = s->work.front().drain_command;
  s->work.pop_front();
  s->drain_pending = false;
  answer_result(command, Result::Ok);
  return true;
}

void VideoDevice::answer_consumed(VideoStream& s, uint32_t input_id, uint64_t timestamp) {
  s.work.pop_front();
  Resource& consumed = s.input.resources[input_id];
  consumed.queued = false;
  const CompletionTag command = consumed.command;
  ResourceQueueResp resp;
  resp.timestamp = timestamp;
  ++stats_.inputs_consumed;
  answer_queue(command, resp);
}

void VideoDevice::fail_unrecoverable(const StreamRef& ref, const std::string& why, ErrorEventCode code) {
  diagnose(fmt::format("stream {}: {}", ref.id, why));
  if (streams_.count(ref.id)) fail_stream(ref.id, code);
}

bool VideoDevice::wait_for_output(const StreamRef& ref) {
  const sc_time start = sc_time_stamp();
  bool stalled = false;
  for (;;) {
    VideoStream* s = live(ref);
    if (!s) return false;
    if (!s->ready_outputs.empty() && !s->output_blocked) break;
    stalled = true;
    sc_core::wait(*slot_wake_[ref.slot]);
  }
  if (stalled) {
    ++stats_.output_stalls;
    stats_.output_stall_time += sc_time_stamp() - start;
  }
  return true;
}

void VideoDevice::return_output(const StreamRef& ref, uint32_t out_id, const ResourceQueueResp& resp) {
  VideoStream* s = live(ref);
  const auto it = s ? std::find(s->ready_outputs.begin(), s->ready_outputs.end(), out_id) : std::deque<uint32_t>::iterator{};
  if (!s || it == s->ready_outputs.end()) {
    diagnose(fmt::format("stream {}: output {} was canceled while being filled; picture ts {} dropped", ref.id,
                         out_id, resp.timestamp));
    return;
  }
  s->ready_outputs.erase(it);
  Resource& r = s->output.resources[out_id];
  r.queued = false;
  ++stats_.outputs_filled;
  answer_queue(r.command, resp);
}

}  // namespace vvsim::virtio_video
