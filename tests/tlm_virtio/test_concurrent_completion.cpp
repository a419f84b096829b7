// Device threads that complete chains of one queue at the same time: every
// used-ring entry must name the right chain (a used-ring update spans bus
// waits, so unserialised pushes would overwrite each other's slot).
#define BOOST_TEST_MODULE concurrent_completion
#include <boost/test/unit_test.hpp>

#include <set>

#include "transport_bench.h"

using namespace vvsim::tlm_virtio;
using vvsim::tlm_virtio::testing::TransportBench;
using vvsim::tlm_virtio::testing::take_queue;

BOOST_AUTO_TEST_CASE(concurrent_pushes_keep_every_used_entry) {
  TransportBench b;
  std::set<uint16_t> heads_added, heads_reaped;
  b.run([&](TransportBench& t) {
    auto d = t.driver();
    BOOST_REQUIRE(d.negotiate(0).ok());
    auto q = take_queue(d.setup_queue(0, 16, t.allocator));
    BOOST_REQUIRE(q);
    // No DRIVER_OK and no kick: the echo device stays idle; this test plays the device.
    const uint64_t buf = *t.allocator.allocate(4096);
    for (int i = 0; i < 8; ++i) heads_added.insert(q->add({{buf, 8}}, {{buf + 1024, 8}})->value);
    q->publish();
    std::vector<DescriptorChain> chains;
    for (int i = 0; i < 8; ++i) {
      auto popped = t.platform.mmio.pop(0);
      BOOST_REQUIRE(popped && popped->has_value());
      chains.push_back(**popped);
    }
    sc_core::sc_event done_a, done_b;
    sc_core::sc_spawn([&] {
      for (int i = 0; i < 8; i += 2) t.platform.mmio.push(0, chains[i], 8);
      done_a.notify();
    });
    sc_core::sc_spawn([&] {
      for (int i = 1; i < 8; i += 2) t.platform.mmio.push(0, chains[i], 8);
      done_b.notify();
    });
    sc_core::wait(done_a & done_b);
    for (const auto& u : q->reap()) heads_reaped.insert(u.id.value);
  });
  BOOST_CHECK(heads_reaped == heads_added);
  BOOST_CHECK_EQUAL(heads_reaped.size(), 8u);
}
