// vvsim-echo-demo [MESSAGES]: a guest sends MESSAGES (default 64) messages
// to the echo device over a split virtqueue and checks every echo; prints the
// counts and simulated times. A transport smoke test and a worked example.
#include <systemc>

#include <cstdlib>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "tlm_virtio/echo_device.h"
#include "tlm_virtio/guest_allocation.h"
#include "tlm_virtio/simple_platform.h"
#include "tlm_virtio/virtio_mmio_driver.h"

using namespace vvsim::tlm_virtio;

namespace {

struct DemoResult {
  unsigned sent = 0, echoed_ok = 0;
  std::string error;
};

void run_guest(SimplePlatform& p, unsigned messages, DemoResult& result) {
  VirtioMmioDriver driver(p.cpu.port, p.profile().mmio_base, p.irq);
  GuestAllocator memory(0x10000, 64 << 20);
  if (auto negotiated = driver.negotiate(VIRTIO_F_EVENT_IDX); !negotiated) {
    result.error = negotiated.error().message;
    return;
  }
  auto made = driver.setup_queue(0, 64, memory);
  if (!made) {
    result.error = made.error().message;
    return;
  }
  VirtqueueDriver& queue = **made;
  driver.driver_ok();
  for (unsigned i = 0; i < messages; ++i) {
    const uint32_t len = 64 + 61 * (i % 17);
    std::vector<uint8_t> msg(len);
    for (uint32_t k = 0; k < len; ++k) msg[k] = uint8_t(i * 7 + k);
    const uint64_t in = allocate_or_stop(memory, len, 16, "echo demo: message"),
                   out = allocate_or_stop(memory, len, 16, "echo demo: echo");
    p.cpu.port.write(in, msg.data(), len);
    queue.add({{in, len}}, {{out, len}});
    if (queue.publish()) driver.kick(0);
    ++result.sent;
    std::vector<UsedBuffer> used;
    while (used.empty()) {
      driver.wait_interrupt();
      used = queue.reap();
    }
    std::vector<uint8_t> echo(len);
    p.cpu.port.read(out, echo.data(), len);
    if (used.front().len == len && echo == msg) ++result.echoed_ok;
    memory.release(in);
    memory.release(out);
  }
}

}  // namespace

// Our own main: SystemC's banner would otherwise precede every run's output.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char** argv) {
  unsigned messages = 64;
  if (argc > 1) {
    char* end = nullptr;
    const unsigned long n = std::strtoul(argv[1], &end, 10);
    if (*end != '\0' || n == 0 || n > 1'000'000) {
      fmt::print(stderr, "vvsim-echo-demo: MESSAGES must be a number in [1, 1000000], got '{}'\n", argv[1]);
      return 2;
    }
    messages = static_cast<unsigned>(n);
  }
  EchoDevice echo("echo");
  SimplePlatform platform("platform", echo);
  DemoResult result;
  platform.cpu.set_program([&](GuestCpu&) { run_guest(platform, messages, result); });
  sc_core::sc_start();
  const auto& bus = platform.bus.stats();
  fmt::print("echo demo: {} sent, {} echoed correctly, simulated time {} ns\n", result.sent, result.echoed_ok,
             sc_core::sc_time_stamp().to_seconds() * 1e9);
  fmt::print("  kicks {}, interrupts {}, bus bytes cpu {} device {}\n", platform.mmio.kicks(),
             platform.irq.interrupts_delivered(), bus.at(0).bytes, bus.at(1).bytes);
  if (!result.error.empty()) {
    fmt::print(stderr, "echo demo failed: {}\n", result.error);
    return 1;
  }
  return result.echoed_ok == messages ? 0 : 1;
}
