#include "models/protocols/media/media_decode_client.h"

#include <fmt/format.h>

#include <algorithm>

#include "models/protocols/media/decoder_session.h"
#include "models/protocols/media/media_client_calls.h"
#include "models/protocols/media/media_controls.h"
#include "models/protocols/media/media_ioctls.h"

namespace vvsim::virtio_media {

using v4l2::bytes_of;

namespace {

constexpr uint32_t kOutput = v4l2::kBufTypeVideoOutputMplane, kCapture = v4l2::kBufTypeVideoCaptureMplane;
constexpr uint32_t kPageBytes = 4096;  // USERPTR buffers are lists of guest pages

}  // namespace

MediaDecodeClient::MediaDecodeClient(MediaDriver& driver, MediaDecodeConfig config)
    : driver_(driver), config_(std::move(config)), misbehaviour_(config_.misbehaviour) {}

MediaReply MediaDecodeClient::call(uint32_t c, const Bytes& payload, uint32_t response_bytes) {
  return call_ioctl(driver_, session_, c, payload, response_bytes);
}

bool MediaDecodeClient::check(const MediaReply& reply, const char* what) { return check_reply(reply, what, report_.problems); }

template <class T>
std::optional<T> MediaDecodeClient::call_struct(uint32_t c, const T& v, const char* what) {
  const MediaReply reply = call(c, bytes_of(v), uint32_t(T::kSize));
  if (!check(reply, what)) return std::nullopt;
  if (reply.payload.size() < T::kSize) {
    report_.problems.push_back(fmt::format("{}: answer of {} bytes, {} expected", what, reply.payload.size(), T::kSize));
    return std::nullopt;
  }
  return T::decode(reply.payload.data());
}

// Initialization 1-4 up to the bitstream: OPEN, SUBSCRIBE, S_FMT and buffers on OUTPUT, STREAMON(OUTPUT).
bool MediaDecodeClient::open_and_stream_output() {
  const auto opened = driver_.open();
  if (!opened) {
    report_.problems.push_back(opened.error().message);
    return false;
  }
  session_ = *opened, open_ = true;
  report_.session_id = session_;
  query_profiles();
  for (uint32_t type : {v4l2::kEventSourceChange, v4l2::kEventEos})
    if (!check(call(code(Ioctl::SubscribeEvent), bytes_of(v4l2::EventSubscription{type}), 0), "SUBSCRIBE_EVENT"))
      return false;
  return setup_output() && check(call(code(Ioctl::StreamOn), type_payload(kOutput), 0), "STREAMON(OUTPUT)");
}

// Querying Capabilities as Chromium's V4L2 decoder enumerates a coded format's
// profiles (GStreamer's v4l2 plugin the same way): the profile control's range,
// then QUERYMENU for each index in it, EINVAL marking an item not offered. The
// Linux driver has only QUERY_EXT_CTRL, the kernel answering QUERYCTRL through
// it, so that is what travels. A device without the control is no problem:
// Chromium then assumes default profiles. The list goes into the report.
void MediaDecodeClient::query_profiles() {
  report_.device_profiles.clear();  // a reopened session asks again
  v4l2::QueryExtCtrl q;
  q.id = profile_control_id(config_.codec);
  const MediaReply range = call(code(Ioctl::QueryExtCtrl), bytes_of(q), uint32_t(v4l2::QueryExtCtrl::kSize));
  if (range.status != 0 || range.payload.size() < v4l2::QueryExtCtrl::kSize) return;
  q = v4l2::QueryExtCtrl::decode(range.payload.data());
  for (int64_t index = std::max<int64_t>(q.minimum, 0); index <= q.maximum; ++index) {
    const MediaReply item = call(code(Ioctl::QueryMenu), bytes_of(v4l2::QueryMenu{q.id, uint32_t(index), {}}),
                                 uint32_t(v4l2::QueryMenu::kSize));
    if (item.status == 0 && item.payload.size() >= v4l2::QueryMenu::kSize)
      report_.device_profiles.push_back(v4l2::QueryMenu::decode(item.payload.data()).name);
  }
}

// Status = 0 mid-stream: the device drops the session, its buffers and mappings (no CLOSE, no
// MUNMAP: as Linux on remove, and mappings are void after a reset, docs/spec-notes.md). The
// driver brings the device up again and the client starts over with a new session; the units
// queued and not decoded are lost, so the new decoder waits for a key frame.
bool MediaDecodeClient::reset_and_reopen() {
  driver_.reset_device();
  ++report_.resets;
  open_ = capture_streaming_ = drc_pending_ = draining_ = frame_drain_ = false;
  output_.clear(), capture_.clear(), held_.clear();
  note_depths();
  for (uint64_t block : guest_blocks_) driver_.memory().release(block);
  guest_blocks_.clear();
  if (auto up = driver_.initialize(); !up) {
    report_.problems.push_back("re-initialisation after reset failed: " + up.error().message);
    return false;
  }
  return open_and_stream_output();
}

MediaDecodeReport MediaDecodeClient::run() {
  if (!open_and_stream_output()) return teardown(), report_;
  started_ = sc_core::sc_time_stamp();
  misbehaviour_.after_setup(driver_, report_.raw_answers);
  while (report_.problems.empty() && !driver_.session_dead(session_)) {
    const uint64_t seen = driver_.activity_count();
    handle_events();
    release_held();
    if (report_.drained || !report_.problems.empty()) break;
    if (config_.close_after_units && units_queued_ >= *config_.close_after_units) {
      report_.closed_mid_stream = true;
      break;
    }
    if (config_.reset_after_units && report_.resets == 0 && units_queued_ >= *config_.reset_after_units) {
      if (!reset_and_reopen()) break;
      continue;
    }
    if (config_.seek_after_units && !report_.seeked && units_queued_ >= *config_.seek_after_units) {
      seek();
      continue;
    }
    const auto free_output = std::find_if(output_.begin(), output_.end(), [](const Buffer& b) { return !b.queued; });
    const bool due = sc_core::sc_time_stamp() >= next_feed_time();
    if (next_unit_ < config_.units->size() && free_output != output_.end() && due && !draining_) {
      const bool ends_frame = config_.units->unit(next_unit_).ends_frame;
      if (queue_output(uint32_t(free_output - output_.begin())) && ends_frame) drain_after_frame();
      continue;
    }
    if (next_unit_ == config_.units->size() && capture_streaming_ && !draining_) {
      drain();
      continue;
    }
    const auto deadline = next_deadline();
    driver_.wait_for_activity(seen, deadline ? std::optional(*deadline - sc_core::sc_time_stamp()) : std::nullopt);
  }
  if (driver_.session_dead(session_)) note_device_error();

  teardown();
  return report_;
}

bool MediaDecodeClient::setup_output() {
  v4l2::Format f;
  f.type = kOutput, f.pixelformat = coded_pixel_format(config_.codec), f.num_planes = 1;
  f.planes[0].sizeimage = config_.output_buffer_bytes;
  const auto set = call_struct(code(Ioctl::SFmt), f, "S_FMT(OUTPUT)");
  if (!set) return false;
  const auto rb = call_struct(code(Ioctl::ReqBufs), v4l2::RequestBuffers{config_.output_buffers, kOutput, config_.memory},
                              "REQBUFS(OUTPUT)");
  if (!rb) return false;
  output_.assign(rb->count, Buffer{0, set->planes[0].sizeimage});  // the count the device gave (Initialization 2)
  report_.output_buffers = std::max(report_.output_buffers, rb->count);
  return map_buffers(kOutput, output_);
}

// MMAP: QUERYBUF for the plane's mem_offset, MMAP for its place in region 0.
// USERPTR: guest pages of the driver's own.
bool MediaDecodeClient::map_buffers(uint32_t type, std::vector<Buffer>& buffers) {
  for (uint32_t i = 0; i < buffers.size(); ++i) {
    Buffer& b = buffers[i];
    if (config_.memory == v4l2::kMemoryUserptr) {
      b.guest_addr = *driver_.memory().allocate(b.length, kPageBytes);
      guest_blocks_.push_back(b.guest_addr);
      continue;
    }
    v4l2::Buffer q;
    q.index = i, q.type = type, q.memory = config_.memory, q.length = 1;
    const MediaReply reply = driver_.ioctl(session_, code(Ioctl::QueryBuf), {bytes_of(q), Bytes(v4l2::Plane::kSize, 0)},
                                           {uint32_t(v4l2::Buffer::kSize), uint32_t(v4l2::Plane::kSize)});
    if (!check(reply, "QUERYBUF") || reply.payload.size() < v4l2::Buffer::kSize + v4l2::Plane::kSize) return false;
    const v4l2::Plane plane = v4l2::Plane::decode(reply.payload.data() + v4l2::Buffer::kSize);
    const auto mapped = driver_.mmap(session_, uint32_t(plane.m), true);
    if (!mapped || !driver_.shm()) {
      report_.problems.push_back(fmt::format("MMAP of buffer {} failed", i));
      return false;
    }
    b.mem_offset = mapped->driver_addr, b.length = uint32_t(mapped->len), b.mapped = true;
    b.guest_addr = driver_.shm()->base + mapped->driver_addr;
  }
  return true;
}

bool MediaDecodeClient::qbuf(uint32_t type, uint32_t index, const Buffer& b, uint32_t bytesused, uint64_t timestamp) {
  v4l2::Buffer q;
  q.index = index, q.type = type, q.memory = config_.memory, q.length = 1;
  q.timestamp = v4l2::timeval_of(timestamp);
  v4l2::Plane p{bytesused, b.length, 0, 0};
  std::vector<Bytes> payload = {bytes_of(q)};
  if (config_.memory == v4l2::kMemoryUserptr) {
    p.m = b.guest_addr;  // the "userspace" address; the device reads the SG list instead
    Bytes sg;
    for (uint32_t at = 0; at < b.length; at += kPageBytes) {
      sg.resize(sg.size() + kSgEntrySize);
      encode(SgEntry{b.guest_addr + at, std::min(kPageBytes, b.length - at)}, sg.data() + sg.size() - kSgEntrySize);
    }
    payload.push_back(bytes_of(p));
    payload.push_back(std::move(sg));
  } else {
    payload.push_back(bytes_of(p));
  }
  const MediaReply reply = driver_.ioctl(session_, code(Ioctl::QBuf), payload,
                                         {uint32_t(v4l2::Buffer::kSize), uint32_t(v4l2::Plane::kSize)});
  return check(reply, type == kOutput ? "QBUF(OUTPUT)" : "QBUF(CAPTURE)");
}

bool MediaDecodeClient::queue_output(uint32_t index) {
  const codec::BitstreamUnit& unit = config_.units->unit(next_unit_);
  Buffer& b = output_[index];
  if (unit.data.size() > b.length) {
    report_.problems.push_back(fmt::format("unit {} ({} bytes) exceeds the OUTPUT buffer ({} bytes)", next_unit_,
                                           unit.data.size(), b.length));
    return false;
  }
  const auto& bytes = misbehaviour_.unit_bytes(next_unit_, unit.data);
  driver_.cpu().write(b.guest_addr, bytes.data(), bytes.size());
  const sc_core::sc_time queued_at = sc_core::sc_time_stamp();  // as v6: when the application queues it, before the round trip
  if (!qbuf(kOutput, index, b, uint32_t(unit.data.size()), unit.timestamp)) return false;
  b.queued = true;
  b.queued_timestamp = unit.timestamp;
  note_depths();
  report_.input_queued.emplace(unit.timestamp, queued_at);
  access_units_queued_ += unit.ends_frame;
  ++next_unit_, ++units_queued_;
  report_.units_fed = units_queued_;
  return true;
}

// Seek 1-3: STREAMOFF(OUTPUT) takes every OUTPUT buffer back without events; STREAMON
// and feeding resume from the new position.
bool MediaDecodeClient::seek() {
  report_.seeked = true;
  if (!check(call(code(Ioctl::StreamOff), type_payload(kOutput), 0), "STREAMOFF(OUTPUT)")) return false;
  for (auto& b : output_) b.queued = false;
  note_depths();
  next_unit_ = std::min<size_t>(config_.seek_to_unit, config_.units->size());
  return check(call(code(Ioctl::StreamOn), type_payload(kOutput), 0), "STREAMON(OUTPUT)");
}

void MediaDecodeClient::release_held() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  for (size_t i = 0; i < held_.size();) {
    if (held_[i].second > now) {
      ++i;
      continue;
    }
    const uint32_t index = held_[i].first;
    held_.erase(held_.begin() + long(i));
    if (index < capture_.size() && capture_streaming_ && !withholds_captures())
      queue_capture(index);
  }
}

sc_core::sc_time MediaDecodeClient::next_feed_time() const {
  return guest::feed_time(started_, access_units_queued_, config_.feed_fps);
}

// The next time the client acts without an event: a unit's feed time or a held frame's release.
std::optional<sc_core::sc_time> MediaDecodeClient::next_deadline() const {
  std::optional<sc_core::sc_time> next;
  const auto consider = [&](sc_core::sc_time t) {
    if (t > sc_core::sc_time_stamp() && (!next || t < *next)) next = t;
  };
  if (next_unit_ < config_.units->size()) consider(next_feed_time());
  for (const auto& [index, until] : held_) consider(until);
  return next;
}

bool MediaDecodeClient::queue_capture(uint32_t index) {
  if (!qbuf(kCapture, index, capture_[index], 0, 0)) return false;
  capture_[index].queued = true;
  note_depths();
  return true;
}

// Capture Setup 1-13: the stream's format, visible rectangle and buffer minimum, then buffers.
bool MediaDecodeClient::setup_capture() {
  v4l2::Format f;
  f.type = kCapture;
  const auto fmt = call_struct(code(Ioctl::GFmt), f, "G_FMT(CAPTURE)");
  v4l2::Selection s;
  s.type = v4l2::kBufTypeVideoCapture, s.target = v4l2::kSelTgtCompose;
  const auto sel = call_struct(code(Ioctl::GSelection), s, "G_SELECTION(CAPTURE, COMPOSE)");
  const auto min = call_struct(code(Ioctl::GCtrl), v4l2::Control{v4l2::kCidMinBuffersForCapture}, "G_CTRL(MIN_BUFFERS)");
  if (!fmt || !sel || !min) return false;
  capture_fmt_ = *fmt, visible_ = *sel;
  const uint32_t count = std::max<uint32_t>(config_.capture_buffers, uint32_t(std::max(min->value, 1)));
  const auto rb = call_struct(code(Ioctl::ReqBufs), v4l2::RequestBuffers{count, kCapture, config_.memory}, "REQBUFS(CAPTURE)");
  if (!rb) return false;
  capture_.assign(rb->count, Buffer{0, fmt->planes[0].sizeimage});
  report_.capture_buffers = std::max(report_.capture_buffers, rb->count);
  note_depths();
  if (!map_buffers(kCapture, capture_)) return false;
  for (uint32_t i = 0; i < capture_.size(); ++i)
    if (!queue_capture(i)) return false;
  capture_streaming_ = check(call(code(Ioctl::StreamOn), type_payload(kCapture), 0), "STREAMON(CAPTURE)");
  return capture_streaming_;
}

void MediaDecodeClient::release_capture() {
  check(call(code(Ioctl::StreamOff), type_payload(kCapture), 0), "STREAMOFF(CAPTURE)");
  capture_streaming_ = false;
  check(call(code(Ioctl::ReqBufs), bytes_of(v4l2::RequestBuffers{0, kCapture, config_.memory}), v4l2::RequestBuffers::kSize),
        "REQBUFS(CAPTURE, 0)");
  for (const auto& b : capture_)
    if (b.mapped) driver_.munmap(b.mem_offset);
  capture_.clear();
  note_depths();
}

void MediaDecodeClient::note_device_error() {
  report_.error_events = 1;
  if (const uint32_t error = driver_.session_error(session_); error == v4l2::kEopnotsupp)
    report_.problems.push_back(fmt::format("the device refused the stream's content as unsupported or above its limits "
                                           "(ERROR event, errno {}; its diagnostic names why)",
                                           error));
}

void MediaDecodeClient::handle_events() {
  for (const auto& e : driver_.take_events(session_)) {
    const auto header = decode_event_header(e.bytes);
    if (!header) continue;
    if (header->kind == EventKind::Dqbuf) {
      on_dqbuf(e.bytes);
    } else if (header->kind == EventKind::Event) {
      const auto ev = decode_event_event(e.bytes);
      if (ev->event.type != v4l2::kEventSourceChange) continue;  // EOS: the LAST buffer is what counts
      ++report_.source_changes;
      if (capture_.empty()) setup_capture();
      else drc_pending_ = true;  // carried out at the LAST buffer (DRC 2-3)
    }
    if (!report_.problems.empty()) return;
  }
}

void MediaDecodeClient::on_dqbuf(const Bytes& bytes) {
  const auto e = decode_event_dqbuf(bytes);
  const uint32_t index = e->buffer.index;
  if (e->buffer.type == kOutput) {
    const uint64_t ts = v4l2::micros_of(e->buffer.timestamp);
    // Events cross the STREAMOFF answer (the eventq is its own queue): one for a buffer
    // queued before a seek must not free the buffer queued again since.
    if (index < output_.size() && output_[index].queued_timestamp == ts) output_[index].queued = false;
    ++report_.inputs_consumed;
    note_depths();
    return;
  }
  if (index >= capture_.size() || !capture_[index].queued) return;  // from before a STREAMOFF (cross-queue order)
  capture_[index].queued = false;
  note_depths();
  if (e->buffer.flags & v4l2::kBufFlagLast) return on_last(index);
  on_frame(index, *e);
}

// The visible picture of a CAPTURE buffer, read as the client's format lays it
// out: after a resolution change the client has not followed (no LAST), the
// device's bytes are read at the old layout, never past the buffer.
size_t MediaDecodeClient::capture_image_bytes() const {
  const size_t w = capture_fmt_.width, h = capture_fmt_.height;
  return w * h + 2 * ((w + 1) / 2) * ((h + 1) / 2);
}

std::vector<uint8_t> MediaDecodeClient::read_visible_i420(uint32_t index) {
  const uint32_t w = capture_fmt_.width, h = capture_fmt_.height, cw = (w + 1) / 2, ch = (h + 1) / 2;
  const size_t at[3] = {0, size_t{w} * h, size_t{w} * h + size_t{cw} * ch};
  const uint32_t stride[3] = {w, cw, cw}, plane_rows[3] = {h, ch, ch};
  std::vector<uint8_t> image(capture_image_bytes(), 0);
  driver_.cpu().read(capture_[index].guest_addr, image.data(), std::min<size_t>(image.size(), capture_[index].length));
  const uint32_t width = std::min(visible_.width, w), height = std::min(visible_.height, h);
  std::vector<uint8_t> i420;
  for (uint32_t plane = 0; plane < 3; ++plane) {
    const uint32_t rows = std::min(plane ? (height + 1) / 2 : height, plane_rows[plane]);
    const uint32_t cols = plane ? (width + 1) / 2 : width;
    for (uint32_t r = 0; r < rows; ++r) {
      const uint8_t* row = image.data() + at[plane] + size_t{r} * stride[plane];
      i420.insert(i420.end(), row, row + cols);
    }
  }
  return i420;
}

void MediaDecodeClient::on_frame(uint32_t index, const EventDqbuf& e) {
  if (report_.frame_counts.taken == 0) report_.commands_to_first_frame = driver_.commands_answered();
  if (report_.resets > 0 && !report_.first_timestamp_after_reset)
    report_.first_timestamp_after_reset = v4l2::micros_of(e.buffer.timestamp);
  MediaFrame frame;
  frame.timestamp = v4l2::micros_of(e.buffer.timestamp);
  frame.session_id = report_.session_id;
  frame.queued = guest::queued_time(report_.input_queued, frame.timestamp, !config_.keep_frame_records);
  frame.width = visible_.width, frame.height = visible_.height;
  frame.error = (e.buffer.flags & v4l2::kBufFlagError) != 0;
  if (!frame.error && e.planes[0].bytesused > 0) {
    if (config_.read_frames) frame.i420 = read_visible_i420(index);
    else driver_.cpu().touch(capture_[index].guest_addr, std::min<size_t>(capture_image_bytes(), capture_[index].length));
  }
  driver_.charge(config_.frame_consume_ns);
  frame.at = sc_core::sc_time_stamp();
  if (config_.frame_sink) config_.frame_sink(frame);
  report_.frame_counts.count(frame.at, frame.error);
  frame.i420 = std::vector<uint8_t>();  // frees the pixels (clear() would keep them allocated in the record)
  if (config_.keep_frame_records) report_.frames.push_back(std::move(frame));
  if (withholds_captures()) return;
  if (config_.output_hold == sc_core::SC_ZERO_TIME) queue_capture(index);
  else held_.push_back({index, sc_core::sc_time_stamp() + config_.output_hold});
}

void MediaDecodeClient::on_last(uint32_t index) {
  if (drc_pending_) {  // DRC 3, Capture Setup path A: reallocate at the new format
    drc_pending_ = false;
    held_.clear();  // the frames on display go with their buffers
    ++report_.reallocations;
    release_capture();
    if (setup_capture() && draining_) resume_drain();
    return;
  }
  if (draining_ && frame_drain_) return resume_after_frame_drain(index);
  if (draining_) {
    report_.drained = true;
    return;
  }
  report_.problems.push_back("a LAST buffer without a resolution change or drain");
}

// A drain pending across a reallocation: under the Drain note the STREAMOFF(CAPTURE) aborted it and STOP starts
// it again; under Drain 2 (device option drain_survives_drc) the device is still draining and answers EBUSY.
void MediaDecodeClient::resume_drain() {
  const MediaReply r = call(code(Ioctl::DecoderCmd), bytes_of(v4l2::DecoderCmd{v4l2::kDecCmdStop}), uint32_t(v4l2::DecoderCmd::kSize));
  if (r.status == v4l2::kEbusy) return;
  if (check(r, "DECODER_CMD(STOP)")) ++report_.drains_restarted;
}

// drain_each_frame: dev-decoder Drain, then resume. The drain needs both queues streaming (Drain 1):
// before the first SOURCE_CHANGE the device holds no picture to hand out, and none is sent.
void MediaDecodeClient::drain_after_frame() {
  if (!config_.drain_each_frame || next_unit_ == config_.units->size() || !capture_streaming_) return;
  frame_drain_ = true;
  if (drain()) ++report_.frame_drains;
}

// Drain 4: the decoder is stopped after the LAST buffer; DEC_CMD_START resumes it, and the LAST
// buffer (empty) goes back to CAPTURE.
void MediaDecodeClient::resume_after_frame_drain(uint32_t last_index) {
  frame_drain_ = draining_ = false;
  if (!check(call(code(Ioctl::DecoderCmd), bytes_of(v4l2::DecoderCmd{v4l2::kDecCmdStart}),
                  uint32_t(v4l2::DecoderCmd::kSize)),
             "DECODER_CMD(START)"))
    return;
  queue_capture(last_index);
}

bool MediaDecodeClient::drain() {
  draining_ = true;
  return call_struct(code(Ioctl::DecoderCmd), v4l2::DecoderCmd{v4l2::kDecCmdStop}, "DECODER_CMD(STOP)").has_value();
}

void MediaDecodeClient::teardown() {
  if (!open_) return;
  if (!driver_.session_dead(session_)) {
    call(code(Ioctl::StreamOff), type_payload(kOutput), 0);
    if (!capture_.empty()) release_capture();
    call(code(Ioctl::ReqBufs), bytes_of(v4l2::RequestBuffers{0, kOutput, config_.memory}), v4l2::RequestBuffers::kSize);
  }
  for (const auto& b : output_)
    if (b.mapped) driver_.munmap(b.mem_offset);
  driver_.close(session_);
  for (uint64_t block : guest_blocks_) driver_.memory().release(block);
  open_ = false;
  report_.closed = true;
}

std::string MediaDecodeClient::waiting_for() const {
  const auto queued = [](const std::vector<Buffer>& buffers) {
    return std::count_if(buffers.begin(), buffers.end(), [](const Buffer& b) { return b.queued; });
  };
  const char* what = !capture_streaming_ ? "waits for SOURCE_CHANGE"
                     : draining_         ? "waits for the LAST buffer of its drain"
                                         : "waits for a DQBUF event";
  return fmt::format("{} with {} of {} OUTPUT and {} of {} CAPTURE buffers queued", what, queued(output_),
                     output_.size(), queued(capture_), capture_.size());
}

void MediaDecodeClient::note_depths() {
  if (!config_.depth_samples && !config_.on_queue_depth) return;
  const auto held = [](const std::vector<Buffer>& buffers) {
    return uint32_t(std::count_if(buffers.begin(), buffers.end(), [](const Buffer& b) { return b.queued; }));
  };
  const auto note = [this](guest::BufferQueue queue, uint32_t depth) {
    const guest::QueueDepthSample sample{sc_core::sc_time_stamp(), queue, depth};
    if (config_.depth_samples) report_.queue_depth.push_back(sample);
    if (config_.on_queue_depth) config_.on_queue_depth(sample);
  };
  const uint32_t output = held(output_), capture = held(capture_);
  if (output != output_held_) note(guest::BufferQueue::Input, output);
  if (capture != capture_held_) note(guest::BufferQueue::Output, capture);
  output_held_ = output, capture_held_ = capture;
}

}  // namespace vvsim::virtio_media
