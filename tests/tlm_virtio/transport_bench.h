// A tiny platform for transport tests (VCML style): guest memory, bus,
// virtio-mmio with the echo device, and a CPU running the test's stimulus.
#pragma once

#include <systemc>

#include <functional>
#include <memory>
#include <vector>

#include "tlm_virtio/echo_device.h"
#include "tlm_virtio/ring_rules.h"
#include "tlm_virtio/simple_platform.h"
#include "tlm_virtio/split_virtqueue.h"
#include "tlm_virtio/virtio_mmio_driver.h"

namespace vvsim::tlm_virtio::testing {

// The queue set_up made, or null (the test then fails on its BOOST_REQUIRE).
inline std::unique_ptr<VirtqueueDriver> take_queue(Result<std::unique_ptr<VirtqueueDriver>> made) {
  if (!made) return nullptr;
  return std::move(*made);
}

// Records what the controller tells its observer.
struct RecordingObserver : VirtioObserver {
  void on_features_ok(uint64_t, uint64_t offered_features, uint64_t accepted_features) override {
    offered = offered_features, accepted = accepted_features;
  }
  void on_ring_violation(const RingViolation& v) override { ring.push_back(v); }
  uint64_t offered = 0, accepted = 0;
  std::vector<RingViolation> ring;
};

struct TransportBench {
  explicit TransportBench(const EchoDeviceProfile& echo_profile = {}, const SimplePlatformProfile& profile = {})
      : echo("echo", echo_profile), platform("platform", echo, profile), allocator(0x10000, 16 << 20) {
    platform.mmio.set_observer(&observer);
  }

  // Runs `stimulus` as the CPU's program until the simulation has nothing left to do.
  void run(std::function<void(TransportBench&)> stimulus) {
    platform.cpu.set_program([this, stimulus](GuestCpu&) { stimulus(*this); });
    sc_core::sc_start();
  }

  VirtioMmioDriver driver() { return VirtioMmioDriver(platform.cpu.port, platform.profile().mmio_base, platform.irq); }
  MemoryPort& cpu() { return platform.cpu.port; }

  void write_bytes(uint64_t addr, const std::vector<uint8_t>& bytes) { cpu().write(addr, bytes.data(), bytes.size()); }
  std::vector<uint8_t> read_bytes(uint64_t addr, size_t len) {
    std::vector<uint8_t> b(len);
    cpu().read(addr, b.data(), len);
    return b;
  }
  // Writes one descriptor straight into a descriptor table.
  void write_desc(uint64_t table, uint16_t index, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
    std::vector<uint8_t> b(16);
    for (int i = 0; i < 8; ++i) b[i] = uint8_t(addr >> (8 * i));
    for (int i = 0; i < 4; ++i) b[8 + i] = uint8_t(len >> (8 * i));
    b[12] = uint8_t(flags), b[13] = uint8_t(flags >> 8), b[14] = uint8_t(next), b[15] = uint8_t(next >> 8);
    write_bytes(table + 16ull * index, b);
  }
  // Puts `head` in the next avail slot and publishes it (bypassing the driver view).
  void publish_raw(const VirtqueueAddresses& q, uint16_t slot_index, uint16_t head) {
    cpu().write_le16(q.driver + 4 + 2ull * (slot_index % q.size), head);
    cpu().write_le16(q.driver + 2, uint16_t(slot_index + 1));
  }

  EchoDevice echo;
  SimplePlatform platform;
  GuestAllocator allocator;
  RecordingObserver observer;
};

}  // namespace vvsim::tlm_virtio::testing
