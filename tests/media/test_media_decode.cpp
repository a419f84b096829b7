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

#include <algorithm>
#include <functional>

using namespace vvsim;
using namespace vvsim::virtio_media;
using codec::test::fixture;

namespace {

struct Run {
  MediaDecodeReport report;
  std::vector<uint8_t> i420;
  std::string init_error;
  size_t timeouts = 0, frames_seen = 0;
  bool finished = false;
  std::vector<sc_core::sc_time> answered;  // each command's answer, in order
  uint16_t peak_descriptors = 0;
  size_t open_sessions_after = 1, mappings_after = 1;
};

using ConfigEdit = std::function<void(MediaDecodeConfig&)>;

Run decode_fixture(const std::string& name, uint32_t memory = v4l2::kMemoryMmap, MediaDeviceProfile device = {},
                   const ConfigEdit& edit = {}, sc_core::sc_time withhold_eventq = sc_core::SC_ZERO_TIME) {
  const auto stream = codec::read_bitstream_file(fixture(name));
  BOOST_REQUIRE_MESSAGE(stream.status.ok(), stream.status.error_message());
  MediaPlatform platform("platform", models::PlatformProfile{}, device);
  platform.driver.withhold_eventq(withhold_eventq);
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
    config.frame_sink = [&](const MediaFrame& f) {
      run.i420.insert(run.i420.end(), f.i420.begin(), f.i420.end());
      ++run.frames_seen;
    };
    if (edit) edit(config);
    run.report = MediaDecodeClient(platform.driver, config).run();
    run.finished = true;
  });
  platform.driver.on_command([&run](const MediaCommandRecord& c) { run.answered.push_back(c.answered); });
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

// Device option drc_emits_last = false (crosvm's backends): no LAST ends the old
// format, so a client that follows [DEC] (it reallocates at LAST) never switches:
// the post-change pictures land in the old buffers and are read with the old size.
// With the default the stream decodes bit-exact (vp8_resolution_change_userptr above).
BOOST_AUTO_TEST_CASE(drc_without_last_leaves_a_dec_client_on_the_old_format) {
  MediaDeviceProfile crosvm;
  crosvm.drc_emits_last = false;
  const Run run = decode_fixture("vp8_drc.ivf", v4l2::kMemoryMmap, crosvm);
  BOOST_TEST(run.finished);
  BOOST_REQUIRE_EQUAL(run.report.frames.size(), 30u);
  BOOST_TEST(run.report.frames[29].width == 176u);  // the stream is 96 wide from frame 20
  BOOST_TEST(run.i420.size() != codec::test::load_references().at("vp8_drc.ivf").bytes);
}

// Device option streamoff_output_flushes_backend. A seek back to unit 5 (an inter
// frame; the fixture's key frames are units 0 and 10) once 12 units are queued; by
// then the client has had 8 OUTPUT buffers back, so units 0-7 were decoded.
const auto seek_back = [](MediaDecodeConfig& c) { c.seek_after_units = 12, c.seek_to_unit = 5; };

size_t frames_with_timestamp(const Run& run, uint64_t timestamp) {
  return size_t(std::count_if(run.report.frames.begin(), run.report.frames.end(),
                              [&](const MediaFrame& f) { return f.timestamp == timestamp; }));
}

// With the flush ([DEC] Seek) the reset decoder needs a key frame: units 5-9 after the
// seek give no picture (their OUTPUT buffers come back with ERROR); unit 10 on decodes.
BOOST_AUTO_TEST_CASE(a_seek_resets_the_decoder) {
  const Run run = decode_fixture("vp8_176x144.ivf", v4l2::kMemoryMmap, {}, seek_back);
  const auto stream = codec::read_bitstream_file(fixture("vp8_176x144.ivf"));
  BOOST_TEST(run.report.seeked);
  BOOST_TEST(run.report.drained);
  BOOST_TEST(run.report.problems.empty());
  BOOST_TEST(run.report.units_fed == 12 + stream.units.size() - 5);
  BOOST_TEST(frames_with_timestamp(run, stream.units[5].timestamp) == 1u);  // before the seek only
  for (size_t u = 10; u < stream.units.size(); ++u) BOOST_TEST(frames_with_timestamp(run, stream.units[u].timestamp) >= 1u);
}

// Without it (crosvm's decoder) the decoder goes on from its old references: unit 5 gives a picture again.
BOOST_AUTO_TEST_CASE(a_seek_without_the_flush_keeps_decoding) {
  MediaDeviceProfile keep;
  keep.streamoff_output_flushes_backend = false;
  const Run run = decode_fixture("vp8_176x144.ivf", v4l2::kMemoryMmap, keep, seek_back);
  const auto stream = codec::read_bitstream_file(fixture("vp8_176x144.ivf"));
  BOOST_TEST(run.report.seeked);
  BOOST_TEST(run.report.drained);
  BOOST_TEST(frames_with_timestamp(run, stream.units[5].timestamp) == 2u);
}

// Device option event_overflow, with the event buffers withheld 5 ms and one unit
// fed per millisecond: the first unit's DQBUF is raised at once and waits for a
// buffer; the backlog device answers the second unit's QBUF (at 1 ms) meanwhile,
// crosvm's blocking worker only once the buffers come.
constexpr double kWithheldMs = 5;
const auto paced = [](MediaDecodeConfig& c) { c.feed_fps = 1000; };  // one VP8 frame per millisecond
// OPEN, 2 SUBSCRIBE, S_FMT, REQBUFS, the VP8 profile menu (QUERY_EXT_CTRL and a QUERYMENU for each of 0..3),
// 4 x (QUERYBUF + MMAP), STREAMON, the first QBUF; then the second QBUF.
constexpr size_t kSecondQbuf = 5 + 5 + 8 + 1 + 1;

BOOST_AUTO_TEST_CASE(a_backlog_device_answers_commands_while_the_eventq_is_empty) {
  const sc_core::sc_time withheld(kWithheldMs, sc_core::SC_MS);
  const Run run = decode_fixture("vp8_176x144.ivf", v4l2::kMemoryMmap, {}, paced, withheld);
  BOOST_REQUIRE(run.answered.size() > kSecondQbuf);
  BOOST_TEST(run.answered[kSecondQbuf] < sc_core::sc_time(2, sc_core::SC_MS));  // fed 1 ms after set-up
  BOOST_TEST(codec::test::md5_hex(run.i420) == codec::test::load_references().at("vp8_176x144.ivf").md5);
}

BOOST_AUTO_TEST_CASE(a_blocking_worker_stops_commands_while_the_eventq_is_empty) {
  const sc_core::sc_time withheld(kWithheldMs, sc_core::SC_MS);
  MediaDeviceProfile crosvm;
  crosvm.event_overflow = EventOverflow::BlockWorker;
  const Run run = decode_fixture("vp8_176x144.ivf", v4l2::kMemoryMmap, crosvm, paced, withheld);
  BOOST_REQUIRE(run.answered.size() > kSecondQbuf);
  BOOST_TEST(run.answered[kSecondQbuf] >= withheld);
  BOOST_TEST(codec::test::md5_hex(run.i420) == codec::test::load_references().at("vp8_176x144.ivf").md5);
}

// The Linux driver's 5 s timeout: a blocking worker and event buffers withheld for
// 6 s leave the second QBUF unanswered for longer; the driver gives up with ETIMEDOUT.
BOOST_AUTO_TEST_CASE(the_driver_times_out_after_5_s_when_the_worker_blocks) {
  MediaDeviceProfile crosvm;
  crosvm.event_overflow = EventOverflow::BlockWorker;
  const Run run = decode_fixture("vp8_176x144.ivf", v4l2::kMemoryMmap, crosvm, paced, sc_core::sc_time(6, sc_core::SC_SEC));
  BOOST_TEST(run.timeouts >= 1u);
  BOOST_REQUIRE(!run.report.problems.empty());
  BOOST_TEST(run.report.problems.front().find("errno 110") != std::string::npos, run.report.problems.front());
}
