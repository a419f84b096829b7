#include "tlm_virtio/bus.h"

#include <stdexcept>

#include "tlm_virtio/sim_now.h"

namespace vvsim::tlm_virtio {

namespace {
sc_core::sc_time cycle_of(const BusProfile& profile) {
  if (profile.clock_mhz <= 0 || profile.bytes_per_cycle == 0 || profile.burst_bytes == 0)
    throw std::invalid_argument("bus: clock, width and burst size must be positive");
  return sc_core::sc_time(1e6 / profile.clock_mhz, sc_core::SC_PS);
}
}  // namespace

Bus::Bus(sc_core::sc_module_name name, const BusProfile& profile)
    : sc_module(name),
      initiators("initiators"),
      targets("targets"),
      profile_(profile),
      cycle_(cycle_of(profile)),
      memory_path_(profile.arbitration, cycle_.value(),
                   (uint64_t{profile.burst_bytes} + profile.bytes_per_cycle - 1) / profile.bytes_per_cycle) {
  // sc_time * double rounds value * d + 0.5 in a double: exact while the product stays below 2^52.
  exact_cycles_ = cycle_.value() == 0 ? 0 : (uint64_t{1} << 52) / cycle_.value();
  memory_latency_ = cycles(profile.latency_cycles);
  initiators.register_b_transport(this, &Bus::b_transport);
  initiators.register_transport_dbg(this, &Bus::transport_dbg);
  initiators.register_get_direct_mem_ptr(this, &Bus::get_direct_mem_ptr);
  targets.register_invalidate_direct_mem_ptr(this, &Bus::invalidate_direct_mem_ptr);
}

void Bus::map(uint64_t base, uint64_t size, unsigned target_index, BusPath path) {
  for (const auto& r : ranges_)
    if (base < r.base + r.size && r.base < base + size)
      throw std::invalid_argument(std::string(name()) + ": overlapping address ranges");
  ranges_.push_back({base, size, target_index, path});
}

sc_core::sc_time Bus::cycles(uint64_t n) const {
  if (n < exact_cycles_) return sc_core::sc_time::from_value(cycle_.value() * n);  // the same, cheaper
  return cycle_ * static_cast<double>(n);
}

sc_core::sc_time Bus::transfer_time(uint64_t bytes) const { return cycles(profile_.latency_cycles + beats(bytes)); }

const Bus::Range* Bus::route(uint64_t addr, uint64_t len) const {
  for (const auto& r : ranges_)
    if (addr >= r.base && len <= r.size && addr - r.base <= r.size - len) return &r;
  return nullptr;
}

void Bus::add_stats(int initiator) { stats_.resize(initiator + 1); }

void Bus::account(int initiator, uint64_t bytes, const sc_core::sc_time& start, const sc_core::sc_time& occupancy,
                  const sc_core::sc_time& waited) {
  auto& s = stats_of(initiator);
  s.transactions++;
  s.bytes += bytes;
  s.busy += occupancy;
  s.contention_wait += waited;
  if (transfer_observer_) transfer_observer_(initiator, start, occupancy);
}

sc_core::sc_time Bus::schedule(int initiator, uint64_t bytes, const sc_core::sc_time& offset) {
  // The data may go once the latency has passed (overlapping other transfers'
  // data); it shares the data path burst by burst with the transfers it meets.
  const sc_core::sc_time now = sim_now();
  const sc_core::sc_time ready = now + offset + memory_latency_;
  const uint64_t n = beats(bytes);
  last_booking_ = ++bookings_made_;
  const uint64_t end_value = memory_path_.book(last_booking_, initiator, ready.value(), n, now.value());
  for (const BusArbiter::Move& m : memory_path_.moves()) {
    stats_of(m.initiator).contention_wait += sc_core::sc_time::from_value(m.delay);
    ++moves_made_;
  }
  if (n < exact_cycles_ && end_value - ready.value() == n * cycle_.value()) {  // an idle path
    const sc_core::sc_time occupancy = cycle_ * static_cast<double>(n);  // cycles(n) without its call
    account(initiator, bytes, ready, occupancy, sc_core::SC_ZERO_TIME);
    return ready + occupancy - now;
  }
  const sc_core::sc_time end = sc_core::sc_time::from_value(end_value);
  const sc_core::sc_time occupancy = cycles(n);
  const sc_core::sc_time start = end - occupancy;  // as if its beats went in one piece
  account(initiator, bytes, start, occupancy, start > ready ? start - ready : sc_core::SC_ZERO_TIME);
  return end - now;
}

bool Bus::moved_end(uint64_t booking, sc_core::sc_time& end) {
  uint64_t value = 0;
  if (!memory_path_.take_moved_end(booking, value)) return false;
  end = sc_core::sc_time::from_value(value);
  return true;
}

sc_core::sc_time Bus::schedule_register(int initiator, uint64_t bytes, const sc_core::sc_time& offset) {
  last_booking_ = 0;
  const sc_core::sc_time now = sim_now();
  const sc_core::sc_time ready = now + offset;
  const sc_core::sc_time start = ready > registers_busy_until_ ? ready : registers_busy_until_;
  const sc_core::sc_time occupancy = cycles(profile_.register_latency_cycles + beats(bytes));
  registers_busy_until_ = start + occupancy;
  account(initiator, bytes, start, occupancy, start - ready);
  return registers_busy_until_ - now;
}

void Bus::b_transport(int initiator, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const uint64_t addr = trans.get_address();
  const Range* r = route(addr, trans.get_data_length());
  if (r == nullptr) {
    last_booking_ = 0;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  delay = r->path == BusPath::Registers ? schedule_register(initiator, trans.get_data_length(), delay)
                                         : schedule(initiator, trans.get_data_length(), delay);

  trans.set_address(addr - r->base);
  targets[r->target]->b_transport(trans, delay);
  trans.set_address(addr);
}

unsigned int Bus::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  const uint64_t addr = trans.get_address();
  const Range* r = route(addr, trans.get_data_length());
  if (r == nullptr) return 0;
  trans.set_address(addr - r->base);
  const unsigned int n = targets[r->target]->transport_dbg(trans);
  trans.set_address(addr);
  return n;
}

bool Bus::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const uint64_t addr = trans.get_address();
  const Range* r = route(addr, 1);
  if (r == nullptr) return false;
  trans.set_address(addr - r->base);
  const bool ok = targets[r->target]->get_direct_mem_ptr(trans, dmi);
  trans.set_address(addr);
  if (ok) {
    dmi.set_start_address(dmi.get_start_address() + r->base);
    dmi.set_end_address(dmi.get_end_address() + r->base);
  }
  return ok;
}

// A target withdrew a DMI grant: every initiator may hold it, in bus addresses.
void Bus::invalidate_direct_mem_ptr(int target, sc_dt::uint64 start, sc_dt::uint64 end) {
  for (const auto& r : ranges_) {
    if (r.target != static_cast<unsigned>(target)) continue;
    for (unsigned i = 0; i < initiators.size(); ++i) initiators[i]->invalidate_direct_mem_ptr(start + r.base, end + r.base);
  }
}

}  // namespace vvsim::tlm_virtio
