// The shared interconnect between initiators (guest CPU, device DMA) and
// targets (guest memory, device registers). Routes by an address map and
// charges each transaction latency + ceil(bytes / bytes_per_cycle) cycles;
// transactions are serialised, so a busy bus shows as added delay.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "tlm_virtio/memory_port.h"
#include "tlm_virtio/transport_profile.h"

namespace vvsim::tlm_virtio {

class Bus : public sc_core::sc_module, public TransferScheduler {
 public:
  tlm_utils::multi_passthrough_target_socket<Bus> initiators;  // bind each initiator here
  tlm_utils::multi_passthrough_initiator_socket<Bus> targets;  // bind each target here

  struct InitiatorStats {
    uint64_t transactions = 0;
    uint64_t bytes = 0;
    sc_core::sc_time busy;             // time the bus carried this initiator's transfers
    sc_core::sc_time contention_wait;  // time spent waiting for another initiator's transfers
  };

  Bus(sc_core::sc_module_name name, const BusProfile& profile = {});

  // Targets are numbered in binding order of `targets`. Addresses are passed
  // to the target relative to `base`.
  void map(uint64_t base, uint64_t size, unsigned target_index);

  // What b_transport books for a transaction to guest memory, for initiators
  // that access it through DMI (MemoryPort::schedule_through).
  sc_core::sc_time schedule(int initiator, uint64_t bytes, const sc_core::sc_time& offset) override;

  // Bus occupancy of one transaction of `bytes`.
  sc_core::sc_time transfer_time(uint64_t bytes) const;
  // Analysis hook: called with each transfer's initiator, start and bus
  // occupancy as it is booked. Observes, changes nothing.
  using TransferObserver = std::function<void(int initiator, const sc_core::sc_time& start, const sc_core::sc_time& occupancy)>;
  void observe_transfers(TransferObserver observer) { transfer_observer_ = std::move(observer); }
  const BusProfile& profile() const { return profile_; }
  // Indexed by the binding order of `initiators`.
  const std::vector<InitiatorStats>& stats() const { return stats_; }

 private:
  struct Range {
    uint64_t base, size;
    unsigned target;
  };
  void b_transport(int initiator, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(int initiator, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int initiator, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int target, sc_dt::uint64 start, sc_dt::uint64 end);
  const Range* route(uint64_t addr, uint64_t len) const;
  InitiatorStats& stats_of(int initiator);

  BusProfile profile_;
  sc_core::sc_time cycle_;
  uint64_t exact_cycles_ = 0;  // below this many cycles, integer products equal sc_time's double arithmetic
  std::vector<Range> ranges_;
  std::vector<InitiatorStats> stats_;
  TransferObserver transfer_observer_;
  sc_core::sc_time busy_until_;
};

}  // namespace vvsim::tlm_virtio
