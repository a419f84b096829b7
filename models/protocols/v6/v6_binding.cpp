#include "models/protocols/v6/v6_binding.h"

#include <stdexcept>

#include "codec/scan_decoder.h"
#include "models/protocols/v6/v6_run.h"

namespace vvsim::virtio_video {

namespace {

VideoDriverProfile driver_profile(const models::GuestParts& parts, const VideoDeviceProfile& d) {
  const models::PlatformProfile& p = parts.profile;
  VideoDriverProfile v;
  v.commandq_size = d.commandq_size;
  v.eventq_size = d.eventq_size;
  v.eventq_buffers = d.eventq_size;
  v.command_submit_ns = p.driver.command_submit_ns;
  v.interrupt_handle_ns = p.driver.interrupt_handle_ns;
  v.frame_consume_ns = p.driver.frame_consume_ns;
  v.event_idx = p.driver.event_idx;
  v.guest_cpus = p.guest.cpus;
  v.ring = parts.ring;
  return v;
}

// Decoders on the library the device profile names for H.264, the default for
// the rest; header scans only in a timing-only run.
DecoderFactory platform_decoders(const models::DeviceParts& parts, codec::DecoderBackend h264) {
  if (parts.timing_only) return [h264](codec::CodecId c) { return codec::make_scan_decoder(c, models::decoder_backend_for(c, h264)); };
  return [h264](codec::CodecId c) { return c == codec::CodecId::H264 ? codec::make_decoder(c, h264) : codec::make_decoder(c); };
}

}  // namespace

V6Device::V6Device(const models::DeviceParts& parts, const VideoDeviceProfile& profile, DecoderFactory decoders)
    : device("video", profile, parts.engine,
             models::taking_input_units(decoders ? std::move(decoders) : platform_decoders(parts, profile.h264_decoder),
                                        parts.profile.driver.input_unit)) {
  device.use_encoders([](const codec::EncoderConfig& c) { return codec::make_encoder(c); });
  device.use_host_threads(parts.host_threads);
}

V6Driver::V6Driver(const models::GuestParts& parts, const VideoDeviceProfile& device_profile)
    : driver(parts.system.cpu.port, parts.profile.address_map.mmio_base, parts.system.irq, parts.memory,
             driver_profile(parts, device_profile)) {}

V6Binding::V6Binding(std::optional<VideoDeviceProfile> device_profile, DecoderFactory decoders)
    : device_profile_(std::move(device_profile)), decoders_(std::move(decoders)) {}

std::unique_ptr<models::ProtocolDevice> V6Binding::make_device(const models::DeviceParts& parts) const {
  return std::make_unique<V6Device>(parts, device_profile(parts.profile), decoders_);
}

std::unique_ptr<models::ProtocolDriver> V6Binding::make_driver(models::ProtocolDevice&,
                                                               const models::GuestParts& parts) const {
  return std::make_unique<V6Driver>(parts, device_profile(parts.profile));
}

std::unique_ptr<models::ProtocolRun> V6Binding::make_run(models::VideoPlatform& platform,
                                                         const models::RunPlan& plan) const {
  return std::make_unique<V6Run>(platform, plan);
}

const models::NamedValues<uint32_t>& V6Binding::driver_feature_names() const {
  static const models::NamedValues<uint32_t> names = {{"guest_pages", kFeatureResourceGuestPages},
                                                      {"non_contig", kFeatureResourceNonContig},
                                                      {"dynamic", kFeatureResourceDynamic},
                                                      {"virtio_object", kFeatureResourceVirtioObject}};
  return names;
}

// As a Linux guest would: guest pages, scattered when need be.
uint64_t V6Binding::default_driver_features() const {
  return 1ull << kFeatureResourceGuestPages | 1ull << kFeatureResourceNonContig;
}

std::vector<std::string> V6Binding::conformance_rule_ids() const {
  std::vector<std::string> ids;
  for (const auto& rule : conformance_rules()) ids.push_back(rule.id);
  return ids;
}

bool V6Binding::device_encodes(const models::PlatformProfile& platform) const {
  return device_profile(platform).role == DeviceRole::Encoder;
}

std::unique_ptr<models::DeviceProfile> V6Binding::make_device_profile() const {
  return std::make_unique<V6DeviceProfile>();
}

VideoDevice& v6_device(models::VideoPlatform& platform) {
  auto* v6 = dynamic_cast<V6Device*>(platform.device.get());
  if (!v6) throw std::logic_error("the platform does not run v6");
  return v6->device;
}

VideoDriver& v6_driver(models::VideoPlatform& platform) {
  auto* v6 = dynamic_cast<V6Driver*>(platform.driver.get());
  if (!v6) throw std::logic_error("the platform does not run v6");
  return v6->driver;
}

V6Platform::V6Platform(sc_core::sc_module_name name, const models::PlatformProfile& profile,
                       const VideoDeviceProfile& device_profile, DecoderFactory decoders, tlm_virtio::RingLayout ring)
    : binding_(device_profile, std::move(decoders)),
      platform(name, profile, binding_, false, ring),
      system(platform.system),
      guest_memory(platform.guest_memory),
      device(v6_device(platform)),
      driver(v6_driver(platform)) {}

}  // namespace vvsim::virtio_video

namespace vvsim::models {

// Called by the registry's list of built-in protocols (protocol_registry.cpp).
std::unique_ptr<ProtocolBinding> make_v6_binding() { return std::make_unique<virtio_video::V6Binding>(); }

}  // namespace vvsim::models
