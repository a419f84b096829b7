#include "tlm_virtio/echo_device.h"

#include <algorithm>

#include "tlm_virtio/le_bytes.h"
#include "tlm_virtio/processes.h"

namespace vvsim::tlm_virtio {

EchoDevice::EchoDevice(sc_core::sc_module_name name, const EchoDeviceProfile& profile)
    : sc_module(name), profile_(profile) {
  spawn_thread("echo_chains", [this] { echo_chains(); });
}

// Config space: le32 queue size limit, so config reads have something to check.
std::vector<uint8_t> EchoDevice::config_space() const {
  std::vector<uint8_t> config(4);
  le::put32(config.data(), profile_.queue_max_size);
  return config;
}

void EchoDevice::echo_chains() {
  std::vector<uint8_t> bytes;
  for (;;) {
    sc_core::wait(kick_);
    for (;;) {
      auto popped = controller_->pop(0);
      if (!popped || !popped->has_value()) break;
      const DescriptorChain& chain = **popped;
      if (!controller_->gather(chain, bytes)) {
        controller_->set_device_needs_reset("echo: bus error reading a chain");
        break;
      }
      sc_core::wait(sc_core::sc_time(profile_.ns_per_byte * static_cast<double>(bytes.size()), sc_core::SC_NS));
      const uint64_t n = std::min<uint64_t>(bytes.size(), chain.writable_bytes());
      if (!controller_->scatter(chain, bytes.data(), n)) {
        controller_->set_device_needs_reset("echo: bus error writing a chain");
        break;
      }
      controller_->push(0, chain, static_cast<uint32_t>(n));
      ++echoed_;
    }
  }
}

}  // namespace vvsim::tlm_virtio
