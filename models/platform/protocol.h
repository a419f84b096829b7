// A protocol on the platform: its binding builds the protocol's device on the
// platform's codec engine and its guest driver on the platform's CPU, memory,
// virtio-mmio window and interrupt line. The platform holds both behind the
// interfaces below and names no protocol type. Each protocol registers its
// binding under a name (the scenario key `protocol:`); the list of built-in
// protocols is in protocol_registry.cpp. What a protocol implements, step by
// step: docs/adding-a-protocol.md.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/engine/codec_engine.h"
#include "models/platform/device_profile.h"
#include "models/platform/platform_profile.h"
#include "models/platform/profile_reader.h"
#include "tlm_virtio/guest_allocator.h"
#include "tlm_virtio/ring_views.h"
#include "tlm_virtio/simple_platform.h"
#include "tlm_virtio/virtio_device.h"

namespace vvsim::models {

class VideoPlatform;
class ProtocolRun;
struct RunPlan;

// What a protocol's device is built on.
struct DeviceParts {
  const PlatformProfile& profile;
  CodecEngine& engine;
  // The device decodes with header scans only (codec::make_scan_decoder): no pixels.
  bool timing_only = false;
  // Host threads the device may decode on, ahead of the simulation; the
  // results are the same for every count (1: all on the simulation's thread).
  unsigned host_threads = 1;
};

// What a protocol's guest driver is built on, once the transport exists.
struct GuestParts {
  const PlatformProfile& profile;
  tlm_virtio::SimplePlatform& system;  // the CPU's port, the virtio-mmio window, the interrupt line
  tlm_virtio::GuestAllocator& memory;  // the driver's part of guest memory
  // The ring layout the driver asks for (tlm_virtio::ring_layout_feature in
  // its feature negotiation); the device offers both.
  tlm_virtio::RingLayout ring = tlm_virtio::RingLayout::Split;
};

// A protocol's device model, as the platform holds it.
class ProtocolDevice {
 public:
  virtual ~ProtocolDevice() = default;
  // What virtio-mmio serves.
  virtual tlm_virtio::VirtioDevice& virtio() = 0;
};

// A protocol's guest driver, as the platform holds it.
class ProtocolDriver {
 public:
  virtual ~ProtocolDriver() = default;
};

class ProtocolBinding {
 public:
  virtual ~ProtocolBinding() = default;
  virtual std::string name() const = 0;
  virtual std::unique_ptr<ProtocolDevice> make_device(const DeviceParts& parts) const = 0;
  virtual std::unique_ptr<ProtocolDriver> make_driver(ProtocolDevice& device, const GuestParts& parts) const = 0;
  // The protocol's guest applications and monitor for a scenario's run on
  // `platform`, which this binding built (models/platform/protocol_run.h);
  // null when the protocol has no applications yet.
  virtual std::unique_ptr<ProtocolRun> make_run(VideoPlatform& platform, const RunPlan& plan) const;

  // The protocol's device values with their defaults: what a `device:` section
  // is read into (models/platform/device_profile.h).
  virtual std::unique_ptr<DeviceProfile> make_device_profile() const = 0;

  // What a scenario file may say to the protocol. The feature bits `driver_policy.features` may name, and those the driver
  // asks for when the scenario names none.
  virtual const NamedValues<uint32_t>& driver_feature_names() const;
  virtual uint64_t default_driver_features() const { return 0; }
  // The ids of the rules the protocol's monitor checks (`expect_violations`).
  virtual std::vector<std::string> conformance_rule_ids() const { return {}; }
  // Whether the device `platform` describes encodes: its streams take
  // `encode`, not `input`.
  virtual bool device_encodes(const PlatformProfile& platform) const {
    (void)platform;
    return false;
  }
};

// The registered binding of that name; null when there is none.
const ProtocolBinding* find_protocol(const std::string& name);
// Every registered protocol's name, sorted.
std::vector<std::string> protocol_names();

}  // namespace vvsim::models
