// What a v6 command round trip costs on the bus, split ring against packed:
// bus transactions and bytes of the guest CPU and of the device DMA per
// GET_PARAM round trip (post, device answer, interrupt, reap), one command at
// a time and 16 in flight, on the default platform with EVENT_IDX. Counts,
// not times: the figures are the same on every host. Timed from outside
// (whole process, paired split/packed) it also gives round trips per second.
//   vvsim-bench-ring-traffic split|packed [ROUND_TRIPS]   (default 1024; a multiple of 16)
#include <systemc>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "models/protocols/v6/v6_binding.h"

using namespace vvsim;
using namespace vvsim::virtio_video;

namespace {

constexpr int kInFlight = 16;

struct Traffic {
  double cpu_transactions = 0, cpu_bytes = 0, device_transactions = 0, device_bytes = 0;
};

// Bus figures of `round_trips` GET_PARAMs, `in_flight` at a time, per round trip.
Traffic measure(V6Platform& p, uint32_t stream, unsigned round_trips, int in_flight) {
  const auto command = to_bytes(GetParamCmd{stream, static_cast<uint32_t>(ParamType::OutputResources)});
  const auto before = p.system.bus.stats();
  for (unsigned done = 0; done < round_trips; done += in_flight) {
    uint64_t tickets[kInFlight];
    for (int i = 0; i < in_flight; ++i) tickets[i] = p.driver.submit(command, kParamRespSize);
    for (int i = 0; i < in_flight; ++i) p.driver.wait(tickets[i]);
  }
  const auto& after = p.system.bus.stats();
  const auto& cpu0 = before[tlm_virtio::SimplePlatform::kCpuInitiator];
  const auto& dev0 = before[tlm_virtio::SimplePlatform::kDeviceInitiator];
  const auto& cpu1 = after[tlm_virtio::SimplePlatform::kCpuInitiator];
  const auto& dev1 = after[tlm_virtio::SimplePlatform::kDeviceInitiator];
  const double n = round_trips;
  return {(cpu1.transactions - cpu0.transactions) / n, (cpu1.bytes - cpu0.bytes) / n,
          (dev1.transactions - dev0.transactions) / n, (dev1.bytes - dev0.bytes) / n};
}

void report(const char* ring, V6Platform& p, unsigned round_trips) {
  if (auto up = p.driver.initialize(1ull << 0 | 1ull << 1); !up) {
    std::fprintf(stderr, "device initialisation failed: %s\n", up.error().message.c_str());
    std::exit(1);
  }
  std::vector<uint8_t> create;
  encode_cmd_header(create, CmdType::StreamCreate);
  const auto resp = decode_stream_create_resp(ByteSpan(p.driver.call(create, kStreamCreateRespSize)));
  const uint32_t stream = resp ? resp->stream_id : 0;
  for (int in_flight : {1, kInFlight}) {
    const Traffic t = measure(p, stream, round_trips, in_flight);
    std::printf("| %s | %d | %.2f | %.1f | %.2f | %.1f | %.2f | %.1f |\n", ring, in_flight, t.cpu_transactions,
                t.cpu_bytes, t.device_transactions, t.device_bytes, t.cpu_transactions + t.device_transactions,
                t.cpu_bytes + t.device_bytes);
  }
}

}  // namespace

int sc_main(int argc, char** argv) {
  const std::string ring = argc > 1 ? argv[1] : "";
  const unsigned round_trips = argc > 2 ? unsigned(std::strtoul(argv[2], nullptr, 10)) : 1024;
  if ((ring != "split" && ring != "packed") || round_trips == 0 || round_trips % kInFlight != 0) {
    std::fprintf(stderr, "usage: vvsim-bench-ring-traffic split|packed [ROUND_TRIPS, a multiple of %d]\n", kInFlight);
    return 1;
  }
  V6Platform platform("platform", models::PlatformProfile{}, VideoDeviceProfile{}, {},
                      ring == "packed" ? tlm_virtio::RingLayout::Packed : tlm_virtio::RingLayout::Split);
  std::printf("| ring | in flight | CPU transactions | CPU bytes | device transactions | device bytes | "
              "transactions | bytes |\n|---|---|---|---|---|---|---|---|\n");
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) { report(ring.c_str(), platform, round_trips); });
  sc_core::sc_start();
  return 0;
}

int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
