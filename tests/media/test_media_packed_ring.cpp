// virtio-media on the packed ring: the driver asks for VIRTIO_F_RING_PACKED
// (GuestParts::ring), the transport builds packed views, and a VP8 stream
// decoded through MMAP buffers still equals vpxdec's output (fixture
// reference), with no ring rule broken on the way.
#define BOOST_TEST_MODULE media_packed_ring
#include <boost/test/unit_test.hpp>

#include "models/protocols/media/media_binding.h"
#include "models/protocols/media/media_decode_client.h"
#include "tests/codec/decode_support.h"
#include "tlm_virtio/virtio_device.h"

using namespace vvsim;
using namespace vvsim::virtio_media;

namespace {
struct RingViolations : tlm_virtio::VirtioObserver {
  void on_features_ok(uint64_t, uint64_t, uint64_t) override {}
  void on_ring_violation(const tlm_virtio::RingViolation&) override { ++count; }
  unsigned count = 0;
};
}  // namespace

BOOST_AUTO_TEST_CASE(vp8_on_the_packed_ring_matches_vpxdec) {
  const std::string name = "vp8_176x144.ivf";
  const auto stream = codec::read_bitstream_file(codec::test::fixture(name));
  BOOST_REQUIRE_MESSAGE(stream.status.ok(), stream.status.error_message());
  MediaPlatform platform("platform", models::PlatformProfile{}, {}, {}, false, tlm_virtio::RingLayout::Packed);
  RingViolations violations;
  platform.system.mmio.set_observer(&violations);
  std::vector<uint8_t> i420;
  MediaDecodeReport report;
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) {
    auto up = platform.driver.initialize();
    BOOST_REQUIRE_MESSAGE(up.ok(), up.error_message());
    MediaDecodeConfig config;
    config.codec = stream.codec;
    config.units = std::make_shared<codec::UnitsInMemory>(stream.units);
    config.memory = v4l2::kMemoryMmap;
    config.frame_sink = [&](const MediaFrame& f) { i420.insert(i420.end(), f.i420.begin(), f.i420.end()); };
    report = MediaDecodeClient(platform.driver, config).run();
  });
  sc_core::sc_start();
  BOOST_CHECK(platform.system.mmio.negotiated_features() & tlm_virtio::VIRTIO_F_RING_PACKED);
  for (const auto& p : report.problems) BOOST_ERROR(name << ": " << p);
  BOOST_CHECK(report.drained);
  const auto refs = codec::test::load_references();
  BOOST_CHECK_EQUAL(i420.size(), refs.at(name).bytes);
  BOOST_CHECK_EQUAL(codec::test::md5_hex(i420), refs.at(name).md5);
  BOOST_CHECK_EQUAL(violations.count, 0u);
}
