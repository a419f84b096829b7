#include "tlm_virtio/bus.h"

#include <stdexcept>

namespace vvsim::tlm_virtio {

Bus::Bus(sc_core::sc_module_name name, const BusProfile& profile)
    : sc_module(name), initiators("initiators"), targets("targets"), profile_(profile) {
  if (profile_.clock_mhz <= 0 || profile_.bytes_per_cycle == 0)
    throw std::invalid_argument(std::string(this->name()) + ": bus clock and width must be positive");
  cycle_ = sc_core::sc_time(1e6 / profile_.clock_mhz, sc_core::SC_PS);
  // sc_time * double rounds value * d + 0.5 in a double: exact while the product stays below 2^52.
  exact_cycles_ = cycle_.value() == 0 ? 0 : (uint64_t{1} << 52) / cycle_.value();
  initiators.register_b_transport(this, &Bus::b_transport);
  initiators.register_transport_dbg(this, &Bus::transport_dbg);
  initiators.register_get_direct_mem_ptr(this, &Bus::get_direct_mem_ptr);
  targets.register_invalidate_direct_mem_ptr(this, &Bus::invalidate_direct_mem_ptr);
}

void Bus::map(uint64_t base, uint64_t size, unsigned target_index) {
  for (const auto& r : ranges_)
    if (base < r.base + r.size && r.base < base + size)
      throw std::invalid_argument(std::string(name()) + ": overlapping address ranges");
  ranges_.push_back({base, size, target_index});
}

sc_core::sc_time Bus::transfer_time(uint64_t bytes) const {
  const uint64_t beats = (bytes + profile_.bytes_per_cycle - 1) / profile_.bytes_per_cycle;
  const uint64_t cycles = profile_.latency_cycles + beats;
  if (cycles < exact_cycles_) return sc_core::sc_time::from_value(cycle_.value() * cycles);  // the same, cheaper
  return cycle_ * static_cast<double>(cycles);
}

const Bus::Range* Bus::route(uint64_t addr, uint64_t len) const {
  for (const auto& r : ranges_)
    if (addr >= r.base && len <= r.size && addr - r.base <= r.size - len) return &r;
  return nullptr;
}

Bus::InitiatorStats& Bus::stats_of(int initiator) {
  if (stats_.size() <= static_cast<size_t>(initiator)) stats_.resize(initiator + 1);
  return stats_[initiator];
}

sc_core::sc_time Bus::schedule(int initiator, uint64_t bytes, const sc_core::sc_time& offset) {
  // The transfer starts when both the initiator (its local time) and the bus are ready.
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const sc_core::sc_time ready = now + offset;
  const sc_core::sc_time start = ready > busy_until_ ? ready : busy_until_;
  const sc_core::sc_time occupancy = transfer_time(bytes);
  busy_until_ = start + occupancy;
  auto& s = stats_of(initiator);
  s.transactions++;
  s.bytes += bytes;
  s.busy += occupancy;
  s.contention_wait += start - ready;
  if (transfer_observer_) transfer_observer_(initiator, start, occupancy);
  return busy_until_ - now;
}

void Bus::b_transport(int initiator, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const uint64_t addr = trans.get_address();
  const Range* r = route(addr, trans.get_data_length());
  if (r == nullptr) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  delay = schedule(initiator, trans.get_data_length(), delay);

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
