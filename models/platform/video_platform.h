// The whole simulated system for one video device: guest memory, bus,
// virtio-mmio, interrupt line and guest CPU (tlm_virtio::SimplePlatform), the
// codec engine, and the device and guest driver of the protocol a binding
// builds on them (models/platform/protocol.h). Everything is sized and timed
// by a PlatformProfile.
#pragma once

#include <systemc>

#include <memory>

#include "models/engine/codec_engine.h"
#include "models/platform/platform_profile.h"
#include "models/platform/protocol.h"
#include "tlm_virtio/guest_allocator.h"
#include "tlm_virtio/simple_platform.h"

namespace vvsim::models {

tlm_virtio::SimplePlatformProfile transport_profile(const PlatformProfile& profile);

class VideoPlatform : public sc_core::sc_module {
 public:
  // Guest memory below this is left to firmware/tests; the driver allocates above it.
  static constexpr uint64_t kDriverMemoryBase = 0x10000;

  // `protocol` is used during construction only; `ring`: the layout the guest driver asks for.
  VideoPlatform(sc_core::sc_module_name name, const PlatformProfile& profile, const ProtocolBinding& protocol,
                bool timing_only = false, tlm_virtio::RingLayout ring = tlm_virtio::RingLayout::Split,
                unsigned host_threads = 1);

  const PlatformProfile& profile() const { return profile_; }

  PlatformProfile profile_;
  CodecEngine engine;
  std::unique_ptr<ProtocolDevice> device;
  tlm_virtio::SimplePlatform system;
  tlm_virtio::GuestAllocator guest_memory;
  std::unique_ptr<ProtocolDriver> driver;
};

}  // namespace vvsim::models
