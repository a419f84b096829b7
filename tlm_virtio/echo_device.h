// A minimal device on the transport: every chain on its one queue gets its
// readable bytes copied into its writable part after a per-byte cost. It shows
// how a device is written on VirtioController and exercises the transport.
#pragma once

#include <systemc>

#include <cstdint>
#include <vector>

#include "tlm_virtio/virtio_device.h"

namespace vvsim::tlm_virtio {

struct EchoDeviceProfile {
  uint16_t queue_max_size = 256;
  double ns_per_byte = 1.0;  // processing cost of the copy, besides the bus time
  std::vector<SharedMemoryRegion> shared_memory;  // declared only, never accessed: the registers' test
};

class EchoDevice : public sc_core::sc_module, public VirtioDevice {
 public:
  // Outside the IDs virtio assigns (1..63 and a few above): a test device.
  static constexpr uint32_t kDeviceId = 0xFFFF;

  EchoDevice(sc_core::sc_module_name name, const EchoDeviceProfile& profile = {});

  uint32_t device_id() const override { return kDeviceId; }
  uint64_t device_features() const override { return 0; }
  unsigned num_queues() const override { return 1; }
  uint16_t queue_max_size(unsigned) const override { return profile_.queue_max_size; }
  std::vector<uint8_t> config_space() const override;
  std::vector<SharedMemoryRegion> shared_memory_regions() const override { return profile_.shared_memory; }
  void attach(VirtioController& controller) override { controller_ = &controller; }
  void driver_ok(uint64_t) override { kick_.notify(sc_core::SC_ZERO_TIME); }
  void notify(unsigned) override { kick_.notify(sc_core::SC_ZERO_TIME); }
  void reset() override { ++resets_; }

  uint64_t chains_echoed() const { return echoed_; }
  uint64_t resets() const { return resets_; }

 private:
  void echo_chains();

  EchoDeviceProfile profile_;
  VirtioController* controller_ = nullptr;
  sc_core::sc_event kick_;
  uint64_t echoed_ = 0, resets_ = 0;
};

}  // namespace vvsim::tlm_virtio
