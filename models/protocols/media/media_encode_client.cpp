#include "models/protocols/media/media_encode_client.h"

#include <fmt/format.h>

#include <algorithm>

#include "codec/synthetic.h"
#include "models/guest/feed_time.h"
#include "models/protocols/media/decoder_session.h"
#include "models/protocols/media/media_client_calls.h"
#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/v4l2_constants.h"

namespace vvsim::virtio_media {

using v4l2::bytes_of;

namespace {

constexpr uint32_t kOutput = v4l2::kBufTypeVideoOutputMplane, kCapture = v4l2::kBufTypeVideoCaptureMplane;

codec::FrameType frame_type_of(uint32_t flags) {
  if (flags & v4l2::kBufFlagKeyframe) return codec::FrameType::Key;
  if (flags & v4l2::kBufFlagPframe) return codec::FrameType::Inter;
  if (flags & v4l2::kBufFlagBframe) return codec::FrameType::BiPredicted;
  return codec::FrameType::Unknown;
}

}  // namespace

MediaEncodeClient::MediaEncodeClient(MediaDriver& driver, MediaEncodeConfig config)
    : driver_(driver), config_(std::move(config)) {}

MediaReply MediaEncodeClient::call(uint32_t c, const Bytes& payload, uint32_t response_bytes) {
  return call_ioctl(driver_, session_, c, payload, response_bytes);
}

bool MediaEncodeClient::check(const MediaReply& reply, const char* what) { return check_reply(reply, what, report_.problems); }

// Initialization 1-7: the coded format first (CAPTURE is the master queue), then
// the raw format and size, the frame interval and the bitrate.
bool MediaEncodeClient::setup() {
  v4l2::Format coded;
  coded.type = kCapture, coded.pixelformat = coded_pixel_format(config_.codec), coded.num_planes = 1;
  coded.planes[0].sizeimage = config_.capture_buffer_bytes;
  const MediaReply c = call(code(Ioctl::SFmt), bytes_of(coded), uint32_t(v4l2::Format::kSize));
  v4l2::Format raw;
  raw.type = kOutput, raw.pixelformat = v4l2::kPixFmtYuv420, raw.num_planes = 1;
  raw.width = config_.width, raw.height = config_.height;
  const MediaReply r = check(c, "S_FMT(CAPTURE)") ? call(code(Ioctl::SFmt), bytes_of(raw), uint32_t(v4l2::Format::kSize))
                                                   : MediaReply{v4l2::kEinval, {}};
  if (!check(r, "S_FMT(OUTPUT)") || r.payload.size() < v4l2::Format::kSize) return false;
  const v4l2::Format set = v4l2::Format::decode(r.payload.data());
  if (set.width != config_.width || set.height != config_.height) {
    report_.problems.push_back(fmt::format("device set the frame size to {}x{}", set.width, set.height));
    return false;
  }
  raw_bytes_ = set.planes[0].sizeimage;
  v4l2::StreamParm parm{kOutput};
  parm.timeperframe_numerator = 1, parm.timeperframe_denominator = config_.framerate;
  if (!check(call(code(Ioctl::SParm), bytes_of(parm), uint32_t(v4l2::StreamParm::kSize)), "S_PARM(OUTPUT)")) return false;
  if (!set_bitrate(config_.bitrate_bps)) return false;
  if (!allocate(kOutput, config_.output_buffers, output_) || !allocate(kCapture, config_.capture_buffers, capture_))
    return false;
  for (uint32_t i = 0; i < capture_.size(); ++i)
    if (!qbuf(kCapture, i, 0, 0)) return false;
  return check(call(code(Ioctl::StreamOn), type_payload(kOutput), 0), "STREAMON(OUTPUT)") &&
         check(call(code(Ioctl::StreamOn), type_payload(kCapture), 0), "STREAMON(CAPTURE)");
}

// REQBUFS, then QUERYBUF + MMAP of each buffer (MMAP memory: both queues are read or written by the CPU).
bool MediaEncodeClient::allocate(uint32_t type, uint32_t count, std::vector<Buffer>& buffers) {
  const char* what = type == kOutput ? "REQBUFS(OUTPUT)" : "REQBUFS(CAPTURE)";
  const MediaReply rb = call(code(Ioctl::ReqBufs), bytes_of(v4l2::RequestBuffers{count, type, v4l2::kMemoryMmap}),
                             uint32_t(v4l2::RequestBuffers::kSize));
  if (!check(rb, what) || rb.payload.size() < v4l2::RequestBuffers::kSize) return false;
  buffers.assign(v4l2::RequestBuffers::decode(rb.payload.data()).count, Buffer{});
  for (uint32_t i = 0; i < buffers.size(); ++i) {
    v4l2::Buffer q;
    q.index = i, q.type = type, q.memory = v4l2::kMemoryMmap, q.length = 1;
    const MediaReply reply = driver_.ioctl(session_, code(Ioctl::QueryBuf), {bytes_of(q), Bytes(v4l2::Plane::kSize, 0)},
                                           {uint32_t(v4l2::Buffer::kSize), uint32_t(v4l2::Plane::kSize)});
    if (!check(reply, "QUERYBUF") || reply.payload.size() < v4l2::Buffer::kSize + v4l2::Plane::kSize) return false;
    const v4l2::Plane plane = v4l2::Plane::decode(reply.payload.data() + v4l2::Buffer::kSize);
    const auto mapped = driver_.mmap(session_, uint32_t(plane.m), true);
    if (!mapped || !driver_.shm()) {
      report_.problems.push_back(fmt::format("MMAP of buffer {} failed", i));
      return false;
    }
    buffers[i] = {driver_.shm()->base + mapped->driver_addr, uint32_t(mapped->len), mapped->driver_addr, false};
  }
  return true;
}

bool MediaEncodeClient::qbuf(uint32_t type, uint32_t index, uint32_t bytesused, uint64_t timestamp) {
  v4l2::Buffer q;
  q.index = index, q.type = type, q.memory = v4l2::kMemoryMmap, q.length = 1;
  q.timestamp = v4l2::timeval_of(timestamp);
  Buffer& b = (type == kOutput ? output_ : capture_)[index];
  const v4l2::Plane p{bytesused, b.length, 0, 0};
  const MediaReply reply = driver_.ioctl(session_, code(Ioctl::QBuf), {bytes_of(q), bytes_of(p)},
                                         {uint32_t(v4l2::Buffer::kSize), uint32_t(v4l2::Plane::kSize)});
  b.queued = check(reply, type == kOutput ? "QBUF(OUTPUT)" : "QBUF(CAPTURE)");
  return b.queued;
}

// S_EXT_CTRLS of the codec class with one control, as ffmpeg sets each.
bool MediaEncodeClient::set_bitrate(uint32_t bps) {
  v4l2::ExtControls h{v4l2::kCtrlClassCodec, 1};
  const v4l2::ExtControl c{v4l2::kCidMpegVideoBitrate, 0, int64_t(bps)};
  const MediaReply reply = driver_.ioctl(session_, code(Ioctl::SExtCtrls), {bytes_of(h), bytes_of(c)},
                                         {uint32_t(v4l2::ExtControls::kSize), uint32_t(v4l2::ExtControl::kSize)});
  return check(reply, "S_EXT_CTRLS(BITRATE)");
}

bool MediaEncodeClient::queue_frame(uint32_t buffer) {
  const uint32_t index = next_frame_++;
  if (auto it = config_.bitrate_at.find(index); it != config_.bitrate_at.end() && !set_bitrate(it->second)) return false;
  if (config_.force_key_frames.count(index) &&
      !check(call(code(Ioctl::SCtrl), bytes_of(v4l2::Control{v4l2::kCidMpegVideoForceKeyFrame, 1}),
                  uint32_t(v4l2::Control::kSize)),
             "S_CTRL(FORCE_KEY_FRAME)"))
    return false;
  const codec::Picture picture = codec::TestPattern(config_.width, config_.height, config_.seed).frame(index);
  std::vector<uint8_t> image(picture.y);
  image.insert(image.end(), picture.u.begin(), picture.u.end());
  image.insert(image.end(), picture.v.begin(), picture.v.end());
  if (image.size() > raw_bytes_ || raw_bytes_ > output_[buffer].length) {
    report_.problems.push_back(fmt::format("frame {} ({} bytes) does not fit the OUTPUT buffer", index, image.size()));
    return false;
  }
  driver_.cpu().write(output_[buffer].guest_addr, image.data(), image.size());
  report_.input_queued[index] = sc_core::sc_time_stamp();
  if (!qbuf(kOutput, buffer, raw_bytes_, index)) return false;
  ++report_.frames_queued;
  return true;
}

void MediaEncodeClient::on_coded(uint32_t index, uint32_t bytesused, uint32_t flags, uint64_t timestamp,
                                 sc_core::sc_time when) {
  capture_[index].queued = false;
  if (flags & v4l2::kBufFlagLast) {
    report_.drained = stop_sent_;
    if (!stop_sent_) report_.problems.push_back("a LAST buffer without a drain");
    if (bytesused == 0) return;  // the drain's empty LAST carries no frame
  }
  guest::EncodedOutput unit;
  unit.data.resize(std::min(bytesused, capture_[index].length));
  driver_.cpu().read(capture_[index].guest_addr, unit.data.data(), unit.data.size());
  unit.timestamp = timestamp;
  unit.frame_type = frame_type_of(flags);
  unit.error_flag = (flags & v4l2::kBufFlagError) != 0;
  unit.answered = sc_core::sc_time_stamp();
  unit.interrupted = unit.reaped = when;
  report_.units.push_back(std::move(unit));
  if (!(flags & v4l2::kBufFlagLast)) qbuf(kCapture, index, 0, 0);
}

void MediaEncodeClient::handle_events() {
  for (const auto& e : driver_.take_events(session_)) {
    const auto dq = decode_event_dqbuf(e.bytes);
    if (!dq) continue;  // EOS: the LAST buffer is what counts
    const uint32_t index = dq->buffer.index;
    if (dq->buffer.type == kOutput && index < output_.size()) {
      output_[index].queued = false;
      ++report_.inputs_consumed;
    } else if (dq->buffer.type == kCapture && index < capture_.size() && capture_[index].queued) {
      on_coded(index, dq->planes[0].bytesused, dq->buffer.flags, v4l2::micros_of(dq->buffer.timestamp), e.when);
    }
  }
}

guest::EncodeReport MediaEncodeClient::run() {
  const auto opened = driver_.open();
  if (!opened) {
    report_.problems.push_back(opened.error().message);
    return report_;
  }
  session_ = *opened;
  report_.stream_id = session_;
  const bool subscribed =
      check(call(code(Ioctl::SubscribeEvent), bytes_of(v4l2::EventSubscription{v4l2::kEventEos}), 0), "SUBSCRIBE_EVENT");
  if (subscribed && setup()) encode_frames();
  if (driver_.session_dead(session_)) report_.problems.push_back("the device ended the session (ERROR event)");
  teardown();
  return report_;
}

// Every frame, the Reset sequences asked for and the final drain, until its LAST.
void MediaEncodeClient::encode_frames() {
  start_ = sc_core::sc_time_stamp();
  restarts_left_ = config_.restart_capture_at;
  while (report_.problems.empty() && !driver_.session_dead(session_)) {
    const uint64_t seen = driver_.activity_count();
    handle_events();
    const bool restart_due = restarts_left_.count(next_frame_) != 0;  // Reset 1: drained first
    const auto free = std::find_if(output_.begin(), output_.end(), [](const Buffer& b) { return !b.queued; });
    const sc_core::sc_time due = guest::feed_time(start_, next_frame_, config_.feed_fps);
    const bool can_queue = next_frame_ < config_.frames && !restart_due && free != output_.end();
    if (can_queue && due <= sc_core::sc_time_stamp()) {
      queue_frame(uint32_t(free - output_.begin()));
      continue;
    }
    if ((next_frame_ == config_.frames || restart_due) && !stop_sent_) {  // Drain 1: after the frames before it are queued
      stop_sent_ = check(call(code(Ioctl::EncoderCmd), bytes_of(v4l2::EncoderCmd{v4l2::kEncCmdStop}),
                              uint32_t(v4l2::EncoderCmd::kSize)),
                         "ENCODER_CMD(STOP)");
      continue;
    }
    if (report_.drained && restart_due) {
      restart_capture();
      continue;
    }
    if (report_.drained || !report_.problems.empty()) return;
    if (can_queue) driver_.wait_for_activity(seen, due - sc_core::sc_time_stamp());  // the next frame's capture
    else driver_.wait_for_activity(seen);
  }
}

// Reset 2-3: STREAMOFF(CAPTURE) returns every CAPTURE buffer without data; after
// STREAMON(CAPTURE) each is queued again for the new stream.
void MediaEncodeClient::restart_capture() {
  restarts_left_.erase(next_frame_);
  stop_sent_ = report_.drained = false;
  if (!check(call(code(Ioctl::StreamOff), type_payload(kCapture), 0), "STREAMOFF(CAPTURE)") ||
      !check(call(code(Ioctl::StreamOn), type_payload(kCapture), 0), "STREAMON(CAPTURE)"))
    return;  // the problem ends the session
  for (auto& b : capture_) b.queued = false;
  for (uint32_t i = 0; i < capture_.size(); ++i)
    if (!qbuf(kCapture, i, 0, 0)) return;
}

void MediaEncodeClient::teardown() {
  if (!driver_.session_dead(session_)) {
    for (uint32_t type : {kOutput, kCapture}) {
      call(code(Ioctl::StreamOff), type_payload(type), 0);
      call(code(Ioctl::ReqBufs), bytes_of(v4l2::RequestBuffers{0, type, v4l2::kMemoryMmap}), v4l2::RequestBuffers::kSize);
    }
  }
  for (const auto* buffers : {&output_, &capture_})
    for (const auto& b : *buffers)
      if (b.length) driver_.munmap(b.driver_addr);
  driver_.close(session_);
  report_.destroyed = true;
}

}  // namespace vvsim::virtio_media
