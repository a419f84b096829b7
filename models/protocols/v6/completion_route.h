// The seam through which a protocol built on the v6 device changes how the
// device completes what it works on later (RESOURCE_QUEUE, DRAIN) and what its
// events look like on the wire. v6 itself has none: the device holds a
// command's chain until the work is done and sends v6 events. v6-async
// (models/protocols/v6_async/) answers those commands at once and completes
// them with eventq events.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "models/protocols/v6/wire.h"
#include "models/virtio_host/completion_table.h"
#include "models/virtio_host/device_transport.h"

namespace vvsim::virtio_video {

class CompletionRoute {
 public:
  virtual ~CompletionRoute() = default;

  // A popped chain as the v6 command handlers take it: the chain with its
  // command in v6 bytes, and where the handlers' answers go.
  struct Routed {
    DeviceTransport::Chain chain;
    PendingCompletion answer_to;
  };
  // Nothing: the route answered the chain itself (a command of its own, or one
  // malformed in its own fields).
  virtual std::optional<Routed> route(const DeviceTransport::Chain& chain, const PendingCompletion& held) = 0;
  // The handlers are done with `routed`; an answer they deferred is owed from now on.
  virtual void dispatched(const Routed& routed) = 0;
  // Whether an answer under `tag` is the route's to deliver, and delivering it.
  virtual bool owns(CompletionTag tag) const = 0;
  virtual void deliver(CompletionTag tag, const std::vector<uint8_t>& v6_response) = 0;
  // The wire bytes of a v6 event.
  virtual std::vector<uint8_t> encode_event(const Event& event) const = 0;
  // A resolution change holds the stream's outputs until the driver releases them.
  virtual bool drc_blocks_output() const = 0;
  // Device reset: nothing owed survives it.
  virtual void reset() = 0;
};

}  // namespace vvsim::virtio_video
