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
      {"vm-error-no-recycle", Side::Device, "Media Device / Device-side error",
       "OPEN does not hand out the id of a session that had an ERROR event before the driver closed it"},
      {"vm-userptr-echo", Side::Device, "Media Device / Shared Pages",
       "a USERPTR plane's m.userptr comes back in a QBUF or QUERYBUF answer as the driver sent it"},
      {"vm-mmap-bounds", Side::Device, "Media Device / Mapping a MMAP buffer (driver_addr: an offset into SHM region 0)",
       "resp_mmap's driver_addr + len lie within SHM region 0"},
      {"vm-mmap-persist", Side::Device, "Media Device / Unmapping a MMAP buffer",
       "a mapping keeps its range until MUNMAP: no MMAP of another buffer overlaps it, even after CLOSE or REQBUFS"},
      {"dec-drain-ebusy", Side::Device, "dev-decoder Drain (note)",
       "DEC_CMD_START or DEC_CMD_STOP during a drain is refused (EBUSY)"},
      {"dec-stopped-after-last", Side::Device, "dev-decoder Drain 3, Dynamic Resolution Change 2 (derived)",
       "after a CAPTURE buffer flagged LAST no CAPTURE buffer comes back until DEC_CMD_START or a STREAMON"},
      {"dec-stop-needs-both-streaming", Side::Device, "dev-decoder Drain 1 (warning)",
       "DEC_CMD_STOP while either queue is not streaming succeeds (and starts no drain)"},
      {"dec-drain-eos", Side::Device, "dev-decoder Drain 2",
       "a drain's LAST buffer is followed by the EOS event when the session subscribed to EOS"},
      {"dec-drain-accept-not-process", Side::Device, "dev-decoder Drain 3",
       "OUTPUT queued after a drain's LAST is not returned until DEC_CMD_START or a STREAMON"},
      {"vm-bytesused-within-length", Side::Device, "Media Device / Dequeue buffer (v4l2_plane: bytesused is the payload of length bytes)",
       "a DQBUF event's plane has bytesused no larger than its length"},
      {"dec-src-change-resolution", Side::Device, "dev-decoder Initialization 4, Dynamic Resolution Change 1",
       "a SOURCE_CHANGE event has V4L2_EVENT_SRC_CH_RESOLUTION in its changes"},
      {"vm-event-sequence", Side::Device, "Media Device / Emit an event (VIDIOC_DQEVENT: sequence)",
       "a session's V4L2 events are numbered one after the other: none is lost"},
      {"enc-capture-master", Side::Device, "dev-encoder Commit Points 5, Initialization 1",
       "an encoder's S_FMT(CAPTURE) while either queue has buffers is refused (EBUSY)"},
      {"enc-drain-ebusy", Side::Device, "dev-encoder Drain (note)",
       "ENC_CMD_START or ENC_CMD_STOP during a drain is refused (EBUSY)"},
      {"enc-frame-type-flag", Side::Device, "dev-encoder Encoding (note on V4L2_BUF_FLAG_*FRAME)",
       "each coded CAPTURE buffer of an encoder carries KEYFRAME, PFRAME or BFRAME"},
      {"enc-starts-both-streaming", Side::Device, "dev-encoder Initialization 8",
       "no coded CAPTURE buffer before both queues stream (again, after a STREAMOFF(CAPTURE))"},
      {"enc-drain-corner-cases", Side::Device, "dev-encoder Drain (note: corner cases)",
       "a drain ends with LAST once a CAPTURE buffer is there for it, STREAMOFF(OUTPUT) completing it; "
       "STREAMOFF(CAPTURE) cancels it: no LAST without a drain; a STOP with nothing pending gets its empty LAST first"},
      {"enc-reset-independent", Side::Device, "dev-encoder Reset 3, Initialization (note on restarting CAPTURE)",
       "the first coded CAPTURE buffer after STREAMOFF + STREAMON(CAPTURE) is a key frame"},
      {"enc-ctrl-ebusy", Side::Device, "dev-encoder Encoding Parameter Changes",
       "a control set while streaming reads back as answered: one that cannot change then is refused (EBUSY)"},
      {"vm-open-before-use", Side::Driver, "Media Device / Command Virtqueue: Sessions",
       "IOCTL, MMAP and CLOSE name a session OPEN returned"},
      {"vm-no-use-after-close", Side::Driver, "Media Device / Close device",
       "a closed session id is not used until OPEN returns it again"},
      {"vm-ioctl-layout", Side::Driver, "Media Device / V4L2 ioctls / Ioctls payload",
       "the readable part carries the whole payload of a _IOW / _IOWR ioctl"},
      {"vm-error-close", Side::Driver, "Media Device / Device-side error",
       "after an ERROR event the driver closes the session"},
      {"vm-qbuf-owned", Side::Driver, "Media Device / Dequeue buffer (derived)",
       "QBUF names a buffer the device does not hold: not one queued and not yet returned by DQBUF"},
      {"vm-qbuf-index-allocated", Side::Driver, "dev-decoder Initialization 2, Capture Setup 10 (use the count REQBUFS returned)",
       "QBUF's index is below the count the queue's last REQBUFS answered"},
      {"vm-sg-covers-length", Side::Driver, "Media Device / V4L2 ioctls / Userspace memory",
       "the SG entries after a USERPTR plane cover its length"},
  };
  return rules;
}

MediaMonitor::MediaMonitor(uint64_t shm_length) : rules_(media_rules()), log_(rules_), shm_length_(shm_length) {}

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
    case Cmd::Munmap: return on_munmap(readable, reply);
  }
}

void MediaMonitor::on_open(uint64_t at, const Bytes& reply) {
  const auto r = decode_resp_open(reply);
  if (!r || r->status != 0) return;
  if (errored_.count(r->session_id))
    log_.report(at, "vm-error-no-recycle", r->session_id, "OPEN",
                fmt::format("session {} had an ERROR event and is not closed", r->session_id));
  else if (open_.count(r->session_id))
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
  if (readable.size() >= kCmdIoctlSize + info->payload)
    check_request(at, cmd->session_id, name, cmd->code, Bytes(readable.begin() + long(kCmdIoctlSize), readable.end()), *status);
  if (*status != 0) return;
  if (writes && reply.size() < kRespHeaderSize + info->payload)
    return log_.report(at, "vm-ioctl-payload-written", cmd->session_id, name,
                       fmt::format("{} payload bytes written, the struct has {}", reply.size() - kRespHeaderSize,
                                   info->payload));
  const Bytes in(readable.begin() + long(kCmdIoctlSize), readable.end()), out(reply.begin() + long(kRespHeaderSize), reply.end());
  check_answer(at, cmd->session_id, name, cmd->code, in, out);
  Session& s = open_[cmd->session_id];
  if (s.encoder) check_controls(at, cmd->session_id, name, s, cmd->code, out);
  track_ioctl(s, cmd->code, in, out);
}

// The rules a request shows whatever its answer: what the driver asked, what the device refused.
void MediaMonitor::check_request(uint64_t at, uint32_t id, const std::string& name, uint32_t code, const Bytes& in,
                                 uint32_t status) {
  const Session& s = open_[id];
  if (Ioctl(code) == Ioctl::QBuf) {
    const auto b = v4l2::Buffer::decode(in.data());
    if (s.queued.count({b.type, b.index}))
      log_.report(at, "vm-qbuf-owned", id, name, fmt::format("buffer {} of type {} is queued", b.index, b.type));
    const auto count = s.buffers.find(b.type);
    if (b.index >= (count == s.buffers.end() ? 0 : count->second))
      log_.report(at, "vm-qbuf-index-allocated", id, name,
                  fmt::format("buffer {} of type {}: REQBUFS gave {}", b.index, b.type,
                              count == s.buffers.end() ? 0 : count->second));
    if (b.memory == v4l2::kMemoryUserptr) check_sg_cover(at, id, name, in);
  }
  if (Ioctl(code) == Ioctl::EncoderCmd && s.draining && status == 0 && !errored_.count(id))
    log_.report(at, "enc-drain-ebusy", id, name, fmt::format("ENC_CMD {} taken during a drain", v4l2::EncoderCmd::decode(in.data()).cmd));
  if (Ioctl(code) != Ioctl::DecoderCmd || errored_.count(id)) return;
  const uint32_t cmd = v4l2::DecoderCmd::decode(in.data()).cmd;
  const bool both_streaming = s.streaming.size() == 2;
  if (cmd == v4l2::kDecCmdStop && !both_streaming && status != 0)
    log_.report(at, "dec-stop-needs-both-streaming", id, name, fmt::format("refused with errno {}", status));
  if (s.draining && status == 0)
    log_.report(at, "dec-drain-ebusy", id, name, fmt::format("DEC_CMD {} taken during a drain", cmd));
}

// USERPTR planes, each followed in turn by SG entries until they cover its length (§Userspace memory).
void MediaMonitor::check_sg_cover(uint64_t at, uint32_t id, const std::string& name, const Bytes& in) {
  const auto b = v4l2::Buffer::decode(in.data());
  size_t entry = v4l2::Buffer::kSize + size_t(b.length) * v4l2::Plane::kSize;
  for (uint32_t p = 0; p < b.length; ++p) {
    if (v4l2::Buffer::kSize + (p + 1) * v4l2::Plane::kSize > in.size()) return;  // vm-ioctl-layout's business
    const uint32_t length = v4l2::Plane::decode(in.data() + v4l2::Buffer::kSize + p * v4l2::Plane::kSize).length;
    uint64_t covered = 0;
    for (; covered < length && entry + kSgEntrySize <= in.size(); entry += kSgEntrySize)
      covered += decode_sg_entry(in.data() + entry).len;
    if (covered < length)
      return log_.report(at, "vm-sg-covers-length", id, name,
                         fmt::format("plane {}: SG entries cover {} of its {} bytes", p, covered, length));
  }
}

// DEC_CMD_START or a STREAMON: a stopped decoder goes on (Drain 3, DRC).
void MediaMonitor::resume(Session& s) {
  s.capture_stopped = s.output_stopped = false;
  s.queued_after_drain.clear();
}

// What a successful ioctl changes in the state the rules read.
void MediaMonitor::track_ioctl(Session& s, uint32_t code, const Bytes& in, const Bytes& out) {
  switch (Ioctl(code)) {
    case Ioctl::SubscribeEvent: s.subscribed.insert(v4l2::EventSubscription::decode(in.data()).type); break;
    case Ioctl::UnsubscribeEvent: s.subscribed.erase(v4l2::EventSubscription::decode(in.data()).type); break;
    case Ioctl::QBuf: {
      const auto b = v4l2::Buffer::decode(in.data());
      s.queued.insert({b.type, b.index});
      if (b.type == v4l2::kBufTypeVideoOutputMplane && s.output_stopped) s.queued_after_drain.insert(b.index);
      if (b.type == v4l2::kBufTypeVideoOutputMplane) s.output_timestamps.insert(v4l2::micros_of(b.timestamp));
      break;
    }
    case Ioctl::GFmt:
    case Ioctl::SFmt: {
      const auto f = v4l2::Format::decode(out.data());
      if (f.type == v4l2::kBufTypeVideoCaptureMplane) s.capture_size = {f.width, f.height};
      if (f.type == v4l2::kBufTypeVideoCaptureMplane && f.pixelformat != v4l2::kPixFmtYuv420) s.encoder = true;
      if (f.type == v4l2::kBufTypeVideoOutputMplane) s.capture_size.reset();  // a new stream: asked again
      break;
    }
    case Ioctl::QueryBuf:
      if (out.size() >= v4l2::Buffer::kSize + v4l2::Plane::kSize) {
        const auto p = v4l2::Plane::decode(out.data() + v4l2::Buffer::kSize);
        if (v4l2::Buffer::decode(out.data()).memory == v4l2::kMemoryMmap) plane_length_[p.m] = p.length;
      }
      break;
    case Ioctl::StreamOn: track_stream(s, true, tlm_virtio::le::get32(in.data())); break;
    case Ioctl::EncoderCmd:  // START and STOP have the decoder's values and drain rules
    case Ioctl::DecoderCmd: {
      const uint32_t cmd = tlm_virtio::le::get32(in.data());
      if (cmd == v4l2::kDecCmdStart) resume(s);
      if (Ioctl(code) == Ioctl::EncoderCmd && cmd == v4l2::kEncCmdStop) s.idle_drain = starts_idle_drain(s);
      if (cmd == v4l2::kDecCmdStop && s.streaming.size() == 2) s.draining = true, s.source_change_since_stop = false;
      break;
    }
    case Ioctl::StreamOff:
    case Ioctl::ReqBufs: {  // both give the queue's buffers back without events
      const uint32_t type = tlm_virtio::le::get32(in.data() + (Ioctl(code) == Ioctl::ReqBufs ? 4 : 0));
      if (Ioctl(code) == Ioctl::ReqBufs) s.buffers[type] = v4l2::RequestBuffers::decode(out.data()).count, ++s.reqbufs_epoch;
      else track_stream(s, false, type);
      for (auto it = s.queued.begin(); it != s.queued.end();) it = it->first == type ? s.queued.erase(it) : std::next(it);
      break;
    }
    default: break;
  }
}

void MediaMonitor::track_stream(Session& s, bool on, uint32_t type) {
  const bool capture = type == v4l2::kBufTypeVideoCaptureMplane;
  if (on) {
    s.streaming.insert(type);
    resume(s);  // a restart of either queue resumes (Drain 3)
    s.both_streamed = s.both_streamed || s.streaming.size() == 2;
    return;
  }
  s.streaming.erase(type);
  // STREAMOFF aborts a decoder's drain (Drain note); an encoder's STREAMOFF(OUTPUT) completes it
  // instead, its LAST still to come (dev-encoder Drain corner cases).
  s.draining = s.draining && s.encoder && !capture;
  if (capture) s.both_streamed = false, s.key_frame_owed = true;  // a new stream follows (dev-encoder Reset)
  if (capture) s.coding.clear(), s.idle_drain = false;  // undelivered frames dropped, the drain cancelled
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
      return check_userptr_echo(at, id, name, in, out);
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
      const auto f = v4l2::Format::decode(out.data());
      const bool output = f.type == v4l2::kBufTypeVideoOutputMplane;
      const bool allocated = std::any_of(s.buffers.begin(), s.buffers.end(), [](const auto& b) { return b.second > 0; });
      const bool coded_capture = f.type == v4l2::kBufTypeVideoCaptureMplane && f.pixelformat != v4l2::kPixFmtYuv420;  // an encoder's master queue
      if (output && allocated && !s.encoder) log_.report(at, "dec-sfmt-output-ebusy", id, name, "taken while buffers are allocated");
      if (coded_capture && allocated) log_.report(at, "enc-capture-master", id, name, "taken while buffers are allocated");
      return;
    }
    default: return;
  }
}

// Each plane after the v4l2_buffer: a USERPTR plane's m.userptr as sent (§Shared Pages).
void MediaMonitor::check_userptr_echo(uint64_t at, uint32_t id, const std::string& name, const Bytes& in, const Bytes& out) {
  constexpr size_t kPlanePointerAt = 8;  // v4l2_plane.m
  const auto b = v4l2::Buffer::decode(in.data());
  if (b.memory != v4l2::kMemoryUserptr) return;
  for (size_t p = 0; p < b.length; ++p) {
    const size_t at_plane = v4l2::Buffer::kSize + p * v4l2::Plane::kSize + kPlanePointerAt;
    if (at_plane + 8 > in.size() || at_plane + 8 > out.size()) return;
    if (tlm_virtio::le::get64(in.data() + at_plane) != tlm_virtio::le::get64(out.data() + at_plane))
      log_.report(at, "vm-userptr-echo", id, name, fmt::format("plane {}'s m.userptr differs from the one sent", p));
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
  if (r->driver_addr > shm_length_ || r->len > shm_length_ - r->driver_addr)
    log_.report(at, "vm-mmap-bounds", cmd->session_id, "MMAP",
                fmt::format("[{:#x}, +{:#x}) past the region's {:#x} bytes", r->driver_addr, r->len, shm_length_));
  const Mapping mine{r->len, cmd->session_id, open_[cmd->session_id].reqbufs_epoch, cmd->offset, 1};
  for (auto& [addr, m] : mappings_) {
    const bool same_buffer = addr == r->driver_addr && m.session == mine.session && m.reqbufs_epoch == mine.reqbufs_epoch &&
                             m.mem_offset == mine.mem_offset;
    if (same_buffer) return void(++m.count);
    if (addr < r->driver_addr + r->len && r->driver_addr < addr + m.len)
      log_.report(at, "vm-mmap-persist", cmd->session_id, "MMAP",
                  fmt::format("[{:#x}, +{:#x}) overlaps session {}'s mapping at {:#x}, not unmapped", r->driver_addr, r->len,
                              m.session, addr));
  }
  mappings_[r->driver_addr] = mine;
}

void MediaMonitor::on_munmap(const Bytes& readable, const Bytes& reply) {
  const auto cmd = decode_munmap(readable);
  const auto status = decode_resp_status(reply);
  if (!cmd || !status || *status != 0) return;
  const auto it = mappings_.find(cmd->driver_addr);
  if (it != mappings_.end() && --it->second.count == 0) mappings_.erase(it);
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
  auto& last = it->second.event_sequence;
  if (last && e->event.sequence != *last + 1)
    log_.report(at, "vm-event-sequence", id, "event", fmt::format("sequence {} after {}", e->event.sequence, *last));
  last = e->event.sequence;
  if (e->event.type == v4l2::kEventSourceChange && !(e->event.src_change_changes & v4l2::kEventSrcChResolution))
    log_.report(at, "dec-src-change-resolution", id, "event",
                fmt::format("SOURCE_CHANGE with changes {:#x}", e->event.src_change_changes));
  if (e->event.type == v4l2::kEventSourceChange) it->second.source_change_seen = it->second.source_change_since_stop = true;
  if (e->event.type == v4l2::kEventEos) it->second.eos_owed = false;
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
  const bool capture = e->buffer.type == v4l2::kBufTypeVideoCaptureMplane;
  const bool decoded = capture && e->planes[0].bytesused > 0;
  if (capture && s.encoder) check_coded(at, e->session_id, s, *e);  // before a LAST ends the drain
  if (s.encoder) track_coding(s, *e);
  check_dequeued(at, e->session_id, s, *e);
  if (decoded && !s.output_timestamps.count(v4l2::micros_of(e->buffer.timestamp)))
    log_.report(at, "dec-display-order-timestamps", e->session_id, "event",
                fmt::format("CAPTURE buffer {} has timestamp {} us, which no OUTPUT buffer had", e->buffer.index,
                            v4l2::micros_of(e->buffer.timestamp)));
  if (decoded && announces && !s.source_change_seen)
    log_.report(at, "dec-no-frames-before-src-change", e->session_id, "event",
                fmt::format("frame in CAPTURE buffer {} before any SOURCE_CHANGE", e->buffer.index));
}

// The stop states a DQBUF event shows and must respect (Drain 2, 3; DRC 2), and its planes' sizes.
void MediaMonitor::check_dequeued(uint64_t at, uint32_t id, Session& s, const EventDqbuf& e) {
  const bool capture = e.buffer.type == v4l2::kBufTypeVideoCaptureMplane;
  for (uint32_t p = 0; p < std::min(e.buffer.length, uint32_t(kMaxPlanes)); ++p)
    if (e.planes[p].bytesused > e.planes[p].length)
      log_.report(at, "vm-bytesused-within-length", id, "event",
                  fmt::format("buffer {} plane {}: bytesused {} of length {}", e.buffer.index, p, e.planes[p].bytesused,
                              e.planes[p].length));
  if (!capture && s.output_stopped && s.queued_after_drain.count(e.buffer.index))
    log_.report(at, "dec-drain-accept-not-process", id, "event",
                fmt::format("OUTPUT buffer {} queued after the drain came back before a restart", e.buffer.index));
  if (capture && s.capture_stopped)
    log_.report(at, "dec-stopped-after-last", id, "event",
                fmt::format("CAPTURE buffer {} after a LAST buffer, with no START or STREAMON since", e.buffer.index));
  if (!capture || !(e.buffer.flags & v4l2::kBufFlagLast)) return;
  if (s.draining && !s.source_change_since_stop) s.output_stopped = true, s.eos_owed = s.subscribed.count(v4l2::kEventEos) != 0;
  s.capture_stopped = true, s.draining = false;
}

void MediaMonitor::on_reset(uint64_t) {
  open_.clear();
  closed_.clear();
  errored_.clear();
  plane_length_.clear();
  mappings_.clear();
}

void MediaMonitor::on_run_idle(uint64_t at) {
  check_drains_ended(at);
  for (const auto& [id, s] : open_)
    if (s.eos_owed) log_.report(at, "dec-drain-eos", id, "event", fmt::format("session {}'s drain ended without EOS", id));
  for (uint32_t id : errored_)
    log_.report(at, "vm-error-close", id, "CLOSE", fmt::format("session {} had an ERROR event and is still open", id));
}

}  // namespace vvsim::virtio_media
