// The transport services the video device uses: descriptor chains of its two
// virtqueues and DMA into guest memory with bus timing. Implemented over the
// virtio-mmio controller (VirtioMmioDeviceTransport); kept as a seam so the
// protocol logic names only what it needs.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "tlm_virtio/memory_port.h"
#include "tlm_virtio/virtqueue.h"

namespace vvsim::virtio_video {

class DeviceTransport {
 public:
  struct Chain {
    tlm_virtio::ChainId id;         // names the chain to complete(); opaque
    std::vector<uint8_t> readable;  // driver-written bytes of the chain, in order (at most the transport's limit)
    uint64_t readable_len = 0;      // the chain's whole readable length; more than readable.size() when cut
    bool has_writable = false;
    uint64_t first_writable_addr = 0;  // responses go to the first device-writable descriptor
    uint32_t first_writable_len = 0;
  };
  virtual ~DeviceTransport() = default;
  // The next available chain of `queue`, or nullopt; may consume simulated
  // time. With a chain, the device then works on it for `then_busy` (its
  // firmware), charged together with the transport's own time.
  virtual std::optional<Chain> pop(uint32_t queue, sc_core::sc_time then_busy) = 0;
  // Returns a chain to the driver with `written` bytes in its writable part and interrupts it.
  virtual void complete(uint32_t queue, tlm_virtio::ChainId id, uint32_t written) = 0;
  // Bulk transfers between device and guest memory; wait for their bus time.
  virtual void dma_read(uint64_t addr, uint8_t* dst, uint32_t len) = 0;
  // The same bytes as dma_read, at once and without bus time (a debug read):
  // what the device decodes ahead (see DecoderPipeline). False if unreadable.
  virtual bool dma_peek(uint64_t addr, uint8_t* dst, uint32_t len) = 0;
  virtual void dma_write(uint64_t addr, const uint8_t* src, uint32_t len) = 0;
  // A write whose bytes [at, at + n) `fill` makes straight into guest memory
  // (no buffer of the device's); the bus time is dma_write's.
  using Fill = std::function<void(uint64_t at, uint8_t* dst, uint64_t n)>;
  virtual void dma_write_in_place(uint64_t addr, uint32_t len, const Fill& fill) = 0;
  // A write that takes its bus time but carries no data (timing-only runs).
  virtual void dma_write_timing(uint64_t addr, uint32_t len) = 0;
  // The DMA writes `writes` makes, issued now and each booked after the one
  // before, returning at once: their bus time is waited for by wait_posted
  // while the device does other work (tlm_virtio::MemoryPort::post). `writes`
  // must not wait otherwise.
  using Posted = tlm_virtio::MemoryPort::Posted;
  virtual Posted post_writes(const std::function<void()>& writes) = 0;
  virtual void wait_posted(const Posted& posted) = 0;
  virtual uint64_t guest_memory_size() const = 0;
};

}  // namespace vvsim::virtio_video
