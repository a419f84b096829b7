// The v6-async device's completion scheme on the v6 device (CompletionRoute):
// RESOURCE_QUEUE and DRAIN are answered at once with a result on the commandq,
// and the work's end comes as an eventq event with the driver's cookie;
// STREAM_UNBLOCK releases the outputs a resolution change held; every event
// goes out in the v6-async form. Wire: async_wire.h; page: docs/models/v6_async_device.md.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "models/protocols/v6/video_device.h"
#include "models/protocols/v6_async/async_device_faults.h"
#include "models/protocols/v6_async/async_wire.h"

namespace vvsim::virtio_video {

class AsyncDeviceRoute : public CompletionRoute {
 public:
  AsyncDeviceRoute(VideoDevice& device, AsyncDeviceFaults faults) : device_(device), faults_(faults) {}

  std::optional<Routed> route(const DeviceTransport::Chain& chain, const PendingCompletion& held) override;
  void dispatched(const Routed& routed) override;
  bool owns(CompletionTag tag) const override { return owed_.count(tag.value) != 0; }
  void deliver(CompletionTag tag, const std::vector<uint8_t>& v6_response) override;
  std::vector<uint8_t> encode_event(const Event& event) const override { return to_bytes(async_form(event)); }
  bool drc_blocks_output() const override { return !faults_.output_before_unblock; }
  void reset() override { owed_.clear(); }

 private:
  // A command the handlers took to complete later: the chain it came on, until answered, and its completion's fields.
  struct Owed {
    CompletionTag chain;
    CmdType cmd = CmdType::ResourceQueue;
    uint32_t stream_id = 0;
    uint64_t cookie = 0;
    bool accepted = false;  // the OK answer went out: the completion is an event
  };
  void answer_result(CompletionTag chain, Result result);
  void unblock(const DeviceTransport::Chain& chain, const PendingCompletion& held);
  void send_completion(const Owed& owed, const std::vector<uint8_t>& v6_response);

  VideoDevice& device_;
  AsyncDeviceFaults faults_;
  std::unordered_map<uint32_t, Owed> owed_;  // by tag value
  // Tags of deferred completions; a ring chain id is below kMaxQueueSize, so none is mistaken for one.
  uint32_t next_tag_ = kFirstDeferredTag;
  static constexpr uint32_t kFirstDeferredTag = 1u << 31;
  static_assert(kFirstDeferredTag > tlm_virtio::kMaxQueueSize);
};

}  // namespace vvsim::virtio_video
