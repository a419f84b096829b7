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
// 1 GHz bus, 16 bytes per cycle, 10 cycles of latency: S = 4096 bytes take
// 10 + 4096/16 = 266 ns on an idle bus, of which 256 ns of data.
constexpr unsigned kTransfers = 10;
constexpr uint64_t kBytes = 4096;
constexpr double kLatencyNs = 10, kDataNs = 4096 / 16, kTransferNs = kLatencyNs + kDataNs;

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
  second.port.schedule_through(b.platform.bus, 2);  // sees its bookings moved by later ones
  std::vector<sc_time> done_a, done_b;
  second.set_program([&](GuestCpu& cpu) { transfers(cpu.port, 0x200000, done_b); });
  b.run([&](TransportBench& t) { transfers(t.cpu(), 0x100000, done_a); });
  BOOST_REQUIRE_EQUAL(done_a.size(), kTransfers);
  BOOST_REQUIRE_EQUAL(done_b.size(), kTransfers);
  // Both start at 0. The latency is pipelined: each transfer's latency
  // passes while the other's data is on the path (a transfer is ready 10 ns
  // after its predecessor ends, less than the other's remaining burst or
  // more), so after the first 10 ns the data path never idles: the last of
  // the 20 transfers ends at 10 + 20 * 256 ns.
  const sc_time last = std::max(done_a.back(), done_b.back());
  BOOST_CHECK(last == sc_time(kLatencyNs + 2 * kTransfers * kDataNs, SC_NS));
  // Round robin shares the path: neither initiator finishes more than one
  // transfer ahead of the other.
  for (unsigned k = 0; k < kTransfers; ++k) {
    const sc_time gap = done_a[k] > done_b[k] ? done_a[k] - done_b[k] : done_b[k] - done_a[k];
    BOOST_CHECK(gap <= sc_time(kDataNs, SC_NS));
  }
  const auto& stats = b.platform.bus.stats();
  BOOST_CHECK_EQUAL(stats.at(0).bytes + stats.at(2).bytes, 2 * kTransfers * kBytes);
}

namespace {
// Two initiators on the default bus (1 GHz, 16 B/cycle, 10 cycles latency,
// 256-byte bursts = 16 beats): `first` transfers at 0, `second` after
// `delay_ns`. Returns when each transfer ended.
struct Overlap {
  sc_time first_done, second_done;
};
Overlap overlap(TransportBench& b, GuestCpu& other, bool cpu_first, uint64_t first_bytes, double delay_ns,
                uint64_t second_bytes) {
  other.port.socket.bind(b.platform.bus.initiators);
  other.port.schedule_through(b.platform.bus, 2);  // sees its bookings moved by later ones
  Overlap r;
  auto transfer = [](MemoryPort& port, uint64_t addr, uint64_t bytes, double delay, sc_time& done) {
    if (delay > 0) sc_core::wait(delay, SC_NS);
    std::vector<uint8_t> data(bytes, 0x5A);
    BOOST_REQUIRE(port.read(addr, data.data(), data.size()) == AccessStatus::Ok);
    done = sc_core::sc_time_stamp();
  };
  other.set_program([&](GuestCpu& cpu) {
    if (cpu_first) transfer(cpu.port, 0x400000, second_bytes, delay_ns, r.second_done);
    else transfer(cpu.port, 0x400000, first_bytes, 0, r.first_done);
  });
  b.run([&](TransportBench& t) {
    if (cpu_first) transfer(t.cpu(), 0x100000, first_bytes, 0, r.first_done);
    else transfer(t.cpu(), 0x100000, second_bytes, delay_ns, r.second_done);
  });
  return r;
}
constexpr double kBurstNs = 16;  // 256 bytes at 16 bytes per 1 ns cycle

SimplePlatformProfile fixed_priority_platform() {
  SimplePlatformProfile p;
  p.bus.arbitration = BusArbitration::FixedPriority;
  return p;
}
}  // namespace

BOOST_AUTO_TEST_CASE(round_robin_alternates_bursts_of_overlapping_transfers) {
  // 4096 bytes (16 bursts) booked at 0, then 1024 bytes (4 bursts) at 0 by
  // another initiator. Both may send from 10 ns; the newcomer goes first, so
  // its 4 bursts alternate with the first's 3: it ends after 7 bursts, the
  // first after all 20.
  TransportBench b;
  GuestCpu other("other");
  const Overlap r = overlap(b, other, true, 4096, 0, 1024);
  BOOST_CHECK(r.second_done == sc_time(kLatencyNs + 7 * kBurstNs, SC_NS));
  BOOST_CHECK(r.first_done == sc_time(kLatencyNs + 20 * kBurstNs, SC_NS));
  // The first waited for the second's 4 bursts beyond its own data.
  BOOST_CHECK(b.platform.bus.stats().at(SimplePlatform::kCpuInitiator).contention_wait == sc_time(4 * kBurstNs, SC_NS));
}

BOOST_AUTO_TEST_CASE(a_small_read_waits_for_the_burst_in_flight_not_the_whole_frame) {
  // A 1 MiB write's data runs from 10 ns; a 4-byte read ready at 1 + 10 ns
  // joins at the next burst boundary (10 + 16) and takes 1 beat; the big
  // transfer ends 1 beat later than alone.
  TransportBench b;
  GuestCpu other("other");
  const Overlap r = overlap(b, other, false, 1 << 20, 1, 4);
  BOOST_CHECK(r.second_done == sc_time(kLatencyNs + kBurstNs + 1, SC_NS));
  BOOST_CHECK(r.first_done == sc_time(kLatencyNs + (1 << 20) / 16 + 1, SC_NS));
}

BOOST_AUTO_TEST_CASE(fixed_priority_serves_the_lower_initiator_first) {
  // The CPU (initiator 0) outranks the other (initiator 2). The other's 1 MiB
  // read from 0; the CPU's 4096 bytes at 1 ns take over at the burst boundary
  // (26 ns) and end 256 ns later; the big read ends that much later.
  TransportBench b({}, fixed_priority_platform());
  GuestCpu other("other");
  const Overlap r = overlap(b, other, false, 1 << 20, 1, 4096);
  BOOST_CHECK(r.second_done == sc_time(kLatencyNs + kBurstNs + 256, SC_NS));
  BOOST_CHECK(r.first_done == sc_time(kLatencyNs + (1 << 20) / 16 + 256, SC_NS));
}

BOOST_AUTO_TEST_CASE(fixed_priority_keeps_the_lower_initiator_waiting) {
  // The other way round: the other's 4096-byte read at 1 ns waits for the
  // whole of the CPU's 1 MiB.
  TransportBench b({}, fixed_priority_platform());
  GuestCpu other("other");
  const Overlap r = overlap(b, other, true, 1 << 20, 1, 4096);
  BOOST_CHECK(r.first_done == sc_time(kLatencyNs + (1 << 20) / 16, SC_NS));
  BOOST_CHECK(r.second_done == sc_time(kLatencyNs + (1 << 20) / 16 + 256, SC_NS));
}

BOOST_AUTO_TEST_CASE(register_access_does_not_wait_behind_a_memory_transfer) {
  // A second initiator writes 1 MiB at 0 (65,536 ns of data); 1 ns later the
  // CPU reads a 4-byte register of the virtio-mmio window: it takes the
  // register path, register_latency_cycles + 1 beat = 11 ns, not the
  // write's 65 us.
  TransportBench b;
  GuestCpu second("second");
  second.port.socket.bind(b.platform.bus.initiators);
  second.port.schedule_through(b.platform.bus, 2);  // sees its bookings moved by later ones
  sc_time write_done, read_done;
  second.set_program([&](GuestCpu& cpu) {
    std::vector<uint8_t> frame(1 << 20, 0x11);
    BOOST_REQUIRE(cpu.port.write(0x200000, frame.data(), frame.size()) == AccessStatus::Ok);
    write_done = sc_core::sc_time_stamp();
  });
  b.run([&](TransportBench& t) {
    sc_core::wait(1, SC_NS);
    uint32_t magic = 0;
    BOOST_REQUIRE(t.cpu().read_le32(b.platform.profile().mmio_base, magic));
    read_done = sc_core::sc_time_stamp();
  });
  const BusProfile bus;
  BOOST_CHECK(write_done == sc_time(bus.latency_cycles + (1 << 20) / bus.bytes_per_cycle, SC_NS));
  BOOST_CHECK(read_done == sc_time(1 + bus.register_latency_cycles + 1, SC_NS));
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
