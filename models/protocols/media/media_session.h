// What every virtio-media session of a memory-to-memory device shares, decoder
// or encoder: the OUTPUT and CAPTURE queues with their buffers (REQBUFS,
// QUERYBUF, QBUF in MMAP or USERPTR memory), event subscriptions, the events
// a session raises (implicit DQBUF, V4L2 events, ERROR) and the error that
// ends it. The role's own ioctls and work live in the derived classes.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "models/protocols/media/media_device_profile.h"
#include "models/protocols/media/media_shm.h"
#include "models/protocols/media/media_wire.h"
#include "models/protocols/media/v4l2_wire.h"

namespace vvsim::virtio_media {

// Where a buffer's bytes are in guest memory: one range (MMAP) or the SG list (USERPTR).
using GuestRanges = std::vector<SgEntry>;

struct MediaBuffer {
  uint32_t length = 0;       // plane length
  uint64_t shm_offset = 0;   // MMAP: mem_offset in region 0
  uint64_t userptr = 0;      // USERPTR: echoed, never used
  GuestRanges ranges;        // where the device reads or writes it (set at QBUF for USERPTR)
  bool queued = false;
  uint64_t queued_seq = 0;   // order of the QBUF among the session's QBUFs
  v4l2::Buffer queued_as;    // the QBUF payload (bytesused of plane 0), for timestamp and flags
};

struct MediaQueue {
  uint32_t type = 0;
  uint32_t memory = 0;
  bool streaming = false;
  std::vector<MediaBuffer> buffers;
  std::deque<uint32_t> ready;  // queued buffers the device has not taken yet, in queue order
  uint64_t generation = 0;     // bumped by STREAMOFF and REQBUFS: jobs of an older one are void
};

// Reply to an ioctl: status 0 or a Linux errno; payload written after the header
// on success (for _IOR/_IOWR), and on failure only when `payload_on_error`.
struct IoctlReply {
  uint32_t status = 0;
  Bytes payload;
  bool payload_on_error = false;
};

// The planar I420 layout in one memory plane, each plane at its own width
// (bytesperline = width): a decoder's CAPTURE and an encoder's OUTPUT format.
v4l2::Format i420_layout(uint32_t type, uint32_t width, uint32_t height);

class MediaSession {
 public:
  MediaSession(uint32_t id, const MediaDeviceProfile& profile, ShmRegion& shm);
  virtual ~MediaSession();
  MediaSession(const MediaSession&) = delete;
  MediaSession& operator=(const MediaSession&) = delete;

  uint32_t id() const { return id_; }
  // `readable`: the payload after cmd_ioctl.
  virtual IoctlReply ioctl(uint32_t code, const Bytes& readable) = 0;

  bool errored() const { return error_ != 0; }
  uint32_t error() const { return error_; }
  void fail(uint32_t errno_value);  // unrecoverable: an ERROR event, every later command answered with it
  // Events raised since the last call, encoded, in order.
  std::vector<Bytes> take_outbox() { return std::exchange(outbox_, {}); }
  // The unsubscribed_events fault: events go out whether subscribed or not.
  void ignore_subscriptions() { ignore_subscriptions_ = true; }
  // Frees every buffer (CLOSE, reset); mappings stay until MUNMAP.
  void release_buffers();

 protected:
  template <class T>
  static std::optional<T> read(const Bytes& in) {
    if (in.size() < T::kSize) return std::nullopt;
    return T::decode(in.data());
  }
  static IoctlReply refuse(uint32_t errno_value) { return {errno_value, {}, false}; }
  template <class T>
  static IoctlReply answer(const T& v) {
    return {0, v4l2::bytes_of(v), false};
  }

  MediaQueue* queue_of(uint32_t type);
  IoctlReply reqbufs(const Bytes& in);
  IoctlReply querybuf(const Bytes& in);
  IoctlReply qbuf(const Bytes& in);
  IoctlReply subscribe(const Bytes& in, bool on);
  void free_queue(MediaQueue& q);
  void raise_event(uint32_t type, uint32_t changes);
  void dequeue_event(const MediaQueue& q, uint32_t index, uint32_t bytesused, uint32_t flags, uint64_t timestamp_us);
  bool subscribed(uint32_t type) const { return ignore_subscriptions_ || subscriptions_.count(type) != 0; }

  // The answer an ioctl gets before the role looks at it: the session's error,
  // ENOTTY for a code not known or replaced (§Unsupported ioctls), EINVAL for a
  // payload shorter than its struct; nothing when the role should handle it.
  std::optional<IoctlReply> refused_before_dispatch(uint32_t code, const Bytes& in) const;
  IoctlReply get_fmt(const Bytes& in) const;

  // G/S_CTRL and G/S/TRY_EXT_CTRLS over the role's controls (get_control, set_control).
  IoctlReply ctrl(const Bytes& in, bool set);
  IoctlReply ext_ctrls(const Bytes& in, uint32_t code);
  // One control: its value (get), or checks it and, unless `try_only`, applies it; 0 or an errno.
  virtual uint32_t get_control(uint32_t id, int64_t& value) const = 0;
  virtual uint32_t set_control(uint32_t id, int64_t value, bool try_only) = 0;

  // The role's answers for the shared handlers: a queue's current format (its
  // plane's sizeimage is a new buffer's length), the fewest buffers REQBUFS
  // gives, the events one may subscribe to.
  virtual const v4l2::Format& format_of(const MediaQueue& q) const = 0;
  virtual uint32_t min_buffers(const MediaQueue& q) const = 0;
  virtual bool subscribable(uint32_t event_type) const = 0;

  const MediaDeviceProfile& profile_;
  MediaQueue output_, capture_;
  uint64_t qbuf_seq_ = 0;
  uint32_t error_ = 0;

 private:
  IoctlReply buffer_reply(const MediaQueue& q, uint32_t index, const v4l2::Buffer& as_sent,
                          const std::vector<v4l2::Plane>& planes_sent) const;

  uint32_t id_;
  ShmRegion& shm_;
  std::set<uint32_t> subscriptions_;  // event types (id 0)
  uint32_t sequence_ = 0, event_sequence_ = 0;
  std::vector<Bytes> outbox_;
  bool ignore_subscriptions_ = false;
};

}  // namespace vvsim::virtio_media
