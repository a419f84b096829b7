#include "models/protocols/media/media_monitor.h"

#include <fmt/format.h>

#include <algorithm>

#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/v4l2_constants.h"
#include "tlm_virtio/le_bytes.h"

namespace vvsim::virtio_media {

using tlm_virtio::Side;

const std::vector<tlm_virtio::ConformanceRule>& media_rules() {
  static const std::vector<tlm_virtio::ConformanceRule> rules = {
      {"vm-session-id-unique", Side::Device, "Media Device / Open device", "OPEN's session_id is held by no open session"},
      {"vm-ioctl-payload-written", Side::Device, "Media Device / V4L2 ioctls",
       "on success of a device-writable ioctl the payload is written"},
      {"vm-enotty-unsupported", Side::Device, "Media Device / Unsupported ioctls",
       "an unsupported ioctl is answered ENOTTY"},
      {"vm-mmap-len", Side::Device, "Media Device / Mapping a MMAP buffer", "resp_mmap.len equals the buffer's length"},
      {"vm-event-len", Side::Device, "Media Device / Event Virtqueue (Linux-derived)",
       "an event fills its kind's whole struct (16 / 608 / 144 bytes)"},
      {"vm-event-subscribed", Side::Device, "Media Device / Emit an event",
       "EVT_EVENT only for an event type the session subscribed to"},
      {"vm-dqbuf-only-queued", Side::Device, "Media Device / Dequeue buffer (derived)",
       "a DQBUF event names a buffer queued in that session and not yet returned"},
      {"dec-no-frames-before-src-change", Side::Device, "dev-decoder Initialization 4",
       "no decoded frame before the stream's first SOURCE_CHANGE (when subscribed)"},
      {"vm-pointer-echo", Side::Device, "Media Device / Pointers in ioctl payload",
       "v4l2_buffer.m (the planes pointer) comes back in a QBUF or QUERYBUF answer as the driver sent it"},
      {"dec-sel-within-fmt", Side::Device, "dev-decoder Capture Setup 2",
       "G_SELECTION on CAPTURE lies within the width x height the last G_FMT(CAPTURE) answered"},
      {"dec-display-order-timestamps", Side::Device, "dev-decoder Decoding",
       "a decoded CAPTURE buffer carries the timestamp of an OUTPUT buffer the session queued"},
      {"dec-sfmt-output-ebusy", Side::Device, "dev-decoder Commit Points 5",
       "S_FMT(OUTPUT) while either queue has buffers is refused (EBUSY)"},
      {"vm-open-before-use", Side::Driver, "Media Device / Command Virtqueue: Sessions",
       "IOCTL, MMAP and CLOSE name a session OPEN returned"},
      {"vm-no-use-after-close", Side::Driver, "Media Device / Close device",
       "a closed session id is not used until OPEN returns it again"},
      {"vm-ioctl-layout", Side::Driver, "Media Device / V4L2 ioctls / Ioctls payload",
       "the readable part carries the whole payload of a _IOW / _IOWR ioctl"},
      {"vm-error-close", Side::Driver, "Media Device / Device-side error",
       "after an ERROR event the driver closes the session"},
  };
  return rules;
}

MediaMonitor::MediaMonitor() : rules_(media_rules()), log_(rules_) {}

bool MediaMonitor::check_session(uint64_t at, uint32_t id, const char* command) {
  if (open_.count(id)) return true;
  if (closed_.count(id)) log_.report(at, "vm-no-use-after-close", id, command, fmt::format("session {} was closed", id));
  else log_.report(at, "vm-open-before-use", id, command, fmt::format("no OPEN returned session {}", id));
  return false;
}

void MediaMonitor::on_command(uint64_t at, const Bytes& readable, const Bytes& reply) {
  const auto header = decode_cmd_header(readable);
  if (!header) return;
  switch (header->cmd) {
    case Cmd::Open: return on_open(at, reply);
    case Cmd::Close:
      if (const auto c = decode_close(readable); c && check_session(at, c->session_id, "CLOSE")) {
        open_.erase(c->session_id);
        errored_.erase(c->session_id);
        closed_.insert(c->session_id);
      }
      return;
    case Cmd::Ioctl: return on_ioctl(at, readable, reply);
    case Cmd::Mmap: return on_mmap(at, readable, reply);
    case Cmd::Munmap: return;
  }
}

void MediaMonitor::on_open(uint64_t at, const Bytes& reply) {
  const auto r = decode_resp_open(reply);
  if (!r || r->status != 0) return;
  if (open_.count(r->session_id))
    log_.report(at, "vm-session-id-unique", r->session_id, "OPEN", fmt::format("session {} is open", r->session_id));
  open_[r->session_id];
  closed_.erase(r->session_id);
}

void MediaMonitor::on_ioctl(uint64_t at, const Bytes& readable, const Bytes& reply) {
  const auto cmd = decode_ioctl(readable);
  const auto status = decode_resp_status(reply);
  if (!cmd || !status) return;
  const std::string name = fmt::format("IOCTL {}", ioctl_name(cmd->code));
  if (!check_session(at, cmd->session_id, name.c_str())) return;
  const auto info = ioctl_info(cmd->code);
  if ((!info || info->replaced) && *status != v4l2::kEnotty)
    return log_.report(at, "vm-enotty-unsupported", cmd->session_id, name, fmt::format("answered errno {}", *status));
  if (!info) return;
  const bool reads = info->dir == IoctlDir::Write || info->dir == IoctlDir::ReadWrite;
  const bool writes = info->dir == IoctlDir::Read || info->dir == IoctlDir::ReadWrite;
  if (reads && readable.size() < kCmdIoctlSize + info->payload)
    log_.report(at, "vm-ioctl-layout", cmd->session_id, name,
                fmt::format("{} payload bytes, the struct has {}", readable.size() - kCmdIoctlSize, info->payload));
  if (*status != 0) return;
  if (writes && reply.size() < kRespHeaderSize + info->payload)
    return log_.report(at, "vm-ioctl-payload-written", cmd->session_id, name,
                       fmt::format("{} payload bytes written, the struct has {}", reply.size() - kRespHeaderSize,
                                   info->payload));
  const Bytes in(readable.begin() + long(kCmdIoctlSize), readable.end()), out(reply.begin() + long(kRespHeaderSize), reply.end());
  check_answer(at, cmd->session_id, name, cmd->code, in, out);
  track_ioctl(open_[cmd->session_id], cmd->code, in, out);
}

// What a successful ioctl changes in the state the rules read.
void MediaMonitor::track_ioctl(Session& s, uint32_t code, const Bytes& in, const Bytes& out) {
  switch (Ioctl(code)) {
    case Ioctl::SubscribeEvent: s.subscribed.insert(v4l2::EventSubscription::decode(in.data()).type); break;
    case Ioctl::UnsubscribeEvent: s.subscribed.erase(v4l2::EventSubscription::decode(in.data()).type); break;
    case Ioctl::QBuf: {
      const auto b = v4l2::Buffer::decode(in.data());
      s.queued.insert({b.type, b.index});
      if (b.type == v4l2::kBufTypeVideoOutputMplane) s.output_timestamps.insert(v4l2::micros_of(b.timestamp));
      break;
    }
    case Ioctl::GFmt:
    case Ioctl::SFmt: {
      const auto f = v4l2::Format::decode(out.data());
      if (f.type == v4l2::kBufTypeVideoCaptureMplane) s.capture_size = {f.width, f.height};
      if (f.type == v4l2::kBufTypeVideoOutputMplane) s.capture_size.reset();  // a new stream: asked again
      break;
    }
    case Ioctl::QueryBuf:
      if (out.size() >= v4l2::Buffer::kSize + v4l2::Plane::kSize) {
        const auto p = v4l2::Plane::decode(out.data() + v4l2::Buffer::kSize);
        if (v4l2::Buffer::decode(out.data()).memory == v4l2::kMemoryMmap) plane_length_[p.m] = p.length;
      }
      break;
    case Ioctl::StreamOff:
    case Ioctl::ReqBufs: {  // both give the queue's buffers back without events
      const uint32_t type = tlm_virtio::le::get32(in.data() + (Ioctl(code) == Ioctl::ReqBufs ? 4 : 0));
      if (Ioctl(code) == Ioctl::ReqBufs) s.buffers[type] = v4l2::RequestBuffers::decode(out.data()).count;
      for (auto it = s.queued.begin(); it != s.queued.end();) it = it->first == type ? s.queued.erase(it) : std::next(it);
      break;
    }
    default: break;
  }
}

// The device rules a successful ioctl's answer shows, against what the session did before.
void MediaMonitor::check_answer(uint64_t at, uint32_t id, const std::string& name, uint32_t code, const Bytes& in,
                                const Bytes& out) {
  constexpr size_t kBufferPointerAt = 64;  // v4l2_buffer.m on a 64-bit guest
  const auto info = ioctl_info(code);
  if (!info || in.size() < info->payload || out.size() < info->payload) return;
  const Session& s = open_[id];
  switch (Ioctl(code)) {
    case Ioctl::QBuf:
    case Ioctl::QueryBuf:
      if (tlm_virtio::le::get64(in.data() + kBufferPointerAt) != tlm_virtio::le::get64(out.data() + kBufferPointerAt))
        log_.report(at, "vm-pointer-echo", id, name, "v4l2_buffer.m differs from the one the driver sent");
      return;
    case Ioctl::GSelection: {
      const auto r = v4l2::Selection::decode(out.data());
      const bool capture = r.type == v4l2::kBufTypeVideoCapture || r.type == v4l2::kBufTypeVideoCaptureMplane;
      if (!capture || !s.capture_size) return;
      const auto [w, h] = *s.capture_size;
      if (r.left < 0 || r.top < 0 || uint64_t(r.left) + r.width > w || uint64_t(r.top) + r.height > h)
        log_.report(at, "dec-sel-within-fmt", id, name,
                    fmt::format("{}x{} at ({}, {}) in a {}x{} format", r.width, r.height, r.left, r.top, w, h));
      return;
    }
    case Ioctl::SFmt: {
      const bool output = v4l2::Format::decode(in.data()).type == v4l2::kBufTypeVideoOutputMplane;
      const bool allocated = std::any_of(s.buffers.begin(), s.buffers.end(), [](const auto& b) { return b.second > 0; });
      if (output && allocated) log_.report(at, "dec-sfmt-output-ebusy", id, name, "taken while buffers are allocated");
      return;
    }
    default: return;
  }
}

void MediaMonitor::on_mmap(uint64_t at, const Bytes& readable, const Bytes& reply) {
  const auto cmd = decode_mmap(readable);
  const auto r = decode_resp_mmap(reply);
  if (!cmd || !check_session(at, cmd->session_id, "MMAP") || !r || r->status != 0) return;
  const auto it = plane_length_.find(cmd->offset);
  if (it != plane_length_.end() && it->second != r->len)
    log_.report(at, "vm-mmap-len", cmd->session_id, "MMAP",
                fmt::format("len {} for a buffer of {} bytes at offset {:#x}", r->len, it->second, cmd->offset));
}

void MediaMonitor::on_event(uint64_t at, const Bytes& event) {
  const auto header = decode_event_header(event);
  if (!header) return log_.report(at, "vm-event-len", 0, "event", header.error().message);
  const uint32_t id = header->session_id;
  if (header->kind == EventKind::Error) {
    errored_.insert(id);
    return;
  }
  if (header->kind == EventKind::Dqbuf) return on_dqbuf(at, event);
  const auto e = decode_event_event(event);
  auto it = open_.find(id);
  if (it == open_.end()) return;
  if (!it->second.subscribed.count(e->event.type))
    log_.report(at, "vm-event-subscribed", id, "event", fmt::format("event type {} not subscribed", e->event.type));
  if (e->event.type == v4l2::kEventSourceChange) it->second.source_change_seen = true;
}

void MediaMonitor::on_dqbuf(uint64_t at, const Bytes& event) {
  const auto e = decode_event_dqbuf(event);
  auto it = open_.find(e->session_id);
  if (it == open_.end()) return;
  Session& s = it->second;
  const std::pair<uint32_t, uint32_t> key{e->buffer.type, e->buffer.index};
  if (!s.queued.erase(key))
    log_.report(at, "vm-dqbuf-only-queued", e->session_id, "event",
                fmt::format("buffer {} of type {} is not queued", e->buffer.index, e->buffer.type));
  const bool announces = s.subscribed.count(v4l2::kEventSourceChange) != 0;  // "(if subscribed)"
  const bool decoded = e->buffer.type == v4l2::kBufTypeVideoCaptureMplane && e->planes[0].bytesused > 0;
  if (decoded && !s.output_timestamps.count(v4l2::micros_of(e->buffer.timestamp)))
    log_.report(at, "dec-display-order-timestamps", e->session_id, "event",
                fmt::format("CAPTURE buffer {} has timestamp {} us, which no OUTPUT buffer had", e->buffer.index,
                            v4l2::micros_of(e->buffer.timestamp)));
  if (decoded && announces && !s.source_change_seen)
    log_.report(at, "dec-no-frames-before-src-change", e->session_id, "event",
                fmt::format("frame in CAPTURE buffer {} before any SOURCE_CHANGE", e->buffer.index));
}

void MediaMonitor::on_reset(uint64_t) {
  open_.clear();
  closed_.clear();
  errored_.clear();
  plane_length_.clear();
}

void MediaMonitor::on_run_idle(uint64_t at) {
  for (uint32_t id : errored_)
    log_.report(at, "vm-error-close", id, "CLOSE", fmt::format("session {} had an ERROR event and is still open", id));
}

}  // namespace vvsim::virtio_media
