// The V4L2 ioctl payloads virtio-media carries, in the 64-bit little-endian
// Linux layout the spec requires (§V4L2 ioctls: "The payload struct layout
// always matches the 64-bit, little-endian representation"). Each structure
// has its size, an encoder that writes every field at its offset and a
// decoder that reads them back; fields vvsim does not interpret (reserved,
// timecode) travel as zero. Offsets: docs/protocols/virtio-media.md; the
// tests check every one against <linux/videodev2.h>.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vvsim::virtio_media::v4l2 {

constexpr size_t kMaxPlanes = 8;  // VIDEO_MAX_PLANES

struct PlaneFormat {  // struct v4l2_plane_pix_format (20 bytes, packed)
  uint32_t sizeimage = 0, bytesperline = 0;
};

// struct v4l2_format with its pix_mp member (the multi-planar API, the one
// the Linux virtio-media driver and crosvm's decoder use).
struct Format {
  static constexpr size_t kSize = 208;
  uint32_t type = 0;
  uint32_t width = 0, height = 0, pixelformat = 0, field = 0, colorspace = 0;
  std::array<PlaneFormat, kMaxPlanes> planes{};
  uint8_t num_planes = 0, flags = 0, ycbcr_enc = 0, quantization = 0, xfer_func = 0;
  void encode(uint8_t* out) const;
  static Format decode(const uint8_t* in);
};

struct Timeval {  // struct timeval on a 64-bit guest: two 8-byte fields
  int64_t tv_sec = 0, tv_usec = 0;
};
// A buffer's timestamp in microseconds, the unit vvsim's streams count in.
constexpr uint64_t kMicrosPerSecond = 1'000'000;
inline uint64_t micros_of(const Timeval& t) { return uint64_t(t.tv_sec) * kMicrosPerSecond + uint64_t(t.tv_usec); }
inline Timeval timeval_of(uint64_t us) { return {int64_t(us / kMicrosPerSecond), int64_t(us % kMicrosPerSecond)}; }

// struct v4l2_buffer. `m` is the union: mem_offset (u32), userptr or planes
// (u64 pointers) or fd (s32); it travels as 8 bytes.
struct Buffer {
  static constexpr size_t kSize = 88;
  uint32_t index = 0, type = 0, bytesused = 0, flags = 0, field = 0;
  Timeval timestamp;
  uint32_t sequence = 0, memory = 0;
  uint64_t m = 0;
  uint32_t length = 0;  // planes in m.planes for a multi-planar type
  uint32_t request_fd = 0;
  void encode(uint8_t* out) const;
  static Buffer decode(const uint8_t* in);
};

struct Plane {  // struct v4l2_plane; `m` as in Buffer
  static constexpr size_t kSize = 64;
  uint32_t bytesused = 0, length = 0;
  uint64_t m = 0;
  uint32_t data_offset = 0;
  void encode(uint8_t* out) const;
  static Plane decode(const uint8_t* in);
};

struct RequestBuffers {  // struct v4l2_requestbuffers
  static constexpr size_t kSize = 20;
  uint32_t count = 0, type = 0, memory = 0, capabilities = 0;
  uint8_t flags = 0;
  void encode(uint8_t* out) const;
  static RequestBuffers decode(const uint8_t* in);
};

struct FmtDesc {  // struct v4l2_fmtdesc
  static constexpr size_t kSize = 64;
  uint32_t index = 0, type = 0, flags = 0;
  std::string description;  // at most 31 bytes and a NUL
  uint32_t pixelformat = 0, mbus_code = 0;
  void encode(uint8_t* out) const;
  static FmtDesc decode(const uint8_t* in);
};

// struct v4l2_frmsizeenum; discrete sizes use min_width/min_height.
struct FrmSizeEnum {
  static constexpr size_t kSize = 44;
  uint32_t index = 0, pixel_format = 0, type = 0;
  uint32_t min_width = 0, max_width = 0, step_width = 0, min_height = 0, max_height = 0, step_height = 0;
  void encode(uint8_t* out) const;
  static FrmSizeEnum decode(const uint8_t* in);
};

struct Selection {  // struct v4l2_selection
  static constexpr size_t kSize = 64;
  uint32_t type = 0, target = 0, flags = 0;
  int32_t left = 0, top = 0;
  uint32_t width = 0, height = 0;
  void encode(uint8_t* out) const;
  static Selection decode(const uint8_t* in);
};

struct EventSubscription {  // struct v4l2_event_subscription
  static constexpr size_t kSize = 32;
  uint32_t type = 0, id = 0, flags = 0;
  void encode(uint8_t* out) const;
  static EventSubscription decode(const uint8_t* in);
};

// struct v4l2_event; of the union `u` only src_change.changes is used.
struct Event {
  static constexpr size_t kSize = 136;
  uint32_t type = 0;
  uint32_t src_change_changes = 0;
  uint32_t pending = 0, sequence = 0;
  int64_t timestamp_sec = 0, timestamp_nsec = 0;  // struct timespec
  uint32_t id = 0;
  void encode(uint8_t* out) const;
  static Event decode(const uint8_t* in);
};

// struct v4l2_decoder_cmd: stop.pts, or start.speed and start.format.
struct DecoderCmd {
  static constexpr size_t kSize = 72;
  uint32_t cmd = 0, flags = 0;
  uint64_t stop_pts = 0;  // the same 8 bytes as start.speed (s32) and start.format (u32)
  void encode(uint8_t* out) const;
  static DecoderCmd decode(const uint8_t* in);
};

struct EncoderCmd {  // struct v4l2_encoder_cmd
  static constexpr size_t kSize = 40;
  uint32_t cmd = 0, flags = 0;
  void encode(uint8_t* out) const;
  static EncoderCmd decode(const uint8_t* in);
};

struct Control {  // struct v4l2_control
  static constexpr size_t kSize = 8;
  uint32_t id = 0;
  int32_t value = 0;
  void encode(uint8_t* out) const;
  static Control decode(const uint8_t* in);
};

// struct v4l2_ext_controls; `controls` is the pointer the device echoes.
struct ExtControls {
  static constexpr size_t kSize = 32;
  uint32_t which = 0, count = 0, error_idx = 0, request_fd = 0;
  uint64_t controls = 0;
  void encode(uint8_t* out) const;
  static ExtControls decode(const uint8_t* in);
};

struct ExtControl {  // struct v4l2_ext_control (packed); value64 covers value
  static constexpr size_t kSize = 20;
  uint32_t id = 0, size = 0;
  int64_t value64 = 0;
  void encode(uint8_t* out) const;
  static ExtControl decode(const uint8_t* in);
};

// struct v4l2_queryctrl: the 32-bit view of a control (VIDIOC_QUERYCTRL).
struct QueryCtrl {
  static constexpr size_t kSize = 68;
  uint32_t id = 0, type = 0;
  std::string name;  // at most 31 bytes and a NUL
  int32_t minimum = 0, maximum = 0, step = 0, default_value = 0;
  uint32_t flags = 0;
  void encode(uint8_t* out) const;
  static QueryCtrl decode(const uint8_t* in);
};

// struct v4l2_query_ext_ctrl (VIDIOC_QUERY_EXT_CTRL); dims travel as zero (no arrays).
struct QueryExtCtrl {
  static constexpr size_t kSize = 232;
  uint32_t id = 0, type = 0;
  std::string name;
  int64_t minimum = 0, maximum = 0;
  uint64_t step = 0;
  int64_t default_value = 0;
  uint32_t flags = 0, elem_size = 0, elems = 0, nr_of_dims = 0;
  void encode(uint8_t* out) const;
  static QueryExtCtrl decode(const uint8_t* in);
};

// struct v4l2_querymenu (packed): a MENU control's item name (the union's
// `value` member is an INTEGER_MENU's, which vvsim has none of).
struct QueryMenu {
  static constexpr size_t kSize = 44;
  uint32_t id = 0, index = 0;
  std::string name;
  void encode(uint8_t* out) const;
  static QueryMenu decode(const uint8_t* in);
};

// struct v4l2_streamparm; capture and output share the offsets used here.
struct StreamParm {
  static constexpr size_t kSize = 204;
  uint32_t type = 0, capability = 0, mode = 0;
  uint32_t timeperframe_numerator = 0, timeperframe_denominator = 0;
  uint32_t extendedmode = 0, buffers = 0;  // readbuffers / writebuffers
  void encode(uint8_t* out) const;
  static StreamParm decode(const uint8_t* in);
};

// A payload's bytes: `T::kSize` bytes of its encoding.
template <class T>
std::vector<uint8_t> bytes_of(const T& v) {
  std::vector<uint8_t> b(T::kSize, 0);
  v.encode(b.data());
  return b;
}

bool is_multiplanar(uint32_t buf_type);
bool is_output(uint32_t buf_type);  // OUTPUT (into the device) as opposed to CAPTURE

}  // namespace vvsim::virtio_media::v4l2
