#include "models/protocols/v6_async/async_device_route.h"

#include <fmt/format.h>

namespace vvsim::virtio_video {

namespace {

constexpr size_t kCookieBytes = kAsyncCmdHeaderSize - kStreamCmdSize;

std::vector<uint8_t> result_bytes(Result result) {
  std::vector<uint8_t> out;
  encode_result(out, result);
  return out;
}

}  // namespace

void AsyncDeviceRoute::answer_result(CompletionTag chain, Result result) { device_.answer_chain(chain, result_bytes(result)); }

std::optional<CompletionRoute::Routed> AsyncDeviceRoute::route(const DeviceTransport::Chain& chain,
                                                                const PendingCompletion& held) {
  const auto code = decode_cmd_type(ByteSpan(chain.readable));
  if (code && *code == kCmdStreamUnblock) {
    unblock(chain, held);
    return std::nullopt;
  }
  if (!code || !completes_on_eventq(*code)) return Routed{chain, held};
  const auto v6 = v6_form(ByteSpan(chain.readable));
  if (!v6) {
    device_.diagnose(v6.error().message);
    answer_result(held.tag, Result::ErrInvalidArgument);
    return std::nullopt;
  }
  Routed routed{chain, held};
  routed.chain.readable = v6->bytes;
  routed.chain.readable_len = chain.readable_len - kCookieBytes;
  const CompletionTag tag{next_tag_++};
  if (next_tag_ == 0) next_tag_ = kFirstDeferredTag;
  const auto header = decode_async_cmd_header(ByteSpan(chain.readable));
  owed_[tag.value] = {held.tag, static_cast<CmdType>(*code), header->stream_id, header->cookie};
  // The handlers answer as to a v6 chain with room for any v6 answer; the route shapes the wire's.
  routed.answer_to = {tag, 0, static_cast<uint32_t>(kResourceQueueRespSize)};
  return routed;
}

// A command the handlers kept is accepted: OK now, the completion later.
void AsyncDeviceRoute::dispatched(const Routed& routed) {
  auto it = owed_.find(routed.answer_to.tag.value);
  if (it == owed_.end() || it->second.accepted) return;
  it->second.accepted = true;
  answer_result(it->second.chain, Result::Ok);
}

void AsyncDeviceRoute::deliver(CompletionTag tag, const std::vector<uint8_t>& v6_response) {
  auto it = owed_.find(tag.value);
  const Owed owed = it->second;
  owed_.erase(it);  // before any wait: answered exactly once
  if (!owed.accepted) {
    // Answered while its handler ran: refused, so no completion follows.
    return answer_result(owed.chain, decode_result(ByteSpan(v6_response)).value_or(Result::ErrInvalidArgument));
  }
  send_completion(owed, v6_response);
}

void AsyncDeviceRoute::send_completion(const Owed& owed, const std::vector<uint8_t>& v6_response) {
  AsyncEvent e = completion_event(owed.cmd, owed.stream_id, owed.cookie, ByteSpan(v6_response));
  if (faults_.drop_canceled && (e.flags & kEventFlagCanceled)) return;
  if (faults_.wrong_cookie) ++e.cookie;
  device_.send_event_bytes(to_bytes(e));
  if (faults_.complete_twice) device_.send_event_bytes(to_bytes(e));
  if (faults_.complete_after_cancel && (e.flags & kEventFlagCanceled)) {
    e.flags = 0;
    e.detail = static_cast<uint32_t>(Result::Ok);
    device_.send_event_bytes(to_bytes(e));
  }
}

void AsyncDeviceRoute::unblock(const DeviceTransport::Chain& chain, const PendingCompletion& held) {
  const auto cmd = decode_unblock(ByteSpan(chain.readable));
  if (!cmd) {
    device_.diagnose(fmt::format("STREAM_UNBLOCK: {}", cmd.error().message));
    return answer_result(held.tag, Result::ErrInvalidArgument);
  }
  Result result = device_.unblock_output(cmd->stream_id);
  if (result != Result::Ok) {
    device_.diagnose(fmt::format("STREAM_UNBLOCK of stream {}: {}", cmd->stream_id, result_name(result)));
    if (faults_.unblock_when_not_blocked && result == Result::ErrInvalidOperation) result = Result::Ok;
  }
  answer_result(held.tag, result);
}

}  // namespace vvsim::virtio_video
