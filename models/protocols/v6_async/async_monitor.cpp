#include "models/protocols/v6_async/async_monitor.h"

#include <fmt/format.h>

namespace vvsim::virtio_video {

namespace {

constexpr const char* kScheme = "v6-async completions (docs/spec-notes.md §7)";
constexpr const char* kUnblock = "v6-async STREAM_UNBLOCK (docs/spec-notes.md §7)";

const std::vector<ConformanceRule> kAsyncRules = {
    {"async-cookie-unique", Side::Driver, kScheme,
     "a RESOURCE_QUEUE or DRAIN carries a nonzero cookie no other command in flight carries"},
    {"async-cookie-echoed", Side::Device, kScheme, "every completion event names the cookie of a command in flight"},
    {"async-completion-once", Side::Device, kScheme, "no command completes twice"},
    {"async-completion-missing", Side::Device, kScheme,
     "every command a STOP or DESTROY ends completes (CANCELED) by the time nothing is left to happen (a command "
     "no STOP or DESTROY ended may wait for the driver: that shows as the run's deadlock)"},
    {"async-nothing-after-canceled", Side::Device, kScheme, "nothing completes a command after its CANCELED completion"},
    {"async-no-output-while-blocked", Side::Device, kUnblock,
     "after a DRC no output completes until STREAM_UNBLOCK is answered"},
    {"async-unblock-when-blocked", Side::Driver, kUnblock, "STREAM_UNBLOCK is sent only while a DRC holds the outputs"},
    {"async-unblock-refused", Side::Device, kUnblock,
     "STREAM_UNBLOCK of a stream whose outputs are not held is answered INVALID_OPERATION"},
};

// A chain as v6 sizes it: the v6 command in its readable part, room for v6's answer in its writable one.
tlm_virtio::DescriptorChain v6_sized(const tlm_virtio::DescriptorChain& chain, tlm_virtio::ChainId id, size_t command,
                                     size_t response) {
  tlm_virtio::DescriptorChain c = chain;
  c.id = id;
  if (!c.readable.empty()) c.readable = {{c.readable.front().addr, uint32_t(command)}};
  if (!c.writable.empty()) c.writable = {{c.writable.front().addr, uint32_t(response)}};
  return c;
}

std::vector<uint8_t> v6_answer(CmdType cmd, Result result) {
  if (cmd == CmdType::ResourceQueue) return to_bytes(ResourceQueueResp{result});
  std::vector<uint8_t> out;
  encode_result(out, result);
  return out;
}

}  // namespace

const conformance::RuleRegistry& async_rule_registry() {
  static const conformance::RuleRegistry registry(kAsyncRules);
  return registry;
}

std::vector<std::string> async_rule_ids() {
  std::vector<std::string> ids;
  for (const auto& r : kAsyncRules) ids.push_back(r.id);
  return ids;
}

void AsyncMonitor::on_chain_taken(uint64_t at_ps, uint32_t queue, const tlm_virtio::DescriptorChain& chain,
                                  const std::vector<uint8_t>& readable) {
  if (queue == kEventQueue) return v6_.on_chain_taken(at_ps, queue, chain, readable);
  take_command(at_ps, chain, readable);
}

void AsyncMonitor::take_command(uint64_t at_ps, const tlm_virtio::DescriptorChain& chain,
                                const std::vector<uint8_t>& readable) {
  const auto code = decode_cmd_type(ByteSpan(readable));
  if (code && *code == kCmdStreamUnblock) {
    const uint32_t stream = decode_unblock(ByteSpan(readable)).value_or(UnblockCmd{}).stream_id;
    const bool blocked = blocked_.count(stream) != 0;
    if (!blocked)
      log_.report(at_ps, "async-unblock-when-blocked", stream, "STREAM_UNBLOCK", "no DRC holds the stream's outputs");
    unblocks_[chain.id] = {stream, blocked};
    return;
  }
  const auto v6 = v6_form(ByteSpan(readable));
  if (!code || !completes_on_eventq(*code) || !v6) {
    const auto closer = decode_stream_cmd(ByteSpan(readable));
    if (closer && closer->cmd != CmdType::StreamDrain)
      closers_[chain.id] = {closer->stream_id, closer->cmd == CmdType::StreamDestroy};
    return v6_.on_chain_taken(at_ps, kCommandQueue, chain, readable);
  }
  const uint64_t cookie = *v6->cookie;
  const auto cmd = static_cast<CmdType>(*code);
  const uint32_t stream = decode_async_cmd_header(ByteSpan(readable))->stream_id;
  if (cookie == 0 || owed_.count(cookie))
    log_.report(at_ps, "async-cookie-unique", stream, cmd_type_name(cmd),
                fmt::format("cookie {:#x} {}", cookie, cookie == 0 ? "is zero" : "is already in flight"));
  Owed o;
  o.v6_chain = v6_sized(chain, tlm_virtio::ChainId{next_chain_id_++}, v6->bytes.size(), ok_response_size(cmd));
  o.cmd = cmd;
  o.stream_id = stream;
  const auto q = cmd == CmdType::ResourceQueue ? decode_resource_queue(ByteSpan(v6->bytes)) : ResourceQueueCmd{};
  o.output = cmd == CmdType::ResourceQueue && q && q->queue_type == static_cast<uint32_t>(QueueType::Output);
  v6_.on_chain_taken(at_ps, kCommandQueue, o.v6_chain, v6->bytes);
  cookie_of_chain_[chain.id] = cookie;
  owed_[cookie] = std::move(o);
}

void AsyncMonitor::on_chain_returned(uint64_t at_ps, uint32_t queue, const tlm_virtio::DescriptorChain& chain,
                                     uint32_t written, const std::vector<uint8_t>& response) {
  if (queue == kEventQueue) return take_event(at_ps, chain, response);
  answer_command(at_ps, chain, written, response);
}

void AsyncMonitor::answer_command(uint64_t at_ps, const tlm_virtio::DescriptorChain& chain, uint32_t written,
                                  const std::vector<uint8_t>& response) {
  const Result result = decode_result(ByteSpan(response)).value_or(Result::ErrInvalidArgument);
  if (auto u = unblocks_.find(chain.id); u != unblocks_.end()) {
    const auto [stream, was_blocked] = u->second;
    unblocks_.erase(u);
    if (result == Result::Ok && !was_blocked)
      log_.report(at_ps, "async-unblock-refused", stream, "STREAM_UNBLOCK", "answered OK with no output held");
    if (result == Result::Ok) blocked_.erase(stream);
    return;
  }
  auto c = cookie_of_chain_.find(chain.id);
  if (c == cookie_of_chain_.end()) {
    if (!hold_answer(chain, written, response)) v6_.on_chain_returned(at_ps, kCommandQueue, chain, written, response);
    return;
  }
  const uint64_t cookie = c->second;
  cookie_of_chain_.erase(c);
  auto o = owed_.find(cookie);
  if (o == owed_.end()) return;  // completed before its OK reached the ring
  if (result == Result::Ok) {
    o->second.accepted = true;
    return;
  }
  const auto answer = v6_answer(o->second.cmd, result);
  v6_.on_chain_returned(at_ps, kCommandQueue, o->second.v6_chain, uint32_t(answer.size()), answer);
  owed_.erase(o);
}

void AsyncMonitor::take_event(uint64_t at_ps, const tlm_virtio::DescriptorChain& chain,
                              const std::vector<uint8_t>& response) {
  const auto e = decode_async_event(ByteSpan(response));
  if (!e) return v6_.on_chain_returned(at_ps, kEventQueue, chain, uint32_t(response.size()), response);
  if (const auto v6 = v6_form(*e)) {
    if (v6->type == EventType::Drc && (e->flags & kEventFlagBlocked)) blocked_.insert(e->stream_id);
    const auto bytes = to_bytes(*v6);
    return v6_.on_chain_returned(at_ps, kEventQueue, chain, uint32_t(bytes.size()), bytes);
  }
  take_completion(at_ps, *e);
}

void AsyncMonitor::take_completion(uint64_t at_ps, const AsyncEvent& e) {
  auto o = owed_.find(e.cookie);
  if (o == owed_.end()) {
    if (canceled_.contains(e.cookie))
      report(at_ps, "async-nothing-after-canceled", e.stream_id, fmt::format("cookie {:#x} completed after CANCELED", e.cookie));
    else if (completed_.contains(e.cookie))
      report(at_ps, "async-completion-once", e.stream_id, fmt::format("cookie {:#x} completed again", e.cookie));
    else
      report(at_ps, "async-cookie-echoed", e.stream_id, fmt::format("cookie {:#x} names no command in flight", e.cookie));
    return;
  }
  const bool canceled = e.flags & kEventFlagCanceled;
  if (o->second.output && !canceled && blocked_.count(e.stream_id))
    report(at_ps, "async-no-output-while-blocked", e.stream_id,
           fmt::format("output completed (cookie {:#x}) before STREAM_UNBLOCK", e.cookie));
  const auto answer = v6_response(e);
  v6_.on_chain_returned(at_ps, kCommandQueue, o->second.v6_chain, uint32_t(answer.size()), answer);
  (canceled ? canceled_ : completed_).insert(e.cookie);
  owed_.erase(o);
  release_answers(at_ps, e.cookie);
}

// DESTROY cancels every command of its stream, STOP those of its INPUT queue and the drain.
bool AsyncMonitor::hold_answer(const tlm_virtio::DescriptorChain& chain, uint32_t written,
                               const std::vector<uint8_t>& response) {
  auto closer = closers_.find(chain.id);
  if (closer == closers_.end()) return false;
  const auto [stream, destroy] = closer->second;
  closers_.erase(closer);
  HeldAnswer held{chain, written, response, stream, destroy, {}};
  for (const auto& [cookie, o] : owed_)
    if (o.stream_id == stream && (destroy || !o.output)) held.waiting.insert(cookie);
  if (held.waiting.empty()) return false;
  held_answers_.push_back(std::move(held));
  return true;
}

void AsyncMonitor::release_answers(uint64_t at_ps, uint64_t completed_cookie) {
  for (auto it = held_answers_.begin(); it != held_answers_.end();) {
    it->waiting.erase(completed_cookie);
    if (!it->waiting.empty()) {
      ++it;
      continue;
    }
    const HeldAnswer held = std::move(*it);
    it = held_answers_.erase(it);
    v6_.on_chain_returned(at_ps, kCommandQueue, held.chain, held.written, held.response);
  }
}

// A STOP or DESTROY answer still held waits for completions that can no longer
// come; v6's monitor then gets the answer, as the driver did.
void AsyncMonitor::on_run_idle(uint64_t at_ps) {
  for (const auto& held : held_answers_) {
    for (uint64_t cookie : held.waiting) {
      const auto o = owed_.find(cookie);
      const char* what = o == owed_.end() ? "command" : cmd_type_name(o->second.cmd);
      report(at_ps, "async-completion-missing", held.stream_id,
             fmt::format("{} cookie {:#x} ended by the stream's {} never completed; nothing is left to happen", what,
                         cookie, held.destroy ? "DESTROY" : "STOP"));
    }
    v6_.on_chain_returned(at_ps, kCommandQueue, held.chain, held.written, held.response);
  }
  held_answers_.clear();
}

void AsyncMonitor::on_reset(uint64_t at_ps) {
  cookie_of_chain_.clear();
  unblocks_.clear();
  owed_.clear();
  closers_.clear();
  held_answers_.clear();
  completed_.clear();
  canceled_.clear();
  blocked_.clear();
  v6_.on_reset(at_ps);
}

}  // namespace vvsim::virtio_video
