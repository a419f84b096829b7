// Timing of the components' accesses that go through a DMI pointer the host
// platform granted: the latency the host's target declares in its grant
// (tlm_dmi read/write latency, which MemoryPort adds itself) and nothing
// more. vvsim does not model the host's bus; the host decides what DMI costs.
#pragma once

#include "tlm_virtio/memory_port.h"

namespace vvsim::models {

class HostDmiTiming : public tlm_virtio::TransferScheduler {
 public:
  sc_core::sc_time schedule(int, uint64_t, const sc_core::sc_time& offset) override { return offset; }
};

}  // namespace vvsim::models
