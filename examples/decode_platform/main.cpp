// A platform of our own: a router, a RAM, vvsim's video device component on
// the router at kDeviceBase with its DMA into the RAM, and vvsim's driver
// component standing in for the guest. The driver decodes one stream; the
// frames are read out of the RAM and written as raw I420, the format of
// `vpxdec --i420` and `ffmpeg -f rawvideo -pix_fmt yuv420p`.
//   decode_platform INPUT.ivf|INPUT.h264 FRAMES.yuv [DEVICE_PROFILE.yaml]
#include <systemc>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "codec/bitstream_reader.h"
#include "models/component/video_device_component.h"
#include "models/component/video_driver_component.h"
#include "models/protocols/v6/decode_session.h"
#include "ram.h"
#include "router.h"
#include "vvsim_version.h"

namespace {

constexpr uint64_t kRamBytes = 256ull << 20;
constexpr uint64_t kDeviceBase = 0x4000'0000;  // the register window on our bus
constexpr uint64_t kApertureBase = 0x5000'0000, kApertureBytes = 0x10000;
const sc_core::sc_time kRouterLatency(5, sc_core::SC_NS), kRamLatency(40, sc_core::SC_NS);
// virtio-video v6 feature bits: RESOURCE_GUEST_PAGES | RESOURCE_NON_CONTIG.
constexpr uint64_t kDriverFeatures = 1ull << 0 | 1ull << 1;

}  // namespace

struct Platform : sc_core::sc_module {
  Router router;
  Ram ram;
  vvsim::models::VideoDeviceComponent video;
  vvsim::models::VideoDriverComponent guest;
  sc_core::sc_signal<bool> video_irq, video_reset;

  Platform(sc_core::sc_module_name name, const vvsim::models::DeviceComponentProfile& device,
           const vvsim::models::DriverComponentProfile& driver)
      : sc_module(name),
        router("router", kRouterLatency),
        ram("ram", kRamBytes, kRamLatency),
        video("video", device),
        guest("guest", driver) {
    guest.bus.bind(router.from_initiators);
    video.dma.bind(router.from_initiators);
    router.to_targets.bind(ram.socket);
    router.to_targets.bind(video.mmio);
    router.to_targets.bind(video.shm);
    router.map(0, kRamBytes, 0);
    router.map(kDeviceBase, 0x200, 1);
    router.map(kApertureBase, kApertureBytes, 2);
    video.irq(video_irq);
    guest.irq(video_irq);
    video.reset(video_reset);
  }
};

int sc_main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: decode_platform INPUT FRAMES.yuv [DEVICE_PROFILE.yaml]\n";
    return 1;
  }
  const auto stream = vvsim::codec::read_bitstream_file(argv[1]);
  if (!stream.status) {
    std::cerr << "decode_platform: " << argv[1] << ": " << stream.status.error().message << "\n";
    return 1;
  }
  vvsim::models::DeviceComponentProfile device;
  if (argc > 3) device = vvsim::models::load_device_component_profile(argv[3]);
  device.dma_window_bytes = kRamBytes;
  vvsim::models::DriverComponentProfile driver;
  driver.mmio_base = kDeviceBase;
  driver.memory_bytes = kRamBytes - driver.memory_base;
  Platform platform("platform", device, driver);

  std::ofstream frames(argv[2], std::ios::binary);
  vvsim::virtio_video::DecodeReport report;
  std::string init_error;
  platform.guest.set_program([&](vvsim::virtio_video::VideoDriver& d) {
    if (auto up = d.initialize(kDriverFeatures); !up) return void(init_error = up.error().message);
    vvsim::virtio_video::DecodeSessionConfig config;
    config.codec = stream.codec;
    config.units = std::make_shared<vvsim::codec::UnitsInMemory>(stream.units);
    config.frame_sink = [&](const vvsim::virtio_video::DecodedFrame& f) {
      f.pixels([&](const uint8_t* data, size_t n) { frames.write(reinterpret_cast<const char*>(data), n); });
    };
    report = vvsim::virtio_video::DecodeSession(d, config).run();
  });
  sc_core::sc_start();

  if (!init_error.empty()) {
    std::cerr << "decode_platform: driver initialisation failed: " << init_error << "\n";
    return 1;
  }
  for (const auto& problem : report.problems) std::cerr << "decode_platform: " << problem << "\n";
  std::cout << "vvsim " << vvsim::kVersion << ": " << report.frames.size() << " frames from " << stream.units.size()
            << " units in " << sc_core::sc_time_stamp().to_seconds() * 1e3 << " ms simulated, "
            << report.drc_events << " resolution changes\n";
  return report.problems.empty() && frames ? 0 : 1;
}
