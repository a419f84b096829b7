// virtio-media on the platform: the binding that builds the media device and
// its driver (registered as "media"), and MediaPlatform, a platform with typed
// access to them for tests that drive virtio-media by hand.
#pragma once

#include <optional>
#include <string>

#include "models/platform/protocol.h"
#include "models/platform/video_platform.h"
#include "models/protocols/media/media_device.h"
#include "models/protocols/media/media_driver.h"

namespace vvsim::virtio_media {

class MediaProtocolDevice : public models::ProtocolDevice {
 public:
  MediaProtocolDevice(const models::DeviceParts& parts, const MediaDeviceProfile& profile,
                      DecoderSession::DecoderFactory decoders);
  tlm_virtio::VirtioDevice& virtio() override { return device; }
  MediaDevice device;
};

class MediaProtocolDriver : public models::ProtocolDriver {
 public:
  explicit MediaProtocolDriver(const models::GuestParts& parts);
  MediaDriver driver;
};

class MediaBinding : public models::ProtocolBinding {
 public:
  // `profile` absent: the platform profile's `device` section (media_device_profile_fields.h).
  // `decoders` empty: the real codec backends (header scans in a timing-only run).
  explicit MediaBinding(std::optional<MediaDeviceProfile> profile = std::nullopt,
                        DecoderSession::DecoderFactory decoders = {});
  std::string name() const override { return "media"; }
  std::unique_ptr<models::ProtocolDevice> make_device(const models::DeviceParts& parts) const override;
  std::unique_ptr<models::ProtocolDriver> make_driver(models::ProtocolDevice& device,
                                                      const models::GuestParts& parts) const override;
  std::unique_ptr<models::ProtocolRun> make_run(models::VideoPlatform& platform,
                                                const models::RunPlan& plan) const override;
  std::vector<std::string> conformance_rule_ids() const override;
  std::unique_ptr<models::DeviceProfile> make_device_profile() const override;
  bool device_encodes(const models::PlatformProfile& platform) const override;

 private:
  std::optional<MediaDeviceProfile> profile_;
  DecoderSession::DecoderFactory decoders_;
};

// The virtio-media parts of a platform built with the media binding (std::logic_error otherwise).
MediaDevice& media_device(models::VideoPlatform& platform);
MediaDriver& media_driver(models::VideoPlatform& platform);

// A platform running virtio-media with this device profile, and its parts by their types.
class MediaPlatform {
 public:
  // `ring`: the virtqueue layout the driver asks for.
  MediaPlatform(sc_core::sc_module_name name, const models::PlatformProfile& profile,
                const MediaDeviceProfile& device_profile = {}, DecoderSession::DecoderFactory decoders = {},
                bool timing_only = false, tlm_virtio::RingLayout ring = tlm_virtio::RingLayout::Split);

 private:
  MediaBinding binding_;

 public:
  models::VideoPlatform platform;
  tlm_virtio::SimplePlatform& system;
  MediaDevice& device;
  MediaDriver& driver;
};

}  // namespace vvsim::virtio_media
