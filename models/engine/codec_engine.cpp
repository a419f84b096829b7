#include "models/engine/codec_engine.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <stdexcept>

namespace vvsim::models {

using sc_core::sc_time;
using sc_core::sc_time_stamp;

const char* to_string(JobKind kind) { return kind == JobKind::Decode ? "decode" : "encode"; }

const CodecCost& CodecEngineProfile::cost(JobKind kind, codec::CodecId codec) const {
  const auto index = static_cast<size_t>(codec);
  if (index >= kCodecCount) throw std::out_of_range("CodecEngineProfile: codec id out of range");
  return kind == JobKind::Decode ? decode[index] : encode[index];
}

CodecCost& CodecEngineProfile::cost(JobKind kind, codec::CodecId codec) {
  return const_cast<CodecCost&>(static_cast<const CodecEngineProfile&>(*this).cost(kind, codec));
}

void validate(const CodecEngineProfile& profile) {
  if (!(profile.clock_mhz > 0.0) || !std::isfinite(profile.clock_mhz))
    throw std::invalid_argument("codec engine: clock_mhz must be a finite number > 0");
  if (profile.num_cores == 0) throw std::invalid_argument("codec engine: num_cores must be >= 1");
  for (const CodecCost* table : {profile.decode, profile.encode})
    for (size_t i = 0; i < kCodecCount; ++i)
      for (double factor : {table[i].key_frame_factor, table[i].inter_frame_factor, table[i].bipred_frame_factor})
        if (!(factor >= 0.0) || !std::isfinite(factor))
          throw std::invalid_argument("codec engine: frame type factors must be finite and >= 0");
}

CodecEngine::CodecEngine(sc_core::sc_module_name name, const CodecEngineProfile& profile)
    : sc_module(name), profile_(profile) {
  validate(profile_);
  for (uint32_t i = 0; i < profile_.num_cores; ++i) cores_.push_back(std::make_unique<Core>());
}

namespace {

// The pixel pipeline's cycles for one picture, rounded to the nearest cycle.
uint64_t macroblock_cycles(const CodecCost& cost, uint32_t macroblocks, codec::FrameType type) {
  double factor = cost.inter_frame_factor;
  if (type == codec::FrameType::Key) factor = cost.key_frame_factor;
  if (type == codec::FrameType::BiPredicted) factor = cost.bipred_frame_factor;
  return static_cast<uint64_t>(std::llround(static_cast<double>(cost.cycles_per_macroblock * macroblocks) * factor));
}

}  // namespace

// Each picture a unit codes pays its own set-up and macroblock term; a later
// slice of a picture charged on its first slice pays no pixel term at all.
uint64_t unit_cycles(const CodecCost& cost, const codec::UnitWork& work) {
  const uint64_t bitstream = cost.cycles_per_byte * work.bitstream_bytes;
  const uint64_t set_up = cost.cycles_per_unit * (1 + work.further_pictures.size());
  uint64_t pixels = work.continues_picture ? 0 : cost.cycles_no_picture;
  if (work.macroblocks != 0 || !work.further_pictures.empty()) {
    pixels = macroblock_cycles(cost, work.macroblocks, work.frame_type);
    for (const auto& picture : work.further_pictures)
      pixels += macroblock_cycles(cost, picture.macroblocks, picture.frame_type);
  }
  if (cost.combine == CostCombine::Max) return std::max({set_up, bitstream, pixels});
  return set_up + bitstream + pixels;
}

uint64_t CodecEngine::cost_cycles(JobKind kind, codec::CodecId codec, const codec::UnitWork& work) const {
  return unit_cycles(profile_.cost(kind, codec), work);
}

sc_time CodecEngine::cycles_to_time(uint64_t cycles) const {
  // One cycle lasts 1e6 / clock_mhz picoseconds; sc_time rounds to its resolution.
  return sc_time(static_cast<double>(cycles) * 1e6 / profile_.clock_mhz, sc_core::SC_PS);
}

void CodecEngine::add_listener(Listener listener) { listeners_.push_back(std::move(listener)); }

CodecEngine::JobRecord CodecEngine::run(JobKind kind, codec::CodecId codec,
                                        const std::function<codec::UnitWork()>& work, const std::string& owner,
                                        const std::function<void()>& at_start) {
  JobRecord record;
  record.kind = kind;
  record.codec = codec;
  record.owner = owner;
  record.queued = sc_time_stamp();
  record.core = acquire_core(owner);
  record.started = sc_time_stamp();
  if (record.core != kNoCore && !take_cancel_request(record.core)) {
    try {
      record.work = work();
      if (at_start) at_start();
    } catch (...) {
      release_core(record.core);  // a failing codec call must not leave the core taken forever
      throw;
    }
    record.cycles = cost_cycles(kind, codec, record.work);
    notify(JobEventKind::Started, record);
    hold_core(record);
  } else {
    record.cancelled = true;
    record.finished = record.started;
  }
  if (record.core != kNoCore) release_core(record.core);
  account(record);
  notify(record.cancelled ? JobEventKind::Cancelled : JobEventKind::Finished, record);
  return record;
}

uint32_t CodecEngine::acquire_core(const std::string& owner) {
  // A free core goes to the caller only if nobody waits before it: FIFO.
  if (waiters_.empty()) {
    for (uint32_t i = 0; i < cores_.size(); ++i) {
      if (!cores_[i]->busy) {
        cores_[i]->busy = true;
        cores_[i]->owner = owner;
        return i;
      }
    }
  }
  Waiter waiter;
  waiter.owner = owner;
  waiters_.push_back(&waiter);
  sc_core::wait(waiter.wake);
  return waiter.cancelled ? kNoCore : waiter.granted_core;
}

void CodecEngine::attach_memory(tlm_virtio::Bus& bus) {
  for (size_t i = 0; i < cores_.size(); ++i) {
    const int initiator = static_cast<int>(bus.initiators.size());  // the binding order
    auto port = std::make_unique<tlm_virtio::MemoryPort>((std::string(basename()) + "_core" + std::to_string(i)).c_str());
    port->socket.bind(bus.initiators);
    port->schedule_through(bus, initiator);
    cores_[i]->memory = std::move(port);
  }
}

void CodecEngine::hold_core(JobRecord& record) {
  Core& core = *cores_[record.core];
  const sc_time compute = cycles_to_time(record.cycles);
  const bool traffic_on = core.memory && profile_.memory_traffic.enabled;
  const uint64_t traffic = traffic_on ? job_traffic_bytes(profile_.memory_traffic, record.work) : 0;
  if (traffic == 0)
    sc_core::wait(compute, core.cancel_event);
  else
    move_traffic(core, sc_time_stamp() + compute, traffic);
  record.finished = sc_time_stamp();
  record.cancelled = take_cancel_request(record.core);
  core.busy_time += record.finished - record.started;
}

constexpr uint64_t kTrafficPieceBytes = 1 << 20;  // the smallest guest memory (docs/profile.md)

// The traffic goes out in equal transfers issued evenly over the job's compute
// time, at most `outstanding_transfers` in flight: a transfer that finds the
// window full waits for the oldest one to end, so a bus that delays them
// pushes the later ones back, and the job ends when both its cycles and its
// last transfer are done. Guest memory at 0 stands for the buffers (the
// address only routes the transfer); a transfer goes in pieces of at most the
// smallest guest memory, booked back to back. A cancelled job issues no more
// but still waits for those in flight: a bus transaction cannot be withdrawn.
void CodecEngine::move_traffic(Core& core, const sc_time& compute_end, uint64_t bytes) {
  const MemoryTrafficProfile& traffic = profile_.memory_traffic;
  const uint64_t transfers = std::max<uint32_t>(traffic.transfers_per_job, 1);
  const size_t window = std::max<uint32_t>(traffic.outstanding_transfers, 1);
  const sc_time start = sc_time_stamp();
  const sc_time step = (compute_end - start) / static_cast<double>(transfers);
  std::deque<tlm_virtio::MemoryPort::Posted> in_flight;
  for (uint64_t i = 0; i < transfers && !core.cancel_requested; ++i) {
    const sc_time issue = start + step * static_cast<double>(i);
    if (issue > sc_time_stamp()) sc_core::wait(issue - sc_time_stamp(), core.cancel_event);
    if (core.cancel_requested) break;
    const uint64_t size = bytes / transfers + (i < bytes % transfers ? 1 : 0);
    in_flight.push_back(core.memory->post([&core, size] {
      for (uint64_t left = size; left > 0;) {
        const uint64_t piece = std::min(left, kTrafficPieceBytes);
        core.memory->touch(0, piece);
        left -= piece;
      }
    }));
    if (in_flight.size() == window) {
      core.memory->wait_for(in_flight.front());
      in_flight.pop_front();
    }
  }
  for (; !in_flight.empty(); in_flight.pop_front()) core.memory->wait_for(in_flight.front());
  if (!core.cancel_requested && compute_end > sc_time_stamp())
    sc_core::wait(compute_end - sc_time_stamp(), core.cancel_event);
}

// A cancel may reach a core handed to a waiter that has not woken yet; the
// flag, not only the event, tells the job it is cancelled.
bool CodecEngine::take_cancel_request(uint32_t index) {
  Core& core = *cores_[index];
  const bool requested = core.cancel_requested;
  core.cancel_requested = false;
  return requested;
}

void CodecEngine::release_core(uint32_t index) {
  Core& core = *cores_[index];
  if (waiters_.empty()) {
    core.busy = false;
    core.owner.clear();
    return;
  }
  // Hand the core straight to the head waiter, so no later arrival can take it.
  Waiter* next = waiters_.front();
  waiters_.pop_front();
  core.owner = next->owner;
  next->granted_core = index;
  next->wake.notify(sc_core::SC_ZERO_TIME);
}

size_t CodecEngine::cancel(const std::string& owner) {
  size_t count = 0;
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if ((*it)->owner == owner) {
      (*it)->cancelled = true;
      (*it)->wake.notify(sc_core::SC_ZERO_TIME);
      it = waiters_.erase(it);
      ++count;
    } else {
      ++it;
    }
  }
  for (auto& core : cores_) {
    if (core->busy && core->owner == owner && !core->cancel_requested) {
      core->cancel_requested = true;
      core->cancel_event.notify(sc_core::SC_ZERO_TIME);
      ++count;
    }
  }
  return count;
}

size_t CodecEngine::cancel_all() {
  std::vector<std::string> owners;
  for (const Waiter* waiter : waiters_) owners.push_back(waiter->owner);
  for (const auto& core : cores_)
    if (core->busy) owners.push_back(core->owner);
  size_t count = 0;
  for (const std::string& owner : owners) count += cancel(owner);
  return count;
}

void CodecEngine::account(const JobRecord& record) {
  OwnerStats& stats = owner_stats_[record.owner];
  const sc_time wait = record.started - record.queued;
  stats.jobs += 1;
  stats.cancelled += record.cancelled ? 1 : 0;
  stats.cycles += record.cancelled ? 0 : record.cycles;
  stats.queue_wait_total += wait;
  if (wait > stats.queue_wait_max) stats.queue_wait_max = wait;
}

void CodecEngine::notify(JobEventKind event, const JobRecord& record) const {
  for (const Listener& listener : listeners_) listener(event, record);
}

sc_time CodecEngine::busy_time(uint32_t core) const { return cores_.at(core)->busy_time; }

double CodecEngine::utilisation(uint32_t core) const { return utilisation(core, sc_time_stamp()); }

double CodecEngine::utilisation(uint32_t core, const sc_time& elapsed) const {
  if (elapsed == sc_core::SC_ZERO_TIME) return 0.0;
  return busy_time(core) / elapsed;
}

}  // namespace vvsim::models
