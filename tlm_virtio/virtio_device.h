// The split between transport and device, as in VCML's virtio models: the
// virtio-mmio controller owns registers, queues and interrupts; a device
// implements VirtioDevice and uses the controller through VirtioController.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "tlm_virtio/diagnostics.h"
#include "tlm_virtio/memory_port.h"
#include "tlm_virtio/virtqueue.h"

namespace vvsim::tlm_virtio {

// virtio 1.2 §6 reserved feature bits the transport itself handles.
constexpr uint64_t VIRTIO_F_INDIRECT_DESC = 1ull << 28;
constexpr uint64_t VIRTIO_F_EVENT_IDX = 1ull << 29;
constexpr uint64_t VIRTIO_F_VERSION_1 = 1ull << 32;
constexpr uint64_t VIRTIO_F_RING_PACKED = 1ull << 34;

// virtio 1.2 §2.1 device status bits.
constexpr uint32_t STATUS_ACKNOWLEDGE = 1;
constexpr uint32_t STATUS_DRIVER = 2;
constexpr uint32_t STATUS_DRIVER_OK = 4;
constexpr uint32_t STATUS_FEATURES_OK = 8;
constexpr uint32_t STATUS_DEVICE_NEEDS_RESET = 64;
constexpr uint32_t STATUS_FAILED = 128;

class VirtioController {
 public:
  virtual ~VirtioController() = default;
  // The next available chain of `queue` (nothing when none is available). A
  // malformed chain is reported, marks the device DEVICE_NEEDS_RESET and is
  // the error.
  virtual PopResult pop(unsigned queue) = 0;
  // Returns a chain to the driver and interrupts it unless suppressed. Chains
  // from before a reset are dropped.
  virtual void push(unsigned queue, const DescriptorChain& chain, uint32_t written) = 0;
  // Hands a pushed chain back so the queue's next pop reuses its segment lists.
  virtual void recycle(unsigned queue, DescriptorChain&& chain) = 0;
  // Copies a chain's readable bytes (at most `max_bytes`) / writes into its writable part.
  virtual Status gather(const DescriptorChain& chain, std::vector<uint8_t>& out, uint64_t max_bytes = UINT64_MAX) = 0;
  virtual Status scatter(const DescriptorChain& chain, const uint8_t* data, uint64_t len) = 0;
  // Bus master port for the device's own DMA (buffers named in commands).
  virtual MemoryPort& dma() = 0;
  virtual uint64_t guest_memory_size() const = 0;
  virtual uint64_t negotiated_features() const = 0;
  // Bumps ConfigGeneration and raises the configuration-change interrupt.
  virtual void notify_config_change() = 0;
  virtual void set_device_needs_reset(const std::string& why) = 0;
  // Increments on every device reset; work begun in an older epoch is stale.
  virtual uint64_t epoch() const = 0;
  virtual DiagnosticLog& diagnostics() = 0;
};

// A shared memory region (virtio 1.2 §2.10): device memory the driver maps,
// named by its id (virtio-media uses region 0), at a guest physical address.
struct SharedMemoryRegion {
  uint32_t id = 0;
  uint64_t base = 0, length = 0;
};

class VirtioDevice {
 public:
  virtual ~VirtioDevice() = default;
  virtual uint32_t device_id() const = 0;
  virtual uint32_t vendor_id() const { return 0x4d495656; }  // "VVIM" little-endian: vvsim's vendor tag
  // Device-specific feature bits (the transport adds VERSION_1 and ring features).
  virtual uint64_t device_features() const = 0;
  virtual unsigned num_queues() const = 0;
  virtual uint16_t queue_max_size(unsigned queue) const = 0;
  virtual std::vector<uint8_t> config_space() const = 0;
  // The device's shared memory regions; read once, when the transport is built.
  virtual std::vector<SharedMemoryRegion> shared_memory_regions() const { return {}; }
  // Driver writes into config space; read-only by default.
  virtual void write_config(uint32_t offset, const uint8_t* data, uint32_t len) {}
  // Called once at binding; the controller outlives the device's use of it.
  virtual void attach(VirtioController& controller) = 0;
  virtual void driver_ok(uint64_t negotiated_features) = 0;
  // The driver kicked `queue`. Called from the driver's thread: only notify an event.
  virtual void notify(unsigned queue) = 0;
  // Status was written 0: drop all state; queued chains are gone.
  virtual void reset() = 0;
};

}  // namespace vvsim::tlm_virtio
