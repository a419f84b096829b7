// The two views of a packed virtqueue over the same ring bytes: wrap counters,
// AVAIL/USED flags, lists, indirect tables, buffer ids, event suppression and
// the driver mistakes the device refuses, with the flag words and counts
// worked out by hand from virtio 1.2 §2.8.
#define BOOST_TEST_MODULE packed_virtqueue
#include <boost/test/unit_test.hpp>

#include "tlm_virtio/le_bytes.h"
#include "tlm_virtio/packed_virtqueue.h"
#include "tlm_virtio/ring_rules.h"
#include "transport_bench.h"

using namespace vvsim::tlm_virtio;
using namespace vvsim::tlm_virtio::packed_ring;
using vvsim::tlm_virtio::testing::TransportBench;

namespace {

constexpr uint16_t F_NEXT = 1, F_WRITE = 2, F_INDIRECT = 4, F_AVAIL = 1 << 7, F_USED = 1 << 15;

struct PackedPair {
  PackedPair(TransportBench& t, uint16_t size, RingFeatures f)
      : addrs{size, *t.allocator.allocate(16ull * size, 16), *t.allocator.allocate(4, 4), *t.allocator.allocate(4, 4)},
        driver("drv", t.cpu(), addrs, with_packed(f)),
        device("dev", t.cpu(), addrs, with_packed(f), t.platform.memory.size()) {
    BOOST_REQUIRE(driver.initialize().ok());
  }
  static RingFeatures with_packed(RingFeatures f) {
    f.packed = true;
    return f;
  }
  VirtqueueAddresses addrs;
  PackedVirtqueueDriver driver;
  PackedVirtqueueDevice device;
};

DescriptorChain pop_chain(PackedVirtqueueDevice& device) {
  auto p = device.pop();
  BOOST_REQUIRE(p && p->has_value());
  return **p;
}

uint16_t flags_at(TransportBench& t, const VirtqueueAddresses& q, uint16_t slot) {
  uint16_t f = 0;
  t.cpu().read_le16(q.desc + 16ull * slot + 14, f);
  return f;
}

// One descriptor written straight into the ring or a table, bypassing the driver view.
void write_raw(TransportBench& t, uint64_t at, uint64_t addr, uint32_t len, uint16_t id, uint16_t flags) {
  std::vector<uint8_t> b(16);
  le::put64(b.data(), addr);
  le::put32(b.data() + 8, len);
  le::put16(b.data() + 12, id);
  le::put16(b.data() + 14, flags);
  t.write_bytes(at, b);
}

bool nothing_available(PackedVirtqueueDevice& device) {
  auto p = device.pop();
  return p && !p->has_value();
}

// The rule a device pop refused, or "" when it did not refuse.
std::string refused_rule(PackedVirtqueueDevice& device) {
  auto p = device.pop();
  if (p) return "";
  return p.error().rule ? p.error().rule : "bus error";
}

}  // namespace

BOOST_AUTO_TEST_CASE(event_position_across_the_wrap) {
  // Size 4, moving from slot 3 of the first lap (wrap 1) to slot 1 of the
  // second (wrap 0) passes slot 3/wrap 1 and slot 0/wrap 0, nothing else.
  const Position from{3, true}, to{1, false};
  BOOST_CHECK(event_passed(3 | 1u << 15, from, to, 4));
  BOOST_CHECK(event_passed(0, from, to, 4));
  BOOST_CHECK(!event_passed(0 | 1u << 15, from, to, 4));  // slot 0 of the first lap: long passed
  BOOST_CHECK(!event_passed(1, from, to, 4));             // where the side now is: not yet
  BOOST_CHECK(!event_passed(2 | 1u << 15, from, from, 4));  // no move, no event
  Position p{2, true};
  p.advance(3, 4);  // 2 -> 3 -> 0 -> 1, wrapping once
  BOOST_CHECK(p == (Position{1, false}));
  BOOST_CHECK_EQUAL(p.off_wrap(), 1);
}

BOOST_AUTO_TEST_CASE(wrap_counters_and_flags_over_three_laps) {
  TransportBench b;
  b.run([](TransportBench& t) {
    PackedPair r(t, 3, {});  // not a power of two: allowed for a packed ring
    const uint64_t buf = *t.allocator.allocate(4096);
    // Lists of two (readable + writable): list k takes ring positions 2k and 2k+1.
    for (unsigned k = 0; k < 9; ++k) {
      const uint16_t head_slot = uint16_t(2 * k % 3), tail_slot = uint16_t((2 * k + 1) % 3);
      const bool head_wrap = (2 * k / 3) % 2 == 0, tail_wrap = ((2 * k + 1) / 3) % 2 == 0;
      const auto id = r.driver.add({{buf + 8 * k, 8}}, {{buf + 2048 + 8 * k, 8}});
      BOOST_REQUIRE(id);
      // The first descriptor is not yet available: its flags are those of its previous use.
      BOOST_CHECK((flags_at(t, r.addrs, head_slot) & (F_AVAIL | F_USED)) != (head_wrap ? F_AVAIL : F_USED));
      BOOST_CHECK(nothing_available(r.device));
      r.driver.publish();
      BOOST_CHECK_EQUAL(flags_at(t, r.addrs, head_slot), (head_wrap ? F_AVAIL : F_USED) | F_NEXT);
      BOOST_CHECK_EQUAL(flags_at(t, r.addrs, tail_slot), (tail_wrap ? F_AVAIL : F_USED) | F_WRITE);
      const auto c = pop_chain(r.device);
      BOOST_CHECK(c.id == *id);
      BOOST_REQUIRE_EQUAL(c.readable.size(), 1u);
      BOOST_REQUIRE_EQUAL(c.writable.size(), 1u);
      BOOST_CHECK_EQUAL(c.readable[0].addr, buf + 8 * k);
      BOOST_CHECK_EQUAL(c.writable[0].addr, buf + 2048 + 8 * k);
      BOOST_CHECK(r.device.push(c.id, 5).ok());
      // The used descriptor overwrites the list's first: AVAIL and USED both equal the device's wrap counter.
      BOOST_CHECK_EQUAL(flags_at(t, r.addrs, head_slot), (head_wrap ? F_AVAIL | F_USED : 0) | F_WRITE);
      const auto used = r.driver.reap();
      BOOST_REQUIRE_EQUAL(used.size(), 1u);
      BOOST_CHECK(used[0].id == *id);
      BOOST_CHECK_EQUAL(used[0].len, 5u);
      BOOST_CHECK_EQUAL(r.driver.free_descriptors(), 3);
    }
  });
}

BOOST_AUTO_TEST_CASE(lists_complete_out_of_order_by_buffer_id) {
  TransportBench b;
  b.run([](TransportBench& t) {
    PackedPair r(t, 8, {});
    const uint64_t buf = *t.allocator.allocate(4096);
    const auto a = r.driver.add({{buf, 4}}, {{buf + 100, 4}});                       // 2 descriptors
    const auto c = r.driver.add({}, {{buf + 200, 16}});                              // 1
    const auto d = r.driver.add({{buf + 300, 4}, {buf + 304, 4}}, {{buf + 400, 8}});  // 3
    BOOST_REQUIRE(a && c && d);
    BOOST_CHECK_EQUAL(r.driver.free_descriptors(), 2);
    BOOST_CHECK(!r.driver.add({{buf, 4}, {buf, 4}}, {{buf, 4}}));  // 3 do not fit in 2
    r.driver.publish();
    const auto ca = pop_chain(r.device), cc = pop_chain(r.device), cd = pop_chain(r.device);
    BOOST_CHECK(nothing_available(r.device));
    BOOST_CHECK_EQUAL(cd.readable.size(), 2u);
    BOOST_CHECK_EQUAL(cc.readable.size(), 0u);
    // Used in the order d, a, c: each used descriptor takes the next used slot, then skips its list's length.
    BOOST_CHECK(r.device.push(cd.id, 8).ok());
    BOOST_CHECK(r.device.push(ca.id, 0).ok());
    BOOST_CHECK(r.device.push(cc.id, 16).ok());
    BOOST_CHECK_EQUAL(flags_at(t, r.addrs, 0), F_AVAIL | F_USED | F_WRITE);  // d's, at slot 0
    BOOST_CHECK_EQUAL(flags_at(t, r.addrs, 3), F_AVAIL | F_USED);            // a's (nothing written), at 0 + 3
    BOOST_CHECK_EQUAL(flags_at(t, r.addrs, 5), F_AVAIL | F_USED | F_WRITE);  // c's, at 3 + 2
    const auto used = r.driver.reap();
    BOOST_REQUIRE_EQUAL(used.size(), 3u);
    BOOST_CHECK(used[0].id == *d);
    BOOST_CHECK_EQUAL(used[0].len, 8u);
    BOOST_CHECK(used[1].id == *a);
    BOOST_CHECK_EQUAL(used[1].len, 0u);
    BOOST_CHECK(used[2].id == *c);
    BOOST_CHECK_EQUAL(used[2].len, 16u);
    BOOST_CHECK_EQUAL(r.driver.free_descriptors(), 8);
    BOOST_CHECK(r.driver.reap().empty());
  });
}

BOOST_AUTO_TEST_CASE(indirect_table_is_a_flat_array) {
  TransportBench b;
  b.run([](TransportBench& t) {
    PackedPair r(t, 4, {false, true});
    const uint64_t table = *t.allocator.allocate(48, 16);
    write_raw(t, table, 0x20000, 10, 0, 0);
    write_raw(t, table + 16, 0x21000, 20, 0, 0);
    write_raw(t, table + 32, 0x22000, 30, 0, F_WRITE);
    write_raw(t, r.addrs.desc, table, 48, 3, F_INDIRECT | F_AVAIL);
    const auto c = pop_chain(r.device);
    BOOST_CHECK_EQUAL(c.id.value, 3u);
    BOOST_REQUIRE_EQUAL(c.readable.size(), 2u);
    BOOST_REQUIRE_EQUAL(c.writable.size(), 1u);
    BOOST_CHECK_EQUAL(c.readable[1].addr, 0x21000u);
    BOOST_CHECK_EQUAL(c.readable[1].len, 20u);
    BOOST_CHECK_EQUAL(c.writable[0].len, 30u);
    BOOST_CHECK(nothing_available(r.device));  // the table took one ring descriptor
  });
}

BOOST_AUTO_TEST_CASE(event_suppression_with_event_idx) {
  TransportBench b;
  b.run([](TransportBench& t) {
    PackedPair r(t, 16, {true, false});
    const uint64_t buf = *t.allocator.allocate(1024);
    auto add = [&] { BOOST_REQUIRE(r.driver.add({{buf, 8}}, {})); };
    unsigned kicks = 0, interrupts = 0;
    // The device area starts zeroed (ENABLE): the first publish kicks.
    add();
    kicks += r.driver.publish();
    // Popping asks for a kick at the next descriptor (DESC, slot 1 wrap 1); 1->2 passes it, 2->3 not.
    auto c1 = pop_chain(r.device);
    BOOST_CHECK(nothing_available(r.device));
    uint16_t off_wrap = 0, flags = 0;
    t.cpu().read_le16(r.addrs.device, off_wrap);
    t.cpu().read_le16(r.addrs.device + 2, flags);
    BOOST_CHECK_EQUAL(off_wrap, 1u | 1u << 15);
    BOOST_CHECK_EQUAL(flags, RING_EVENT_FLAGS_DESC);
    add();
    kicks += r.driver.publish();
    add();
    kicks += r.driver.publish();
    BOOST_CHECK_EQUAL(kicks, 2u);
    auto c2 = pop_chain(r.device), c3 = pop_chain(r.device);
    // The driver asked (initialize) for an interrupt at slot 0 wrap 1: used 0->1 passes it, 1->2 not.
    BOOST_CHECK(r.device.push(c1.id, 0).ok());
    interrupts += r.device.needs_interrupt();
    BOOST_CHECK(r.device.push(c2.id, 0).ok());
    interrupts += r.device.needs_interrupt();
    BOOST_CHECK_EQUAL(interrupts, 1u);
    BOOST_CHECK_EQUAL(r.driver.reap().size(), 2u);  // asks for slot 2
    BOOST_CHECK(r.device.push(c3.id, 0).ok());
    interrupts += r.device.needs_interrupt();
    BOOST_CHECK_EQUAL(interrupts, 2u);
    BOOST_CHECK(!r.device.needs_interrupt());  // nothing new used
    BOOST_CHECK_EQUAL(r.driver.reap().size(), 1u);
    // Suppressed on both sides: DISABLE.
    r.driver.set_interrupts_wanted(false);
    r.device.set_kicks_wanted(false);
    add();
    BOOST_CHECK(!r.driver.publish());
    auto c4 = pop_chain(r.device);
    BOOST_CHECK(r.device.push(c4.id, 0).ok());
    BOOST_CHECK(!r.device.needs_interrupt());
    t.cpu().read_le16(r.addrs.driver + 2, flags);
    BOOST_CHECK_EQUAL(flags, RING_EVENT_FLAGS_DISABLE);
    // Reaped with interrupts unwanted (no event write), then wanted again: DESC at the next used slot (4, wrap 1).
    BOOST_CHECK_EQUAL(r.driver.reap().size(), 1u);
    t.cpu().read_le16(r.addrs.driver, off_wrap);
    BOOST_CHECK_EQUAL(off_wrap, 3u | 1u << 15);
    r.driver.set_interrupts_wanted(true);
    t.cpu().read_le16(r.addrs.driver, off_wrap);
    BOOST_CHECK_EQUAL(off_wrap, 4u | 1u << 15);
  });
}

BOOST_AUTO_TEST_CASE(event_suppression_without_event_idx) {
  TransportBench b;
  b.run([](TransportBench& t) {
    PackedPair r(t, 8, {});
    const uint64_t buf = *t.allocator.allocate(1024);
    unsigned kicks = 0, interrupts = 0;
    for (int i = 0; i < 3; ++i) {
      BOOST_REQUIRE(r.driver.add({{buf, 8}}, {}));
      kicks += r.driver.publish();  // ENABLE: every publish
      auto c = pop_chain(r.device);
      BOOST_CHECK(r.device.push(c.id, 0).ok());
      interrupts += r.device.needs_interrupt();  // ENABLE: every new used descriptor
    }
    BOOST_CHECK_EQUAL(kicks, 3u);
    BOOST_CHECK_EQUAL(interrupts, 3u);
    r.driver.set_interrupts_wanted(false);
    BOOST_CHECK_EQUAL(r.driver.reap().size(), 3u);
    BOOST_REQUIRE(r.driver.add({{buf, 8}}, {}));
    r.driver.publish();
    auto c = pop_chain(r.device);
    BOOST_CHECK(r.device.push(c.id, 0).ok());
    BOOST_CHECK(!r.device.needs_interrupt());
  });
}

// Driver mistakes the device refuses, one ring rule each.
BOOST_AUTO_TEST_CASE(avail_and_used_both_set_is_refused) {
  TransportBench b;
  b.run([](TransportBench& t) {
    PackedPair r(t, 4, {});
    write_raw(t, r.addrs.desc, 0x20000, 8, 0, F_AVAIL | F_USED);
    BOOST_CHECK_EQUAL(refused_rule(r.device), ring_rule_id::kPackedAvailUsedInverse);
  });
}

BOOST_AUTO_TEST_CASE(list_descriptor_of_the_wrong_lap_is_refused) {
  TransportBench b;
  b.run([](TransportBench& t) {
    PackedPair r(t, 4, {});
    write_raw(t, r.addrs.desc + 16, 0x21000, 8, 0, F_USED | F_WRITE);  // wrap counter 0's form in lap 1
    write_raw(t, r.addrs.desc, 0x20000, 8, 0, F_AVAIL | F_NEXT);
    BOOST_CHECK_EQUAL(refused_rule(r.device), ring_rule_id::kPackedListAvailable);
  });
}

BOOST_AUTO_TEST_CASE(list_longer_than_the_ring_is_refused) {
  TransportBench b;
  b.run([](TransportBench& t) {
    PackedPair r(t, 4, {});
    for (uint16_t s = 3; s > 0; --s) write_raw(t, r.addrs.desc + 16ull * s, 0x20000, 8, 0, F_AVAIL | F_NEXT);
    write_raw(t, r.addrs.desc, 0x20000, 8, 0, F_AVAIL | F_NEXT);  // four of four descriptors, all with NEXT
    BOOST_CHECK_EQUAL(refused_rule(r.device), ring_rule_id::kPackedListLength);
  });
}

BOOST_AUTO_TEST_CASE(buffer_id_reused_while_outstanding_is_refused) {
  TransportBench b;
  b.run([](TransportBench& t) {
    PackedPair r(t, 4, {});
    write_raw(t, r.addrs.desc + 16, 0x21000, 8, 2, F_AVAIL);
    write_raw(t, r.addrs.desc, 0x20000, 8, 2, F_AVAIL);
    BOOST_CHECK_EQUAL(pop_chain(r.device).id.value, 2u);
    BOOST_CHECK_EQUAL(refused_rule(r.device), ring_rule_id::kPackedIdNotOutstanding);
  });
}

BOOST_AUTO_TEST_CASE(next_in_an_indirect_table_is_refused) {
  TransportBench b;
  b.run([](TransportBench& t) {
    PackedPair r(t, 4, {false, true});
    const uint64_t table = *t.allocator.allocate(32, 16);
    write_raw(t, table, 0x20000, 8, 0, F_NEXT);
    write_raw(t, table + 16, 0x21000, 8, 0, F_WRITE);
    write_raw(t, r.addrs.desc, table, 32, 0, F_INDIRECT | F_AVAIL);
    BOOST_CHECK_EQUAL(refused_rule(r.device), ring_rule_id::kPackedIndirectFlags);
  });
}

BOOST_AUTO_TEST_CASE(indirect_in_a_linked_list_is_refused) {
  TransportBench b;
  b.run([](TransportBench& t) {
    PackedPair r(t, 4, {false, true});
    const uint64_t table = *t.allocator.allocate(16, 16);
    write_raw(t, table, 0x20000, 8, 0, 0);
    write_raw(t, r.addrs.desc + 16, table, 16, 0, F_INDIRECT | F_AVAIL);
    write_raw(t, r.addrs.desc, 0x21000, 8, 0, F_AVAIL | F_NEXT);
    BOOST_CHECK_EQUAL(refused_rule(r.device), ring_rule_id::kPackedIndirectAlone);
  });
}

BOOST_AUTO_TEST_CASE(indirect_without_the_feature_is_refused) {
  TransportBench b;
  b.run([](TransportBench& t) {
    PackedPair r(t, 4, {});
    const uint64_t table = *t.allocator.allocate(16, 16);
    write_raw(t, table, 0x20000, 8, 0, 0);
    write_raw(t, r.addrs.desc, table, 16, 0, F_INDIRECT | F_AVAIL);
    BOOST_CHECK_EQUAL(refused_rule(r.device), ring_rule_id::kIndirectNegotiated);
  });
}
