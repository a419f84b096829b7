// The platform's interconnect: routes each transaction by address to one
// target, relative to the target's base, and adds a fixed latency; DMI
// requests and invalidations are translated the same way.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <vector>

class Router : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Router> from_initiators;
  tlm_utils::multi_passthrough_initiator_socket<Router> to_targets;

  Router(sc_core::sc_module_name name, sc_core::sc_time latency)
      : sc_module(name), from_initiators("from_initiators"), to_targets("to_targets"), latency_(latency) {
    from_initiators.register_b_transport(this, &Router::b_transport);
    from_initiators.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
    from_initiators.register_transport_dbg(this, &Router::transport_dbg);
    to_targets.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
  }

  // Targets are numbered in the order they were bound to to_targets.
  void map(uint64_t base, uint64_t size, unsigned target) { windows_.push_back({base, size, target}); }

 private:
  struct Window {
    uint64_t base, size;
    unsigned target;
  };

  const Window* decode(uint64_t addr) const {
    for (const Window& w : windows_)
      if (addr >= w.base && addr - w.base < w.size) return &w;
    return nullptr;
  }

  void b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const uint64_t addr = trans.get_address();
    const Window* w = decode(addr);
    if (w == nullptr) {
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    delay += latency_;
    trans.set_address(addr - w->base);
    to_targets[w->target]->b_transport(trans, delay);
    trans.set_address(addr);
  }

  bool get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    const uint64_t addr = trans.get_address();
    const Window* w = decode(addr);
    if (w == nullptr) return false;
    trans.set_address(addr - w->base);
    const bool granted = to_targets[w->target]->get_direct_mem_ptr(trans, dmi);
    trans.set_address(addr);
    dmi.set_start_address(dmi.get_start_address() + w->base);
    dmi.set_end_address(dmi.get_end_address() + w->base);
    return granted;
  }

  unsigned int transport_dbg(int, tlm::tlm_generic_payload& trans) {
    const uint64_t addr = trans.get_address();
    const Window* w = decode(addr);
    if (w == nullptr) return 0;
    trans.set_address(addr - w->base);
    const unsigned int n = to_targets[w->target]->transport_dbg(trans);
    trans.set_address(addr);
    return n;
  }

  void invalidate_direct_mem_ptr(int target, sc_dt::uint64 start, sc_dt::uint64 end) {
    for (const Window& w : windows_)
      if (w.target == unsigned(target))
        for (unsigned i = 0; i < from_initiators.size(); ++i)
          from_initiators[i]->invalidate_direct_mem_ptr(w.base + start, w.base + end);
  }

  sc_core::sc_time latency_;
  std::vector<Window> windows_;
};
