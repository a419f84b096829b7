#include "tlm_virtio/virtio_mmio.h"

#include <fmt/format.h>

#include <cstring>

#include "tlm_virtio/le_bytes.h"
#include "tlm_virtio/ring_views.h"

namespace vvsim::tlm_virtio {

VirtioMmio::VirtioMmio(sc_core::sc_module_name name, VirtioDevice& device, uint64_t guest_memory_size,
                       const InterruptCoalescingProfile& coalescing)
    : sc_module(name),
      registers("registers"),
      dma_port("dma"),
      irq("irq"),
      device_(device),
      memory_size_(guest_memory_size),
      queues_(device.num_queues()),
      traffic_(device.num_queues()),
      shared_memory_(device.shared_memory_regions()),
      coalescer_(coalescing, [this] { raise_interrupt(mmio::INTERRUPT_USED_BUFFER); }) {
  registers.register_b_transport(this, &VirtioMmio::b_transport);
  for (size_t i = 0; i < queues_.size(); ++i) push_locks_.push_back(std::make_unique<sc_core::sc_mutex>());
  device_.attach(*this);
}

uint64_t VirtioMmio::offered_features() const {
  return device_.device_features() | VIRTIO_F_VERSION_1 | VIRTIO_F_EVENT_IDX | VIRTIO_F_INDIRECT_DESC |
         VIRTIO_F_RING_PACKED;
}

// ------------------------------------------------------------------ registers

void VirtioMmio::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  const uint64_t offset = trans.get_address();
  const unsigned len = trans.get_data_length();
  uint8_t* data = trans.get_data_ptr();
  trans.set_response_status(tlm::TLM_OK_RESPONSE);

  if (offset >= mmio::Config) {
    const std::vector<uint8_t> config = device_.config_space();
    const uint64_t at = offset - mmio::Config;
    if (at + len > config.size()) {
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      diagnose(fmt::format("config access [{:#x}, +{}) past the {}-byte config space", at, len, config.size()));
      return;
    }
    if (trans.is_read())
      std::memcpy(data, config.data() + at, len);
    else
      device_.write_config(static_cast<uint32_t>(at), data, len);
    return;
  }
  // virtio 1.2 §4.2.2.2: the driver MUST use only 32-bit wide and aligned register accesses.
  if (len != 4 || offset % 4 != 0) {
    trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    diagnose(fmt::format("register access of {} bytes at {:#x}: only aligned 32-bit accesses are allowed", len, offset));
    return;
  }
  uint32_t value = 0;
  if (trans.is_read()) {
    if (!read_register(static_cast<uint32_t>(offset), value)) trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    le::put32(data, value);
  } else {
    value = le::get32(data);
    if (!write_register(static_cast<uint32_t>(offset), value)) trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  }
}

VirtioMmio::Queue* VirtioMmio::selected_queue() {
  return queue_sel_ < queues_.size() ? &queues_[queue_sel_] : nullptr;
}

bool VirtioMmio::read_register(uint32_t offset, uint32_t& value) {
  Queue* q = selected_queue();
  switch (offset) {
    case mmio::MagicValue: value = mmio::kMagic; return true;
    case mmio::Version: value = mmio::kVersion; return true;
    case mmio::DeviceID: value = device_.device_id(); return true;
    case mmio::VendorID: value = device_.vendor_id(); return true;
    case mmio::DeviceFeatures:
      value = device_features_sel_ < 2 ? uint32_t(offered_features() >> (32 * device_features_sel_)) : 0;
      return true;
    case mmio::QueueNumMax: value = q ? device_.queue_max_size(queue_sel_) : 0; return true;
    case mmio::QueueReady: value = q && q->ready ? 1 : 0; return true;
    case mmio::InterruptStatus: value = interrupt_status_; return true;
    case mmio::Status: value = status_; return true;
    case mmio::SHMLenLow:
    case mmio::SHMLenHigh:
    case mmio::SHMBaseLow:
    case mmio::SHMBaseHigh: value = read_shared_memory(offset); return true;
    case mmio::QueueReset: value = 0; return true;
    case mmio::ConfigGeneration: value = config_generation_; return true;
    default:
      diagnose(fmt::format("read of write-only or unknown register {:#x}", offset));
      value = 0;
      return true;
  }
}

void VirtioMmio::set_address_half(uint64_t& addr, uint32_t value, bool high) {
  addr = high ? (addr & 0xffffffffull) | (uint64_t(value) << 32) : (addr & ~0xffffffffull) | value;
}

bool VirtioMmio::write_register(uint32_t offset, uint32_t value) {
  Queue* q = selected_queue();
  const bool queue_editable = q && !q->ready;
  switch (offset) {
    case mmio::DeviceFeaturesSel: device_features_sel_ = value; return true;
    case mmio::DriverFeaturesSel: driver_features_sel_ = value; return true;
    case mmio::DriverFeatures:
      if (!(status_ & STATUS_DRIVER) || (status_ & STATUS_FEATURES_OK)) {
        diagnose("DriverFeatures written outside the DRIVER..FEATURES_OK window: ignored");
      } else if (driver_features_sel_ < 2) {
        const unsigned shift = 32 * driver_features_sel_;
        driver_features_ = (driver_features_ & ~(0xffffffffull << shift)) | (uint64_t(value) << shift);
      }
      return true;
    case mmio::QueueSel: queue_sel_ = value; return true;
    case mmio::QueueNum:
      if (queue_editable) q->num = static_cast<uint16_t>(value > 0xffff ? 0 : value);
      return true;
    case mmio::QueueReady: write_queue_ready(value); return true;
    case mmio::QueueNotify:
      ++kicks_;
      if (value < queues_.size() && queues_[value].ready && (status_ & STATUS_DRIVER_OK))
        device_.notify(value);
      else
        diagnose(fmt::format("QueueNotify for queue {} which is not ready", value));
      return true;
    case mmio::InterruptACK:
      interrupt_status_ &= ~value;
      if (interrupt_status_ == 0) irq->set_level(false);
      return true;
    case mmio::Status: write_status(value); return true;
    case mmio::QueueDescLow:
    case mmio::QueueDescHigh:
    case mmio::QueueDriverLow:
    case mmio::QueueDriverHigh:
    case mmio::QueueDeviceLow:
    case mmio::QueueDeviceHigh: {
      if (!queue_editable) {
        diagnose(fmt::format("queue address written for queue {} while ready or absent: ignored", queue_sel_));
        return true;
      }
      const bool high = offset & 4;
      uint64_t& addr = offset < mmio::QueueDriverLow ? q->desc : offset < mmio::QueueDeviceLow ? q->driver : q->device;
      set_address_half(addr, value, high);
      return true;
    }
    case mmio::SHMSel: shm_sel_ = value; return true;
    case mmio::QueueReset:
      diagnose("QueueReset written but VIRTIO_F_RING_RESET is not offered: ignored");
      return true;
    default:
      diagnose(fmt::format("write of read-only or unknown register {:#x}", offset));
      return true;
  }
}

uint32_t VirtioMmio::read_shared_memory(uint32_t offset) const {
  uint64_t length = mmio::kNoSharedMemoryRegion, base = mmio::kNoSharedMemoryRegion;
  for (const auto& region : shared_memory_) {
    if (region.id == shm_sel_) length = region.length, base = region.base;
  }
  const uint64_t v = offset == mmio::SHMLenLow || offset == mmio::SHMLenHigh ? length : base;
  return uint32_t(offset == mmio::SHMLenHigh || offset == mmio::SHMBaseHigh ? v >> 32 : v);
}

Status VirtioMmio::validate_queue(unsigned index, const Queue& q) const {
  const uint16_t max = device_.queue_max_size(index);
  const RingFeatures features = ring_features(driver_features_);
  if (!ring_size_allowed(features, q.num) || q.num > max)
    return Error{fmt::format("queue {}: size {} is not {} in [1, {}]", index, q.num,
                             features.packed ? "a size" : "a power of two", max)};
  const uint64_t addrs[] = {q.desc, q.driver, q.device};
  const auto areas = ring_areas(features, q.num);
  for (size_t i = 0; i < areas.size(); ++i) {
    const RingArea& a = areas[i];
    if (addrs[i] % a.align != 0)
      return Error{fmt::format("queue {}: {} at {:#x} is not {}-byte aligned", index, a.what, addrs[i], a.align)};
    if (a.bytes > memory_size_ || addrs[i] > memory_size_ - a.bytes)
      return Error{fmt::format("queue {}: {} [{:#x}, +{}) lies outside guest memory", index, a.what, addrs[i], a.bytes)};
  }
  return {};
}

void VirtioMmio::write_queue_ready(uint32_t value) {
  Queue* q = selected_queue();
  if (!q) {
    diagnose(fmt::format("QueueReady for queue {} which does not exist", queue_sel_));
    return;
  }
  if (value == 0) {
    q->ready = false;
    q->ring.reset();
    q->outstanding.clear();
    return;
  }
  if (q->ready) return;
  if (!(status_ & STATUS_FEATURES_OK)) {
    diagnose(fmt::format("queue {} enabled before FEATURES_OK: refused", queue_sel_));
    return;
  }
  if (auto valid = validate_queue(queue_sel_, *q); !valid) {
    diagnose(valid.error().message + ": QueueReady refused");
    return;
  }
  q->ring = make_device_view(fmt::format("{} queue {}", name(), queue_sel_), dma_port,
                             VirtqueueAddresses{q->num, q->desc, q->driver, q->device}, ring_features(driver_features_),
                             memory_size_);
  q->ready = true;
}

void VirtioMmio::write_status(uint32_t value) {
  if (value == 0) {
    reset_device();
    return;
  }
  const uint32_t added = value & ~status_;
  uint32_t accepted = added;
  if (added & STATUS_FEATURES_OK) {
    const uint64_t unknown = driver_features_ & ~offered_features();
    if (unknown || !(driver_features_ & VIRTIO_F_VERSION_1)) {
      diagnose(fmt::format("FEATURES_OK refused: driver features {:#x} ({})", driver_features_,
                           unknown ? "not offered by the device" : "VIRTIO_F_VERSION_1 missing"));
      accepted &= ~STATUS_FEATURES_OK;
    }
  }
  if ((added & STATUS_DRIVER_OK) && !((status_ | accepted) & STATUS_FEATURES_OK)) {
    diagnose("DRIVER_OK without FEATURES_OK: refused");
    accepted &= ~STATUS_DRIVER_OK;
  }
  status_ |= accepted;
  if ((accepted & STATUS_FEATURES_OK) && observer_)
    observer_->on_features_ok(sc_core::sc_time_stamp().value(), offered_features(), driver_features_);
  if (accepted & STATUS_DRIVER_OK) device_.driver_ok(driver_features_);
}

void VirtioMmio::reset_device() {
  status_ = 0;
  driver_features_ = 0;
  device_features_sel_ = driver_features_sel_ = queue_sel_ = shm_sel_ = 0;
  for (auto& q : queues_) q = Queue{};
  for (auto& t : traffic_) t.dropped_all();
  interrupt_status_ = 0;
  coalescer_.reset();
  irq->set_level(false);
  ++epoch_;
  device_.reset();
}

// ----------------------------------------------------------------- controller

PopResult VirtioMmio::pop(unsigned queue) {
  const std::optional<DescriptorChain> none;
  if (queue >= queues_.size() || !queues_[queue].ready || (status_ & STATUS_DEVICE_NEEDS_RESET)) return none;
  const uint64_t epoch = epoch_;
  const std::shared_ptr<VirtqueueDevice> ring = queues_[queue].ring;
  auto result = ring->pop();
  if (epoch != epoch_) return none;  // reset while reading the ring: the chain belongs to no one
  if (!result) {
    if (result.error().rule) report_ring(queue, result.error().rule, result.error().message);
    set_device_needs_reset(result.error().message);
  } else if (result->has_value()) {
    DescriptorChain& chain = **result;
    queues_[queue].outstanding_nodes.put(queues_[queue].outstanding, chain.id, chain.writable_bytes());
    traffic_[queue].taken(chain);
    chain.epoch = epoch;
  }
  return result;
}

void VirtioMmio::report_ring(unsigned queue, const char* rule, const std::string& detail) {
  if (observer_) observer_->on_ring_violation({sc_core::sc_time_stamp().value(), queue, &ring_rule(rule), detail});
}

void VirtioMmio::check_used(unsigned queue, Queue& q, const DescriptorChain& chain, uint32_t written) {
  using namespace ring_rule_id;
  auto it = q.outstanding.find(chain.id);
  if (it == q.outstanding.end()) {
    // Each used element advances the used idx by one: one for a chain not
    // outstanding also takes the used idx past the chains outstanding.
    report_ring(queue, kUsedIdOutstanding,
                fmt::format("queue {}: used element names head {}, which is not outstanding ({} chains are)", queue,
                            chain.id, q.outstanding.size()));
    return;
  }
  if (written > it->second)
    report_ring(queue, kUsedLenBounded,
                fmt::format("queue {}: used len {} for head {}, whose writable descriptors hold {} bytes", queue,
                            written, chain.id, it->second));
  q.outstanding_nodes.erase(q.outstanding, it);
}

void VirtioMmio::push(unsigned queue, const DescriptorChain& chain, uint32_t written) {
  if (chain.epoch != epoch_ || queue >= queues_.size() || !queues_[queue].ready) return;  // stale: reset since
  sc_core::sc_mutex& lock = *push_locks_[queue];
  lock.lock();
  // The queue may have been reset while this thread waited for the lock.
  if (chain.epoch == epoch_ && queues_[queue].ready) {
    if (queues_[queue].outstanding.count(chain.id) != 0) traffic_[queue].returned(chain, written);
    check_used(queue, queues_[queue], chain, written);
    const std::shared_ptr<VirtqueueDevice> ring = queues_[queue].ring;
    bool pushed = false, signal = false;
    {
      MemoryPort::Batch batch(dma_port);  // used entry, index and event check: one wait, then the interrupt
      pushed = ring->push(chain.id, written).ok();
      signal = pushed && ring->needs_interrupt();
    }
    if (chain.epoch != epoch_) {
      // reset while writing: the old ring is gone, nothing to signal
    } else if (!pushed) {
      set_device_needs_reset(fmt::format("queue {}: bus error writing the used ring", queue));
    } else {
      coalescer_.answered(signal);
    }
  }
  lock.unlock();
}

void VirtioMmio::recycle(unsigned queue, DescriptorChain&& chain) {
  if (chain.epoch != epoch_ || queue >= queues_.size() || !queues_[queue].ring) return;  // its ring is gone
  queues_[queue].ring->recycle(std::move(chain));
}

Status VirtioMmio::gather(const DescriptorChain& chain, std::vector<uint8_t>& out, uint64_t max_bytes) {
  return gather_chain(dma_port, chain, out, max_bytes);
}

Status VirtioMmio::scatter(const DescriptorChain& chain, const uint8_t* data, uint64_t len) {
  return scatter_chain(dma_port, chain, data, len);
}

void VirtioMmio::notify_config_change() {
  ++config_generation_;
  raise_interrupt(mmio::INTERRUPT_CONFIG_CHANGE);
}

void VirtioMmio::set_device_needs_reset(const std::string& why) {
  diagnose(why);
  if (status_ & STATUS_DEVICE_NEEDS_RESET) return;
  status_ |= STATUS_DEVICE_NEEDS_RESET;
  // virtio 1.2 §2.1.2: with DRIVER_OK set, the device MUST send a configuration change notification.
  if (status_ & STATUS_DRIVER_OK) notify_config_change();
}

void VirtioMmio::raise_interrupt(uint32_t cause) {
  interrupt_status_ |= cause;
  ++interrupts_raised_;
  irq->set_level(true);
}

}  // namespace vvsim::tlm_virtio
