#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn
#include "models/protocols/media/media_device.h"

#include <fmt/format.h>

#include <stdexcept>

#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/v4l2_constants.h"
#include "tlm_virtio/le_bytes.h"

namespace vvsim::virtio_media {

namespace {

// The most of a command chain's readable part the device reads: the largest
// ioctl payload with a full SG list for a 64 MiB buffer in 4 KiB pages.
constexpr uint64_t kMaxCommandBytes = 1u << 20;

sc_core::sc_time ns(uint64_t v) { return sc_core::sc_time(double(v), sc_core::SC_NS); }

// What of the device's faults an encoder session carries out.
EncoderSessionFaults encoder_faults(const MediaDeviceFaults& f) {
  EncoderSessionFaults e;
  e.format_change_with_buffers = f.format_change_with_buffers;
  e.commands_while_draining = f.drain_commands_accepted;
  e.encode_before_capture_streams = f.encode_before_capture_streams;
  e.capture_restart_keeps_encoder = f.capture_restart_keeps_encoder;
  e.output_streamoff_cancels_drain = f.output_streamoff_cancels_drain;
  e.capture_streamoff_keeps_drain = f.capture_streamoff_keeps_drain;
  e.busy_controls_ignored = f.busy_controls_ignored;
  e.drain_waits_for_output = f.drain_waits_for_output;
  return e;
}

}  // namespace

void validate(const MediaDeviceProfile& p) {
  if (p.commandq_size < 2 || p.eventq_size < 1) throw std::invalid_argument("media device: queue sizes must be >= 2 / >= 1");
  if (p.shm_bytes < 4096 || p.shm_bytes > (1ull << 32))
    throw std::invalid_argument("media device: shm_bytes must be within 4 KiB..4 GiB (mem_offset is 32 bits)");
  if (p.max_buffers < 1 || p.max_buffers > 32) throw std::invalid_argument("media device: max_buffers must be 1..32");
  if (p.placeholder_width < 16 || p.placeholder_height < 16 || p.max_width < p.placeholder_width ||
      p.max_height < p.placeholder_height)
    throw std::invalid_argument("media device: the placeholder format must be 16x16 .. max_width x max_height");
  if (p.output_buffer_bytes < 4096) throw std::invalid_argument("media device: output_buffer_bytes must be >= 4096");
}

MediaDevice::MediaDevice(sc_core::sc_module_name name, const MediaDeviceProfile& profile, models::CodecEngine& engine,
                         uint64_t shm_base, DecoderSession::DecoderFactory decoders)
    : sc_module(name),
      profile_(profile),
      engine_(engine),
      decoders_(std::move(decoders)),
      encoders_(codec::make_encoder),
      shm_(shm_base, profile.shm_bytes) {
  validate(profile_);
  sc_core::sc_spawn([this] { command_worker(); }, sc_core::sc_gen_unique_name("command_worker"));
  sc_core::sc_spawn([this] { event_worker(); }, sc_core::sc_gen_unique_name("event_worker"));
}

uint16_t MediaDevice::queue_max_size(unsigned queue) const {
  return queue == kCommandQueue ? profile_.commandq_size : profile_.eventq_size;
}

std::vector<uint8_t> MediaDevice::config_space() const {
  return encode(Config{v4l2::kCapVideoM2mMplane | v4l2::kCapStreaming, 0 /* VFL_TYPE_VIDEO */, profile_.card});
}

std::vector<tlm_virtio::SharedMemoryRegion> MediaDevice::shared_memory_regions() const {
  return {{kShmRegionMmap, shm_.guest_base(), shm_.length()}};
}

void MediaDevice::notify(unsigned queue) {
  if (queue == kCommandQueue) ++command_kicks_, command_kick_.notify(sc_core::SC_ZERO_TIME);
  if (queue == kEventQueue) ++event_kicks_, event_kick_.notify(sc_core::SC_ZERO_TIME);
}

// Status 0: every session, mapping and pending event is gone; session ids start again at 0.
void MediaDevice::reset() {
  ++epoch_;
  for (const auto& [id, session] : sessions_) engine_.cancel(owner(id));
  sessions_.clear();
  shm_.clear();
  backlog_.clear();
  next_session_id_ = 0;
  work_.notify(sc_core::SC_ZERO_TIME);
  backlog_drained_.notify(sc_core::SC_ZERO_TIME);
  if (observer_) observer_->on_reset(sc_core::sc_time_stamp().value());
}

std::string MediaDevice::owner(uint32_t id) const { return fmt::format("{}.session{}", name(), id); }

void MediaDevice::report(const std::string& message) {
  diagnostics_.push_back(fmt::format("{} ns: {}", sc_core::sc_time_stamp().value() / 1000, message));
}

// Every chain is answered as soon as it is handled: no command holds a descriptor.
void MediaDevice::command_worker() {
  for (;;) {
    if (profile_.event_overflow == EventOverflow::BlockWorker && !backlog_.empty()) {
      sc_core::wait(backlog_drained_);  // crosvm: the worker sits in send_event until a buffer comes
      continue;
    }
    const uint64_t kicks_seen = command_kicks_;
    std::optional<tlm_virtio::DescriptorChain> chain;
    Bytes readable;
    if (controller_) {
      tlm_virtio::MemoryPort::Batch batch(controller_->dma());
      auto popped = controller_->pop(kCommandQueue);
      if (popped && popped->has_value()) {
        chain = std::move(**popped);
        if (!controller_->gather(*chain, readable, kMaxCommandBytes)) readable.clear();
        batch.then_busy(ns(profile_.command_firmware_ns));
      }
    }
    if (!chain) {
      if (command_kicks_ == kicks_seen) sc_core::wait(command_kick_);
      continue;
    }
    const Bytes reply = chain->readable_bytes() > kMaxCommandBytes ? encode_resp_header(v4l2::kEinval) : handle(readable);
    if (observer_) observer_->on_command(sc_core::sc_time_stamp().value(), readable, reply);
    answer(*chain, reply);
  }
}

void MediaDevice::answer(const tlm_virtio::DescriptorChain& chain, const Bytes& reply) {
  uint32_t written = 0;
  if (reply.size() > chain.writable_bytes()) {
    report(fmt::format("commandq chain {}: {} response bytes do not fit its {} writable bytes", chain.id, reply.size(),
                       chain.writable_bytes()));
  } else if (!reply.empty() && controller_->scatter(chain, reply.data(), reply.size())) {
    written = uint32_t(reply.size());
  }
  controller_->push(kCommandQueue, chain, written);
}

Bytes MediaDevice::handle(const Bytes& readable) {
  const auto header = decode_cmd_header(readable);
  if (!header) {
    report(header.error().message);
    ++stats_.errors_returned;
    return encode_resp_header(header.error().errno_value);
  }
  ++stats_.commands;
  switch (header->cmd) {
    case Cmd::Open: return open_session();
    case Cmd::Close: return close_session(readable);
    case Cmd::Ioctl: return ioctl(readable);
    case Cmd::Mmap: return mmap(readable);
    case Cmd::Munmap: return munmap(readable);
  }
  return encode_resp_header(v4l2::kEnotty);
}

Bytes MediaDevice::open_session() {
  ++stats_.commands_by_name["OPEN"];
  const uint32_t id = next_session_id_++;
  // The fault names a session still open; the new one exists under its own id all the same.
  uint32_t answered = faults_.open_returns_open_id && !sessions_.empty() ? sessions_.begin()->first : id;
  if (faults_.recycle_errored_id)
    for (const auto& [other, session] : sessions_)
      if (session->errored()) answered = other;
  const uint64_t epoch = epoch_;
  if (profile_.role == MediaRole::Encoder) {
    auto encoder = std::make_unique<EncoderSession>(id, profile_, shm_, encoders_);
    encoder->set_faults(encoder_faults(faults_));
    sessions_[id] = std::move(encoder);
    sc_core::sc_spawn([this, id, epoch] { encoder_worker(id, epoch); }, sc_core::sc_gen_unique_name("encoder_worker"));
  } else {
    auto decoder = std::make_unique<DecoderSession>(id, profile_, shm_, decoders_);
    if (faults_.format_change_with_buffers) decoder->allow_format_change_with_buffers();
    if (faults_.drain_commands_accepted) decoder->accept_commands_while_draining();
    if (faults_.idle_stop_refused) decoder->refuse_stop_when_idle();
    if (faults_.decode_after_drain) decoder->decode_after_drain();
    sessions_[id] = std::move(decoder);
    sc_core::sc_spawn([this, id, epoch] { session_worker(id, epoch); }, sc_core::sc_gen_unique_name("session_worker"));
  }
  if (faults_.unsubscribed_events) sessions_[id]->ignore_subscriptions();
  return encode(RespOpen{0, answered});
}

// CLOSE has no response (§Close device): the chain comes back with nothing written.
Bytes MediaDevice::close_session(const Bytes& readable) {
  ++stats_.commands_by_name["CLOSE"];
  const auto close = decode_close(readable);
  if (!close) {
    report(close.error().message);
    return {};
  }
  const auto it = sessions_.find(close->session_id);
  if (it == sessions_.end()) return {};  // an unknown session: nothing to free (as crosvm)
  engine_.cancel(owner(close->session_id));
  sessions_.erase(it);
  if (faults_.close_drops_mappings) shm_.clear();
  work_.notify(sc_core::SC_ZERO_TIME);
  return {};
}

Bytes MediaDevice::ioctl(const Bytes& readable) {
  const auto cmd = decode_ioctl(readable);
  if (!cmd) return encode_resp_header(cmd.error().errno_value);
  ++stats_.commands_by_name[fmt::format("IOCTL {}", ioctl_name(cmd->code))];
  const auto it = sessions_.find(cmd->session_id);
  if (it == sessions_.end()) {
    ++stats_.errors_returned;
    return encode_resp_header(v4l2::kEinval);
  }
  const Bytes payload(readable.begin() + long(kCmdIoctlSize), readable.end());
  IoctlReply reply = it->second->ioctl(cmd->code, payload);
  if (reply.status == 0) mark_queued_input(cmd->session_id, cmd->code, payload);
  const auto info = ioctl_info(cmd->code);
  if (faults_.unsupported_as_einval && info && info->replaced) reply = {v4l2::kEinval, {}, false};
  if (faults_.short_payload && reply.status == 0) reply.payload.clear();
  if (reply.status == 0) break_reply(cmd->code, reply.payload);
  collect_events(*it->second);
  work_.notify(sc_core::SC_ZERO_TIME);
  Bytes out = encode_resp_header(reply.status);
  if (reply.status != 0) ++stats_.errors_returned;
  if (reply.status == 0 || reply.payload_on_error) out.insert(out.end(), reply.payload.begin(), reply.payload.end());
  return out;
}

Bytes MediaDevice::mmap(const Bytes& readable) {
  ++stats_.commands_by_name["MMAP"];
  const auto cmd = decode_mmap(readable);
  if (!cmd) return encode_resp_header(cmd.error().errno_value);
  const auto it = sessions_.find(cmd->session_id);
  if (it == sessions_.end() || it->second->errored())
    return encode_resp_header(it == sessions_.end() ? v4l2::kEinval : it->second->error());
  const auto len = shm_.map(cmd->offset);
  if (!len) return encode_resp_header(len.error().errno_value);
  constexpr uint64_t kPage = 4096;
  const uint64_t driver_addr = cmd->offset + (faults_.mapping_past_region ? shm_.length() : 0);
  return encode(RespMmap{0, driver_addr, *len + (faults_.mmap_len_wrong ? kPage : 0)});
}

Bytes MediaDevice::munmap(const Bytes& readable) {
  ++stats_.commands_by_name["MUNMAP"];
  const auto cmd = decode_munmap(readable);
  if (!cmd) return encode_resp_header(cmd.error().errno_value);
  const auto done = shm_.unmap(cmd->driver_addr);
  return encode_resp_header(done ? 0 : done.error().errno_value);
}

void MediaDevice::collect_events(MediaSession& s) {
  for (auto& e : s.take_outbox()) {
    const uint32_t kind = tlm_virtio::le::get32(e.data());
    const bool source_change = kind == uint32_t(EventKind::Event) &&
                               tlm_virtio::le::get32(e.data() + kEventHeaderSize) == v4l2::kEventSourceChange;
    if (faults_.no_source_change && source_change) continue;
    const bool eos = kind == uint32_t(EventKind::Event) && tlm_virtio::le::get32(e.data() + kEventHeaderSize) == v4l2::kEventEos;
    if (faults_.no_eos_event && eos) continue;
    if (faults_.trimmed_dqbuf_events && kind == uint32_t(EventKind::Dqbuf))
      e.resize(kEventHeaderSize + v4l2::Buffer::kSize + v4l2::Plane::kSize);
    if (faults_.shifted_capture_timestamps && kind == uint32_t(EventKind::Dqbuf)) e = shifted_capture_timestamp(e);
    if (faults_.first_frame_flagged_last && kind == uint32_t(EventKind::Dqbuf)) e = first_frame_flagged_last(e);
    if (faults_.overfilled_capture && kind == uint32_t(EventKind::Dqbuf)) e = overfilled_capture(e);
    if (faults_.untyped_coded_frames && kind == uint32_t(EventKind::Dqbuf)) e = untyped_coded_frame(e);
    if (kind == uint32_t(EventKind::Event)) e = broken_v4l2_event(e);
    if (faults_.repeated_dqbuf && kind == uint32_t(EventKind::Dqbuf)) backlog_.push_back(e);
    backlog_.push_back(std::move(e));
  }
  stats_.peak_backlog = std::max(stats_.peak_backlog, backlog_.size());
  if (!backlog_.empty()) backlog_added_.notify(sc_core::SC_ZERO_TIME);
}

// Events go out in the order they were raised, each in one posted eventq buffer.
void MediaDevice::event_worker() {
  bool waiting = false;  // the front event found no buffer
  sc_core::sc_time waiting_since;
  for (;;) {
    if (backlog_.empty() || !controller_) {
      sc_core::wait(backlog_added_);
      continue;
    }
    const uint64_t kicks_seen = event_kicks_;
    std::optional<tlm_virtio::DescriptorChain> chain;
    {
      tlm_virtio::MemoryPort::Batch batch(controller_->dma());
      auto popped = controller_->pop(kEventQueue);
      if (popped && popped->has_value()) chain = std::move(**popped), batch.then_busy(ns(profile_.event_firmware_ns));
    }
    if (!chain) {
      if (!waiting) waiting = true, waiting_since = sc_core::sc_time_stamp(), ++stats_.events_waited;
      if (event_kicks_ == kicks_seen) sc_core::wait(event_kick_);
      continue;
    }
    if (waiting) stats_.event_wait_total += sc_core::sc_time_stamp() - waiting_since, waiting = false;
    if (backlog_.empty()) continue;  // a reset emptied it meanwhile; the chain is from before it
    const Bytes event = std::move(backlog_.front());
    backlog_.pop_front();
    uint32_t written = 0;
    if (chain->writable_bytes() < event.size())
      report(fmt::format("eventq chain {}: an event of {} bytes does not fit its {} bytes; the event is lost", chain->id,
                         event.size(), chain->writable_bytes()));
    else if (controller_->scatter(*chain, event.data(), event.size()))
      written = uint32_t(event.size()), ++stats_.events;
    if (written && observer_) observer_->on_event(sc_core::sc_time_stamp().value(), event);
    controller_->push(kEventQueue, *chain, written);
    if (written) mark_returned_output(event);
    if (backlog_.empty()) backlog_drained_.notify(sc_core::SC_ZERO_TIME);
  }
}

void MediaDevice::mark(uint32_t session, uint64_t timestamp_us, models::DeviceStage stage, sc_core::sc_time at) {
  if (probe_) probe_({session, timestamp_us, stage, at});
}

// A bitstream buffer the session took (QBUF on OUTPUT): the frame's first mark.
void MediaDevice::mark_queued_input(uint32_t session, uint32_t code, const Bytes& payload) {
  if (!probe_ || code != uint32_t(Ioctl::QBuf) || payload.size() < v4l2::Buffer::kSize) return;
  const v4l2::Buffer b = v4l2::Buffer::decode(payload.data());
  if (b.type == v4l2::kBufTypeVideoOutputMplane) mark(session, v4l2::micros_of(b.timestamp), models::DeviceStage::InputAccepted);
}

// A picture's DQBUF event in the driver's eventq buffer: the device has returned the frame.
void MediaDevice::mark_returned_output(const Bytes& event) {
  if (!probe_) return;
  const auto dqbuf = decode_event_dqbuf(event);
  if (!dqbuf || dqbuf->buffer.type != v4l2::kBufTypeVideoCaptureMplane || dqbuf->planes[0].bytesused == 0) return;
  mark(dqbuf->session_id, v4l2::micros_of(dqbuf->buffer.timestamp), models::DeviceStage::OutputReturned);
}

// The faults that change a successful ioctl's answer payload.
void MediaDevice::break_reply(uint32_t code, Bytes& payload) const {
  constexpr size_t kBufferPointerAt = 64;  // v4l2_buffer.m on a 64-bit guest
  const bool buffer = code == uint32_t(Ioctl::QBuf) || code == uint32_t(Ioctl::QueryBuf);
  if (faults_.clobbered_buffer_pointer && buffer && payload.size() >= v4l2::Buffer::kSize)
    tlm_virtio::le::put64(payload.data() + kBufferPointerAt, tlm_virtio::le::get64(payload.data() + kBufferPointerAt) ^ 0x1000);
  constexpr size_t kPlanePointerAt = v4l2::Buffer::kSize + 8;  // the first v4l2_plane's m
  if (faults_.clobbered_plane_userptr && buffer && payload.size() >= v4l2::Buffer::kSize + v4l2::Plane::kSize &&
      v4l2::Buffer::decode(payload.data()).memory == v4l2::kMemoryUserptr)
    tlm_virtio::le::put64(payload.data() + kPlanePointerAt, tlm_virtio::le::get64(payload.data() + kPlanePointerAt) ^ 0x1000);
  if (faults_.selection_past_format && code == uint32_t(Ioctl::GSelection) && payload.size() >= v4l2::Selection::kSize) {
    v4l2::Selection s = v4l2::Selection::decode(payload.data());
    s.width += 16;
    s.encode(payload.data());
  }
}

// A coded frame's CAPTURE buffer without KEYFRAME / PFRAME / BFRAME.
Bytes MediaDevice::untyped_coded_frame(const Bytes& event) {
  auto e = decode_event_dqbuf(event);
  if (!e || e->buffer.type != v4l2::kBufTypeVideoCaptureMplane || e->planes[0].bytesused == 0) return event;
  e->buffer.flags &= ~(v4l2::kBufFlagKeyframe | v4l2::kBufFlagPframe | v4l2::kBufFlagBframe);
  return encode(*e);
}

Bytes MediaDevice::shifted_capture_timestamp(const Bytes& event) {
  auto e = decode_event_dqbuf(event);
  if (!e || e->buffer.type != v4l2::kBufTypeVideoCaptureMplane) return event;
  e->buffer.timestamp = v4l2::timeval_of(v4l2::micros_of(e->buffer.timestamp) + 1);
  return encode(*e);
}

// A decoded picture whose plane claims one byte more than the buffer holds.
Bytes MediaDevice::overfilled_capture(const Bytes& event) {
  auto e = decode_event_dqbuf(event);
  if (!e || e->buffer.type != v4l2::kBufTypeVideoCaptureMplane || e->planes[0].bytesused == 0) return event;
  e->planes[0].bytesused = e->planes[0].length + 1;
  return encode(*e);
}

// The faults that change a V4L2 event's fields.
Bytes MediaDevice::broken_v4l2_event(const Bytes& event) const {
  auto e = decode_event_event(event);
  if (!e || !(faults_.src_change_without_resolution || faults_.event_sequence_gaps)) return event;
  if (faults_.src_change_without_resolution && e->event.type == v4l2::kEventSourceChange) e->event.src_change_changes = 0;
  if (faults_.event_sequence_gaps) e->event.sequence *= 2;
  return encode(*e);
}

// The first decoded picture of a session (sequence 0) flagged LAST, as if a drain or DRC ended there.
Bytes MediaDevice::first_frame_flagged_last(const Bytes& event) {
  auto e = decode_event_dqbuf(event);
  if (!e || e->buffer.type != v4l2::kBufTypeVideoCaptureMplane || e->buffer.sequence != 0 || e->planes[0].bytesused == 0)
    return event;
  e->buffer.flags |= v4l2::kBufFlagLast;
  return encode(*e);
}

}  // namespace vvsim::virtio_media
