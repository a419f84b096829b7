// What crosses the virtio-media device's queues, for passive observers (the
// conformance monitor): each command's readable bytes with the reply the
// device wrote, each event as written, and resets. Observers read; they change
// nothing and take no simulated time.
#pragma once

#include <cstdint>

#include "models/protocols/media/media_wire.h"

namespace vvsim::virtio_media {

class MediaObserver {
 public:
  virtual ~MediaObserver() = default;
  virtual void on_command(uint64_t at_ps, const Bytes& readable, const Bytes& reply) = 0;
  virtual void on_event(uint64_t at_ps, const Bytes& event) = 0;
  virtual void on_reset(uint64_t at_ps) = 0;
};

}  // namespace vvsim::virtio_media
