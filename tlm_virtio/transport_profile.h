// Timing and sizing figures of the transport's modules. The initialisers are
// the documented defaults (docs/models/*.md); the platform profile loads them.
#pragma once

#include <cstdint>

namespace vvsim::tlm_virtio {

struct GuestMemoryProfile {
  uint64_t size_bytes = 1ull << 30;  // 1 GiB; sparse, so untouched pages cost nothing
};

// A shared interconnect: every transaction occupies it for
// latency_cycles + ceil(bytes / bytes_per_cycle) cycles of its clock.
struct BusProfile {
  double clock_mhz = 1000.0;     // 1 GHz interconnect clock
  uint32_t bytes_per_cycle = 16;  // 128-bit data path
  uint32_t latency_cycles = 10;   // arbitration + address phase + target response, per transaction
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
