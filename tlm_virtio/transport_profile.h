// Timing and sizing figures of the transport's modules. The initialisers are
// the documented defaults (docs/models/*.md); the platform profile loads them.
#pragma once

#include <cstdint>

namespace vvsim::tlm_virtio {

struct GuestMemoryProfile {
  uint64_t size_bytes = 1ull << 30;  // 1 GiB; sparse, so untouched pages cost nothing
};

// How the memory data path is shared between transfers whose data overlap.
enum class BusArbitration {
  RoundRobin,     // one burst of each waiting transfer in turn
  FixedPriority,  // the lowest initiator index first (CPU, then device DMA, then codec cores); preempts at a burst boundary
};

// A shared interconnect of two paths. The memory data path: a transfer's data
// starts latency_cycles after it is ready (the latency is pipelined: it
// overlaps other transfers' data) and takes ceil(bytes / bytes_per_cycle)
// beats, sent in bursts of burst_bytes; transfers whose data overlap share
// the path burst by burst (`arbitration`). The register path (device
// registers): an access takes register_latency_cycles + its beats,
// serialised with register accesses only.
struct BusProfile {
  double clock_mhz = 1000.0;     // 1 GHz interconnect clock
  uint32_t bytes_per_cycle = 16;  // 128-bit data path
  uint32_t latency_cycles = 10;   // arbitration + address phase + target response, per transaction
  uint32_t register_latency_cycles = 10;  // the same for a register access, on the register path
  uint32_t burst_bytes = 256;  // 16 beats of 16 bytes: the path is re-arbitrated after each burst
  BusArbitration arbitration = BusArbitration::RoundRobin;
};

struct InterruptLineProfile {
  uint64_t delivery_latency_ns = 1'000;  // GIC/APIC routing and CPU entry, raise -> CPU sees it
};

// Device-side interrupt moderation of the virtio-mmio controller. Off with a
// zero window: every used-buffer interrupt a ring asks for is raised at once.
// Otherwise the interrupt is raised coalesce_window_ns after the first answer
// that wanted it, or as soon as coalesce_answers answers wait (0: no count).
struct InterruptCoalescingProfile {
  uint64_t coalesce_window_ns = 0;
  uint32_t coalesce_answers = 0;
};

}  // namespace vvsim::tlm_virtio
