// The ioctls and events every virtio-media session shares (the V4L2 queue
// ioctls, §Pointers and §Shared Pages for the payloads, §Dequeue buffer and
// §Emit an event for the events).
#include "models/protocols/media/media_session.h"

#include <algorithm>

#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/v4l2_constants.h"
#include "tlm_virtio/le_bytes.h"

namespace vvsim::virtio_media {

namespace {

constexpr uint32_t kEventAll = 0;  // V4L2_EVENT_ALL
constexpr uint32_t kMaxExtControls = 64;  // more in one call is refused (V4L2 allows 1024; vvsim's roles know at most 6)
constexpr uint32_t kCtrlClassMask = 0x0fff0000;  // V4L2_CTRL_ID2WHICH

// The planes that follow a multi-planar v4l2_buffer (§Pointers: immediately after it).
std::optional<std::vector<v4l2::Plane>> planes_after(const Bytes& in, const v4l2::Buffer& b) {
  if (b.length < 1 || b.length > v4l2::kMaxPlanes) return std::nullopt;
  if (in.size() < v4l2::Buffer::kSize + b.length * v4l2::Plane::kSize) return std::nullopt;
  std::vector<v4l2::Plane> planes;
  for (uint32_t i = 0; i < b.length; ++i)
    planes.push_back(v4l2::Plane::decode(in.data() + v4l2::Buffer::kSize + i * v4l2::Plane::kSize));
  return planes;
}

// The SG entries of a USERPTR plane, read until they cover `length` (§Userspace memory).
std::optional<GuestRanges> sg_list(const Bytes& in, size_t at, uint32_t length) {
  GuestRanges ranges;
  uint64_t covered = 0;
  while (covered < length) {
    if (at + kSgEntrySize > in.size()) return std::nullopt;
    ranges.push_back(decode_sg_entry(in.data() + at));
    covered += ranges.back().len;
    at += kSgEntrySize;
  }
  return ranges;
}

}  // namespace

v4l2::Format i420_layout(uint32_t type, uint32_t width, uint32_t height) {
  v4l2::Format f;
  f.type = type;
  f.width = width, f.height = height;
  f.pixelformat = v4l2::kPixFmtYuv420;
  f.field = v4l2::kFieldNone;
  f.colorspace = v4l2::kColorspaceRec709;
  f.num_planes = 1;
  const uint32_t chroma = ((width + 1) / 2) * ((height + 1) / 2);
  f.planes[0] = {width * height + 2 * chroma, width};
  return f;
}

MediaSession::MediaSession(uint32_t id, const MediaDeviceProfile& profile, ShmRegion& shm)
    : profile_(profile), id_(id), shm_(shm) {
  output_.type = v4l2::kBufTypeVideoOutputMplane;
  capture_.type = v4l2::kBufTypeVideoCaptureMplane;
}

MediaSession::~MediaSession() { release_buffers(); }

void MediaSession::fail(uint32_t errno_value) {
  if (error_) return;
  error_ = errno_value;
  outbox_.push_back(encode(EventError{id_, errno_value}));
}

std::optional<IoctlReply> MediaSession::refused_before_dispatch(uint32_t code, const Bytes& in) const {
  if (error_) return refuse(error_);
  const auto info = ioctl_info(code);
  if (!info || info->replaced) return refuse(v4l2::kEnotty);
  const bool reads = info->dir == IoctlDir::Write || info->dir == IoctlDir::ReadWrite;
  if (reads && in.size() < info->payload) return refuse(v4l2::kEinval);
  return std::nullopt;
}

IoctlReply MediaSession::get_fmt(const Bytes& in) const {
  const uint32_t type = read<v4l2::Format>(in)->type;
  if (type == output_.type) return answer(format_of(output_));
  if (type == capture_.type) return answer(format_of(capture_));
  return refuse(v4l2::kEinval);
}

MediaQueue* MediaSession::queue_of(uint32_t type) {
  if (type == output_.type) return &output_;
  if (type == capture_.type) return &capture_;
  return nullptr;
}

void MediaSession::free_queue(MediaQueue& q) {
  if (q.memory == v4l2::kMemoryMmap)
    for (const auto& b : q.buffers) shm_.release_buffer(b.shm_offset);
  q.buffers.clear();
  q.ready.clear();
  ++q.generation;
}

void MediaSession::release_buffers() {
  free_queue(output_);
  free_queue(capture_);
}

IoctlReply MediaSession::reqbufs(const Bytes& in) {
  v4l2::RequestBuffers rb = *read<v4l2::RequestBuffers>(in);
  MediaQueue* q = queue_of(rb.type);
  if (!q || (rb.memory != v4l2::kMemoryMmap && rb.memory != v4l2::kMemoryUserptr)) return refuse(v4l2::kEinval);
  if (q->streaming) return refuse(v4l2::kEbusy);
  free_queue(*q);
  uint32_t count = std::min(rb.count, profile_.max_buffers);
  if (count > 0) count = std::max(count, min_buffers(*q));
  const uint32_t length = format_of(*q).planes[0].sizeimage;
  q->memory = rb.memory;
  for (uint32_t i = 0; i < count; ++i) {
    MediaBuffer b;
    b.length = length;
    if (rb.memory == v4l2::kMemoryMmap) {
      auto offset = shm_.allocate(length);
      if (!offset) {
        free_queue(*q);
        return refuse(offset.error().errno_value);
      }
      b.shm_offset = *offset;
      b.ranges = {{shm_.guest_address(*offset), length}};
    }
    q->buffers.push_back(std::move(b));
  }
  rb.count = count;
  rb.capabilities = v4l2::kBufCapSupportsMmap | v4l2::kBufCapSupportsUserptr;
  return answer(rb);
}

// The answer to QUERYBUF and QBUF: the buffer as the device has it, with the
// driver's pointers (m.planes, m.userptr) given back unchanged (§Pointers, §Shared Pages).
IoctlReply MediaSession::buffer_reply(const MediaQueue& q, uint32_t index, const v4l2::Buffer& sent,
                                      const std::vector<v4l2::Plane>& planes_sent) const {
  const MediaBuffer& b = q.buffers[index];
  v4l2::Buffer out = sent;
  out.memory = q.memory;
  out.flags = (b.queued ? v4l2::kBufFlagQueued : 0) |
              (q.memory == v4l2::kMemoryMmap && shm_.is_mapped(b.shm_offset) ? v4l2::kBufFlagMapped : 0);
  Bytes payload(v4l2::Buffer::kSize + planes_sent.size() * v4l2::Plane::kSize, 0);
  out.encode(payload.data());
  for (size_t i = 0; i < planes_sent.size(); ++i) {
    v4l2::Plane p = planes_sent[i];
    if (i == 0) {
      p.length = b.length;
      if (q.memory == v4l2::kMemoryMmap) p.m = b.shm_offset;
    }
    p.encode(payload.data() + v4l2::Buffer::kSize + i * v4l2::Plane::kSize);
  }
  return {0, std::move(payload), false};
}

IoctlReply MediaSession::querybuf(const Bytes& in) {
  const v4l2::Buffer b = *read<v4l2::Buffer>(in);
  const MediaQueue* q = queue_of(b.type);
  const auto planes = planes_after(in, b);
  if (!q || !planes || b.index >= q->buffers.size()) return refuse(v4l2::kEinval);
  return buffer_reply(*q, b.index, b, *planes);
}

// OUTPUT is what the device reads (bytesused within the buffer), CAPTURE what it
// writes (a USERPTR plane at least the buffer's length), in both roles.
IoctlReply MediaSession::qbuf(const Bytes& in) {
  const v4l2::Buffer b = *read<v4l2::Buffer>(in);
  MediaQueue* q = queue_of(b.type);
  const auto planes = planes_after(in, b);
  if (!q || !planes || b.index >= q->buffers.size() || b.memory != q->memory) return refuse(v4l2::kEinval);
  MediaBuffer& mb = q->buffers[b.index];
  const v4l2::Plane& plane = planes->front();
  if (mb.queued || (q == &output_ && plane.bytesused > mb.length)) return refuse(v4l2::kEinval);
  if (q->memory == v4l2::kMemoryUserptr) {
    if (plane.length < mb.length && q == &capture_) return refuse(v4l2::kEinval);
    const size_t sg_at = v4l2::Buffer::kSize + planes->size() * v4l2::Plane::kSize;
    auto ranges = sg_list(in, sg_at, plane.length);
    if (!ranges) return refuse(v4l2::kEinval);
    mb.ranges = std::move(*ranges);
    mb.userptr = plane.m;
    mb.length = plane.length;
  }
  mb.queued = true;
  mb.queued_seq = ++qbuf_seq_;
  mb.queued_as = b;
  mb.queued_as.bytesused = plane.bytesused;
  q->ready.push_back(b.index);
  return buffer_reply(*q, b.index, b, *planes);
}

IoctlReply MediaSession::subscribe(const Bytes& in, bool on) {
  const v4l2::EventSubscription s = *read<v4l2::EventSubscription>(in);
  if (!on && s.type == kEventAll) {
    subscriptions_.clear();
    return {};
  }
  if (!subscribable(s.type) || s.id != 0) return refuse(v4l2::kEinval);
  if (on) subscriptions_.insert(s.type);
  else subscriptions_.erase(s.type);
  return {};
}

void MediaSession::raise_event(uint32_t type, uint32_t changes) {
  if (!subscribed(type)) return;  // §Emit an event: only subscribed ones
  EventEvent e;
  e.session_id = id_;
  e.event.type = type;
  e.event.src_change_changes = changes;
  e.event.sequence = event_sequence_++;
  outbox_.push_back(encode(e));
}

// An implicit DQBUF (§Dequeue buffer). Pointers are left NULL, as recommended.
void MediaSession::dequeue_event(const MediaQueue& q, uint32_t index, uint32_t bytesused, uint32_t flags,
                                 uint64_t timestamp_us) {
  const MediaBuffer& b = q.buffers[index];
  EventDqbuf e;
  e.session_id = id_;
  e.buffer.index = index;
  e.buffer.type = q.type;
  e.buffer.flags = flags | v4l2::kBufFlagTimestampCopy;
  e.buffer.field = v4l2::kFieldNone;
  e.buffer.timestamp = v4l2::timeval_of(timestamp_us);
  e.buffer.sequence = &q == &capture_ ? sequence_++ : 0;
  e.buffer.memory = q.memory;
  e.buffer.length = 1;
  e.planes[0].bytesused = bytesused;
  e.planes[0].length = b.length;
  if (q.memory == v4l2::kMemoryMmap) e.planes[0].m = b.shm_offset;
  outbox_.push_back(encode(e));
}

IoctlReply MediaSession::ctrl(const Bytes& in, bool set) {
  v4l2::Control c = *read<v4l2::Control>(in);
  int64_t value = c.value;
  const uint32_t status = set ? set_control(c.id, value, false) : get_control(c.id, value);
  if (status) return refuse(status);
  if (!set) c.value = int32_t(value);
  return answer(c);
}

// G/S/TRY_EXT_CTRLS: the control array follows the header (§Pointers); the
// answer carries both, on failure too, so error_idx reaches the driver. A
// control outside the class `which` names fails at its index; S checks every
// control before it sets any (error_idx = count when a value fails).
IoctlReply MediaSession::ext_ctrls(const Bytes& in, uint32_t code) {
  v4l2::ExtControls h = *read<v4l2::ExtControls>(in);
  if (h.count > kMaxExtControls || in.size() < v4l2::ExtControls::kSize + h.count * v4l2::ExtControl::kSize)
    return refuse(v4l2::kEinval);
  std::vector<v4l2::ExtControl> controls;
  for (uint32_t i = 0; i < h.count; ++i)
    controls.push_back(v4l2::ExtControl::decode(in.data() + v4l2::ExtControls::kSize + i * v4l2::ExtControl::kSize));
  uint32_t status = 0;
  h.error_idx = h.count;
  for (uint32_t i = 0; i < h.count && !status; ++i) {
    const uint32_t id = controls[i].id;
    if (h.which != v4l2::kCtrlWhichCurVal && (id & kCtrlClassMask) != h.which) {
      status = v4l2::kEinval, h.error_idx = i;
      break;
    }
    int64_t value = int32_t(uint32_t(controls[i].value64));  // an INTEGER or MENU control is its low 32 bits
    status = code == uint32_t(Ioctl::GExtCtrls) ? get_control(id, value) : set_control(id, value, true);
    if (status) h.error_idx = code == uint32_t(Ioctl::SExtCtrls) ? h.count : i;
    else controls[i].value64 = value;
  }
  if (!status && code == uint32_t(Ioctl::SExtCtrls))
    for (const auto& c : controls) set_control(c.id, int32_t(uint32_t(c.value64)), false);
  Bytes payload(v4l2::ExtControls::kSize + controls.size() * v4l2::ExtControl::kSize, 0);
  h.encode(payload.data());
  for (size_t i = 0; i < controls.size(); ++i)
    controls[i].encode(payload.data() + v4l2::ExtControls::kSize + i * v4l2::ExtControl::kSize);
  return {status, std::move(payload), true};
}

}  // namespace vvsim::virtio_media
