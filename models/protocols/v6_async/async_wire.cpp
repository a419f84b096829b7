#include "models/protocols/v6_async/async_wire.h"

#include <fmt/format.h>

#include "models/protocols/v6/wire_fields.h"

namespace vvsim::virtio_video {

using namespace wire_fields;

namespace {

constexpr size_t kCookieOffset = kStreamCmdSize;  // right after {cmd_type, stream_id}

uint32_t flags_of(Result result) {
  if (result == Result::Ok) return 0;
  return result == Result::ErrCanceled ? kEventFlagCanceled : kEventFlagError;
}

bool known_event_type(uint32_t type) {
  return type >= static_cast<uint32_t>(AsyncEventType::Error) && type <= static_cast<uint32_t>(AsyncEventType::DrainDone);
}

}  // namespace

bool completes_on_eventq(uint32_t cmd_type) {
  return cmd_type == static_cast<uint32_t>(CmdType::ResourceQueue) ||
         cmd_type == static_cast<uint32_t>(CmdType::StreamDrain);
}

void encode(std::vector<uint8_t>& out, const AsyncCmdHeader& v) {
  ByteWriter w(out);
  w.le32(v.cmd_type);
  w.le32(v.stream_id);
  w.le64(v.cookie);
}

void encode(std::vector<uint8_t>& out, const UnblockCmd& v) {
  ByteWriter w(out);
  w.le32(kCmdStreamUnblock);
  w.le32(v.stream_id);
}

void encode(std::vector<uint8_t>& out, const AsyncEvent& v) {
  ByteWriter w(out);
  w.le32(static_cast<uint32_t>(v.type));
  w.le32(v.stream_id);
  w.le64(v.cookie);
  w.le32(v.flags);
  w.le32(v.detail);
  w.le32(v.buffer_flags);
  w.zeros(4);
  w.le64(v.timestamp);
  for (uint32_t s : v.data_sizes) w.le32(s);
}

vvsim::Result<AsyncCmdHeader> decode_async_cmd_header(ByteSpan in) {
  ByteReader r(in, "virtio_video_async_cmd_hdr");
  AsyncCmdHeader v;
  v.cmd_type = r.le32("cmd_type");
  v.stream_id = r.le32("stream_id");
  v.cookie = r.le64("cookie");
  return finish(r, v);
}

vvsim::Result<UnblockCmd> decode_unblock(ByteSpan in) {
  ByteReader r(in, "virtio_video_stream_unblock");
  const uint32_t code = r.le32("cmd_type");
  UnblockCmd v;
  v.stream_id = r.le32("stream_id");
  if (r.failed()) return vvsim::Error{r.error()};
  if (code != kCmdStreamUnblock) return vvsim::Error{fmt::format("virtio_video_stream_unblock: cmd_type {:#x}", code)};
  return v;
}

vvsim::Result<AsyncEvent> decode_async_event(ByteSpan in) {
  ByteReader r(in, "virtio_video_async_event");
  AsyncEvent v;
  const uint32_t type = r.le32("event_type");
  v.stream_id = r.le32("stream_id");
  v.cookie = r.le64("cookie");
  v.flags = r.le32("event_flags");
  v.detail = r.le32("detail");
  v.buffer_flags = r.le32("flags");
  r.skip(4, "padding");
  v.timestamp = r.le64("timestamp");
  for (auto& s : v.data_sizes) s = r.le32("data_sizes");
  if (r.failed()) return vvsim::Error{r.error()};
  if (!known_event_type(type)) return vvsim::Error{fmt::format("virtio_video_async_event: unknown event_type {}", type)};
  v.type = static_cast<AsyncEventType>(type);
  return v;
}

std::vector<uint8_t> async_form(ByteSpan v6_command, uint64_t cookie) {
  std::vector<uint8_t> out(v6_command.data, v6_command.data + v6_command.size);
  const auto code = decode_cmd_type(v6_command);
  if (!code || !completes_on_eventq(*code) || v6_command.size < kCookieOffset) return out;
  std::vector<uint8_t> field;
  ByteWriter(field).le64(cookie);
  out.insert(out.begin() + kCookieOffset, field.begin(), field.end());
  return out;
}

vvsim::Result<V6FormCommand> v6_form(ByteSpan async_command) {
  V6FormCommand v;
  const auto code = decode_cmd_type(async_command);
  if (!code || !completes_on_eventq(*code)) {
    v.bytes.assign(async_command.data, async_command.data + async_command.size);
    return v;
  }
  const auto header = decode_async_cmd_header(async_command);
  if (!header) return header.error();
  v.cookie = header->cookie;
  v.bytes.assign(async_command.data, async_command.data + kCookieOffset);
  const ByteSpan rest = async_command.subspan(kAsyncCmdHeaderSize);
  v.bytes.insert(v.bytes.end(), rest.data, rest.data + rest.size);
  return v;
}

AsyncEvent completion_event(CmdType cmd, uint32_t stream_id, uint64_t cookie, ByteSpan response) {
  AsyncEvent e;
  e.stream_id = stream_id;
  e.cookie = cookie;
  if (cmd == CmdType::ResourceQueue) {
    e.type = AsyncEventType::ResourceDone;
    const auto resp = decode_resource_queue_resp(response);
    const ResourceQueueResp r = resp ? *resp : ResourceQueueResp{decode_result(response).value_or(Result::ErrInvalidArgument)};
    e.detail = static_cast<uint32_t>(r.result);
    e.buffer_flags = r.flags;
    e.timestamp = r.timestamp;
    e.data_sizes = r.data_sizes;
  } else {
    e.type = AsyncEventType::DrainDone;
    e.detail = static_cast<uint32_t>(decode_result(response).value_or(Result::ErrInvalidArgument));
  }
  e.flags = flags_of(static_cast<Result>(e.detail));
  return e;
}

std::vector<uint8_t> v6_response(const AsyncEvent& completion) {
  const auto result = static_cast<Result>(completion.detail);
  if (completion.type != AsyncEventType::ResourceDone) {
    std::vector<uint8_t> out;
    encode_result(out, result);
    return out;
  }
  ResourceQueueResp r;
  r.result = result;
  r.flags = completion.buffer_flags;
  r.timestamp = completion.timestamp;
  r.data_sizes = completion.data_sizes;
  return to_bytes(r);
}

AsyncEvent async_form(const Event& v6_event) {
  AsyncEvent e;
  e.type = v6_event.type == EventType::Drc ? AsyncEventType::Drc : AsyncEventType::Error;
  e.stream_id = v6_event.stream_id;
  e.detail = v6_event.detail;
  e.flags = v6_event.type == EventType::Drc ? kEventFlagBlocked : 0;
  return e;
}

std::optional<Event> v6_form(const AsyncEvent& event) {
  if (event.type == AsyncEventType::Error) return Event{EventType::Error, event.stream_id, event.detail};
  if (event.type == AsyncEventType::Drc) return Event{EventType::Drc, event.stream_id, event.detail};
  return std::nullopt;
}

}  // namespace vvsim::virtio_video
