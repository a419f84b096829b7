// The virtio-media device through real virtqueues: the guest driver and the
// V4L2 decode client on the CPU, commands, events and MMAP buffers in guest
// memory and shared memory region 0, real codecs. Decoded frames, read back by
// the guest from its CAPTURE buffers, must equal the reference decoders'
// output (fixtures made by vpxenc/ffmpeg, references by vpxdec/ffmpeg).
#define BOOST_TEST_MODULE media_decode
#include <boost/test/unit_test.hpp>

#include "models/protocols/media/media_binding.h"
#include "models/protocols/media/media_decode_client.h"
#include "tests/codec/decode_support.h"

using namespace vvsim;
using namespace vvsim::virtio_media;
using codec::test::fixture;

namespace {

struct Run {
  MediaDecodeReport report;
  std::vector<uint8_t> i420;
  std::string init_error;
  size_t timeouts = 0;
  uint16_t peak_descriptors = 0;
  size_t open_sessions_after = 1, mappings_after = 1;
};

Run decode_fixture(const std::string& name, uint32_t memory = v4l2::kMemoryMmap, MediaDeviceProfile device = {}) {
  const auto stream = codec::read_bitstream_file(fixture(name));
  BOOST_REQUIRE_MESSAGE(stream.error.empty(), stream.error);
  MediaPlatform platform("platform", models::PlatformProfile{}, device);
  Run run;
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) {
    if (auto up = platform.driver.initialize(); !up) {
      run.init_error = up.error().message;
      return;
    }
    MediaDecodeConfig config;
    config.codec = stream.codec;
    config.units = std::make_shared<codec::UnitsInMemory>(stream.units);
    config.memory = memory;
    config.frame_sink = [&](const MediaFrame& f) { run.i420.insert(run.i420.end(), f.i420.begin(), f.i420.end()); };
    run.report = MediaDecodeClient(platform.driver, config).run();
  });
  sc_core::sc_start();
  run.timeouts = platform.driver.command_timeouts();
  run.peak_descriptors = platform.driver.peak_commandq_descriptors();
  run.open_sessions_after = platform.device.open_sessions();
  run.mappings_after = platform.device.shm().mappings();
  return run;
}

void check_bit_exact(const std::string& name, uint32_t source_changes, uint32_t memory = v4l2::kMemoryMmap) {
  const auto refs = codec::test::load_references();
  const Run run = decode_fixture(name, memory);
  BOOST_REQUIRE_MESSAGE(run.init_error.empty(), run.init_error);
  for (const auto& p : run.report.problems) BOOST_ERROR(name << ": " << p);
  BOOST_CHECK(run.report.drained);
  BOOST_CHECK(run.report.closed);
  BOOST_CHECK_EQUAL(run.report.source_changes, source_changes);
  BOOST_CHECK_EQUAL(run.report.reallocations, source_changes - 1);
  BOOST_CHECK_EQUAL(run.i420.size(), refs.at(name).bytes);
  BOOST_CHECK_EQUAL(codec::test::md5_hex(run.i420), refs.at(name).md5);
  BOOST_CHECK_EQUAL(run.timeouts, 0u);
  // One command in flight for the whole device, a QBUF the largest: 3 readable + 3 writable
  // descriptors (USERPTR: one more readable for the SG list).
  BOOST_CHECK_EQUAL(run.peak_descriptors, memory == v4l2::kMemoryMmap ? 6 : 7);
  BOOST_CHECK_EQUAL(run.open_sessions_after, 0u);
  BOOST_CHECK_EQUAL(run.mappings_after, 0u);
}

}  // namespace

// A stream's first header is a SOURCE_CHANGE whatever the placeholder format (Initialization 4).
BOOST_AUTO_TEST_CASE(vp8_mmap_matches_vpxdec) { check_bit_exact("vp8_176x144.ivf", 1); }
BOOST_AUTO_TEST_CASE(vp9_mmap_matches_vpxdec) { check_bit_exact("vp9_176x144.ivf", 1); }
BOOST_AUTO_TEST_CASE(h264_mmap_matches_ffmpeg) { check_bit_exact("h264_x264_baseline.h264", 1); }
BOOST_AUTO_TEST_CASE(h264_b_frames_mmap_match_ffmpeg) { check_bit_exact("h264_x264_high_bframes.h264", 1); }
BOOST_AUTO_TEST_CASE(vp8_userptr_matches_vpxdec) { check_bit_exact("vp8_176x144.ivf", 1, v4l2::kMemoryUserptr); }
BOOST_AUTO_TEST_CASE(h264_userptr_matches_ffmpeg) {
  check_bit_exact("h264_x264_baseline.h264", 1, v4l2::kMemoryUserptr);
}
// A mid-stream change: SOURCE_CHANGE, LAST, CAPTURE reallocated (DRC, Capture Setup path A).
BOOST_AUTO_TEST_CASE(vp9_resolution_change_matches_vpxdec) { check_bit_exact("vp9_drc.ivf", 2); }
BOOST_AUTO_TEST_CASE(h264_resolution_change_matches_ffmpeg) { check_bit_exact("h264_drc.h264", 2); }
BOOST_AUTO_TEST_CASE(vp8_resolution_change_userptr_matches_vpxdec) {
  check_bit_exact("vp8_drc.ivf", 2, v4l2::kMemoryUserptr);
}

BOOST_AUTO_TEST_CASE(frames_carry_their_input_timestamps_in_order) {
  const Run run = decode_fixture("vp8_drc.ivf");
  const auto stream = codec::read_bitstream_file(fixture("vp8_drc.ivf"));
  BOOST_REQUIRE_EQUAL(run.report.frames.size(), stream.units.size());
  for (size_t i = 0; i < stream.units.size(); ++i) {
    BOOST_CHECK_EQUAL(run.report.frames[i].timestamp, stream.units[i].timestamp);
    BOOST_CHECK_EQUAL(run.report.frames[i].width, i < 20 ? 176u : 96u);
    BOOST_CHECK(!run.report.frames[i].error);
  }
}
