// Device reset while the device holds chains, bus timing computed by hand,
// the sparse memory's footprint, and the echo device end to end.
#define BOOST_TEST_MODULE reset_and_timing
#include <boost/test/unit_test.hpp>

#include "transport_bench.h"

using namespace vvsim::tlm_virtio;
using vvsim::tlm_virtio::testing::TransportBench;
using vvsim::tlm_virtio::testing::take_queue;
using sc_core::SC_NS;
using sc_core::sc_time;

BOOST_AUTO_TEST_CASE(reset_mid_flight) {
  EchoDeviceProfile slow;
  slow.ns_per_byte = 1000.0;  // a 64-byte chain is held for 64 us
  TransportBench b(slow);
  b.run([](TransportBench& t) {
    auto d = t.driver();
    BOOST_REQUIRE(d.negotiate(0).ok());
    auto q = take_queue(d.setup_queue(0, 8, t.allocator));
    BOOST_REQUIRE(q);
    d.driver_ok();
    const uint64_t buf = *t.allocator.allocate(4096);
    q->add({{buf, 64}}, {{buf + 1024, 64}});
    q->publish();
    d.kick(0);
    sc_core::wait(10, sc_core::SC_US);  // the device has popped the chain and is working on it
    const uint64_t resets_before = t.echo.resets();  // negotiate() starts with a reset too
    d.reset();
    BOOST_CHECK_EQUAL(d.status(), 0u);
    d.write_register(mmio::QueueSel, 0);
    BOOST_CHECK_EQUAL(d.read_register(mmio::QueueReady), 0u);
    BOOST_CHECK_EQUAL(t.echo.resets(), resets_before + 1);
    sc_core::wait(100, sc_core::SC_US);  // the stale chain finishes inside the device
    uint16_t used_idx = 7;
    t.cpu().read_le16(q->addresses().device + 2, used_idx);
    BOOST_CHECK_EQUAL(used_idx, 0);  // its answer was dropped, not written into the old ring
    BOOST_CHECK_EQUAL(d.read_register(mmio::InterruptStatus), 0u);
    // A new handshake works.
    BOOST_REQUIRE(d.negotiate(0).ok());
    auto q2 = take_queue(d.setup_queue(0, 8, t.allocator));
    BOOST_REQUIRE(q2);
    d.driver_ok();
    q2->add({{buf, 4}}, {{buf + 2048, 4}});
    q2->publish();
    d.kick(0);
    d.wait_interrupt();
    const auto used = q2->reap();
    BOOST_REQUIRE_EQUAL(used.size(), 1u);
    BOOST_CHECK_EQUAL(used[0].len, 4u);
  });
}

namespace {
// 1 GHz bus, 16 bytes per cycle, 10 cycles per transaction: S = 4096 bytes
// take 10 + 4096/16 = 266 ns.
constexpr unsigned kTransfers = 10;
constexpr uint64_t kBytes = 4096;
constexpr double kTransferNs = 10 + 4096 / 16;

void transfers(MemoryPort& port, uint64_t addr, std::vector<sc_time>& done) {
  std::vector<uint8_t> data(kBytes, 0xAB);
  for (unsigned i = 0; i < kTransfers; ++i) {
    BOOST_REQUIRE(port.write(addr, data.data(), data.size()) == AccessStatus::Ok);
    done.push_back(sc_core::sc_time_stamp());
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(bus_time_single_initiator) {
  TransportBench b;
  std::vector<sc_time> done;
  b.run([&](TransportBench& t) { transfers(t.cpu(), 0x100000, done); });
  BOOST_REQUIRE_EQUAL(done.size(), kTransfers);
  for (unsigned i = 0; i < kTransfers; ++i) BOOST_CHECK(done[i] == sc_time((i + 1) * kTransferNs, SC_NS));
  const auto& s = b.platform.bus.stats().at(SimplePlatform::kCpuInitiator);
  BOOST_CHECK_EQUAL(s.bytes, kTransfers * kBytes);
  BOOST_CHECK(s.contention_wait == sc_core::SC_ZERO_TIME);
}

BOOST_AUTO_TEST_CASE(bus_time_with_contending_initiator) {
  TransportBench b;
  GuestCpu second("second");
  second.port.socket.bind(b.platform.bus.initiators);
  std::vector<sc_time> done_a, done_b;
  second.set_program([&](GuestCpu& cpu) { transfers(cpu.port, 0x200000, done_b); });
  b.run([&](TransportBench& t) { transfers(t.cpu(), 0x100000, done_a); });
  BOOST_REQUIRE_EQUAL(done_a.size(), kTransfers);
  BOOST_REQUIRE_EQUAL(done_b.size(), kTransfers);
  // Both start at 0 and the bus serialises them: one initiator's k-th transfer
  // ends at (2k-1)*266 ns, the other's at 2k*266 ns; which goes first is the
  // scheduler's (deterministic) choice.
  const bool a_first = done_a[0] < done_b[0];
  const auto& first = a_first ? done_a : done_b;
  const auto& second_done = a_first ? done_b : done_a;
  for (unsigned k = 1; k <= kTransfers; ++k) {
    BOOST_CHECK(first[k - 1] == sc_time((2 * k - 1) * kTransferNs, SC_NS));
    BOOST_CHECK(second_done[k - 1] == sc_time(2 * k * kTransferNs, SC_NS));
  }
  // Waiting: the first waits 266 ns on each of its later transfers, the second on every one.
  const auto& stats = b.platform.bus.stats();
  const sc_time total_wait = stats.at(0).contention_wait + stats.at(2).contention_wait;
  BOOST_CHECK(total_wait == sc_time((2 * kTransfers - 1) * kTransferNs, SC_NS));
}

BOOST_AUTO_TEST_CASE(sparse_memory_costs_only_touched_pages) {
  GuestMemoryProfile big;
  big.size_bytes = 3ull << 30;  // 3 GiB guest
  SimplePlatformProfile profile;
  profile.memory = big;
  profile.mmio_base = 0xF000'0000;
  TransportBench b({}, profile);
  b.run([](TransportBench& t) {
    uint8_t byte = 0x5A;
    t.cpu().write(0, &byte, 1);
    t.cpu().write((3ull << 30) - 1, &byte, 1);
    uint8_t back = 0;
    t.cpu().read((3ull << 30) - 1, &back, 1);
    BOOST_CHECK_EQUAL(back, 0x5A);
    t.cpu().read(1ull << 30, &back, 1);  // untouched: zero, and no page allocated for it
    BOOST_CHECK_EQUAL(back, 0);
  });
  BOOST_CHECK_EQUAL(b.platform.memory.pages_allocated(), 2u);
}

namespace {
// 40 echoes of growing messages on a queue of 16 (both rings wrap), one at a time.
unsigned echo_round_trips(TransportBench& b, uint64_t ring_feature) {
  unsigned ok = 0;
  b.run([&](TransportBench& t) {
    auto d = t.driver();
    BOOST_REQUIRE(d.negotiate(VIRTIO_F_EVENT_IDX | VIRTIO_F_INDIRECT_DESC | ring_feature).ok());
    BOOST_REQUIRE_EQUAL(d.features() & VIRTIO_F_RING_PACKED, ring_feature);
    auto q = take_queue(d.setup_queue(0, 16, t.allocator));
    BOOST_REQUIRE(q);
    d.driver_ok();
    for (unsigned i = 0; i < 40; ++i) {
      std::vector<uint8_t> msg(100 + i);
      for (size_t k = 0; k < msg.size(); ++k) msg[k] = uint8_t(i ^ k);
      const uint64_t in = *t.allocator.allocate(msg.size()), out = *t.allocator.allocate(msg.size());
      t.write_bytes(in, msg);
      q->add({{in, uint32_t(msg.size())}}, {{out, uint32_t(msg.size())}});
      if (q->publish()) d.kick(0);
      std::vector<UsedBuffer> used;
      while (used.empty()) {
        d.wait_interrupt();
        used = q->reap();
      }
      ok += used[0].len == msg.size() && t.read_bytes(out, msg.size()) == msg;
    }
  });
  return ok;
}
}  // namespace

BOOST_AUTO_TEST_CASE(echo_end_to_end) {
  TransportBench b;
  BOOST_CHECK_EQUAL(echo_round_trips(b, 0), 40u);
  BOOST_CHECK_EQUAL(b.echo.chains_echoed(), 40u);
  BOOST_CHECK_EQUAL(b.platform.irq.interrupts_delivered(), 40u);
}

// The same on the packed ring (VIRTIO_F_RING_PACKED negotiated): the
// controller and the driver helper build packed views from the feature alone.
BOOST_AUTO_TEST_CASE(echo_end_to_end_on_the_packed_ring) {
  TransportBench b;
  BOOST_CHECK_EQUAL(echo_round_trips(b, VIRTIO_F_RING_PACKED), 40u);
  BOOST_CHECK_EQUAL(b.echo.chains_echoed(), 40u);
  BOOST_CHECK_EQUAL(b.platform.irq.interrupts_delivered(), 40u);
  BOOST_CHECK(b.observer.ring.empty());
}
