#include "models/protocols/media/media_binding.h"

#include <stdexcept>

#include "codec/scan_decoder.h"
#include "models/protocols/media/media_device_profile_fields.h"
#include "models/protocols/media/media_monitor.h"
#include "models/protocols/media/media_run.h"

namespace vvsim::virtio_media {

namespace {

// Decoders on the libraries the platform profile names (as for v6, so both
// protocols decode the same frames); header scans only in a timing-only run.
DecoderSession::DecoderFactory platform_decoders(const models::DeviceParts& parts, codec::DecoderBackend h264) {
  if (parts.timing_only) return [h264](codec::CodecId c) { return codec::make_scan_decoder(c, models::decoder_backend_for(c, h264)); };
  return [h264](codec::CodecId c) { return c == codec::CodecId::H264 ? codec::make_decoder(c, h264) : codec::make_decoder(c); };
}

// Region 0 sits at the top of guest memory; the driver's allocator ends below it.
uint64_t shm_base(const models::PlatformProfile& p, const MediaDeviceProfile& d) {
  if (d.shm_bytes >= p.memory.size_bytes / 2)
    throw std::invalid_argument("media device: shm_bytes must be less than half of the guest memory");
  return p.memory.size_bytes - d.shm_bytes;
}

MediaDriverProfile driver_profile(const models::GuestParts& parts) {
  const models::PlatformProfile& p = parts.profile;
  MediaDriverProfile d;
  d.command_submit_ns = p.driver.command_submit_ns;
  d.interrupt_handle_ns = p.driver.interrupt_handle_ns;
  d.event_idx = p.driver.event_idx;
  d.ring = parts.ring;
  return d;
}

}  // namespace

MediaProtocolDevice::MediaProtocolDevice(const models::DeviceParts& parts, const MediaDeviceProfile& profile,
                                         DecoderSession::DecoderFactory decoders)
    : device("media", profile, parts.engine, shm_base(parts.profile, profile),
             models::taking_input_units(decoders ? std::move(decoders) : platform_decoders(parts, profile.h264_decoder),
                                        parts.profile.driver.input_unit)) {}

MediaProtocolDriver::MediaProtocolDriver(const models::GuestParts& parts)
    : driver(parts.system.cpu.port, parts.profile.address_map.mmio_base, parts.system.irq, parts.memory,
             driver_profile(parts)) {}

MediaBinding::MediaBinding(std::optional<MediaDeviceProfile> profile, DecoderSession::DecoderFactory decoders)
    : profile_(std::move(profile)), decoders_(std::move(decoders)) {}

std::unique_ptr<models::ProtocolDevice> MediaBinding::make_device(const models::DeviceParts& parts) const {
  return std::make_unique<MediaProtocolDevice>(parts, profile_ ? *profile_ : media_device_profile(parts.profile), decoders_);
}

std::unique_ptr<models::ProtocolRun> MediaBinding::make_run(models::VideoPlatform& platform,
                                                            const models::RunPlan& plan) const {
  return std::make_unique<MediaRun>(platform, plan);
}

std::unique_ptr<models::ProtocolDriver> MediaBinding::make_driver(models::ProtocolDevice&,
                                                                  const models::GuestParts& parts) const {
  return std::make_unique<MediaProtocolDriver>(parts);
}

bool MediaBinding::device_encodes(const models::PlatformProfile& platform) const {
  return (profile_ ? *profile_ : media_device_profile(platform)).role == MediaRole::Encoder;
}

std::unique_ptr<models::DeviceProfile> MediaBinding::make_device_profile() const {
  return std::make_unique<MediaDeviceSection>();
}

// The rules the media monitor checks: its own, then the transport's ring rules.
std::vector<std::string> MediaBinding::conformance_rule_ids() const {
  const conformance::RuleRegistry registry(media_rules());
  std::vector<std::string> ids;
  for (const auto& rule : registry.rules()) ids.push_back(rule.id);
  return ids;
}

MediaDevice& media_device(models::VideoPlatform& platform) {
  auto* media = dynamic_cast<MediaProtocolDevice*>(platform.device.get());
  if (!media) throw std::logic_error("the platform does not run virtio-media");
  return media->device;
}

MediaDriver& media_driver(models::VideoPlatform& platform) {
  auto* media = dynamic_cast<MediaProtocolDriver*>(platform.driver.get());
  if (!media) throw std::logic_error("the platform does not run virtio-media");
  return media->driver;
}

MediaPlatform::MediaPlatform(sc_core::sc_module_name name, const models::PlatformProfile& profile,
                             const MediaDeviceProfile& device_profile, DecoderSession::DecoderFactory decoders,
                             bool timing_only, tlm_virtio::RingLayout ring)
    : binding_(device_profile, std::move(decoders)),
      platform(name, profile, binding_, timing_only, ring),
      system(platform.system),
      device(media_device(platform)),
      driver(media_driver(platform)) {}

}  // namespace vvsim::virtio_media

namespace vvsim::models {

// Called by the registry's list of built-in protocols (protocol_registry.cpp).
std::unique_ptr<ProtocolBinding> make_media_binding() { return std::make_unique<virtio_media::MediaBinding>(); }

}  // namespace vvsim::models
