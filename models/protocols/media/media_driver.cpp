#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn
#include "models/protocols/media/media_driver.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <tuple>

#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/v4l2_constants.h"
#include "tlm_virtio/guest_allocation.h"
#include "tlm_virtio/le_bytes.h"
#include "tlm_virtio/virtio_mmio.h"

namespace vvsim::virtio_media {

MediaDriver::MediaDriver(tlm_virtio::MemoryPort& cpu, uint64_t mmio_base, tlm_virtio::InterruptInput& irq,
                         tlm_virtio::GuestAllocator& memory, const MediaDriverProfile& profile)
    : cpu_(cpu), mmio_(cpu, mmio_base, irq), memory_(memory), profile_(profile) {}

std::vector<std::string> MediaDriver::unanswered_commands() const {
  if (!in_flight_ || in_flight_->answered) return {};
  return {in_flight_name_};
}

Status MediaDriver::initialize() {
  if (auto negotiated = mmio_.negotiate((profile_.event_idx ? tlm_virtio::VIRTIO_F_EVENT_IDX : 0) |
                                        tlm_virtio::ring_layout_feature(profile_.ring));
      !negotiated)
    return negotiated;
  if (const uint32_t id = mmio_.read_register(tlm_virtio::mmio::DeviceID); id != kDeviceId)
    return Error{fmt::format("virtio-mmio: device {} is not a media device ({})", id, kDeviceId)};
  Bytes cfg(kConfigSize);
  for (uint32_t i = 0; i < kConfigSize; i += 4) tlm_virtio::le::put32(cfg.data() + i, mmio_.read_config32(i));
  config_ = *decode_config(cfg);
  shm_ = mmio_.shared_memory_region(kShmRegionMmap);
  for (auto [queue, wanted, ring] : {std::tuple(kCommandQueue, profile_.commandq_size, &commandq_),
                                     std::tuple(kEventQueue, profile_.eventq_size, &eventq_)}) {
    mmio_.write_register(tlm_virtio::mmio::QueueSel, queue);
    const uint16_t size = uint16_t(std::min<uint32_t>(wanted, mmio_.read_register(tlm_virtio::mmio::QueueNumMax)));
    auto made = mmio_.setup_queue(queue, size, memory_);
    if (!made) return made.error();
    *ring = std::move(*made);
  }
  mmio_.driver_ok();
  if (profile_.withhold_eventq == sc_core::SC_ZERO_TIME) {
    stock_eventq();
  } else {
    sc_core::sc_spawn([this] {
      sc_core::wait(profile_.withhold_eventq);
      stock_eventq();
    }, sc_core::sc_gen_unique_name("media_withheld_eventq"));
  }
  if (!interrupt_thread_started_) {
    interrupt_thread_started_ = true;
    sc_core::sc_spawn([this] {
      for (;;) service_interrupts();
    }, sc_core::sc_gen_unique_name("media_interrupts"));
  }
  return {};
}

void MediaDriver::stock_eventq() {
  const uint16_t stock = std::min<uint16_t>(profile_.event_buffers, eventq_->size());
  for (uint16_t i = 0; i < stock; ++i) post_event_buffer(tlm_virtio::allocate_or_stop(memory_, kEventMaxSize, 16, "media driver: event buffer"));
  report_depth(kEventQueue, eventq_.get());
  if (eventq_->publish()) mmio_.kick(kEventQueue);
}

bool MediaDriver::post_event_buffer(uint64_t addr) {
  const auto id = eventq_->add({}, {{addr, uint32_t(kEventMaxSize)}});
  if (!id) return false;
  event_buffers_[*id] = addr;
  return true;
}

MediaReply MediaDriver::command(const std::string& name, uint32_t session_id, const std::vector<Bytes>& readable,
                                const std::vector<uint32_t>& writable) {
  vlock_.lock();
  charge(profile_.command_submit_ns);
  std::vector<uint32_t> out_sizes = {uint32_t(kRespHeaderSize)};
  out_sizes.insert(out_sizes.end(), writable.begin(), writable.end());
  size_t total = 0;
  for (const auto& part : readable) total += part.size();
  const uint32_t capacity = std::accumulate(out_sizes.begin(), out_sizes.end(), 0u);
  const uint64_t block =
      tlm_virtio::allocate_or_stop(memory_, std::max<size_t>(total + capacity, 1), 16, "media driver: command buffer");
  std::vector<tlm_virtio::Segment> r, w;
  uint64_t at = block;
  for (const auto& part : readable) {
    cpu_.write(at, part.data(), part.size());
    r.push_back({at, uint32_t(part.size())});
    at += part.size();
  }
  const uint64_t response_addr = at;
  for (uint32_t n : out_sizes) w.push_back({at, n}), at += n;
  MediaCommandRecord record{name, session_id, 0, sc_core::sc_time_stamp(), {}, r.size() + w.size()};
  const auto id = commandq_->add(r, w);
  if (!id) {  // a device-wide lock and at most 7 descriptors: only a tiny commandq lacks room
    memory_.release(block);
    vlock_.unlock();
    return {v4l2::kEnospc, {}};
  }
  peak_descriptors_ = std::max<uint16_t>(peak_descriptors_, uint16_t(commandq_->size() - commandq_->free_descriptors()));
  report_depth(kCommandQueue, commandq_.get());
  in_flight_ = InFlight{*id, response_addr, capacity, false, 0, {}};
  in_flight_name_ = name;
  if (commandq_->publish()) mmio_.kick(kCommandQueue);
  const sc_core::sc_time deadline = sc_core::sc_time_stamp() + sc_core::sc_time(double(profile_.command_timeout_ns), sc_core::SC_NS);
  while (!in_flight_->answered && sc_core::sc_time_stamp() < deadline)
    sc_core::wait(deadline - sc_core::sc_time_stamp(), answered_);
  MediaReply reply;
  if (!in_flight_->answered) {
    // Linux returns -ETIMEDOUT and leaves the chain in the ring: its memory cannot be reused.
    ++timeouts_;
    reply.status = v4l2::kEtimedout;
  } else {
    const Bytes& resp = in_flight_->response;
    reply.status = resp.size() >= kRespHeaderSize ? *decode_resp_status(resp) : 0;
    reply.written = in_flight_->used_len;
    if (resp.size() > kRespHeaderSize) reply.payload.assign(resp.begin() + kRespHeaderSize, resp.end());
    memory_.release(block);
  }
  record.status = reply.status;
  record.answered = sc_core::sc_time_stamp();
  ++commands_answered_;
  if (command_listener_) command_listener_(record);
  in_flight_.reset();
  vlock_.unlock();
  return reply;
}

void MediaDriver::reset_device() {
  mmio_.reset();
  for (const auto& [id, addr] : event_buffers_) memory_.release(addr);
  event_buffers_.clear();
  for (auto* ring : {&commandq_, &eventq_}) {
    if (*ring) tlm_virtio::VirtioMmioDriver::release_queue(**ring, memory_);
    ring->reset();
  }
  events_.clear();
  dead_sessions_.clear();
  ++generation_;
}

Result<uint32_t, WireError> MediaDriver::open() {
  const auto reply = command("OPEN", 0, {encode_open()}, {uint32_t(kRespOpenSize - kRespHeaderSize)});
  if (reply.status != 0) return WireError{reply.status, fmt::format("OPEN failed: errno {}", reply.status)};
  if (reply.payload.size() < kRespOpenSize - kRespHeaderSize)
    return WireError{v4l2::kEinval, fmt::format("OPEN: {} answer bytes", reply.payload.size())};
  return tlm_virtio::le::get32(reply.payload.data());
}

void MediaDriver::close(uint32_t session_id) {
  command("CLOSE", session_id, {encode(CmdClose{session_id})}, {});
  events_.erase(session_id);
  dead_sessions_.erase(session_id);
}

MediaReply MediaDriver::ioctl(uint32_t session_id, uint32_t code, const std::vector<Bytes>& payload,
                              const std::vector<uint32_t>& response) {
  if (session_dead(session_id)) return {v4l2::kEio, {}};  // after an ERROR event, locally
  std::vector<Bytes> readable = {encode(CmdIoctl{session_id, code})};
  readable.insert(readable.end(), payload.begin(), payload.end());
  return command(fmt::format("IOCTL {}", ioctl_name(code)), session_id, readable, response);
}

Result<RespMmap, uint32_t> MediaDriver::mmap(uint32_t session_id, uint32_t offset, bool writable) {
  const auto reply = command("MMAP", session_id, {encode(CmdMmap{session_id, writable ? kMmapFlagRw : 0, offset})},
                             {uint32_t(kRespMmapSize - kRespHeaderSize)});
  if (reply.status != 0) return reply.status;
  Bytes whole = encode_resp_header(0);
  whole.insert(whole.end(), reply.payload.begin(), reply.payload.end());
  const auto decoded = decode_resp_mmap(whole);
  if (!decoded) return v4l2::kEinval;
  return *decoded;
}

uint32_t MediaDriver::munmap(uint64_t driver_addr) {
  return command("MUNMAP", 0, {encode(CmdMunmap{driver_addr})}, {}).status;
}

std::vector<ReceivedMediaEvent> MediaDriver::take_events(uint32_t session_id) {
  auto it = events_.find(session_id);
  if (it == events_.end()) return {};
  std::vector<ReceivedMediaEvent> out(it->second.begin(), it->second.end());
  it->second.clear();
  return out;
}

void MediaDriver::wait_for_activity(uint64_t seen, std::optional<sc_core::sc_time> limit) {
  if (!limit) {
    while (activity_count_ == seen) sc_core::wait(activity_);
    return;
  }
  const sc_core::sc_time deadline = sc_core::sc_time_stamp() + *limit;
  while (activity_count_ == seen && sc_core::sc_time_stamp() < deadline)
    sc_core::wait(deadline - sc_core::sc_time_stamp(), activity_);
}

void MediaDriver::service_interrupts() {
  const uint32_t causes = mmio_.wait_interrupt();
  ++interrupts_;
  charge(profile_.interrupt_handle_ns);
  if (!(causes & tlm_virtio::mmio::INTERRUPT_USED_BUFFER) || !commandq_) return;
  std::vector<Bytes> events;
  {
    // reap() frees descriptors at once: take everything out in one batch of bus accesses, before any wait.
    tlm_virtio::MemoryPort::Batch batch(cpu_);
    const auto& used_commands = commandq_->reap();
    if (!used_commands.empty()) report_depth(kCommandQueue, commandq_.get());
    for (const auto& used : used_commands) {
      if (!in_flight_ || in_flight_->id != used.id || in_flight_->answered) continue;  // late, after a timeout
      in_flight_->answered = true;
      in_flight_->used_len = used.len;
      in_flight_->response.resize(std::min(used.len, in_flight_->response_capacity));
      cpu_.read(in_flight_->response_addr, in_flight_->response.data(), in_flight_->response.size());
      answered_.notify(sc_core::SC_ZERO_TIME);
    }
    events = reap_events();
  }
  if (!events.empty() && eventq_->publish()) mmio_.kick(kEventQueue);
  dispatch(std::move(events));
}

std::vector<Bytes> MediaDriver::reap_events() {
  std::vector<Bytes> events;
  std::vector<uint64_t> emptied;
  const auto& returned = eventq_->reap();
  eventq_peak_filled_ = std::max(eventq_peak_filled_, uint32_t(returned.size()));
  for (const auto& used : returned) {
    const auto it = event_buffers_.find(used.id);
    if (it == event_buffers_.end()) continue;
    const uint64_t addr = it->second;
    event_buffers_.erase(it);
    Bytes bytes(std::min<size_t>(used.len, kEventMaxSize));
    cpu_.read(addr, bytes.data(), bytes.size());
    events.push_back(std::move(bytes));
    emptied.push_back(addr);
  }
  // Reposted only after every used entry is read: a reposted buffer may take a chain id still to be looked up.
  for (uint64_t addr : emptied) post_event_buffer(addr);
  if (!events.empty()) report_depth(kEventQueue, eventq_.get());
  return events;
}

// The event work item: each event to its session; an ERROR marks the session dead.
void MediaDriver::dispatch(std::vector<Bytes> events) {
  const uint64_t generation = generation_;
  for (auto& bytes : events) {
    charge(profile_.event_handle_ns);
    if (generation != generation_) return;  // reset meanwhile: these events are of sessions that are gone
    ++events_received_;
    const auto header = decode_event_header(bytes);
    if (!header) continue;  // shorter than its kind's struct: Linux drops it too
    if (header->kind == EventKind::Error) dead_sessions_[header->session_id] = decode_event_error(bytes)->errno_value;
    events_[header->session_id].push_back({std::move(bytes), sc_core::sc_time_stamp()});
  }
  if (!events.empty()) ++activity_count_, activity_.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace vvsim::virtio_media
