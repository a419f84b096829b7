// Host cost of a v6 command round trip on the whole platform: the guest
// driver builds a command in guest memory and posts it, the device's command
// thread takes it from the commandq, decodes it, answers it (bus DMA, used
// ring, interrupt), and the driver's interrupt thread reaps the answer.
//   BM_V6CommandRoundTrip:   one GET_PARAM at a time (submit, wait, reap)
//   BM_V6CommandsPipelined:  16 GET_PARAMs in flight, then all reaped
// Runs inside the guest CPU's SystemC thread; the timing model is the default
// profile's (the simulated costs do not change the host cost much).
#include <benchmark/benchmark.h>
#include <systemc>

#include <cstdlib>

#include "models/protocols/v6/v6_binding.h"

using namespace vvsim;
using namespace vvsim::virtio_video;

namespace {

virtio_video::V6Platform* g_platform = nullptr;
uint32_t g_stream = 0;

std::vector<uint8_t> get_param_command() {
  return to_bytes(GetParamCmd{g_stream, static_cast<uint32_t>(ParamType::OutputResources)});
}

void BM_V6CommandRoundTrip(benchmark::State& state) {
  auto& driver = g_platform->driver;
  const auto command = get_param_command();
  for (auto _ : state) benchmark::DoNotOptimize(driver.call(command, kParamRespSize));
  state.SetItemsProcessed(state.iterations());
}

void BM_V6CommandsPipelined(benchmark::State& state) {
  auto& driver = g_platform->driver;
  const auto command = get_param_command();
  constexpr int kInFlight = 16;
  for (auto _ : state) {
    uint64_t tickets[kInFlight];
    for (auto& t : tickets) t = driver.submit(command, kParamRespSize);
    for (auto t : tickets) benchmark::DoNotOptimize(driver.wait(t));
  }
  state.SetItemsProcessed(state.iterations() * kInFlight);
}

BENCHMARK(BM_V6CommandRoundTrip);
BENCHMARK(BM_V6CommandsPipelined);

void run_benchmarks() {
  if (auto up = g_platform->driver.initialize(1ull << 0 | 1ull << 1); !up) {
    std::fprintf(stderr, "device initialisation failed: %s\n", up.error().message.c_str());
    return;
  }
  std::vector<uint8_t> create;
  encode_cmd_header(create, CmdType::StreamCreate);
  const auto resp = decode_stream_create_resp(ByteSpan(g_platform->driver.call(create, kStreamCreateRespSize)));
  g_stream = resp ? resp->stream_id : 0;
  benchmark::RunSpecifiedBenchmarks();
}

}  // namespace

int sc_main(int argc, char** argv) {
  virtio_video::V6Platform platform("platform", models::PlatformProfile{}, VideoDeviceProfile{});
  g_platform = &platform;
  benchmark::Initialize(&argc, argv);
  platform.system.cpu.set_program([](tlm_virtio::GuestCpu&) { run_benchmarks(); });
  sc_core::sc_start();
  return 0;
}

int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
