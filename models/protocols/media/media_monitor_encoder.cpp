// The media monitor's stateful encoder rules (dev-encoder.rst): what an
// encoder session's CAPTURE buffers, control answers and unfinished drains show.
#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/media_monitor.h"
#include "models/protocols/media/v4l2_constants.h"

namespace vvsim::virtio_media {

namespace {

// The (id, value) of each control a successful S/G_CTRL or S/G_EXT_CTRLS answer carries. The
// encoder's controls are INTEGER ones: `value`, the low 32 bits of an ext control's value64.
std::vector<std::pair<uint32_t, int32_t>> answered_controls(uint32_t code, const Bytes& out) {
  std::vector<std::pair<uint32_t, int32_t>> controls;
  const Ioctl ioctl = Ioctl(code);
  if ((ioctl == Ioctl::SCtrl || ioctl == Ioctl::GCtrl) && out.size() >= v4l2::Control::kSize) {
    const auto c = v4l2::Control::decode(out.data());
    controls.push_back({c.id, c.value});
  }
  if ((ioctl == Ioctl::SExtCtrls || ioctl == Ioctl::GExtCtrls) && out.size() >= v4l2::ExtControls::kSize) {
    const uint32_t count = v4l2::ExtControls::decode(out.data()).count;
    for (size_t i = 0; i < count && v4l2::ExtControls::kSize + (i + 1) * v4l2::ExtControl::kSize <= out.size(); ++i) {
      const auto c = v4l2::ExtControl::decode(out.data() + v4l2::ExtControls::kSize + i * v4l2::ExtControl::kSize);
      controls.push_back({c.id, int32_t(uint32_t(c.value64))});
    }
  }
  return controls;
}

}  // namespace

// Drain corner cases: "In case of no buffer in the OUTPUT queue at the time the V4L2_ENC_CMD_STOP
// command was issued, the drain sequence completes immediately and the encoder returns an empty
// CAPTURE buffer with the V4L2_BUF_FLAG_LAST flag set." No buffer in the queue: none queued and
// not returned, and no frame returned whose coded buffer is still to come. Called before the
// STOP is tracked (a STOP during a drain is enc-drain-ebusy's business).
bool MediaMonitor::starts_idle_drain(const Session& s) {
  const bool output_queued = std::any_of(s.queued.begin(), s.queued.end(),
                                         [](const auto& b) { return b.first == v4l2::kBufTypeVideoOutputMplane; });
  return s.streaming.size() == 2 && !s.draining && !output_queued && s.coding.empty();
}

// Which frames the encoder still holds: an OUTPUT buffer back without ERROR owes its coded buffer.
void MediaMonitor::track_coding(Session& s, const EventDqbuf& e) {
  const uint64_t timestamp = v4l2::micros_of(e.buffer.timestamp);
  if (e.buffer.type == v4l2::kBufTypeVideoOutputMplane && !(e.buffer.flags & v4l2::kBufFlagError)) s.coding.insert(timestamp);
  if (e.buffer.type == v4l2::kBufTypeVideoCaptureMplane && e.planes[0].bytesused > 0) s.coding.erase(timestamp);
}

// A CAPTURE buffer of an encoder, before a LAST ends the drain it belongs to.
void MediaMonitor::check_coded(uint64_t at, uint32_t id, Session& s, const EventDqbuf& e) {
  constexpr uint32_t kFrameTypes = v4l2::kBufFlagKeyframe | v4l2::kBufFlagPframe | v4l2::kBufFlagBframe;
  const uint32_t flags = e.buffer.flags;
  if (std::exchange(s.idle_drain, false) && (!(flags & v4l2::kBufFlagLast) || e.planes[0].bytesused != 0))
    log_.report(at, "enc-drain-corner-cases", id, "event",
                fmt::format("CAPTURE buffer {} (bytesused {}, flags {:#x}) came first after a STOP with nothing "
                            "pending: the drain's empty LAST is owed at once",
                            e.buffer.index, e.planes[0].bytesused, flags));
  if ((flags & v4l2::kBufFlagLast) && !s.draining)  // none started, or STREAMOFF(CAPTURE) cancelled it
    log_.report(at, "enc-drain-corner-cases", id, "event",
                fmt::format("CAPTURE buffer {} flagged LAST with no drain in progress", e.buffer.index));
  if (e.planes[0].bytesused == 0) return;  // no coded frame in it
  if (!(flags & kFrameTypes))
    log_.report(at, "enc-frame-type-flag", id, "event", fmt::format("coded CAPTURE buffer {} has flags {:#x}", e.buffer.index, flags));
  if (!s.both_streamed)
    log_.report(at, "enc-starts-both-streaming", id, "event",
                fmt::format("coded CAPTURE buffer {} before both queues streamed", e.buffer.index));
  if (std::exchange(s.key_frame_owed, false) && !(flags & v4l2::kBufFlagKeyframe))
    log_.report(at, "enc-reset-independent", id, "event",
                fmt::format("CAPTURE buffer {}, the first coded one after a CAPTURE restart, is no key frame (flags {:#x})",
                            e.buffer.index, flags));
}

// Encoding Parameter Changes: a control the encoder cannot change while streaming is refused
// EBUSY; one it took reads back as its set answered (none taken and then ignored).
void MediaMonitor::check_controls(uint64_t at, uint32_t id, const std::string& name, Session& s, uint32_t code,
                                  const Bytes& out) {
  const bool set = Ioctl(code) == Ioctl::SCtrl || Ioctl(code) == Ioctl::SExtCtrls;
  for (const auto& [control, value] : answered_controls(code, out)) {
    if (set && s.streaming.empty()) s.set_while_streaming.erase(control);
    else if (set) s.set_while_streaming[control] = value;
    const auto it = s.set_while_streaming.find(control);
    if (!set && it != s.set_while_streaming.end() && it->second != value)
      log_.report(at, "enc-ctrl-ebusy", id, name,
                  fmt::format("control {:#x} was set to {} while streaming and reads back {}", control, it->second, value));
  }
}

// Drain corner cases: with CAPTURE streaming and a buffer queued for it, nothing stops a drain's
// LAST (no OUTPUT left at STOP, OUTPUT stopped mid-drain, CAPTURE queued after the drain ended).
void MediaMonitor::check_drains_ended(uint64_t at) {
  constexpr uint32_t kCapture = v4l2::kBufTypeVideoCaptureMplane;
  for (const auto& [id, s] : open_) {
    const auto held = std::find_if(s.queued.begin(), s.queued.end(), [](const auto& b) { return b.first == kCapture; });
    if (s.encoder && s.draining && s.streaming.count(kCapture) && held != s.queued.end() && !errored_.count(id))
      log_.report(at, "enc-drain-corner-cases", id, "event",
                  fmt::format("session {}'s drain never ended: no LAST, CAPTURE buffer {} queued", id, held->second));
  }
}

}  // namespace vvsim::virtio_media
