#include "models/protocols/v6_async/async_driver_scheme.h"

namespace vvsim::virtio_video {

DriverCompletionScheme::Outgoing AsyncDriverScheme::outgoing(const std::vector<uint8_t>& v6_command,
                                                             uint32_t response_capacity) {
  const auto code = decode_cmd_type(ByteSpan(v6_command));
  if (!code || !completes_on_eventq(*code)) return {v6_command, response_capacity, std::nullopt};
  const uint64_t cookie = faults_.reuse_cookie ? 1 : next_cookie_++;
  return {async_form(ByteSpan(v6_command), cookie), static_cast<uint32_t>(kAsyncAcceptRespSize), cookie};
}

std::optional<DriverCompletionScheme::Incoming> AsyncDriverScheme::incoming(const std::vector<uint8_t>& event_bytes) {
  const auto e = decode_async_event(ByteSpan(event_bytes));
  if (!e) return std::nullopt;
  Incoming in;
  in.event = v6_form(*e);
  if (!in.event) {
    in.completes = e->cookie;
    in.v6_response = v6_response(*e);
  }
  return in;
}

}  // namespace vvsim::virtio_video
