// The seam through which a protocol built on the v6 driver changes how the
// commands that complete later travel: their wire form, the size and meaning
// of eventq buffers, and what the guest sends once it re-allocated outputs
// after a resolution change. v6 itself has none (its commands and events are
// what the sessions speak). v6-async: models/protocols/v6_async/.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "models/protocols/v6/wire.h"

namespace vvsim::virtio_video {

class DriverCompletionScheme {
 public:
  virtual ~DriverCompletionScheme() = default;

  // A command the sessions gave in v6 bytes, as it goes on the commandq.
  struct Outgoing {
    std::vector<uint8_t> bytes;
    uint32_t response_capacity = 0;
    std::optional<uint64_t> cookie;  // an OK answer means: the completion comes as an event with it
  };
  virtual Outgoing outgoing(const std::vector<uint8_t>& v6_command, uint32_t response_capacity) = 0;

  // The bytes of one eventq buffer.
  virtual size_t event_size() const = 0;
  // A filled eventq buffer: an event for the sessions, or a command's completion (its v6 response).
  struct Incoming {
    std::optional<Event> event;
    std::optional<uint64_t> completes;  // the cookie
    std::vector<uint8_t> v6_response;
  };
  virtual std::optional<Incoming> incoming(const std::vector<uint8_t>& event_bytes) = 0;

  // The command that lets the device return a stream's outputs again after a resolution change.
  virtual std::optional<std::vector<uint8_t>> unblock_command(uint32_t stream_id) const = 0;
};

}  // namespace vvsim::virtio_video
