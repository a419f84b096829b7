// Parameters of the two components a host platform instantiates: the video
// device (VideoDeviceComponent) and the guest driver model
// (VideoDriverComponent). Set them in the structs, or read them from YAML
// files with the strict profile reader (unknown keys and bad values are
// errors naming file, line and key). Pages: docs/models/video_device_component.md,
// docs/models/video_driver_component.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/engine/codec_engine.h"
#include "models/protocols/v6/video_device_profile.h"
#include "models/protocols/v6/video_driver.h"

namespace vvsim::models {

// The device protocol the component speaks. virtio-video RFC v6 today; the
// others join this list as they land.
enum class DeviceProtocol { V6 };

struct DeviceComponentProfile {
  DeviceProtocol protocol = DeviceProtocol::V6;
  // The device's DMA reaches addresses [0, dma_window_bytes) of its initiator
  // socket: rings and buffers the driver places elsewhere are refused.
  uint64_t dma_window_bytes = 1ull << 30;
  CodecEngineProfile engine;
  // The device's own values: the keys of a platform profile's device section.
  virtio_video::VideoDeviceProfile device;
};

struct DriverComponentProfile {
  // Where the host platform maps the device's register window on the bus.
  uint64_t mmio_base = 0xF000'0000;
  // The guest memory the driver allocates rings and buffers from, as bus
  // addresses: [memory_base, memory_base + memory_bytes).
  uint64_t memory_base = 0x10000;
  uint64_t memory_bytes = (1ull << 30) - 0x10000;
  virtio_video::VideoDriverProfile driver;
};

DeviceComponentProfile parse_device_component_profile(const std::string& yaml, const std::string& source,
                                                      const std::vector<std::string>& overrides = {});
DeviceComponentProfile load_device_component_profile(const std::string& path,
                                                     const std::vector<std::string>& overrides = {});
DriverComponentProfile parse_driver_component_profile(const std::string& yaml, const std::string& source,
                                                      const std::vector<std::string>& overrides = {});
DriverComponentProfile load_driver_component_profile(const std::string& path,
                                                     const std::vector<std::string>& overrides = {});

}  // namespace vvsim::models
