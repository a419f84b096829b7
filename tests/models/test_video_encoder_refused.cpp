// An encoder the codec library refuses: the v6 encoder device names the
// library's reason in its diagnostic (the factory's error), not a generic
// refusal, and the stream fails cleanly.
#define BOOST_TEST_MODULE video_encoder_refused
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "models/protocols/v6/encode_session.h"
#include "models/protocols/v6/v6_binding.h"

using namespace vvsim;
using namespace vvsim::virtio_video;

BOOST_AUTO_TEST_CASE(the_device_reports_the_librarys_reason) {
  VideoDeviceProfile device;
  device.role = DeviceRole::Encoder;
  virtio_video::V6Platform platform("platform", models::PlatformProfile{}, device);
  const std::string reason = "vpx_codec_enc_init: Invalid parameter: g_w out of range [1..16383]";
  uint32_t built = 0;
  platform.device.use_encoders([&](const codec::EncoderConfig&) -> vvsim::Result<std::unique_ptr<codec::Encoder>> {
    ++built;
    return Error{reason};
  });
  EncodeSessionConfig config;
  config.codec = codec::CodecId::VP8;
  config.width = 64;
  config.height = 48;
  config.frames = 2;
  EncodeReport report;
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) {
    BOOST_REQUIRE(platform.driver.initialize(1ull << kFeatureResourceGuestPages | 1ull << kFeatureResourceNonContig).ok());
    report = EncodeSession(platform.driver, config).run();
  });
  sc_core::sc_start();
  BOOST_TEST(built >= 1u);
  BOOST_TEST(report.units.empty());
  const auto& d = platform.device.diagnostics();
  const bool named = std::any_of(d.begin(), d.end(), [&](const std::string& line) {
    return line.find("no encoder for this stream's settings: " + reason) != std::string::npos;
  });
  BOOST_TEST(named, "diagnostics: " << (d.empty() ? std::string("none") : d.front()));
}
