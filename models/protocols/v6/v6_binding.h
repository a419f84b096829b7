// virtio-video v6 on the platform: the binding that builds the v6 device and
// driver (registered as "v6"), and V6Platform, a platform with typed access to
// them for the tests, benches and fuzzers that drive v6 by hand.
#pragma once

#include <optional>
#include <string>

#include "models/platform/protocol.h"
#include "models/platform/video_platform.h"
#include "models/protocols/v6/video_device.h"
#include "models/protocols/v6/video_device_profile_fields.h"
#include "models/protocols/v6/video_driver.h"

namespace vvsim::virtio_video {

class V6Device : public models::ProtocolDevice {
 public:
  V6Device(const models::DeviceParts& parts, const VideoDeviceProfile& profile, DecoderFactory decoders);
  tlm_virtio::VirtioDevice& virtio() override { return device; }
  VideoDevice device;
};

class V6Driver : public models::ProtocolDriver {
 public:
  V6Driver(const models::GuestParts& parts, const VideoDeviceProfile& device_profile);
  VideoDriver driver;
};

class V6Binding : public models::ProtocolBinding {
 public:
  // `device_profile` absent: the platform profile's `device` section.
  // `decoders` empty: the real codec backends (header scans in a timing-only run).
  explicit V6Binding(std::optional<VideoDeviceProfile> device_profile = std::nullopt, DecoderFactory decoders = {});
  std::string name() const override { return "v6"; }
  std::unique_ptr<models::ProtocolDevice> make_device(const models::DeviceParts& parts) const override;
  std::unique_ptr<models::ProtocolDriver> make_driver(models::ProtocolDevice& device,
                                                      const models::GuestParts& parts) const override;
  std::unique_ptr<models::ProtocolRun> make_run(models::VideoPlatform& platform,
                                                const models::RunPlan& plan) const override;
  const models::NamedValues<uint32_t>& driver_feature_names() const override;
  uint64_t default_driver_features() const override;
  std::vector<std::string> conformance_rule_ids() const override;
  bool device_encodes(const models::PlatformProfile& platform) const override;
  std::unique_ptr<models::DeviceProfile> make_device_profile() const override;

 protected:
  const VideoDeviceProfile& device_profile(const models::PlatformProfile& platform) const {
    return device_profile_ ? *device_profile_ : v6_device_profile(platform);
  }
  std::optional<VideoDeviceProfile> device_profile_;
  DecoderFactory decoders_;
};

// The v6 parts of a platform built with the v6 binding (std::logic_error otherwise).
VideoDevice& v6_device(models::VideoPlatform& platform);
VideoDriver& v6_driver(models::VideoPlatform& platform);

// A platform running v6 with this device profile, and its parts by their types.
class V6Platform {
 public:
  // `ring`: the virtqueue layout the driver asks for.
  V6Platform(sc_core::sc_module_name name, const models::PlatformProfile& profile,
             const VideoDeviceProfile& device_profile, DecoderFactory decoders = {},
             tlm_virtio::RingLayout ring = tlm_virtio::RingLayout::Split);

 private:
  V6Binding binding_;

 public:
  models::VideoPlatform platform;
  tlm_virtio::SimplePlatform& system;
  tlm_virtio::GuestAllocator& guest_memory;
  VideoDevice& device;
  VideoDriver& driver;
};

}  // namespace vvsim::virtio_video
