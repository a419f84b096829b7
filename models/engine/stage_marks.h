// Where a frame is on its way through a device, for analysis: any protocol's
// device reports these marks through a probe, by stream ID and the timestamp
// the frame carries. Observers must not change the simulation.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>

namespace vvsim::models {

enum class DeviceStage {
  InputAccepted,        // an input with this timestamp was queued to the device
  DecodeStarted,        // the core job that produced the picture began
  DecodeFinished,       // ... and ended
  OutputWriteStarted,   // an output buffer was free: its pixels start crossing the bus
  OutputWriteFinished,  // the pixels are in guest memory
  OutputReturned,       // the output is returned to the driver (the interrupt follows)
};
struct DeviceStageMark {
  uint32_t stream_id = 0;
  uint64_t timestamp = 0;
  DeviceStage stage = DeviceStage::InputAccepted;
  sc_core::sc_time at;
};
// Observers must not change the simulation; they run inside device threads.
using DeviceProbe = std::function<void(const DeviceStageMark&)>;

}  // namespace vvsim::models
