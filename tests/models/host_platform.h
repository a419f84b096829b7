// A host platform as an outside team would write one around the device and
// driver components: memory of its own (DMI granted or not, counting what
// crosses it) and vvsim's Bus as the router. For the component tests.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstring>
#include <vector>

#include "models/component/video_device_component.h"
#include "models/component/video_driver_component.h"
#include "tlm_virtio/bus.h"

namespace vvsim::test {

class HostMemory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<HostMemory> socket;
  uint64_t data_bytes = 0;      // bytes b_transport carried (reads and writes)
  uint64_t dmi_requests = 0, dmi_grants = 0;

  HostMemory(sc_core::sc_module_name name, uint64_t size, bool grant_dmi)
      : sc_module(name), socket("socket"), bytes_(size), grant_dmi_(grant_dmi) {
    socket.register_b_transport(this, &HostMemory::b_transport);
    socket.register_get_direct_mem_ptr(this, &HostMemory::get_direct_mem_ptr);
    socket.register_transport_dbg(this, &HostMemory::transport_dbg);
  }
  static constexpr double kAccessNs = 20;

 private:
  bool copy(tlm::tlm_generic_payload& t) {
    const uint64_t addr = t.get_address(), len = t.get_data_length();
    if (len > bytes_.size() || addr > bytes_.size() - len) return false;
    if (t.is_write()) std::memcpy(&bytes_[addr], t.get_data_ptr(), len);
    if (t.is_read()) std::memcpy(t.get_data_ptr(), &bytes_[addr], len);
    return true;
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    const bool ok = copy(t);
    t.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
    if (ok && !t.is_read() && !t.is_write()) t.set_response_status(tlm::TLM_OK_RESPONSE);  // IGNORE: timing only
    if (ok && (t.is_read() || t.is_write())) data_bytes += t.get_data_length();
    t.set_dmi_allowed(grant_dmi_);
    delay += sc_core::sc_time(kAccessNs, sc_core::SC_NS);
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    ++dmi_requests;
    if (!grant_dmi_) return false;
    ++dmi_grants;
    dmi.set_dmi_ptr(bytes_.data());
    dmi.set_start_address(0);
    dmi.set_end_address(bytes_.size() - 1);
    dmi.allow_read_write();
    dmi.set_read_latency(sc_core::sc_time(kAccessNs, sc_core::SC_NS));
    dmi.set_write_latency(sc_core::sc_time(kAccessNs, sc_core::SC_NS));
    return true;
  }
  unsigned int transport_dbg(tlm::tlm_generic_payload& t) { return copy(t) ? t.get_data_length() : 0; }

  std::vector<uint8_t> bytes_;
  bool grant_dmi_;
};

struct HostPlatform : sc_core::sc_module {
  static constexpr uint64_t kMemoryBytes = 64ull << 20;
  static constexpr uint64_t kMmioBase = 0x1000'0000, kShmBase = 0x2000'0000, kShmBytes = 0x1000;

  tlm_virtio::Bus bus;
  HostMemory memory;
  models::VideoDeviceComponent device;
  models::VideoDriverComponent driver;
  sc_core::sc_signal<bool> irq, reset;

  static models::DeviceComponentProfile device_profile() {
    models::DeviceComponentProfile p;
    p.dma_window_bytes = kMemoryBytes;
    return p;
  }
  static models::DriverComponentProfile driver_profile() {
    models::DriverComponentProfile p;
    p.mmio_base = kMmioBase;
    p.memory_bytes = kMemoryBytes - p.memory_base;
    return p;
  }

  HostPlatform(sc_core::sc_module_name name, bool grant_dmi)
      : sc_module(name),
        bus("bus"),
        memory("memory", kMemoryBytes, grant_dmi),
        device("device", device_profile()),
        driver("driver", driver_profile()) {
    driver.bus.bind(bus.initiators);
    device.dma.bind(bus.initiators);
    bus.targets.bind(memory.socket);
    bus.targets.bind(device.mmio);
    bus.targets.bind(device.shm);
    bus.map(0, kMemoryBytes, 0);
    bus.map(kMmioBase, tlm_virtio::mmio::kWindowSize, 1);
    bus.map(kShmBase, kShmBytes, 2);
    device.irq(irq);
    driver.irq(irq);
    device.reset(reset);
  }
};

}  // namespace vvsim::test
