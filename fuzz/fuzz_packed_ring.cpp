// The device view of a packed virtqueue (tlm_virtio/packed_virtqueue.h) over
// a descriptor ring of arbitrary bytes: each input picks the queue size and
// the ring features, fills the ring and an indirect-table area, then runs a
// list of operations: pop, push an outstanding chain back, rewrite one
// descriptor, ask whether to interrupt, switch kicks on or off. Every popped
// chain must lie in guest memory, hold at most 2^32 bytes and carry a buffer
// id no other outstanding chain has; a refused list ends the input (the
// transport would stop the queue). SystemC elaborates once per process, so
// one platform serves every input.
#include <systemc>

#include <cstdlib>
#include <set>

#include "fuzz/fuzz_input.h"
#include "fuzz/systemc_bench.h"
#include "tlm_virtio/echo_device.h"
#include "tlm_virtio/packed_virtqueue.h"
#include "tlm_virtio/simple_platform.h"

using namespace vvsim;
using namespace vvsim::tlm_virtio;

namespace {

enum class Op : uint8_t { Pop, Push, Rewrite, NeedsInterrupt, Kicks };
constexpr uint64_t kRing = 0x10000, kDriverArea = 0x8000, kDeviceArea = 0x8010;
constexpr uint64_t kTables = 0x20000;  // where inputs usually point indirect tables
constexpr unsigned kMaxSize = 32, kTableBytes = 1024, kMaxOps = 256;

void check(bool ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "packed ring invariant broken: %s\n", what);
    abort();
  }
}

struct Bench {
  EchoDevice echo{"echo"};
  SimplePlatform platform{"platform", echo};
  sc_core::sc_event go;
  std::vector<uint8_t> input;

  Bench() {
    platform.cpu.set_program([this](GuestCpu&) {
      for (;;) {
        sc_core::wait(go);
        run_input();
      }
    });
  }

  void run_input() {
    fuzz::FuzzInput in(input.data(), input.size());
    const uint16_t size = uint16_t(1 + in.byte() % kMaxSize);
    const uint8_t bits = in.byte();
    const RingFeatures features{(bits & 1) != 0, (bits & 2) != 0, true};
    const auto ring = in.bytes(16 * size), tables = in.bytes(kTableBytes), events = in.bytes(8);
    std::vector<uint8_t> zeros(16 * kMaxSize + kTableBytes, 0);
    platform.memory.backdoor_write(kRing, zeros.data(), 16 * kMaxSize);
    platform.memory.backdoor_write(kTables, zeros.data(), kTableBytes);
    platform.memory.backdoor_write(kDriverArea, zeros.data(), 32);
    platform.memory.backdoor_write(kRing, ring.data(), ring.size());
    platform.memory.backdoor_write(kTables, tables.data(), tables.size());
    platform.memory.backdoor_write(kDriverArea, events.data(), events.size());
    const uint64_t memory = platform.memory.size();
    PackedVirtqueueDevice device("fuzz", platform.cpu.port, {size, kRing, kDriverArea, kDeviceArea}, features, memory);
    std::set<uint32_t> outstanding;
    for (unsigned op = 0; op < kMaxOps && !in.empty(); ++op) {
      switch (static_cast<Op>(in.byte() % 5)) {
        case Op::Pop: {
          auto popped = device.pop();
          if (!popped) return;  // refused: the queue is dead until a reset
          if (!popped->has_value()) break;
          const DescriptorChain& chain = **popped;
          check(outstanding.insert(chain.id.value).second, "a buffer id popped twice while outstanding");
          check(chain.readable_bytes() + chain.writable_bytes() <= kMaxChainBytes, "chain over 2^32 bytes");
          for (const auto* part : {&chain.readable, &chain.writable})
            for (const auto& s : *part) check(s.len <= memory && s.addr <= memory - s.len, "segment outside memory");
          break;
        }
        case Op::Push: {
          if (outstanding.empty()) break;
          auto it = std::next(outstanding.begin(), in.byte() % outstanding.size());
          check(device.push(ChainId{*it}, in.u32()).ok(), "push of an outstanding chain failed");
          outstanding.erase(it);
          break;
        }
        case Op::Rewrite: {
          const uint16_t slot = uint16_t(in.byte() % size);
          const auto bytes = in.bytes(16);
          platform.memory.backdoor_write(kRing + 16ull * slot, bytes.data(), bytes.size());
          break;
        }
        case Op::NeedsInterrupt: device.needs_interrupt(); break;
        case Op::Kicks: device.set_kicks_wanted(in.byte() & 1); break;
      }
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fuzz::run_input<Bench>(data, size, sc_core::sc_time(10, sc_core::SC_MS));
}
