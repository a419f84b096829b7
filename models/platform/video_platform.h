// The whole simulated system for one video device: guest memory, bus,
// virtio-mmio, interrupt line and guest CPU (tlm_virtio::SimplePlatform), the
// codec engine, the v6 video device on real codecs, and the guest's v6 driver
// running on the CPU. Everything is sized and timed by a PlatformProfile.
#pragma once

#include <systemc>

#include "models/engine/codec_engine.h"
#include "models/platform/platform_profile.h"
#include "models/protocols/v6/video_device.h"
#include "models/protocols/v6/video_driver.h"
#include "tlm_virtio/guest_allocator.h"
#include "tlm_virtio/simple_platform.h"

namespace vvsim::models {

tlm_virtio::SimplePlatformProfile transport_profile(const PlatformProfile& profile);

class VideoPlatform : public sc_core::sc_module {
 public:
  // Guest memory below this is left to firmware/tests; the driver allocates above it.
  static constexpr uint64_t kDriverMemoryBase = 0x10000;

  // `decoders` empty: the real codec backends (codec::make_decoder).
  VideoPlatform(sc_core::sc_module_name name, const PlatformProfile& profile,
                const virtio_video::VideoDeviceProfile& device_profile,
                virtio_video::DecoderFactory decoders = {});

  const PlatformProfile& profile() const { return profile_; }

  PlatformProfile profile_;
  CodecEngine engine;
  virtio_video::VideoDevice device;
  tlm_virtio::SimplePlatform system;
  tlm_virtio::GuestAllocator guest_memory;
  virtio_video::VideoDriver driver;
};

}  // namespace vvsim::models
