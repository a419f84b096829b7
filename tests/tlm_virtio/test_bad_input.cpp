// A buggy or malicious driver writes broken rings; the device must notice,
// set DEVICE_NEEDS_RESET with a config interrupt (virtio 1.2 §2.1.1), log a
// diagnostic naming queue and descriptor, and never touch memory it was not
// given. Each case builds its chain by hand and kicks the echo device. The
// controller's observer must hear the ring rule broken, on the driver side.
#define BOOST_TEST_MODULE bad_input
#include <boost/test/unit_test.hpp>

#include "transport_bench.h"

using namespace vvsim::tlm_virtio;
using vvsim::tlm_virtio::testing::TransportBench;
using vvsim::tlm_virtio::testing::take_queue;

namespace {

constexpr uint16_t N = VIRTQ_DESC_F_NEXT, W = VIRTQ_DESC_F_WRITE, I = VIRTQ_DESC_F_INDIRECT;

struct Setup {
  VirtioMmioDriver driver;
  std::unique_ptr<VirtqueueDriver> queue;
  VirtqueueAddresses q;
  uint64_t buf = 0;
};

Setup bring_up(TransportBench& t, uint64_t features, uint16_t size = 8) {
  Setup s{t.driver(), nullptr, {}, 0};
  BOOST_REQUIRE(s.driver.negotiate(features).ok());
  s.queue = take_queue(s.driver.setup_queue(0, size, t.allocator));
  BOOST_REQUIRE(s.queue);
  s.q = s.queue->addresses();
  s.driver.driver_ok();
  s.buf = *t.allocator.allocate(4096, 4096);
  return s;
}

// Kicks, lets the device run, and checks it refused the ring and named `rule`.
void expect_ring_refused(TransportBench& t, Setup& s, const std::string& fragment, const std::string& rule) {
  s.driver.kick(0);
  sc_core::wait(10, sc_core::SC_US);
  BOOST_CHECK(s.driver.status() & STATUS_DEVICE_NEEDS_RESET);
  BOOST_CHECK_EQUAL(s.driver.acknowledge_interrupt(), mmio::INTERRUPT_CONFIG_CHANGE);
  BOOST_CHECK_EQUAL(t.echo.chains_echoed(), 0u);
  BOOST_CHECK_MESSAGE(t.platform.mmio.diagnostics().contains(fragment),
                      "no diagnostic containing '" << fragment << "'");
  uint16_t used_idx = 1;
  t.cpu().read_le16(s.q.device + 2, used_idx);
  BOOST_CHECK_EQUAL(used_idx, 0);
  BOOST_REQUIRE_EQUAL(t.observer.ring.size(), 1u);
  const RingViolation& v = t.observer.ring.front();
  BOOST_CHECK_EQUAL(v.rule->id, rule);
  BOOST_CHECK(v.rule->side == Side::Driver);
  BOOST_CHECK_EQUAL(v.queue, 0u);
  BOOST_CHECK_NE(v.detail.find(fragment), std::string::npos);
}

}  // namespace

BOOST_AUTO_TEST_CASE(descriptor_loop) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, 0);
    t.write_desc(s.q.desc, 0, s.buf, 16, N, 1);
    t.write_desc(s.q.desc, 1, s.buf + 16, 16, N, 0);  // back to 0
    t.publish_raw(s.q, 0, 0);
    expect_ring_refused(t, s, "queue 0 descriptor", ring_rule_id::kNoLoop);
    BOOST_CHECK(t.platform.mmio.diagnostics().contains("descriptor loop"));
  });
}

BOOST_AUTO_TEST_CASE(next_index_past_queue_size) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, 0);
    t.write_desc(s.q.desc, 0, s.buf, 16, N, 9);
    t.publish_raw(s.q, 0, 0);
    expect_ring_refused(t, s, "next index 9 past the queue size 8", ring_rule_id::kNextInRange);
  });
}

BOOST_AUTO_TEST_CASE(head_index_past_queue_size) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, 0);
    t.publish_raw(s.q, 0, 12);
    expect_ring_refused(t, s, "names head 12 past the queue size 8", ring_rule_id::kHeadInRange);
  });
}

BOOST_AUTO_TEST_CASE(available_index_too_far_ahead) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, 0);
    t.cpu().write_le16(s.q.driver + 2, 9);  // 9 new entries in an 8-entry queue
    expect_ring_refused(t, s, "available index 9 is 9 entries ahead", ring_rule_id::kAvailIdxAdvance);
  });
}

BOOST_AUTO_TEST_CASE(buffer_outside_guest_memory) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, 0);
    const uint64_t end = t.platform.memory.size();
    t.write_desc(s.q.desc, 0, end - 8, 16, 0, 0);  // crosses the end
    t.publish_raw(s.q, 0, 0);
    expect_ring_refused(t, s, "lies outside guest memory", ring_rule_id::kBufferInMemory);
  });
}

BOOST_AUTO_TEST_CASE(buffer_address_overflows_64_bits) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, 0);
    t.write_desc(s.q.desc, 0, 0xFFFFFFFFFFFFFFF0ull, 0x100, 0, 0);
    t.publish_raw(s.q, 0, 0);
    expect_ring_refused(t, s, "lies outside guest memory", ring_rule_id::kBufferInMemory);
  });
}

BOOST_AUTO_TEST_CASE(readable_after_writable) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, 0);
    t.write_desc(s.q.desc, 0, s.buf, 16, W | N, 1);
    t.write_desc(s.q.desc, 1, s.buf + 16, 16, 0, 0);
    t.publish_raw(s.q, 0, 0);
    expect_ring_refused(t, s, "device-readable descriptor after a writable one", ring_rule_id::kWritableLast);
  });
}

BOOST_AUTO_TEST_CASE(indirect_without_negotiation) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, 0);
    t.write_desc(s.q.desc, 0, s.buf, 32, I, 0);
    t.publish_raw(s.q, 0, 0);
    expect_ring_refused(t, s, "VIRTIO_F_INDIRECT_DESC not negotiated", ring_rule_id::kIndirectNegotiated);
  });
}

BOOST_AUTO_TEST_CASE(indirect_table_length_not_multiple_of_16) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, VIRTIO_F_INDIRECT_DESC);
    t.write_desc(s.q.desc, 0, s.buf, 24, I, 0);
    t.publish_raw(s.q, 0, 0);
    expect_ring_refused(t, s, "length 24 is not a non-zero multiple of 16", ring_rule_id::kIndirectTableSize);
  });
}

BOOST_AUTO_TEST_CASE(nested_indirect) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, VIRTIO_F_INDIRECT_DESC);
    t.write_desc(s.buf, 0, s.buf + 1024, 32, I, 0);  // the table's entry is indirect again
    t.write_desc(s.q.desc, 0, s.buf, 16, I, 0);
    t.publish_raw(s.q, 0, 0);
    expect_ring_refused(t, s, "nested indirect descriptor", ring_rule_id::kIndirectNotNested);
  });
}

BOOST_AUTO_TEST_CASE(chain_longer_than_4_gib) {
  // An indirect table of 65 descriptors of 64 MiB (all over the same guest memory): 2^32 + 64 MiB.
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, VIRTIO_F_INDIRECT_DESC);
    constexpr uint16_t kEntries = 65;
    constexpr uint32_t kBytes = 64u << 20;
    for (uint16_t i = 0; i < kEntries; ++i) t.write_desc(s.buf, i, 0, kBytes, i + 1 < kEntries ? N : 0, uint16_t(i + 1));
    t.write_desc(s.q.desc, 0, s.buf, 16 * kEntries, I, 0);
    t.publish_raw(s.q, 0, 0);
    expect_ring_refused(t, s, "more than 2^32", ring_rule_id::kChainBytes);
  });
}

BOOST_AUTO_TEST_CASE(indirect_with_next) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, VIRTIO_F_INDIRECT_DESC);
    t.write_desc(s.buf, 0, s.buf + 1024, 16, 0, 0);
    t.write_desc(s.q.desc, 0, s.buf, 16, I | N, 1);
    t.write_desc(s.q.desc, 1, s.buf + 2048, 16, W, 0);
    t.publish_raw(s.q, 0, 0);
    expect_ring_refused(t, s, "both INDIRECT and NEXT", ring_rule_id::kIndirectWithoutNext);
  });
}

BOOST_AUTO_TEST_CASE(indirect_chain_is_walked_when_negotiated) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, VIRTIO_F_INDIRECT_DESC);
    const std::vector<uint8_t> msg = {1, 2, 3, 4, 5, 6, 7, 8};
    t.write_bytes(s.buf + 512, msg);
    t.write_desc(s.buf, 0, s.buf + 512, 8, N, 1);
    t.write_desc(s.buf, 1, s.buf + 1024, 8, W, 0);
    t.write_desc(s.q.desc, 0, s.buf, 32, I, 0);
    t.publish_raw(s.q, 0, 0);
    s.driver.kick(0);
    s.driver.wait_interrupt();
    BOOST_CHECK_EQUAL(t.echo.chains_echoed(), 1u);
    BOOST_CHECK(t.read_bytes(s.buf + 1024, 8) == msg);
    BOOST_CHECK_EQUAL(s.driver.status() & STATUS_DEVICE_NEEDS_RESET, 0u);
    BOOST_CHECK(t.observer.ring.empty());
  });
}

BOOST_AUTO_TEST_CASE(chain_too_short_for_the_response) {
  // The transport hands the chain to the device, which decides: the echo
  // device writes what fits (here nothing) and reports 0 bytes written.
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, 0);
    s.queue->add({{s.buf, 64}}, {});
    s.queue->publish();
    s.driver.kick(0);
    s.driver.wait_interrupt();
    const auto used = s.queue->reap();
    BOOST_REQUIRE_EQUAL(used.size(), 1u);
    BOOST_CHECK_EQUAL(used[0].len, 0u);
    BOOST_CHECK_EQUAL(s.driver.status() & STATUS_DEVICE_NEEDS_RESET, 0u);
  });
}

BOOST_AUTO_TEST_CASE(guest_memory_refuses_out_of_range_access) {
  TransportBench b;
  b.run([](TransportBench& t) {
    const uint64_t end = t.platform.memory.size();
    uint8_t bytes[16] = {};
    BOOST_CHECK(t.cpu().read(end - 8, bytes, 16) == AccessStatus::AddressError);
    BOOST_CHECK(t.cpu().write(end - 8, bytes, 16) == AccessStatus::AddressError);
    BOOST_CHECK(t.cpu().read(end - 16, bytes, 16) == AccessStatus::Ok);
    BOOST_CHECK(t.cpu().read(0x80000000ull, bytes, 4) == AccessStatus::AddressError);  // unmapped hole
  });
}

// ---- the device side of the used ring: checked and named, never refused ----

BOOST_AUTO_TEST_CASE(features_ok_is_observed) {
  TransportBench b;
  b.run([](TransportBench& t) {
    bring_up(t, VIRTIO_F_EVENT_IDX);
    BOOST_CHECK_EQUAL(t.observer.offered, t.platform.mmio.offered_features());
    BOOST_CHECK_EQUAL(t.observer.accepted, VIRTIO_F_EVENT_IDX | VIRTIO_F_VERSION_1);
  });
}

BOOST_AUTO_TEST_CASE(used_element_for_a_chain_not_taken) {
  TransportBench b;
  b.run([](TransportBench& t) {
    bring_up(t, 0);
    DescriptorChain never_popped;
    never_popped.id = ChainId{3};
    never_popped.epoch = t.platform.mmio.epoch();
    t.platform.mmio.push(0, never_popped, 0);
    BOOST_REQUIRE_EQUAL(t.observer.ring.size(), 1u);
    BOOST_CHECK_EQUAL(t.observer.ring[0].rule->id, std::string(ring_rule_id::kUsedIdOutstanding));
    BOOST_CHECK(t.observer.ring[0].rule->side == Side::Device);
  });
}

BOOST_AUTO_TEST_CASE(used_len_past_the_writable_descriptors) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto s = bring_up(t, 0);
    s.queue->add({{s.buf, 16}}, {{s.buf + 64, 32}});
    s.queue->publish();  // not kicked: the test takes the chain itself, as a device would
    const auto popped = t.platform.mmio.pop(0);
    BOOST_REQUIRE(popped && popped->has_value());
    t.platform.mmio.push(0, **popped, 33);
    BOOST_REQUIRE_EQUAL(t.observer.ring.size(), 1u);
    BOOST_CHECK_EQUAL(t.observer.ring[0].rule->id, std::string(ring_rule_id::kUsedLenBounded));
    BOOST_CHECK_NE(t.observer.ring[0].detail.find("used len 33"), std::string::npos);
    t.platform.mmio.push(0, **popped, 32);  // the same chain again: no longer outstanding
    BOOST_REQUIRE_EQUAL(t.observer.ring.size(), 2u);
    BOOST_CHECK_EQUAL(t.observer.ring[1].rule->id, std::string(ring_rule_id::kUsedIdOutstanding));
  });
}
