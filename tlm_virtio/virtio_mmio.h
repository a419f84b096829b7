// The virtio-mmio transport, version 2 (virtio 1.2 §4.2.2): the register
// block, the status handshake and feature negotiation, the device's
// virtqueues and its interrupt. The device itself is a VirtioDevice.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <map>
#include <cstdint>
#include <memory>
#include <vector>

#include "tlm_virtio/diagnostics.h"
#include "tlm_virtio/interrupt_coalescer.h"
#include "tlm_virtio/interrupt_line.h"
#include "tlm_virtio/memory_port.h"
#include "tlm_virtio/node_recycler.h"
#include "tlm_virtio/queue_traffic.h"
#include "tlm_virtio/ring_rules.h"
#include "tlm_virtio/virtio_device.h"
#include "tlm_virtio/virtqueue.h"

namespace vvsim::tlm_virtio {

// Register offsets, virtio 1.2 §4.2.2.
namespace mmio {
constexpr uint32_t MagicValue = 0x000, Version = 0x004, DeviceID = 0x008, VendorID = 0x00c;
constexpr uint32_t DeviceFeatures = 0x010, DeviceFeaturesSel = 0x014;
constexpr uint32_t DriverFeatures = 0x020, DriverFeaturesSel = 0x024;
constexpr uint32_t QueueSel = 0x030, QueueNumMax = 0x034, QueueNum = 0x038, QueueReady = 0x044;
constexpr uint32_t QueueNotify = 0x050, InterruptStatus = 0x060, InterruptACK = 0x064, Status = 0x070;
constexpr uint32_t QueueDescLow = 0x080, QueueDescHigh = 0x084, QueueDriverLow = 0x090, QueueDriverHigh = 0x094;
constexpr uint32_t QueueDeviceLow = 0x0a0, QueueDeviceHigh = 0x0a4, SHMSel = 0x0ac;
constexpr uint32_t SHMLenLow = 0x0b0, SHMLenHigh = 0x0b4, SHMBaseLow = 0x0b8, SHMBaseHigh = 0x0bc;
constexpr uint32_t QueueReset = 0x0c0, ConfigGeneration = 0x0fc, Config = 0x100;
constexpr uint32_t kMagic = 0x74726976;  // "virt"
constexpr uint32_t kVersion = 2;
constexpr uint32_t kWindowSize = 0x200;  // registers + 256 bytes of config space
constexpr uint32_t INTERRUPT_USED_BUFFER = 1, INTERRUPT_CONFIG_CHANGE = 2;
constexpr uint64_t kNoSharedMemoryRegion = ~0ull;  // SHMLen and SHMBase of an unused SHMSel id
}  // namespace mmio

class VirtioMmio : public sc_core::sc_module, public VirtioController {
 public:
  tlm_utils::simple_target_socket<VirtioMmio> registers;  // CPU side, bind to the bus
  MemoryPort dma_port;                                      // device side bus master (rings and buffers)
  sc_core::sc_port<InterruptSignalIf> irq;

  // `guest_memory_size`: rings and buffers must lie in [0, size) of the DMA bus.
  VirtioMmio(sc_core::sc_module_name name, VirtioDevice& device, uint64_t guest_memory_size,
             const InterruptCoalescingProfile& coalescing = {});

  // VirtioController
  PopResult pop(unsigned queue) override;
  void push(unsigned queue, const DescriptorChain& chain, uint32_t written) override;
  void recycle(unsigned queue, DescriptorChain&& chain) override;
  Status gather(const DescriptorChain& chain, std::vector<uint8_t>& out, uint64_t max_bytes = UINT64_MAX) override;
  Status scatter(const DescriptorChain& chain, const uint8_t* data, uint64_t len) override;
  MemoryPort& dma() override { return dma_port; }
  uint64_t guest_memory_size() const override { return memory_size_; }
  uint64_t negotiated_features() const override { return driver_features_; }
  void notify_config_change() override;
  void set_device_needs_reset(const std::string& why) override;
  uint64_t epoch() const override { return epoch_; }
  DiagnosticLog& diagnostics() override { return log_; }

  // A passive observer of feature negotiation and ring breaches (null: none).
  void set_observer(VirtioObserver* observer) { observer_ = observer; }

  // A reset from outside the register block (the platform's reset line): the
  // same as the driver writing Status = 0.
  void reset() { reset_device(); }

  uint32_t status() const { return status_; }
  uint64_t offered_features() const;
  uint64_t kicks() const { return kicks_; }
  uint64_t interrupts_raised() const { return interrupts_raised_; }
  // What crossed each queue since construction (over resets), by queue index.
  const std::vector<QueueTraffic>& queue_traffic() const { return traffic_; }

 private:
  struct Queue {
    uint16_t num = 0;
    bool ready = false;
    uint64_t desc = 0, driver = 0, device = 0;
    // Shared: a device thread suspended inside pop/push keeps the ring alive
    // across a reset that drops it from the queue.
    std::shared_ptr<VirtqueueDevice> ring;
    // Chains the device took and has not returned: id -> bytes it may write.
    std::map<ChainId, uint64_t> outstanding;
    NodeRecycler<std::map<ChainId, uint64_t>> outstanding_nodes;  // a chain comes and goes with every command
  };
  // Several device threads may complete chains of one queue; a used-ring
  // update spans bus waits, so they take turns (one lock per queue).
  std::vector<std::unique_ptr<sc_core::sc_mutex>> push_locks_;

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool read_register(uint32_t offset, uint32_t& value);
  bool write_register(uint32_t offset, uint32_t value);
  void write_status(uint32_t value);
  void write_queue_ready(uint32_t value);
  void set_address_half(uint64_t& addr, uint32_t value, bool high);
  void reset_device();
  void raise_interrupt(uint32_t cause);
  Queue* selected_queue();
  Status validate_queue(unsigned index, const Queue& q) const;
  // SHMLen / SHMBase halves of the region SHMSel names (all ones: no such region).
  uint32_t read_shared_memory(uint32_t offset) const;
  void diagnose(const std::string& message) { log_.report(name(), message); }
  // §2.7.8: a used element returns an outstanding chain and claims no more than it holds.
  void check_used(unsigned queue, Queue& q, const DescriptorChain& chain, uint32_t written);
  void report_ring(unsigned queue, const char* rule, const std::string& detail);

  VirtioDevice& device_;
  VirtioObserver* observer_ = nullptr;
  uint64_t memory_size_;
  DiagnosticLog log_;
  std::vector<Queue> queues_;
  std::vector<QueueTraffic> traffic_;
  uint32_t status_ = 0;
  uint32_t device_features_sel_ = 0, driver_features_sel_ = 0, queue_sel_ = 0, shm_sel_ = 0;
  std::vector<SharedMemoryRegion> shared_memory_;  // the device's, read at construction
  uint64_t driver_features_ = 0;
  uint32_t interrupt_status_ = 0;
  uint32_t config_generation_ = 0;
  uint64_t epoch_ = 0;
  uint64_t kicks_ = 0, interrupts_raised_ = 0;
  InterruptCoalescer coalescer_;  // used-buffer interrupts only; a config change interrupts at once
};

}  // namespace vvsim::tlm_virtio
