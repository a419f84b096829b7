// The shared interconnect between initiators (guest CPU, device DMA) and
// targets (guest memory, device registers). Routes by an address map. Memory
// transfers share one data path: each one's data starts its latency after it
// is ready and takes ceil(bytes / bytes_per_cycle) cycles, shared burst by
// burst with the transfers it overlaps (BusArbiter), so a busy bus shows as
// added delay. Register accesses take a path of their own (BusProfile) and
// never wait behind memory transfers.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "tlm_virtio/bus_arbiter.h"
#include "tlm_virtio/memory_port.h"
#include "tlm_virtio/transport_profile.h"

namespace vvsim::tlm_virtio {

// Which path of the bus a target's accesses take.
enum class BusPath { Memory, Registers };

class Bus : public sc_core::sc_module, public TransferScheduler {
 public:
  tlm_utils::multi_passthrough_target_socket<Bus> initiators;  // bind each initiator here
  tlm_utils::multi_passthrough_initiator_socket<Bus> targets;  // bind each target here

  struct InitiatorStats {
    uint64_t transactions = 0;
    uint64_t bytes = 0;
    sc_core::sc_time busy;             // time the bus carried this initiator's transfers
    sc_core::sc_time contention_wait;  // time spent waiting for other transfers (beyond the latency)
  };

  Bus(sc_core::sc_module_name name, const BusProfile& profile = {});

  // Targets are numbered in binding order of `targets`. Addresses are passed
  // to the target relative to `base`.
  void map(uint64_t base, uint64_t size, unsigned target_index, BusPath path = BusPath::Memory);

  // What b_transport books for a transaction to guest memory, for initiators
  // that access it through DMI (MemoryPort::schedule_through).
  sc_core::sc_time schedule(int initiator, uint64_t bytes, const sc_core::sc_time& offset) override;
  bool moved_end(uint64_t booking, sc_core::sc_time& end) override;

  // Time of one memory transfer of `bytes` on an idle bus: latency and data.
  sc_core::sc_time transfer_time(uint64_t bytes) const;
  // Analysis hook: called with each transfer's initiator, start and path
  // occupancy (a memory transfer's data, a register access's whole time) as
  // it is booked. Observes, changes nothing.
  using TransferObserver = std::function<void(int initiator, const sc_core::sc_time& start, const sc_core::sc_time& occupancy)>;
  void observe_transfers(TransferObserver observer) { transfer_observer_ = std::move(observer); }
  const BusProfile& profile() const { return profile_; }
  // Indexed by the binding order of `initiators`.
  const std::vector<InitiatorStats>& stats() const { return stats_; }

 private:
  struct Range {
    uint64_t base, size;
    unsigned target;
    BusPath path;
  };
  sc_core::sc_time cycles(uint64_t n) const;
  uint64_t beats(uint64_t bytes) const { return (bytes + profile_.bytes_per_cycle - 1) / profile_.bytes_per_cycle; }
  // Books a register access on its own path; returns its end as an offset from now.
  sc_core::sc_time schedule_register(int initiator, uint64_t bytes, const sc_core::sc_time& offset);
  void account(int initiator, uint64_t bytes, const sc_core::sc_time& start, const sc_core::sc_time& occupancy,
               const sc_core::sc_time& waited);
  void b_transport(int initiator, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(int initiator, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int initiator, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int target, sc_dt::uint64 start, sc_dt::uint64 end);
  const Range* route(uint64_t addr, uint64_t len) const;
  InitiatorStats& stats_of(int initiator) {
    if (stats_.size() <= static_cast<size_t>(initiator)) add_stats(initiator);
    return stats_[initiator];
  }
  void add_stats(int initiator);

  BusProfile profile_;
  sc_core::sc_time cycle_;
  sc_core::sc_time memory_latency_;  // cycles(latency_cycles), computed once
  uint64_t exact_cycles_ = 0;  // below this many cycles, integer products equal sc_time's double arithmetic
  std::vector<Range> ranges_;
  std::vector<InitiatorStats> stats_;
  TransferObserver transfer_observer_;
  BusArbiter memory_path_;
  uint64_t bookings_made_ = 0;  // last_booking_ (TransferScheduler): of the memory path; 0 after a register access
  sc_core::sc_time registers_busy_until_;  // the register path
};

}  // namespace vvsim::tlm_virtio
