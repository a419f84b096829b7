#include "models/virtio_host/completion_table.h"

namespace vvsim::virtio_video {

PendingCompletion CompletionTable::hold(const DeviceTransport::Chain& chain) {
  const PendingCompletion pending{chain.id, chain.first_writable_addr, chain.first_writable_len};
  held_nodes_.put(held_, chain.id, pending);
  return pending;
}

std::optional<PendingCompletion> CompletionTable::take(CompletionTag tag) {
  auto it = held_.find(tag);
  if (it == held_.end()) return std::nullopt;
  return held_nodes_.take(held_, it);
}

}  // namespace vvsim::virtio_video
