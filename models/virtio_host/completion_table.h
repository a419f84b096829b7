// The device side's one table of work in flight, as crosvm's worker keeps its
// pending chains: every command chain popped from a queue and not yet
// answered, with where its response goes, under a tag. A command handler
// answers "now, with this response", or "later, under this tag": the device's
// state keeps the tag, never the chain. Answering takes the entry out of the
// table before the response's DMA, so a chain is answered exactly once and no
// reference to it outlives a wait.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "models/virtio_host/device_transport.h"
#include "tlm_virtio/node_recycler.h"

namespace vvsim::virtio_video {

// A command in flight as the device's state names it: its chain's id, unique
// while the chain is held.
using CompletionTag = tlm_virtio::ChainId;

// Where a held command's response goes: the chain's first device-writable descriptor.
struct PendingCompletion {
  CompletionTag tag;
  uint64_t response_addr = 0;
  uint32_t response_capacity = 0;
};

class CompletionTable {
 public:
  // Holds a popped chain until it is answered.
  PendingCompletion hold(const DeviceTransport::Chain& chain);
  // Takes a held chain out to answer it; nothing when it was answered already
  // (or the device was reset since).
  std::optional<PendingCompletion> take(CompletionTag tag);
  // At reset: the rings are gone, and the chains held with them.
  void clear() { held_.clear(); }
  size_t size() const { return held_.size(); }

 private:
  using HeldMap = std::unordered_map<CompletionTag, PendingCompletion>;
  HeldMap held_;
  tlm_virtio::NodeRecycler<HeldMap> held_nodes_;  // a command comes and goes with every round trip
};

}  // namespace vvsim::virtio_video
