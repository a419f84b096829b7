// The virtqueue as both sides use it, whatever the ring layout behind it
// (virtio 1.2 §2.6: the split ring today; the packed ring implements the same
// two views). A chain is known by an opaque ChainId while it is outstanding:
// the split ring uses its head descriptor's index, the packed ring will use
// its buffer id. Devices and drivers key in-flight work by it and never look
// inside.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "tlm_virtio/memory_port.h"

namespace vvsim::tlm_virtio {

// Names one outstanding chain of one queue; unique among that queue's
// outstanding chains only. Printed as its number.
struct ChainId {
  uint32_t value = 0;
  friend bool operator==(ChainId a, ChainId b) { return a.value == b.value; }
  friend bool operator!=(ChainId a, ChainId b) { return a.value != b.value; }
  friend bool operator<(ChainId a, ChainId b) { return a.value < b.value; }
};

constexpr uint64_t kMaxChainBytes = 1ull << 32;  // §2.7.5: no chain longer than 2^32 bytes in total
constexpr uint16_t kMaxQueueSize = 32768;        // §2.6 (split), §2.8 (packed: up to 2^15 entries)

// Descriptor flags with the same value in both layouts (§2.7.5, §2.8.3, §2.8.6, §2.8.7).
constexpr uint16_t VIRTQ_DESC_F_NEXT = 1;
constexpr uint16_t VIRTQ_DESC_F_WRITE = 2;
constexpr uint16_t VIRTQ_DESC_F_INDIRECT = 4;

// The three guest-memory areas of a queue, as virtio-mmio's queue registers
// carry them (§2.6: descriptor area, driver area, device area).
struct VirtqueueAddresses {
  uint16_t size = 0;
  uint64_t desc = 0, driver = 0, device = 0;
};

struct Segment {
  uint64_t addr = 0;
  uint32_t len = 0;
};

struct DescriptorChain {
  ChainId id;
  std::vector<Segment> readable, writable;  // in chain order
  uint64_t epoch = 0;                       // the controller's reset generation it came from
  uint64_t readable_bytes() const;
  uint64_t writable_bytes() const;
};

// A chain the device gave back: its id and the bytes it wrote.
struct UsedBuffer {
  ChainId id;
  uint32_t len = 0;
};

// Ring features both views must agree on (negotiated by the driver).
struct RingFeatures {
  bool event_idx = false;
  bool indirect_desc = false;
  bool packed = false;  // VIRTIO_F_RING_PACKED: the packed ring layout (§2.8) instead of the split one
};

// What made a chain unusable: the ring rule the driver broke (ring_rules.h;
// null for a bus error) and a message naming the queue and descriptor.
struct RingError {
  const char* rule = nullptr;
  std::string message;
};

// The next available chain, nothing when the driver has made none available,
// or why the ring cannot be read.
using PopResult = Result<std::optional<DescriptorChain>, RingError>;

// The device's view of one queue.
class VirtqueueDevice {
 public:
  virtual ~VirtqueueDevice() = default;
  virtual PopResult pop() = 0;
  // Gives a chain back to the driver; an error is a bus error.
  virtual Status push(ChainId id, uint32_t written) = 0;
  // After pushes: should the driver be interrupted (EVENT_IDX / NO_INTERRUPT)?
  virtual bool needs_interrupt() = 0;
  // Ask the driver not to kick (busy device) or to kick again.
  virtual void set_kicks_wanted(bool wanted) = 0;
  virtual const std::string& name() const = 0;
  virtual uint16_t size() const = 0;
  // A chain the device is done with: the next pop() fills its segment lists
  // (their capacity kept), so a chain per command allocates nothing.
  void recycle(DescriptorChain&& chain) { spare_ = std::move(chain); }

 protected:
  // An empty chain in the lists of the last one recycled.
  DescriptorChain fresh_chain();

 private:
  DescriptorChain spare_;
};

// The driver's view of one queue.
class VirtqueueDriver {
 public:
  virtual ~VirtqueueDriver() = default;
  // Zeroes the ring areas and sets the initial indices.
  virtual Status initialize() = 0;
  // Writes a chain (readable segments first); the device sees it after
  // publish(). Nothing when the queue lacks free descriptors.
  virtual std::optional<ChainId> add(const std::vector<Segment>& readable, const std::vector<Segment>& writable) = 0;
  // Makes added chains visible. Returns whether the device wants a kick.
  virtual bool publish() = 0;
  // The chains the device returned since the last reap; valid until the next one.
  virtual const std::vector<UsedBuffer>& reap() = 0;
  // Interrupt suppression per the negotiated features.
  virtual void set_interrupts_wanted(bool wanted) = 0;
  virtual uint16_t free_descriptors() const = 0;
  virtual uint16_t size() const = 0;
  virtual const VirtqueueAddresses& addresses() const = 0;
};

// Copies a chain's readable bytes (at most max_bytes), in chain order, one bus
// transaction per segment.
Status gather_chain(MemoryPort& port, const DescriptorChain& chain, std::vector<uint8_t>& out,
                    uint64_t max_bytes = UINT64_MAX);
// Writes `len` bytes into a chain's writable part, first writable descriptor
// first; refuses (writes nothing) when the chain is too short.
Status scatter_chain(MemoryPort& port, const DescriptorChain& chain, const uint8_t* data, uint64_t len);

}  // namespace vvsim::tlm_virtio

template <>
struct std::hash<vvsim::tlm_virtio::ChainId> {
  size_t operator()(vvsim::tlm_virtio::ChainId id) const noexcept { return std::hash<uint32_t>()(id.value); }
};

template <>
struct fmt::formatter<vvsim::tlm_virtio::ChainId> : fmt::formatter<uint32_t> {
  template <typename FormatContext>
  auto format(vvsim::tlm_virtio::ChainId id, FormatContext& ctx) const {
    return fmt::formatter<uint32_t>::format(id.value, ctx);
  }
};
