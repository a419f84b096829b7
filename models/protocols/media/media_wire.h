// The virtio-media wire structures (virtio 1.4 §Media Device): config space,
// command and response headers, the five commands, SG entries and the three
// events, each with its size, an explicit little-endian encoder and a decoder
// that refuses a short input with EINVAL and the structure's name. The V4L2
// payloads they carry are in v4l2_wire.h; the ioctl table in media_ioctls.h.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "models/protocols/media/v4l2_wire.h"

namespace vvsim::virtio_media {

constexpr uint32_t kDeviceId = 48;
constexpr unsigned kCommandQueue = 0, kEventQueue = 1;
constexpr uint32_t kShmRegionMmap = 0;  // shared memory region of MMAP buffers

enum class Cmd : uint32_t { Open = 1, Close = 2, Ioctl = 3, Mmap = 4, Munmap = 5 };
enum class EventKind : uint32_t { Error = 0, Dqbuf = 1, Event = 2 };
constexpr uint32_t kMmapFlagRw = 1u << 0;
constexpr size_t kMaxPlanes = 8;  // VIRTIO_MEDIA_MAX_PLANES

// Sizes (bytes) as the spec's struct listings give them at natural alignment.
constexpr size_t kConfigSize = 4 + 4 + 32;
constexpr size_t kCardSize = 32;
constexpr size_t kCmdHeaderSize = 4 + 4;
constexpr size_t kRespHeaderSize = 4 + 4;
constexpr size_t kRespOpenSize = kRespHeaderSize + 4 + 4;
constexpr size_t kCmdCloseSize = kCmdHeaderSize + 4 + 4;
constexpr size_t kCmdIoctlSize = kCmdHeaderSize + 4 + 4;
constexpr size_t kCmdMmapSize = kCmdHeaderSize + 4 + 4 + 4;  // no tail padding: all members are le32
constexpr size_t kRespMmapSize = kRespHeaderSize + 8 + 8;
constexpr size_t kCmdMunmapSize = kCmdHeaderSize + 8;
constexpr size_t kSgEntrySize = 8 + 4 + 4;
constexpr size_t kEventHeaderSize = 4 + 4;
constexpr size_t kEventErrorSize = kEventHeaderSize + 4 + 4;
constexpr size_t kEventDqbufSize = kEventHeaderSize + v4l2::Buffer::kSize + kMaxPlanes * v4l2::Plane::kSize;
constexpr size_t kEventEventSize = kEventHeaderSize + v4l2::Event::kSize;
// The largest event: what every eventq buffer must hold (the Linux driver's VIRTIO_MEDIA_EVENT_MAX_SIZE).
constexpr size_t kEventMaxSize = kEventDqbufSize;

static_assert(kConfigSize == 40);
static_assert(kRespOpenSize == 16 && kCmdCloseSize == 16 && kCmdIoctlSize == 16);
static_assert(kCmdMmapSize == 20 && kRespMmapSize == 24 && kCmdMunmapSize == 16);
static_assert(kSgEntrySize == 16);
static_assert(kEventErrorSize == 16 && kEventDqbufSize == 608 && kEventEventSize == 144);
static_assert(kRespMmapSize % 8 == 0 && kRespHeaderSize % 8 == 0, "le64 members naturally aligned");

// A refusal with the Linux errno the device answers (positive, as on the wire).
struct WireError {
  uint32_t errno_value = 0;
  std::string message;
};
template <class T>
using Decoded = Result<T, WireError>;

using Bytes = std::vector<uint8_t>;

struct Config {  // struct virtio_media_config
  uint32_t device_caps = 0, device_type = 0;
  std::string card;  // NUL-terminated unless all 32 bytes are used
};
Bytes encode(const Config& c);
Decoded<Config> decode_config(const Bytes& in);

// The command header of a chain's readable part.
struct CmdHeader {
  Cmd cmd = Cmd::Open;
};
Decoded<CmdHeader> decode_cmd_header(const Bytes& in);

struct CmdClose {
  uint32_t session_id = 0;
};
struct CmdIoctl {
  uint32_t session_id = 0, code = 0;
};
struct CmdMmap {
  uint32_t session_id = 0, flags = 0, offset = 0;
};
struct CmdMunmap {
  uint64_t driver_addr = 0;
};
Bytes encode_open();
Bytes encode(const CmdClose& c);
Bytes encode(const CmdIoctl& c);  // the header only; the payload follows in the same readable part
Bytes encode(const CmdMmap& c);
Bytes encode(const CmdMunmap& c);
Decoded<CmdClose> decode_close(const Bytes& in);
Decoded<CmdIoctl> decode_ioctl(const Bytes& in);
Decoded<CmdMmap> decode_mmap(const Bytes& in);
Decoded<CmdMunmap> decode_munmap(const Bytes& in);

// Responses: status 0 or a positive Linux errno.
struct RespOpen {
  uint32_t status = 0, session_id = 0;
};
struct RespMmap {
  uint32_t status = 0;
  uint64_t driver_addr = 0, len = 0;
};
Bytes encode_resp_header(uint32_t status);
Bytes encode(const RespOpen& r);
Bytes encode(const RespMmap& r);
Decoded<uint32_t> decode_resp_status(const Bytes& in);
Decoded<RespOpen> decode_resp_open(const Bytes& in);
Decoded<RespMmap> decode_resp_mmap(const Bytes& in);

struct SgEntry {  // struct virtio_media_sg_entry
  uint64_t start = 0;
  uint32_t len = 0;
};
void encode(const SgEntry& e, uint8_t* out);
SgEntry decode_sg_entry(const uint8_t* in);

// Events.
struct EventError {
  uint32_t session_id = 0, errno_value = 0;
};
struct EventDqbuf {
  uint32_t session_id = 0;
  v4l2::Buffer buffer;
  std::array<v4l2::Plane, kMaxPlanes> planes{};
};
struct EventEvent {
  uint32_t session_id = 0;
  v4l2::Event event;
};
Bytes encode(const EventError& e);
Bytes encode(const EventDqbuf& e);  // always the full 608 bytes (the Linux driver refuses shorter)
Bytes encode(const EventEvent& e);
struct EventHeader {
  EventKind kind = EventKind::Error;
  uint32_t session_id = 0;
};
// Checks the header and that `in` holds the whole struct of its kind.
Decoded<EventHeader> decode_event_header(const Bytes& in);
Decoded<EventError> decode_event_error(const Bytes& in);
Decoded<EventDqbuf> decode_event_dqbuf(const Bytes& in);
Decoded<EventEvent> decode_event_event(const Bytes& in);

const char* cmd_name(Cmd cmd);

}  // namespace vvsim::virtio_media
