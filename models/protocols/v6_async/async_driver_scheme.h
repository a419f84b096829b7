// The v6-async driver's completion scheme on the v6 driver
// (DriverCompletionScheme): RESOURCE_QUEUE and DRAIN carry a cookie, their OK
// answer promises an eventq completion with it, eventq buffers hold the
// v6-async event, and STREAM_UNBLOCK follows the re-allocation after a DRC.
// Wire: async_wire.h; page: docs/models/v6_async_driver.md.
#pragma once

#include "models/protocols/v6/driver_completion_scheme.h"
#include "models/protocols/v6_async/async_wire.h"

namespace vvsim::virtio_video {

// Misbehaviours of the v6-async guest, for the conformance tests.
struct AsyncDriverFaults {
  bool reuse_cookie = false;  // every command carries the same cookie (rule async-cookie-unique)
};

class AsyncDriverScheme : public DriverCompletionScheme {
 public:
  explicit AsyncDriverScheme(AsyncDriverFaults faults = {}) : faults_(faults) {}
  Outgoing outgoing(const std::vector<uint8_t>& v6_command, uint32_t response_capacity) override;
  size_t event_size() const override { return kAsyncEventSize; }
  std::optional<Incoming> incoming(const std::vector<uint8_t>& event_bytes) override;
  std::optional<std::vector<uint8_t>> unblock_command(uint32_t stream_id) const override {
    return to_bytes(UnblockCmd{stream_id});
  }
  const AsyncDriverFaults& faults() const { return faults_; }

 private:
  AsyncDriverFaults faults_;
  uint64_t next_cookie_ = 1;  // 0 names no command
};

}  // namespace vvsim::virtio_video
