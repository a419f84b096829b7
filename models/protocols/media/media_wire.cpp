#include "models/protocols/media/media_wire.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "models/protocols/media/v4l2_constants.h"
#include "tlm_virtio/le_bytes.h"

namespace vvsim::virtio_media {

namespace le = tlm_virtio::le;

namespace {

// The refusal of an input shorter than its structure.
WireError truncated(const char* structure, size_t need, size_t have) {
  return {v4l2::kEinval, fmt::format("{}: truncated ({} bytes, needs {})", structure, have, need)};
}

Bytes header(uint32_t first_word, size_t size) {
  Bytes b(size, 0);
  le::put32(b.data(), first_word);
  return b;
}

}  // namespace

const char* cmd_name(Cmd cmd) {
  switch (cmd) {
    case Cmd::Open: return "OPEN";
    case Cmd::Close: return "CLOSE";
    case Cmd::Ioctl: return "IOCTL";
    case Cmd::Mmap: return "MMAP";
    case Cmd::Munmap: return "MUNMAP";
  }
  return "?";
}

Bytes encode(const Config& c) {
  Bytes b(kConfigSize, 0);
  le::put32(b.data() + 0, c.device_caps);
  le::put32(b.data() + 4, c.device_type);
  std::memcpy(b.data() + 8, c.card.data(), std::min(c.card.size(), kCardSize));
  return b;
}

Decoded<Config> decode_config(const Bytes& in) {
  if (in.size() < kConfigSize) return truncated("virtio_media_config", kConfigSize, in.size());
  Config c;
  c.device_caps = le::get32(in.data());
  c.device_type = le::get32(in.data() + 4);
  const auto* card = in.data() + 8;
  c.card.assign(card, std::find(card, card + kCardSize, uint8_t{0}));
  return c;
}

Decoded<CmdHeader> decode_cmd_header(const Bytes& in) {
  if (in.size() < kCmdHeaderSize) return truncated("virtio_media_cmd_header", kCmdHeaderSize, in.size());
  const uint32_t cmd = le::get32(in.data());
  if (cmd < uint32_t(Cmd::Open) || cmd > uint32_t(Cmd::Munmap))
    return WireError{v4l2::kEnotty, fmt::format("virtio_media_cmd_header: unknown command {}", cmd)};
  return CmdHeader{Cmd(cmd)};
}

Bytes encode_open() { return header(uint32_t(Cmd::Open), kCmdHeaderSize); }

Bytes encode(const CmdClose& c) {
  Bytes b = header(uint32_t(Cmd::Close), kCmdCloseSize);
  le::put32(b.data() + 8, c.session_id);
  return b;
}

Bytes encode(const CmdIoctl& c) {
  Bytes b = header(uint32_t(Cmd::Ioctl), kCmdIoctlSize);
  le::put32(b.data() + 8, c.session_id);
  le::put32(b.data() + 12, c.code);
  return b;
}

Bytes encode(const CmdMmap& c) {
  Bytes b = header(uint32_t(Cmd::Mmap), kCmdMmapSize);
  le::put32(b.data() + 8, c.session_id);
  le::put32(b.data() + 12, c.flags);
  le::put32(b.data() + 16, c.offset);
  return b;
}

Bytes encode(const CmdMunmap& c) {
  Bytes b = header(uint32_t(Cmd::Munmap), kCmdMunmapSize);
  le::put64(b.data() + 8, c.driver_addr);
  return b;
}

Decoded<CmdClose> decode_close(const Bytes& in) {
  if (in.size() < kCmdCloseSize) return truncated("virtio_media_cmd_close", kCmdCloseSize, in.size());
  return CmdClose{le::get32(in.data() + 8)};
}

Decoded<CmdIoctl> decode_ioctl(const Bytes& in) {
  if (in.size() < kCmdIoctlSize) return truncated("virtio_media_cmd_ioctl", kCmdIoctlSize, in.size());
  return CmdIoctl{le::get32(in.data() + 8), le::get32(in.data() + 12)};
}

Decoded<CmdMmap> decode_mmap(const Bytes& in) {
  if (in.size() < kCmdMmapSize) return truncated("virtio_media_cmd_mmap", kCmdMmapSize, in.size());
  return CmdMmap{le::get32(in.data() + 8), le::get32(in.data() + 12), le::get32(in.data() + 16)};
}

Decoded<CmdMunmap> decode_munmap(const Bytes& in) {
  if (in.size() < kCmdMunmapSize) return truncated("virtio_media_cmd_munmap", kCmdMunmapSize, in.size());
  return CmdMunmap{le::get64(in.data() + 8)};
}

Bytes encode_resp_header(uint32_t status) { return header(status, kRespHeaderSize); }

Bytes encode(const RespOpen& r) {
  Bytes b = header(r.status, kRespOpenSize);
  le::put32(b.data() + 8, r.session_id);
  return b;
}

Bytes encode(const RespMmap& r) {
  Bytes b = header(r.status, kRespMmapSize);
  le::put64(b.data() + 8, r.driver_addr);
  le::put64(b.data() + 16, r.len);
  return b;
}

Decoded<uint32_t> decode_resp_status(const Bytes& in) {
  if (in.size() < kRespHeaderSize) return truncated("virtio_media_resp_header", kRespHeaderSize, in.size());
  return le::get32(in.data());
}

Decoded<RespOpen> decode_resp_open(const Bytes& in) {
  if (in.size() < kRespOpenSize) return truncated("virtio_media_resp_open", kRespOpenSize, in.size());
  return RespOpen{le::get32(in.data()), le::get32(in.data() + 8)};
}

Decoded<RespMmap> decode_resp_mmap(const Bytes& in) {
  if (in.size() < kRespMmapSize) return truncated("virtio_media_resp_mmap", kRespMmapSize, in.size());
  return RespMmap{le::get32(in.data()), le::get64(in.data() + 8), le::get64(in.data() + 16)};
}

void encode(const SgEntry& e, uint8_t* out) {
  le::put64(out, e.start);
  le::put32(out + 8, e.len);
  le::put32(out + 12, 0);
}

SgEntry decode_sg_entry(const uint8_t* in) { return {le::get64(in), le::get32(in + 8)}; }

Bytes encode(const EventError& e) {
  Bytes b = header(uint32_t(EventKind::Error), kEventErrorSize);
  le::put32(b.data() + 4, e.session_id);
  le::put32(b.data() + 8, e.errno_value);
  return b;
}

Bytes encode(const EventDqbuf& e) {
  Bytes b = header(uint32_t(EventKind::Dqbuf), kEventDqbufSize);
  le::put32(b.data() + 4, e.session_id);
  e.buffer.encode(b.data() + kEventHeaderSize);
  for (size_t i = 0; i < kMaxPlanes; ++i)
    e.planes[i].encode(b.data() + kEventHeaderSize + v4l2::Buffer::kSize + i * v4l2::Plane::kSize);
  return b;
}

Bytes encode(const EventEvent& e) {
  Bytes b = header(uint32_t(EventKind::Event), kEventEventSize);
  le::put32(b.data() + 4, e.session_id);
  e.event.encode(b.data() + kEventHeaderSize);
  return b;
}

Decoded<EventHeader> decode_event_header(const Bytes& in) {
  if (in.size() < kEventHeaderSize) return truncated("virtio_media_event_header", kEventHeaderSize, in.size());
  const uint32_t kind = le::get32(in.data());
  static constexpr size_t kSizes[] = {kEventErrorSize, kEventDqbufSize, kEventEventSize};
  static constexpr const char* kNames[] = {"virtio_media_event_error", "virtio_media_event_dqbuf",
                                           "virtio_media_event_event"};
  if (kind > uint32_t(EventKind::Event))
    return WireError{v4l2::kEinval, fmt::format("virtio_media_event_header: unknown event {}", kind)};
  if (in.size() < kSizes[kind]) return truncated(kNames[kind], kSizes[kind], in.size());
  return EventHeader{EventKind(kind), le::get32(in.data() + 4)};
}

Decoded<EventError> decode_event_error(const Bytes& in) {
  if (in.size() < kEventErrorSize) return truncated("virtio_media_event_error", kEventErrorSize, in.size());
  return EventError{le::get32(in.data() + 4), le::get32(in.data() + 8)};
}

Decoded<EventDqbuf> decode_event_dqbuf(const Bytes& in) {
  if (in.size() < kEventDqbufSize) return truncated("virtio_media_event_dqbuf", kEventDqbufSize, in.size());
  EventDqbuf e;
  e.session_id = le::get32(in.data() + 4);
  e.buffer = v4l2::Buffer::decode(in.data() + kEventHeaderSize);
  for (size_t i = 0; i < kMaxPlanes; ++i)
    e.planes[i] = v4l2::Plane::decode(in.data() + kEventHeaderSize + v4l2::Buffer::kSize + i * v4l2::Plane::kSize);
  return e;
}

Decoded<EventEvent> decode_event_event(const Bytes& in) {
  if (in.size() < kEventEventSize) return truncated("virtio_media_event_event", kEventEventSize, in.size());
  return EventEvent{le::get32(in.data() + 4), v4l2::Event::decode(in.data() + kEventHeaderSize)};
}

}  // namespace vvsim::virtio_media
