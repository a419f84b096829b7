// The v6 encoder device (ID 30) through real virtqueues: frames written into
// guest memory by the guest, bitstream units back with key/P flags. The units
// are written to IVF and decoded by Debian's vpxdec, an independent decoder.
#define BOOST_TEST_MODULE video_platform_encode
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>

#include "codec/ivf_writer.h"
#include "codec/synthetic.h"
#include "codec/unit_header.h"
#include "models/protocols/v6/v6_binding.h"
#include "models/protocols/v6/encode_session.h"
#include "tests/codec/decode_support.h"

using namespace vvsim;
using namespace vvsim::virtio_video;

namespace {

constexpr uint64_t kFeatures = 1ull << kFeatureResourceGuestPages | 1ull << kFeatureResourceNonContig;

double psnr(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  double se = 0;
  for (size_t i = 0; i < a.size(); ++i) se += double(int(a[i]) - int(b[i])) * double(int(a[i]) - int(b[i]));
  return se == 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 * double(a.size()) / se);
}

}  // namespace

BOOST_AUTO_TEST_CASE(vp8_encode_with_forced_key_frame_and_bitrate_change) {
  VideoDeviceProfile device;
  device.role = DeviceRole::Encoder;
  virtio_video::V6Platform platform("platform", models::PlatformProfile{}, device);
  EncodeSessionConfig config;
  config.codec = codec::CodecId::VP8;
  config.width = 176;
  config.height = 144;
  config.frames = 20;
  config.bitrate_bps = 100'000;
  config.bitrate_at = {{10, 1'000'000}};
  config.force_key_frames = {7};
  EncodeReport report;
  uint32_t device_id = 0;
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) {
    BOOST_REQUIRE(platform.driver.initialize(kFeatures).ok());
    device_id = platform.driver.device_id();
    report = EncodeSession(platform.driver, config).run();
  });
  sc_core::sc_start();
  BOOST_CHECK_EQUAL(device_id, 30u);
  for (const auto& p : report.problems) BOOST_ERROR(p);
  BOOST_CHECK(report.drained);
  BOOST_CHECK(report.destroyed);
  BOOST_REQUIRE_EQUAL(report.units.size(), 20u);
  for (uint32_t i = 0; i < 20; ++i) {
    const auto& u = report.units[i];
    BOOST_CHECK_EQUAL(u.timestamp, i);
    const bool key = i == 0 || i == 7;
    BOOST_CHECK(u.frame_type == (key ? codec::FrameType::Key : codec::FrameType::Inter));
    // The flag agrees with the bitstream itself (VP8 frame tag).
    const auto header = codec::parse_vp8_header(u.data.data(), u.data.size());
    BOOST_REQUIRE(header);
    BOOST_CHECK_EQUAL(header->frame_type == codec::FrameType::Key, key);
  }
  // The bitrate change at frame 10 moves the inter frames' size.
  double low = 0, high = 0;
  for (uint32_t i = 1; i < 7; ++i) low += double(report.units[i].data.size()) / 6;
  for (uint32_t i = 12; i < 20; ++i) high += double(report.units[i].data.size()) / 8;
  BOOST_CHECK_GT(high, 2.0 * low);

  // An independent decoder plays the stream; quality against the source.
  const std::string ivf = codec::test::temp_path("device_encoded.ivf"), yuv = codec::test::temp_path("device_encoded.yuv");
  {
    auto sink = codec::file_sink(ivf);
    BOOST_REQUIRE_MESSAGE(sink.ok(), sink.error_message());
    codec::IvfWriter writer(std::move(*sink), codec::IvfHeader{"VP80", 176, 144});
    for (const auto& u : report.units) BOOST_REQUIRE(writer.write_frame(u.data.data(), u.data.size(), u.timestamp).ok());
    BOOST_REQUIRE(writer.close().ok());
  }
  BOOST_REQUIRE_EQUAL(std::system(("vpxdec --i420 -o " + yuv + " " + ivf + " 2>/dev/null").c_str()), 0);
  const auto decoded = codec::test::read_file(yuv);
  const size_t frame_bytes = 176 * 144 * 3 / 2;
  BOOST_REQUIRE_EQUAL(decoded.size(), 20 * frame_bytes);
  const codec::TestPattern pattern(176, 144, config.seed);
  for (uint32_t i = 10; i < 20; ++i) {  // at the higher bitrate
    const auto src = pattern.frame(i);
    std::vector<uint8_t> y(decoded.begin() + i * frame_bytes, decoded.begin() + i * frame_bytes + 176 * 144);
    BOOST_CHECK_GT(psnr(y, src.y), 30.0);
  }
}
