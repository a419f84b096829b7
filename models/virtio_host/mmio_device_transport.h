// DeviceTransport over the virtio-mmio controller: chains come from the real
// rings, responses go to the used rings with their interrupts, DMA
// crosses the shared bus. Keeps each popped chain until it is completed.
#pragma once

#include <map>
#include <utility>

#include "models/virtio_host/device_transport.h"
#include "models/virtio_host/transport_observer.h"
#include "tlm_virtio/node_recycler.h"
#include "tlm_virtio/virtio_device.h"

namespace vvsim::virtio_video {

class MmioDeviceTransport : public DeviceTransport {
 public:
  // `max_readable`: the most of a chain's readable part that is read (the
  // device refuses longer commands). `duplicate_first_push`: a device fault
  // (DeviceFault::DuplicateUsedEntry): the first chain completed goes on its used ring twice.
  MmioDeviceTransport(tlm_virtio::VirtioController& controller, uint64_t max_readable, bool duplicate_first_push = false)
      : controller_(controller), max_readable_(max_readable), duplicate_push_pending_(duplicate_first_push) {}

  std::optional<Chain> pop(uint32_t queue, sc_core::sc_time then_busy) override;
  void complete(uint32_t queue, tlm_virtio::ChainId id, uint32_t written) override;
  void dma_read(uint64_t addr, uint8_t* dst, uint32_t len) override;
  bool dma_peek(uint64_t addr, uint8_t* dst, uint32_t len) override;
  void dma_write(uint64_t addr, const uint8_t* src, uint32_t len) override;
  void dma_write_in_place(uint64_t addr, uint32_t len, const Fill& fill) override;
  void dma_write_timing(uint64_t addr, uint32_t len) override;
  Posted post_writes(const std::function<void()>& writes) override { return controller_.dma().post(writes); }
  void wait_posted(const Posted& posted) override { controller_.dma().wait_for(posted); }
  uint64_t guest_memory_size() const override { return controller_.guest_memory_size(); }
  // Chains handed to the device and not yet completed (held descriptors).
  size_t chains_held(uint32_t queue) const;
  // The rings are gone after a device reset: forget held chains.
  void forget_chains();
  // A passive observer of what crosses the queues (null: none).
  void set_observer(TransportObserver* observer) { observer_ = observer; }

 private:
  // The first `len` bytes of a chain's writable part, read without bus time.
  std::vector<uint8_t> peek_written(const tlm_virtio::DescriptorChain& chain, uint32_t len);

  tlm_virtio::VirtioController& controller_;
  uint64_t max_readable_;
  TransportObserver* observer_ = nullptr;
  bool duplicate_push_pending_;
  using HeldMap = std::map<std::pair<uint32_t, tlm_virtio::ChainId>, tlm_virtio::DescriptorChain>;
  HeldMap held_;
  tlm_virtio::NodeRecycler<HeldMap> held_nodes_;
};

}  // namespace vvsim::virtio_video
