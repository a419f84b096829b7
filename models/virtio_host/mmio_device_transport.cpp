#include "models/virtio_host/mmio_device_transport.h"

#include <fmt/format.h>

namespace vvsim::virtio_video {

std::optional<DeviceTransport::Chain> MmioDeviceTransport::pop(uint32_t queue, sc_core::sc_time then_busy) {
  tlm_virtio::MemoryPort::Batch batch(controller_.dma());  // ring walk, command bytes, firmware: one wait
  auto popped = controller_.pop(queue);
  if (!popped) return std::nullopt;  // the controller has reported it
  if (!popped->has_value()) {
    if (observer_) observer_->on_queue_empty(sc_core::sc_time_stamp().value(), queue);
    return std::nullopt;
  }
  tlm_virtio::DescriptorChain& dc = **popped;
  Chain chain;
  chain.id = dc.id;
  chain.readable_len = dc.readable_bytes();
  if (!controller_.gather(dc, chain.readable, max_readable_)) {
    controller_.set_device_needs_reset(fmt::format("queue {} chain {}: bus error reading its bytes", queue, dc.id));
    return std::nullopt;
  }
  if (!dc.writable.empty()) {
    chain.has_writable = true;
    chain.first_writable_addr = dc.writable.front().addr;
    chain.first_writable_len = dc.writable.front().len;
  }
  if (observer_) observer_->on_chain_taken(sc_core::sc_time_stamp().value(), queue, dc, chain.readable);
  held_nodes_.put(held_, {queue, dc.id}, std::move(dc));
  batch.then_busy(then_busy);
  return chain;
}

void MmioDeviceTransport::complete(uint32_t queue, tlm_virtio::ChainId id, uint32_t written) {
  auto it = held_.find({queue, id});
  if (it == held_.end()) return;  // popped before a reset: its ring is gone
  tlm_virtio::DescriptorChain chain = held_nodes_.take(held_, it);
  controller_.push(queue, chain, written);
  if (duplicate_push_pending_) {
    duplicate_push_pending_ = false;
    controller_.push(queue, chain, written);
  }
  if (observer_)
    observer_->on_chain_returned(sc_core::sc_time_stamp().value(), queue, chain, written, peek_written(chain, written));
  controller_.recycle(queue, std::move(chain));
}

std::vector<uint8_t> MmioDeviceTransport::peek_written(const tlm_virtio::DescriptorChain& chain, uint32_t len) {
  std::vector<uint8_t> out;
  for (const auto& s : chain.writable) {
    if (out.size() >= len) break;
    const size_t n = std::min<size_t>(s.len, len - out.size());
    const size_t at = out.size();
    out.resize(at + n);
    if (controller_.dma().peek(s.addr, out.data() + at, n) != tlm_virtio::AccessStatus::Ok) {
      out.resize(at);
      break;
    }
  }
  return out;
}

void MmioDeviceTransport::forget_chains() {
  held_.clear();
  if (observer_) observer_->on_reset(sc_core::sc_time_stamp().value());
}

void MmioDeviceTransport::dma_read(uint64_t addr, uint8_t* dst, uint32_t len) {
  if (controller_.dma().read(addr, dst, len) != tlm_virtio::AccessStatus::Ok)
    controller_.diagnostics().report("dma", fmt::format("read [{:#x}, +{}) failed", addr, len));
}

bool MmioDeviceTransport::dma_peek(uint64_t addr, uint8_t* dst, uint32_t len) {
  return controller_.dma().peek(addr, dst, len) == tlm_virtio::AccessStatus::Ok;
}

void MmioDeviceTransport::dma_write(uint64_t addr, const uint8_t* src, uint32_t len) {
  if (controller_.dma().write(addr, src, len) != tlm_virtio::AccessStatus::Ok)
    controller_.diagnostics().report("dma", fmt::format("write [{:#x}, +{}) failed", addr, len));
}

void MmioDeviceTransport::dma_write_in_place(uint64_t addr, uint32_t len, const Fill& fill) {
  if (controller_.dma().write_in_place(addr, len, fill) != tlm_virtio::AccessStatus::Ok)
    controller_.diagnostics().report("dma", fmt::format("write [{:#x}, +{}) failed", addr, len));
}

void MmioDeviceTransport::dma_write_timing(uint64_t addr, uint32_t len) {
  if (controller_.dma().touch(addr, len) != tlm_virtio::AccessStatus::Ok)
    controller_.diagnostics().report("dma", fmt::format("write [{:#x}, +{}) failed", addr, len));
}

size_t MmioDeviceTransport::chains_held(uint32_t queue) const {
  size_t n = 0;
  for (const auto& [key, chain] : held_) n += key.first == queue;
  return n;
}

}  // namespace vvsim::virtio_video
