// Host cost of the virtqueue paths, in a running simulation (every ring access
// is a bus transaction with its wait). Google Benchmark runs inside the guest
// CPU's SystemC thread.
//   BM_RingRoundTrip: driver add + publish, device pop + push, driver reap,
//                     both views on one port, no device thread, no interrupt.
//   BM_EchoRoundTrip: the same through the virtio-mmio controller: kick,
//                     the echo device's thread, the interrupt, the driver's reap.
#include <benchmark/benchmark.h>
#include <systemc>

#include <cstdlib>

#include "tlm_virtio/echo_device.h"
#include "tlm_virtio/simple_platform.h"
#include "tlm_virtio/split_virtqueue.h"
#include "tlm_virtio/virtio_mmio_driver.h"

using namespace vvsim::tlm_virtio;

namespace {

SimplePlatform* g_platform = nullptr;
EchoDevice* g_echo = nullptr;

void BM_RingRoundTrip(benchmark::State& state) {
  MemoryPort& port = g_platform->cpu.port;
  GuestAllocator memory(0x100000, 16 << 20);
  const uint16_t size = 256;
  const VirtqueueAddresses addrs{size, *memory.allocate(desc_table_bytes(size), 16),
                                 *memory.allocate(avail_ring_bytes(size), 2), *memory.allocate(used_ring_bytes(size), 4)};
  SplitVirtqueueDriver driver("bench driver", port, addrs, {true, false});
  SplitVirtqueueDevice device("bench device", port, addrs, {true, false}, g_platform->memory.size());
  (void)driver.initialize();
  const uint64_t buf = *memory.allocate(4096);
  for (auto _ : state) {
    driver.add({{buf, 64}}, {{buf + 1024, 64}});
    driver.publish();
    auto popped = device.pop();
    (void)device.push((*popped)->id, 64);
    device.needs_interrupt();
    benchmark::DoNotOptimize(driver.reap());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_EchoRoundTrip(benchmark::State& state) {
  VirtioMmioDriver mmio(g_platform->cpu.port, g_platform->profile().mmio_base, g_platform->irq);
  GuestAllocator memory(0x2000000, 16 << 20);
  if (auto negotiated = mmio.negotiate(VIRTIO_F_EVENT_IDX); !negotiated) {
    state.SkipWithError(negotiated.error().message.c_str());
    return;
  }
  auto made = mmio.setup_queue(0, 256, memory);
  if (!made) {
    state.SkipWithError(made.error().message.c_str());
    return;
  }
  VirtqueueDriver& queue = **made;
  mmio.driver_ok();
  const uint64_t buf = *memory.allocate(4096);
  for (auto _ : state) {
    queue.add({{buf, 64}}, {{buf + 1024, 64}});
    if (queue.publish()) mmio.kick(0);
    std::vector<UsedBuffer> used;
    while (used.empty()) {
      mmio.wait_interrupt();
      used = queue.reap();
    }
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_RingRoundTrip);
BENCHMARK(BM_EchoRoundTrip);

}  // namespace

int sc_main(int argc, char** argv) {
  EchoDeviceProfile echo_profile;
  echo_profile.ns_per_byte = 0;  // measure the transport, not the echo's modelled work
  EchoDevice echo("echo", echo_profile);
  SimplePlatform platform("platform", echo);
  g_platform = &platform;
  g_echo = &echo;
  benchmark::Initialize(&argc, argv);
  platform.cpu.set_program([](GuestCpu&) { benchmark::RunSpecifiedBenchmarks(); });
  sc_core::sc_start();
  return 0;
}

int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
