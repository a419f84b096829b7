#include "models/platform/video_platform.h"

namespace vvsim::models {

tlm_virtio::SimplePlatformProfile transport_profile(const PlatformProfile& profile) {
  tlm_virtio::SimplePlatformProfile t;
  t.memory = profile.memory;
  t.bus = profile.bus;
  t.interrupt = profile.interrupt;
  t.coalescing = profile.coalescing;
  t.mmio_base = profile.address_map.mmio_base;
  return t;
}

namespace {
virtio_video::VideoDriverProfile driver_profile(const PlatformProfile& p, const virtio_video::VideoDeviceProfile& d) {
  virtio_video::VideoDriverProfile v;
  v.commandq_size = d.commandq_size;
  v.eventq_size = d.eventq_size;
  v.eventq_buffers = d.eventq_size;
  v.command_submit_ns = p.driver.command_submit_ns;
  v.interrupt_handle_ns = p.driver.interrupt_handle_ns;
  v.frame_consume_ns = p.driver.frame_consume_ns;
  v.event_idx = p.driver.event_idx;
  return v;
}

// Decoders on the library the device profile names for H.264, the default for the rest.
virtio_video::DecoderFactory backend_decoders(codec::DecoderBackend h264) {
  return [h264](codec::CodecId c) { return c == codec::CodecId::H264 ? codec::make_decoder(c, h264) : codec::make_decoder(c); };
}

}  // namespace

VideoPlatform::VideoPlatform(sc_core::sc_module_name name, const PlatformProfile& profile,
                             const virtio_video::VideoDeviceProfile& device_profile,
                             virtio_video::DecoderFactory decoders)
    : sc_module(name),
      profile_(profile),
      engine("engine", profile.engine),
      device("video", device_profile, engine,
             decoders ? std::move(decoders) : backend_decoders(device_profile.h264_decoder)),
      system("system", device, transport_profile(profile)),
      guest_memory(kDriverMemoryBase, profile.memory.size_bytes - kDriverMemoryBase),
      driver(system.cpu.port, profile.address_map.mmio_base, system.irq, guest_memory,
             driver_profile(profile, device_profile)) {
  device.use_encoders([](const codec::EncoderConfig& c) { return codec::make_encoder(c); });
}

}  // namespace vvsim::models
