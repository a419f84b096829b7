// The v6 device on the whole simulated platform (real virtio-mmio rings, bus,
// guest memory), fed arbitrary commands: each input is a list of operations
// run by the guest CPU: post a command of arbitrary bytes with a response
// buffer of arbitrary size, scribble on guest memory (where backings and the
// driver's structures live), or reset the device. The device must answer or
// refuse, never crash or touch memory outside guest memory. SystemC
// elaborates once per process, so one platform serves every input; each
// input gets a bounded slice of simulated time.
#include <systemc>

#include "fuzz/fuzz_input.h"
#include "fuzz/systemc_bench.h"
#include "models/protocols/v6/v6_binding.h"

using namespace vvsim;

namespace {

enum class Op : uint8_t { Command, WriteMemory, Reset };
constexpr uint64_t kScribbleWindow = 1u << 20;  // bytes of driver memory the fuzzer may write
const sc_core::sc_time kAnswerLimit(2, sc_core::SC_MS);
const sc_core::sc_time kInputSlice(50, sc_core::SC_MS);

struct Bench {
  virtio_video::V6Platform platform{"platform", models::PlatformProfile{}, virtio_video::VideoDeviceProfile{}};
  sc_core::sc_event go;
  std::vector<uint8_t> input;
  bool ready = false;

  Bench() {
    platform.system.cpu.set_program([this](tlm_virtio::GuestCpu&) { serve(); });
  }
  void reinitialise() {
    platform.driver.reset_device();
    ready = platform.driver.reinitialize().ok();
  }
  void serve() {
    ready = platform.driver.initialize(1ull << 0 | 1ull << 1).ok();
    for (;;) {
      sc_core::wait(go);
      run_input();
    }
  }
  void run_input() {
    fuzz::FuzzInput in(input.data(), input.size());
    while (!in.empty()) {
      // A commandq full of commands the device holds (queued resources) blocks
      // further submissions: start over from a reset device.
      if (!ready || platform.driver.commandq_free() < 2) reinitialise();
      if (!ready) return;
      switch (static_cast<Op>(in.byte() % 3)) {
        case Op::Command: {
          const uint32_t capacity = in.u16() % 1024;
          const auto command = in.bytes(512);
          platform.driver.wait(platform.driver.submit(command, capacity), kAnswerLimit);
          break;
        }
        case Op::WriteMemory: {
          const uint64_t at = models::VideoPlatform::kDriverMemoryBase + in.u32() % kScribbleWindow;
          const auto bytes = in.bytes(256);
          platform.system.memory.backdoor_write(at, bytes.data(), bytes.size());
          break;
        }
        case Op::Reset: reinitialise(); break;
      }
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return fuzz::run_input<Bench>(data, size, kInputSlice);
}
