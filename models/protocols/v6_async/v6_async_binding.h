// v6-async on the platform: the v6 device and driver with the v6-async
// completion scheme plugged into their seams (AsyncDeviceRoute,
// AsyncDriverScheme), registered as "v6-async"; V6AsyncPlatform gives tests
// typed access. Everything but the completion scheme is v6's.
#pragma once

#include "models/protocols/v6/v6_binding.h"
#include "models/protocols/v6_async/async_device_route.h"
#include "models/protocols/v6_async/async_driver_scheme.h"

namespace vvsim::virtio_video {

class V6AsyncDevice : public V6Device {
 public:
  V6AsyncDevice(const models::DeviceParts& parts, const VideoDeviceProfile& profile, DecoderFactory decoders,
                AsyncDeviceFaults faults);
  AsyncDeviceRoute route;
};

class V6AsyncDriver : public V6Driver {
 public:
  V6AsyncDriver(const models::GuestParts& parts, const VideoDeviceProfile& device_profile, AsyncDriverFaults faults);
  AsyncDriverScheme scheme;
};

class V6AsyncBinding : public V6Binding {
 public:
  explicit V6AsyncBinding(AsyncDeviceFaults device_faults = {}, AsyncDriverFaults driver_faults = {},
                          std::optional<VideoDeviceProfile> device_profile = std::nullopt, DecoderFactory decoders = {})
      : V6Binding(std::move(device_profile), std::move(decoders)),
        device_faults_(device_faults),
        driver_faults_(driver_faults) {}
  std::string name() const override { return "v6-async"; }
  std::unique_ptr<models::ProtocolDevice> make_device(const models::DeviceParts& parts) const override;
  std::unique_ptr<models::ProtocolDriver> make_driver(models::ProtocolDevice& device,
                                                      const models::GuestParts& parts) const override;
  std::unique_ptr<models::ProtocolRun> make_run(models::VideoPlatform& platform,
                                                const models::RunPlan& plan) const override;
  std::vector<std::string> conformance_rule_ids() const override;

 private:
  AsyncDeviceFaults device_faults_;
  AsyncDriverFaults driver_faults_;
};

}  // namespace vvsim::virtio_video
