#include "models/protocols/v6/video_driver.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "tlm_virtio/guest_allocation.h"
#include "tlm_virtio/le_bytes.h"
#include "tlm_virtio/virtio_mmio.h"

namespace vvsim::virtio_video {

using tlm_virtio::AccessStatus;

VideoDriver::VideoDriver(tlm_virtio::MemoryPort& cpu, uint64_t mmio_base, tlm_virtio::InterruptInput& irq,
                         tlm_virtio::GuestAllocator& memory, const VideoDriverProfile& profile)
    : cpu_(cpu), mmio_(cpu, mmio_base, irq), memory_(memory), profile_(profile), cpus_(profile.guest_cpus) {}

VideoDriver::~VideoDriver() = default;

std::vector<std::string> VideoDriver::unanswered_commands() const {
  std::vector<const InFlight*> by_ticket;
  for (const auto& [head, f] : in_flight_) by_ticket.push_back(&f);
  for (const auto& [cookie, f] : awaiting_completion_) by_ticket.push_back(&f);
  std::sort(by_ticket.begin(), by_ticket.end(), [](auto* a, auto* b) { return a->ticket < b->ticket; });
  std::vector<std::string> names;
  for (const auto* f : by_ticket) names.push_back(command_label(f->digest));
  return names;
}

Status VideoDriver::initialize(uint64_t wanted_features) {
  ++generation_;
  wanted_features_ = wanted_features;
  in_flight_.clear();
  event_buffers_.clear();
  if (auto rings = negotiate_and_set_up_queues(); !rings) return rings;
  if (auto config = read_device_config(); !config) return config;
  mmio_.driver_ok();
  const uint64_t generation = generation_;
  if (profile_.withhold_eventq == sc_core::SC_ZERO_TIME) {
    stock_eventq();
  } else {
    sc_core::sc_spawn([this, generation] {
      sc_core::wait(profile_.withhold_eventq);
      if (generation == generation_) stock_eventq();
    });
  }
  // One interrupt thread for the driver's life: it serves whatever queues the
  // current initialisation set up (a reset replaces them).
  if (!interrupt_thread_started_) {
    interrupt_thread_started_ = true;
    sc_core::sc_spawn([this] {
      for (;;) service_interrupts();
    });
  }
  if (auto caps = query_capabilities(); !caps) return caps;
  ring_breach_armed_ = profile_.ring_breach.has_value();
  return {};
}

// §Device Initialization 1-3 and the virtqueues (virtio §3.1.1).
Status VideoDriver::negotiate_and_set_up_queues() {
  const bool wants_indirect = profile_.ring_breach && tlm_virtio::ring_breach_needs_indirect(*profile_.ring_breach);
  const uint64_t ring_features = (wants_indirect ? tlm_virtio::VIRTIO_F_INDIRECT_DESC : 0) |
                                 (profile_.event_idx ? tlm_virtio::VIRTIO_F_EVENT_IDX : 0) |
                                 tlm_virtio::ring_layout_feature(profile_.ring);
  if (auto negotiated = mmio_.negotiate(wanted_features_ | ring_features); !negotiated) return negotiated.error();
  mmio_.write_register(tlm_virtio::mmio::QueueSel, kCommandQueue);
  const uint16_t cmd_size = std::min<uint32_t>(profile_.commandq_size, mmio_.read_register(tlm_virtio::mmio::QueueNumMax));
  mmio_.write_register(tlm_virtio::mmio::QueueSel, kEventQueue);
  const uint16_t evt_size = std::min<uint32_t>(profile_.eventq_size, mmio_.read_register(tlm_virtio::mmio::QueueNumMax));
  for (auto [queue, size, ring] : {std::tuple(kCommandQueue, cmd_size, &commandq_), std::tuple(kEventQueue, evt_size, &eventq_)}) {
    auto made = mmio_.setup_queue(queue, size, memory_);
    if (!made) return made.error();
    *ring = std::move(*made);
  }
  return {};
}

// §Device Initialization 3-4: the version and the QUERY_CAPS buffer size.
Status VideoDriver::read_device_config() {
  std::vector<uint8_t> cfg(kConfigSize);
  for (uint32_t i = 0; i < kConfigSize; i += 4) {
    const uint32_t w = mmio_.read_config32(i);
    tlm_virtio::le::put32(cfg.data() + i, w);
  }
  const auto decoded = decode_config(ByteSpan(cfg));
  if (!decoded || decoded->version != kProtocolVersion)
    return Error{"device speaks an unknown virtio-video protocol version"};
  config_ = *decoded;
  return {};
}

// §Device Initialization 4-6: a caps_length buffer, QUERY_CAPS, parse the answer.
Status VideoDriver::query_capabilities() {
  std::vector<uint8_t> cmd;
  encode_cmd_header(cmd, CmdType::DeviceQueryCaps);
  const auto answer = call(cmd, config_.caps_length);
  const auto caps = decode_query_caps_resp(ByteSpan(answer));
  if (!caps || caps->result != Result::Ok) return Error{"QUERY_CAPS failed"};
  if (answer.size() != config_.caps_length)
    return Error{fmt::format("QUERY_CAPS answered {} bytes, caps_length is {}", answer.size(), config_.caps_length)};
  caps_ = *caps;
  return {};
}

bool VideoDriver::offers_bitstream(const std::string& fourcc) const {
  for (const auto& f : caps_.bitstream_formats)
    if (fourcc_string(f.fourcc) == fourcc) return true;
  return false;
}

// The driver MUST at any time have an eventq buffer posted (§Event Virtqueue).
void VideoDriver::stock_eventq() {
  const uint16_t stock = std::min<uint16_t>(profile_.eventq_buffers, eventq_->size());
  for (uint16_t i = 0; i < stock; ++i) post_event_buffer(tlm_virtio::allocate_or_stop(memory_, event_bytes(), 16, "v6 driver: event buffer"));
  report_eventq();
  if (eventq_->publish()) mmio_.kick(kEventQueue);
}

bool VideoDriver::post_event_buffer(uint64_t addr) {
  const auto id = eventq_->add({}, {{addr, uint32_t(event_bytes())}});
  if (!id) return false;
  event_buffers_[*id] = addr;
  return true;
}

std::optional<tlm_virtio::ChainId> VideoDriver::oldest_in_flight() const {
  const auto oldest = std::min_element(in_flight_.begin(), in_flight_.end(),
                                       [](const auto& a, const auto& b) { return a.second.ticket < b.second.ticket; });
  if (oldest == in_flight_.end()) return std::nullopt;
  return oldest->first;
}

uint64_t VideoDriver::submit(const std::vector<uint8_t>& command, uint32_t response_capacity) {
  if (!commandq_) return 0;  // no device set up (after a reset, before initialize): never answered
  charge(profile_.command_submit_ns);
  std::optional<DriverCompletionScheme::Outgoing> wire;
  if (scheme_) wire = scheme_->outgoing(command, response_capacity);
  const std::vector<uint8_t>& bytes = wire ? wire->bytes : command;
  if (wire) response_capacity = wire->response_capacity;
  const uint64_t cmd = tlm_virtio::allocate_or_stop(memory_, std::max<size_t>(bytes.size(), 1), 16, "v6 driver: command buffer");
  const uint64_t resp =
      tlm_virtio::allocate_or_stop(memory_, std::max<uint32_t>(response_capacity, 1), 16, "v6 driver: response buffer");
  // A breach that reuses the id of a chain the device holds waits until
  // several commands are in flight: the oldest of them the device still holds
  // (queued buffers wait there for their frame).
  constexpr size_t kInFlightForIdReuse = 4;
  const bool breach = ring_breach_armed_ && (!tlm_virtio::ring_breach_needs_outstanding(*profile_.ring_breach) ||
                                             in_flight_.size() >= kInFlightForIdReuse);
  ring_breach_armed_ = ring_breach_armed_ && !breach;
  const std::optional<tlm_virtio::ChainId> oldest = breach ? oldest_in_flight() : std::nullopt;
  // The breach's indirect table stays allocated: the device may read it until it is reset.
  const uint64_t scratch =
      breach ? tlm_virtio::allocate_or_stop(memory_, tlm_virtio::kRingBreachScratchBytes, 16, "v6 driver: ring breach table") : 0;
  // One readable descriptor for the command, one writable for the response;
  // with none free the sender waits for the device to give some back.
  commandq_lock_.lock();
  while (commandq_->free_descriptors() < 2) {
    waiting_for_descriptors_ = true;
    sc_core::wait(activity_);
  }
  waiting_for_descriptors_ = false;
  const uint64_t ticket = next_ticket_++;
  bool kick = false;
  {
    tlm_virtio::MemoryPort::Batch batch(cpu_);  // command bytes, descriptors, avail ring: one wait, then the kick
    cpu_.write(cmd, bytes.data(), bytes.size());
    command_segment_.front() = {cmd, uint32_t(bytes.size())};
    response_segment_.front() = {resp, response_capacity};
    const auto id = commandq_->add(command_segment_, response_segment_);
    in_flight_nodes_.put(in_flight_, *id,
                         InFlight{ticket, cmd, resp, response_capacity, sc_core::sc_time_stamp(), digest_command(command),
                                  wire ? wire->cookie : std::nullopt});
    if (breach) {
      // A command chain always has two descriptors; the scenario refuses a breach the ring has no form of.
      if (auto broken = tlm_virtio::break_last_chain(*commandq_, *profile_.ring_breach, scratch, oldest); !broken)
        throw std::logic_error(broken.error().message);
    }
    kick = commandq_->publish();
  }
  report_commandq();
  commandq_lock_.unlock();
  if (kick) {
    ++kicks_;
    mmio_.kick(kCommandQueue);
  }
  return ticket;
}

std::optional<CommandAnswer> VideoDriver::wait(uint64_t ticket, sc_core::sc_time limit) {
  if (ticket == 0) return std::nullopt;  // never sent
  if (limit == sc_core::SC_ZERO_TIME) {
    while (!answered(ticket)) sc_core::wait(activity_);
  } else {
    const sc_core::sc_time deadline = sc_core::sc_time_stamp() + limit;
    while (!answered(ticket) && sc_core::sc_time_stamp() < deadline)
      sc_core::wait(deadline - sc_core::sc_time_stamp(), activity_);
  }
  return take_answer(ticket);
}

bool VideoDriver::wait_for_activity(uint64_t seen, std::optional<sc_core::sc_time> limit) {
  if (!limit) {
    while (activity_count_ == seen) sc_core::wait(activity_);
    return true;
  }
  const sc_core::sc_time deadline = sc_core::sc_time_stamp() + *limit;
  while (activity_count_ == seen && sc_core::sc_time_stamp() < deadline)
    sc_core::wait(deadline - sc_core::sc_time_stamp(), activity_);
  return activity_count_ != seen;
}

std::optional<CommandAnswer> VideoDriver::take_answer(uint64_t ticket) {
  auto it = answers_.find(ticket);
  if (it == answers_.end()) return std::nullopt;
  return answer_nodes_.take(answers_, it);
}

const CommandAnswer* VideoDriver::answer(uint64_t ticket) const {
  auto it = answers_.find(ticket);
  return it == answers_.end() ? nullptr : &it->second;
}

std::vector<uint8_t> VideoDriver::call(const std::vector<uint8_t>& command, uint32_t response_capacity) {
  auto a = wait(submit(command, response_capacity));
  return a ? std::move(a->response) : std::vector<uint8_t>{};
}

std::vector<ReceivedEvent> VideoDriver::take_events(uint32_t stream_id) {
  std::vector<ReceivedEvent> taken, kept;
  for (auto& e : events_) (e.event.stream_id == stream_id ? taken : kept).push_back(e);
  events_ = std::move(kept);
  return taken;
}

void VideoDriver::service_interrupts() {
  sc_core::sc_time delivered;  // when the CPU saw the line: the status read's bus wait is the handler's
  const uint32_t causes = mmio_.wait_interrupt(&delivered);
  ++interrupts_;
  cpus_.run_handler(sc_core::sc_time(double(profile_.interrupt_handle_ns), sc_core::SC_NS));
  if ((causes & tlm_virtio::mmio::INTERRUPT_USED_BUFFER) && commandq_ && eventq_) {
    Reaped& reaped = reaped_;
    reaped.clear();
    {
      tlm_virtio::MemoryPort::Batch batch(cpu_);  // both used rings, responses, events: one wait
      reap_commands(reaped);
      reap_events(reaped);
    }
    record(reaped, delivered);
    if (reaped.events_reposted && eventq_->publish()) mmio_.kick(kEventQueue);
  }
  signal_activity();
}

// reap() frees the descriptors at once, and a wait would let another thread
// reuse a freed chain id: every used entry's bookkeeping and response is taken
// out in the handler's one batch of bus accesses, before its single wait.
void VideoDriver::reap_commands(Reaped& reaped) {
  for (const auto& used : commandq_->reap()) {
    auto it = in_flight_.find(used.id);
    if (it == in_flight_.end()) continue;
    reaped.commands.push_back({in_flight_nodes_.take(in_flight_, it), used.len});
  }
  for (const auto& [f, len] : reaped.commands) {
    reaped.responses.emplace_back(std::min(len, f.response_capacity));
    cpu_.read(f.response_addr, reaped.responses.back().data(), reaped.responses.back().size());
  }
}

void VideoDriver::reap_events(Reaped& reaped) {
  std::vector<std::pair<uint64_t, uint32_t>> filled;  // buffer address, bytes written
  const auto& returned = eventq_->reap();
  eventq_peak_filled_ = std::max(eventq_peak_filled_, uint32_t(returned.size()));
  for (const auto& used : returned) {
    auto it = event_buffers_.find(used.id);
    if (it == event_buffers_.end()) continue;
    filled.push_back({it->second, used.len});
    event_buffers_.erase(it);
  }
  for (const auto& [addr, len] : filled) {
    std::vector<uint8_t> bytes(std::min<uint32_t>(len, uint32_t(event_bytes())));
    cpu_.read(addr, bytes.data(), bytes.size());
    reaped.events.push_back(std::move(bytes));
    reaped.events_reposted = post_event_buffer(addr) || reaped.events_reposted;  // keep the eventq stocked
  }
}

// After the handler's wait: answers and events get the time the handler had them.
void VideoDriver::record(Reaped& reaped, sc_core::sc_time interrupted) {
  if (!reaped.commands.empty()) report_commandq();
  if (!reaped.events.empty()) report_eventq();
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  for (size_t i = 0; i < reaped.commands.size(); ++i) {
    const InFlight& f = reaped.commands[i].first;
    if (f.cookie && response_result(reaped.responses[i]) == static_cast<uint32_t>(Result::Ok)) {
      await_completion(f, interrupted);
    } else {
      answer_command(f, std::move(reaped.responses[i]), interrupted);
    }
    memory_.release(f.command_addr);
    memory_.release(f.response_addr);
  }
  for (const auto& bytes : reaped.events) {
    if (!scheme_) {
      deliver_event(bytes, now);
      continue;
    }
    auto in = scheme_->incoming(bytes);
    if (!in) continue;
    if (in->event) {
      deliver_event(to_bytes(*in->event), now);
    } else {
      ++events_received_;
      take_completion(*in->completes, std::move(in->v6_response), interrupted);
    }
  }
}

void VideoDriver::answer_command(const InFlight& f, std::vector<uint8_t> response, sc_core::sc_time interrupted) {
  CommandAnswer a;
  a.response = std::move(response);
  a.submitted = f.submitted;
  a.answered = sc_core::sc_time_stamp();
  a.interrupted = interrupted;
  a.sequence = answers_seen_++;
  CommandDigest digest = f.digest;
  digest.result = response_result(a.response);
  if (answer_observer_) answer_observer_({f.ticket, a.submitted, a.answered, a.interrupted, digest});
  answer_nodes_.put(answers_, f.ticket, std::move(a));
}

void VideoDriver::deliver_event(const std::vector<uint8_t>& bytes, sc_core::sc_time now) {
  if (auto e = decode_event(ByteSpan(bytes))) {
    events_.push_back({*e, now});
    event_history_.push_back(events_.back());
    ++events_received_;
  }
}

void VideoDriver::await_completion(const InFlight& f, sc_core::sc_time interrupted) {
  auto early = early_completions_.find(*f.cookie);
  if (early == early_completions_.end()) {
    awaiting_completion_[*f.cookie] = f;
    return;
  }
  answer_command(f, std::move(early->second), interrupted);
  early_completions_.erase(early);
}

void VideoDriver::take_completion(uint64_t cookie, std::vector<uint8_t> response, sc_core::sc_time interrupted) {
  auto it = awaiting_completion_.find(cookie);
  if (it == awaiting_completion_.end()) {
    early_completions_[cookie] = std::move(response);
    return;
  }
  const InFlight f = it->second;
  awaiting_completion_.erase(it);
  answer_command(f, std::move(response), interrupted);
}

void VideoDriver::outputs_reallocated(uint32_t stream_id) {
  if (!scheme_) return;
  if (const auto command = scheme_->unblock_command(stream_id)) call(*command, kResultOnlyRespSize);
}

void VideoDriver::reset_device() {
  ++generation_;
  mmio_.reset();
  for (const auto& [id, f] : in_flight_) {
    memory_.release(f.command_addr);
    memory_.release(f.response_addr);
  }
  in_flight_.clear();
  for (const auto& [id, addr] : event_buffers_) memory_.release(addr);
  event_buffers_.clear();
  awaiting_completion_.clear();
  early_completions_.clear();
  // The rings died with the reset; initialize() makes new ones.
  for (auto* ring : {&commandq_, &eventq_}) {
    if (*ring) tlm_virtio::VirtioMmioDriver::release_queue(**ring, memory_);
    ring->reset();
  }
  signal_activity();
}

}  // namespace vvsim::virtio_video
