// Answers to held commands, and the closing of streams whose pending commands
// they cancel. An answer writes its response by DMA, which waits: it takes the
// command by head and reads nothing of stream state.
#include <algorithm>

#include <fmt/format.h>

#include "models/protocols/v6/video_device.h"

namespace vvsim::virtio_video {

void VideoDevice::answer(CompletionTag tag, const std::vector<uint8_t>& response) {
  if (route_ && route_->owns(tag)) return route_->deliver(tag, response);
  answer_chain(tag, response);
}

void VideoDevice::answer_chain(CompletionTag tag, const std::vector<uint8_t>& response) {
  const auto chain = completions_.take(tag);  // out of the table before the DMA waits
  if (!chain) {
    // Answering twice would complete whatever command now uses the head.
    diagnose(fmt::format("internal: commandq chain {} answered twice; second answer dropped", tag));
    return;
  }
  const uint32_t n = std::min<uint32_t>(static_cast<uint32_t>(response.size()), chain->response_capacity);
  transport_->dma_write(chain->response_addr, response.data(), n);
  transport_->complete(kCommandQueue, chain->tag, faults_.response_used_len(n));
}

void VideoDevice::answer_result(CompletionTag head, Result result, const std::string& why) {
  if (result == Result::ErrCanceled) ++stats_.canceled;
  if (result != Result::Ok && result != Result::ErrCanceled) {
    ++stats_.errors_returned;
    diagnose(fmt::format("{}: {}", result_name(result), why));
  }
  std::vector<uint8_t> out;
  encode_result(out, result);
  answer(head, out);
}

void VideoDevice::answer_queue(CompletionTag head, const ResourceQueueResp& resp) {
  if (resp.result == Result::ErrCanceled) ++stats_.canceled;
  answer(head, to_bytes(resp));
}

void VideoDevice::refuse_queue(CompletionTag head, Result result, const std::string& why) {
  ++stats_.errors_returned;
  diagnose(fmt::format("RESOURCE_QUEUE {}: {}", result_name(result), why));
  ResourceQueueResp resp;
  resp.result = result;
  answer_queue(head, resp);
}

void VideoDevice::send(const Answers& answers) {
  for (const auto& a : answers) answer(a.tag, a.bytes);
}

void VideoDevice::withdraw_resource(Resource& r, Answers& out) {
  if (!r.queued) return;
  r.queued = false;
  ResourceQueueResp resp;
  resp.result = Result::ErrCanceled;
  ++stats_.canceled;
  out.push_back({r.command, to_bytes(resp)});
}

void VideoDevice::withdraw_inputs(VideoStream& s, Answers& out) {
  for (auto& w : s.work) {
    if (w.is_drain) {
      const Result result = faults_.interrupted_drain();
      if (result == Result::ErrCanceled) ++stats_.canceled;
      std::vector<uint8_t> bytes;
      encode_result(bytes, result);
      out.push_back({w.drain_command, std::move(bytes)});
    } else {
      withdraw_resource(s.input.resources[w.resource_id], out);
    }
  }
  s.work.clear();
  s.drain_pending = false;
}

void VideoDevice::withdraw_outputs(VideoStream& s, Answers& out) {
  for (uint32_t id : s.ready_outputs) withdraw_resource(s.output.resources[id], out);
  s.ready_outputs.clear();
}

void VideoDevice::close_stream(uint32_t id) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;  // closed meanwhile (an error event, a reset)
  VideoStream& s = *it->second;
  Answers canceled;
  withdraw_inputs(s, canceled);
  withdraw_outputs(s, canceled);
  engine_.cancel(s.owner_name);
  s.closed = true;
  ++s.generation;
  slot_stream_[s.slot] = 0;
  slot_wake_[s.slot]->notify(sc_core::SC_ZERO_TIME);
  streams_.erase(it);
  send(canceled);
}

// §Error Event: the stream is closed (pending commands CANCELED), then the event goes out.
void VideoDevice::fail_stream(uint32_t id, ErrorEventCode code) {
  const Event error{EventType::Error, id, static_cast<uint32_t>(code)};
  const bool event_first = faults_.error_event_before_cancel();
  if (event_first) send_event(error);
  close_stream(id);
  if (!event_first) send_event(error);
}

// The stream a command names, or nothing after answering INVALID_STREAM_ID.
VideoStream* VideoDevice::find_stream(uint32_t id, const PendingCompletion& chain) {
  auto it = streams_.find(id);
  if (it != streams_.end()) return it->second.get();
  answer_result(chain.tag, faults_.missing_stream(), fmt::format("no stream {}", id));
  return nullptr;
}

}  // namespace vvsim::virtio_video
