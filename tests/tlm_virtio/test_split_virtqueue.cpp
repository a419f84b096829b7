// The two views of a split virtqueue over the same ring bytes: index
// wrap-around and notification suppression, with counts worked out by hand
// from virtio 1.2 §2.7.7 / §2.7.10.
#define BOOST_TEST_MODULE split_virtqueue
#include <boost/test/unit_test.hpp>

#include "transport_bench.h"

using namespace vvsim::tlm_virtio;
using vvsim::tlm_virtio::testing::TransportBench;

namespace {

// Both views on the CPU's port (sharing nothing but guest memory).
struct RingPair {
  RingPair(TransportBench& t, uint16_t size, RingFeatures f, uint16_t initial_index = 0)
      : addrs{size, *t.allocator.allocate(desc_table_bytes(size), 16), *t.allocator.allocate(avail_ring_bytes(size), 2),
              *t.allocator.allocate(used_ring_bytes(size), 4)},
        driver("drv", t.cpu(), addrs, f, initial_index),
        device("dev", t.cpu(), addrs, f, t.platform.memory.size(), initial_index) {
    BOOST_REQUIRE(driver.initialize().ok());
  }
  VirtqueueAddresses addrs;
  SplitVirtqueueDriver driver;
  SplitVirtqueueDevice device;
};

DescriptorChain pop_chain(RingPair& r) {
  auto p = r.device.pop();
  BOOST_REQUIRE(p && p->has_value());
  return **p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(vring_need_event_formula) {
  // §2.7.10: interrupt/kick when the index crossed event between old and new.
  BOOST_CHECK(vring_need_event(0, 1, 0));
  BOOST_CHECK(!vring_need_event(0, 2, 1));
  BOOST_CHECK(vring_need_event(65535, 0, 65535));  // across the wrap
  BOOST_CHECK(vring_need_event(65534, 1, 65533));
  BOOST_CHECK(!vring_need_event(2, 2, 1));
}

BOOST_AUTO_TEST_CASE(indices_wrap_across_65536) {
  TransportBench b;
  b.run([](TransportBench& t) {
    RingPair r(t, 8, {}, 65530);
    const uint64_t buf = *t.allocator.allocate(4096);
    for (unsigned i = 0; i < 20; ++i) {
      t.cpu().write_le32(buf + 4 * i, 0xC0DE0000 + i);
      const auto head = r.driver.add({{buf + 4 * i, 4}}, {{buf + 2048 + 4 * i, 4}});
      BOOST_REQUIRE(head);
      r.driver.publish();
      auto p = pop_chain(r);
      BOOST_CHECK(p.id == *head);
      BOOST_REQUIRE_EQUAL(p.readable.size(), 1u);
      BOOST_CHECK_EQUAL(p.readable[0].addr, buf + 4 * i);
      BOOST_CHECK(r.device.push(p.id, 4).ok());
      const auto used = r.driver.reap();
      BOOST_REQUIRE_EQUAL(used.size(), 1u);
      BOOST_CHECK(used[0].id == *head);
      BOOST_CHECK_EQUAL(used[0].len, 4u);
    }
    // 65530 + 20 = 65550 = 14 mod 65536, in both rings' idx fields.
    uint16_t avail_idx = 0, used_idx = 0;
    t.cpu().read_le16(r.addrs.driver + 2, avail_idx);
    t.cpu().read_le16(r.addrs.device + 2, used_idx);
    BOOST_CHECK_EQUAL(avail_idx, 14);
    BOOST_CHECK_EQUAL(used_idx, 14);
    BOOST_CHECK_EQUAL(r.driver.free_descriptors(), 8);
    const auto empty = r.device.pop();
    BOOST_CHECK(empty && !empty->has_value());
  });
}

BOOST_AUTO_TEST_CASE(event_idx_suppresses_kicks_and_interrupts) {
  TransportBench b;
  b.run([](TransportBench& t) {
    RingPair r(t, 16, {true, false});
    const uint64_t buf = *t.allocator.allocate(1024);
    auto add = [&] { BOOST_REQUIRE(r.driver.add({{buf, 8}}, {{buf + 512, 8}})); };
    unsigned kicks = 0, interrupts = 0;
    // avail_event starts at 0: publishing 0->1 crosses it (kick); 1->2 does not.
    add();
    kicks += r.driver.publish();
    add();
    kicks += r.driver.publish();
    BOOST_CHECK_EQUAL(kicks, 1u);
    // The device pops both (avail_event := 2) and pushes one: used_event is 0, used 0->1 crosses it.
    auto c1 = pop_chain(r), c2 = pop_chain(r);
    BOOST_CHECK(r.device.push(c1.id, 8).ok());
    interrupts += r.device.needs_interrupt();
    // Second push before the driver reaped: used 1->2 does not cross used_event 0.
    BOOST_CHECK(r.device.push(c2.id, 8).ok());
    interrupts += r.device.needs_interrupt();
    BOOST_CHECK_EQUAL(interrupts, 1u);
    BOOST_CHECK_EQUAL(r.driver.reap().size(), 2u);  // used_event := 2
    // Publishing 2->3 crosses avail_event 2: kick. 3->5 in one publish does not cross 2 again.
    add();
    kicks += r.driver.publish();
    add();
    add();
    kicks += r.driver.publish();
    BOOST_CHECK_EQUAL(kicks, 2u);
    // Pushing 2->3 crosses used_event 2: interrupt; 3->5 does not.
    auto c3 = pop_chain(r), c4 = pop_chain(r), c5 = pop_chain(r);
    BOOST_CHECK(r.device.push(c3.id, 8).ok());
    interrupts += r.device.needs_interrupt();
    BOOST_CHECK(r.device.push(c4.id, 8).ok());
    BOOST_CHECK(r.device.push(c5.id, 8).ok());
    interrupts += r.device.needs_interrupt();
    BOOST_CHECK_EQUAL(interrupts, 2u);
    BOOST_CHECK_EQUAL(r.driver.reap().size(), 3u);
    // A driver that wants no interrupts: used_event is parked behind, nothing fires.
    r.driver.set_interrupts_wanted(false);
    add();
    r.driver.publish();
    auto c6 = pop_chain(r);
    BOOST_CHECK(r.device.push(c6.id, 8).ok());
    BOOST_CHECK(!r.device.needs_interrupt());
  });
}

BOOST_AUTO_TEST_CASE(flags_suppress_without_event_idx) {
  TransportBench b;
  b.run([](TransportBench& t) {
    RingPair r(t, 8, {});
    const uint64_t buf = *t.allocator.allocate(1024);
    BOOST_REQUIRE(r.driver.add({{buf, 8}}, {}));
    BOOST_CHECK(r.driver.publish());  // flags clear: kick
    r.device.set_kicks_wanted(false);  // VIRTQ_USED_F_NO_NOTIFY
    BOOST_REQUIRE(r.driver.add({{buf, 8}}, {}));
    BOOST_CHECK(!r.driver.publish());
    auto c1 = pop_chain(r);
    BOOST_CHECK(r.device.push(c1.id, 0).ok());
    BOOST_CHECK(r.device.needs_interrupt());
    r.driver.set_interrupts_wanted(false);  // VIRTQ_AVAIL_F_NO_INTERRUPT
    auto c2 = pop_chain(r);
    BOOST_CHECK(r.device.push(c2.id, 0).ok());
    BOOST_CHECK(!r.device.needs_interrupt());
    BOOST_CHECK_EQUAL(r.driver.reap().size(), 2u);
  });
}

BOOST_AUTO_TEST_CASE(driver_view_runs_out_of_descriptors) {
  TransportBench b;
  b.run([](TransportBench& t) {
    RingPair r(t, 4, {});
    const uint64_t buf = *t.allocator.allocate(1024);
    BOOST_CHECK(r.driver.add({{buf, 8}, {buf + 8, 8}}, {{buf + 16, 8}}));
    BOOST_CHECK_EQUAL(r.driver.free_descriptors(), 1u);
    BOOST_CHECK(!r.driver.add({{buf, 8}}, {{buf + 16, 8}}));  // needs 2, 1 free
    BOOST_CHECK(r.driver.add({{buf, 8}}, {}));
    r.driver.publish();
    auto c = pop_chain(r);
    BOOST_CHECK_EQUAL(c.readable.size(), 2u);
    BOOST_CHECK_EQUAL(c.writable.size(), 1u);
    BOOST_CHECK(r.device.push(c.id, 8).ok());
    r.driver.reap();
    BOOST_CHECK_EQUAL(r.driver.free_descriptors(), 3u);
  });
}
