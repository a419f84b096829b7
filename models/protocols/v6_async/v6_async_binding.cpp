#include "models/protocols/v6_async/v6_async_binding.h"

#include "models/protocols/v6_async/async_run.h"

namespace vvsim::virtio_video {

V6AsyncDevice::V6AsyncDevice(const models::DeviceParts& parts, const VideoDeviceProfile& profile,
                             DecoderFactory decoders, AsyncDeviceFaults faults)
    : V6Device(parts, profile, std::move(decoders)), route(device, faults) {
  device.route_completions(&route);
}

V6AsyncDriver::V6AsyncDriver(const models::GuestParts& parts, const VideoDeviceProfile& device_profile,
                             AsyncDriverFaults faults)
    : V6Driver(parts, device_profile), scheme(faults) {
  driver.use_completion_scheme(&scheme);
}

std::unique_ptr<models::ProtocolDevice> V6AsyncBinding::make_device(const models::DeviceParts& parts) const {
  return std::make_unique<V6AsyncDevice>(parts, device_profile(parts.profile), decoders_, device_faults_);
}

std::unique_ptr<models::ProtocolDriver> V6AsyncBinding::make_driver(models::ProtocolDevice&,
                                                                    const models::GuestParts& parts) const {
  return std::make_unique<V6AsyncDriver>(parts, device_profile(parts.profile), driver_faults_);
}

std::unique_ptr<models::ProtocolRun> V6AsyncBinding::make_run(models::VideoPlatform& platform,
                                                              const models::RunPlan& plan) const {
  return std::make_unique<AsyncRun>(platform, plan);
}

std::vector<std::string> V6AsyncBinding::conformance_rule_ids() const {
  std::vector<std::string> ids = V6Binding::conformance_rule_ids();
  for (auto& id : async_rule_ids()) ids.push_back(std::move(id));
  return ids;
}

}  // namespace vvsim::virtio_video

namespace vvsim::models {

// Called by the registry's list of built-in protocols (protocol_registry.cpp).
std::unique_ptr<ProtocolBinding> make_v6_async_binding() { return std::make_unique<virtio_video::V6AsyncBinding>(); }

}  // namespace vvsim::models
