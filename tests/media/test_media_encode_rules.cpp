// The conformance monitor's stateful encoder rules (enc-*, dev-encoder.rst):
// each broken by its device fault, the same guest on a device without the fault
// breaking none. What the guest saw is checked too: the coded bytes' NAL units
// (codec's parser), ffprobe's reading of a restarted stream, the buffers a
// drain returns and the values controls read back.
#define BOOST_TEST_MODULE media_encode_rules
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>

#include "codec/byte_source.h"
#include "codec/elementary_stream.h"
#include "codec/unit_header.h"
#include "tests/codec/decode_support.h"
#include "tests/media/encoder_guest.h"

using namespace vvsim;
using namespace vvsim::virtio_media;
using namespace vvsim::virtio_media::test;

namespace {

// Long enough for a 64x48 frame's encode and delivery many times over.
void settle() { sc_core::wait(1, sc_core::SC_MS); }

// ---- enc-frame-type-flag, enc-capture-master, enc-drain-ebusy ----

void capture_format_with_buffers(MediaPlatform& p, uint32_t want) {
  const uint32_t s = open_configured(p);
  v4l2::Format vp9;
  vp9.type = kCapture, vp9.pixelformat = v4l2::kPixFmtVp9;
  BOOST_TEST(ioctl_struct(p, s, Ioctl::SFmt, bytes_of(vp9), v4l2::Format::kSize).status == want);
}

// STOP with no CAPTURE buffer queued: the drain waits for one, and a second STOP comes during it.
void stop_twice(MediaPlatform& p, uint32_t want) {
  const uint32_t s = open_configured(p);
  for (uint32_t type : {kOutput, kCapture}) stream(p, s, Ioctl::StreamOn, type);
  BOOST_TEST(encoder_cmd(p, s, v4l2::kEncCmdStop) == 0u);
  BOOST_TEST(encoder_cmd(p, s, v4l2::kEncCmdStop) == want);
  qbuf_capture(p, s, 0);  // the drain's LAST and EOS
  settle();
}

// ---- enc-starts-both-streaming ----

// A raw frame queued while only OUTPUT streams (a CAPTURE buffer queued too), then STREAMON(CAPTURE).
struct BothStreaming {
  Seen before, after;  // CAPTURE buffers returned before and after STREAMON(CAPTURE)
};
void frame_before_capture_streams(MediaPlatform& p, BothStreaming& seen) {
  const uint32_t s = open_configured(p);
  BOOST_REQUIRE_EQUAL(qbuf_capture(p, s, 0).status, 0u);
  BOOST_REQUIRE_EQUAL(stream(p, s, Ioctl::StreamOn, kOutput), 0u);
  BOOST_REQUIRE_EQUAL(qbuf_output(p, s, 0, 0).status, 0u);
  settle();
  seen.before = events(p, s);
  BOOST_REQUIRE_EQUAL(stream(p, s, Ioctl::StreamOn, kCapture), 0u);
  settle();
  seen.after = events(p, s);
}

// ---- enc-reset-independent ----

// 10 H.264 frames, the Reset sequence (drain, STREAMOFF + STREAMON(CAPTURE)) before frame 5.
constexpr uint32_t kRestartAt = 5, kFrames = 10;
MediaEncodeConfig restarted_h264() {
  MediaEncodeConfig config;
  config.codec = codec::CodecId::H264;
  config.width = 128, config.height = 96, config.frames = kFrames;
  config.restart_capture_at = {kRestartAt};
  return config;
}

// The NAL unit types of an Annex B buffer, as codec's stream indexer and NAL parser read them.
std::vector<uint8_t> nal_types(const std::vector<uint8_t>& annexb) {
  codec::MemorySource source(annexb.data(), annexb.size());
  std::vector<uint8_t> types;
  for (const auto& unit : codec::index_elementary_stream(source, codec::CodecId::H264).units)
    if (const auto nal = codec::parse_nal(annexb.data() + unit.offset, unit.size)) types.push_back(nal->type);
  return types;
}

bool has(const std::vector<uint8_t>& types, codec::NalType type) {
  return std::find(types.begin(), types.end(), uint8_t(type)) != types.end();
}

// ---- enc-drain-corner-cases ----

// Two raw frames and STOP with no CAPTURE buffer queued: the first frame waits coded, the
// drain with it. STREAMOFF + STREAMON(CAPTURE) cancel the drain; two CAPTURE buffers follow.
Seen capture_restart_mid_drain(MediaPlatform& p) {
  const uint32_t s = open_configured(p);
  for (uint32_t type : {kOutput, kCapture}) BOOST_REQUIRE_EQUAL(stream(p, s, Ioctl::StreamOn, type), 0u);
  for (uint32_t i : {0u, 1u}) BOOST_REQUIRE_EQUAL(qbuf_output(p, s, i, i).status, 0u);
  BOOST_REQUIRE_EQUAL(encoder_cmd(p, s, v4l2::kEncCmdStop), 0u);
  settle();
  BOOST_REQUIRE_EQUAL(stream(p, s, Ioctl::StreamOff, kCapture), 0u);
  BOOST_REQUIRE_EQUAL(stream(p, s, Ioctl::StreamOn, kCapture), 0u);
  for (uint32_t i : {0u, 1u}) BOOST_REQUIRE_EQUAL(qbuf_capture(p, s, i).status, 0u);
  settle();
  return events(p, s);
}

// Two raw frames, STOP, then STREAMOFF(OUTPUT) at once; two CAPTURE buffers. After the
// drain, STREAMON(OUTPUT), the returned CAPTURE buffers queued again and one more frame.
struct OutputStopped {
  Seen drained, resumed;
};
void output_streamoff_mid_drain(MediaPlatform& p, OutputStopped& seen) {
  constexpr uint64_t kLaterFrame = 2;
  const uint32_t s = open_configured(p);
  for (uint32_t type : {kOutput, kCapture}) BOOST_REQUIRE_EQUAL(stream(p, s, Ioctl::StreamOn, type), 0u);
  for (uint32_t i : {0u, 1u}) BOOST_REQUIRE_EQUAL(qbuf_output(p, s, i, i).status, 0u);
  BOOST_REQUIRE_EQUAL(encoder_cmd(p, s, v4l2::kEncCmdStop), 0u);
  BOOST_REQUIRE_EQUAL(stream(p, s, Ioctl::StreamOff, kOutput), 0u);
  for (uint32_t i : {0u, 1u}) BOOST_REQUIRE_EQUAL(qbuf_capture(p, s, i).status, 0u);
  settle();
  seen.drained = events(p, s);
  BOOST_REQUIRE_EQUAL(stream(p, s, Ioctl::StreamOn, kOutput), 0u);
  for (const auto& b : seen.drained.capture) BOOST_REQUIRE_EQUAL(qbuf_capture(p, s, b.index).status, 0u);
  BOOST_REQUIRE_EQUAL(qbuf_output(p, s, 0, kLaterFrame).status, 0u);
  settle();
  seen.resumed = events(p, s);
}

// One frame coded and back, then STOP with nothing pending (dev-encoder Drain, corner cases:
// "completes immediately", an empty LAST). Then a frame queued after the STOP and two CAPTURE
// buffers: what comes back after the STOP.
Seen stop_with_nothing_pending(MediaPlatform& p) {
  const uint32_t s = open_configured(p);
  for (uint32_t type : {kOutput, kCapture}) BOOST_REQUIRE_EQUAL(stream(p, s, Ioctl::StreamOn, type), 0u);
  BOOST_REQUIRE_EQUAL(qbuf_output(p, s, 0, 0).status, 0u);
  BOOST_REQUIRE_EQUAL(qbuf_capture(p, s, 0).status, 0u);
  settle();
  const Seen before = events(p, s);
  BOOST_REQUIRE_EQUAL(before.capture.size(), 1u);  // the frame, coded: nothing is left pending
  BOOST_REQUIRE(before.capture[0].bytesused > 0u);
  BOOST_REQUIRE_EQUAL(encoder_cmd(p, s, v4l2::kEncCmdStop), 0u);
  BOOST_REQUIRE_EQUAL(qbuf_output(p, s, 1, 1).status, 0u);
  for (uint32_t i : {0u, 1u}) BOOST_REQUIRE_EQUAL(qbuf_capture(p, s, i).status, 0u);
  settle();
  return events(p, s);
}

// ---- enc-ctrl-ebusy ----

// While OUTPUT streams: the bitrate set (S_EXT_CTRLS) and read (G_CTRL), the GOP size set
// (S_CTRL) and read (G_EXT_CTRLS). What the GOP size's set answered and what it reads back.
struct GopWhileStreaming {
  uint32_t set_status = 0;
  int64_t read_back = -1;
};
void controls_while_streaming(MediaPlatform& p, GopWhileStreaming& gop) {
  constexpr int64_t kBitrate = 400'000;
  constexpr int32_t kGop = 5;
  const uint32_t s = open_configured(p);
  BOOST_REQUIRE_EQUAL(stream(p, s, Ioctl::StreamOn, kOutput), 0u);
  BOOST_TEST(ext_ctrl(p, s, Ioctl::SExtCtrls, {{v4l2::kCidMpegVideoBitrate, 0, kBitrate}}).status == 0u);
  const auto bitrate = ioctl_struct(p, s, Ioctl::GCtrl, bytes_of(v4l2::Control{v4l2::kCidMpegVideoBitrate}), v4l2::Control::kSize);
  BOOST_REQUIRE_EQUAL(bitrate.status, 0u);
  BOOST_TEST(v4l2::Control::decode(bitrate.payload.data()).value == kBitrate);
  gop.set_status =
      ioctl_struct(p, s, Ioctl::SCtrl, bytes_of(v4l2::Control{v4l2::kCidMpegVideoGopSize, kGop}), v4l2::Control::kSize).status;
  const auto read = ext_ctrl(p, s, Ioctl::GExtCtrls, {{v4l2::kCidMpegVideoGopSize, 0, 0}});
  BOOST_REQUIRE_EQUAL(read.status, 0u);
  gop.read_back = v4l2::ExtControl::decode(read.payload.data() + v4l2::ExtControls::kSize).value64;
}

}  // namespace

BOOST_AUTO_TEST_CASE(untyped_coded_frames_break_enc_frame_type_flag) {
  MediaDeviceFaults f;
  f.untyped_coded_frames = true;
  MediaEncodeConfig config;
  config.width = 64, config.height = 48, config.frames = 3;
  guest::EncodeReport report;
  BOOST_TEST(run_client(config, report, f) == Rules{"enc-frame-type-flag"});
}

BOOST_AUTO_TEST_CASE(a_capture_format_taken_with_buffers_breaks_enc_capture_master) {
  MediaDeviceFaults f;
  f.format_change_with_buffers = true;
  BOOST_TEST(run_encoder([](MediaPlatform& p) { capture_format_with_buffers(p, 0); }, f) == Rules{"enc-capture-master"});
}

BOOST_AUTO_TEST_CASE(a_capture_format_refused_ebusy_breaks_nothing) {
  BOOST_TEST(run_encoder([](MediaPlatform& p) { capture_format_with_buffers(p, v4l2::kEbusy); }).empty());
}

BOOST_AUTO_TEST_CASE(a_stop_taken_during_a_drain_breaks_enc_drain_ebusy) {
  MediaDeviceFaults f;
  f.drain_commands_accepted = true;
  BOOST_TEST(run_encoder([](MediaPlatform& p) { stop_twice(p, 0); }, f) == Rules{"enc-drain-ebusy"});
}

BOOST_AUTO_TEST_CASE(a_stop_refused_ebusy_during_a_drain_breaks_nothing) {
  BOOST_TEST(run_encoder([](MediaPlatform& p) { stop_twice(p, v4l2::kEbusy); }).empty());
}

BOOST_AUTO_TEST_CASE(a_frame_coded_before_capture_streams_breaks_enc_starts_both_streaming) {
  MediaDeviceFaults f;
  f.encode_before_capture_streams = true;
  BothStreaming seen;
  BOOST_TEST(run_encoder([&](MediaPlatform& p) { frame_before_capture_streams(p, seen); }, f) ==
             Rules{"enc-starts-both-streaming"});
  BOOST_REQUIRE_EQUAL(seen.before.capture.size(), 1u);
  BOOST_TEST(seen.before.capture[0].bytesused > 0u);
}

BOOST_AUTO_TEST_CASE(a_frame_coded_once_both_queues_stream_breaks_nothing) {
  BothStreaming seen;
  BOOST_TEST(run_encoder([&](MediaPlatform& p) { frame_before_capture_streams(p, seen); }).empty());
  BOOST_TEST(seen.before.capture.empty());
  BOOST_REQUIRE_EQUAL(seen.after.capture.size(), 1u);
  BOOST_TEST(seen.after.capture[0].bytesused > 0u);
  BOOST_TEST((seen.after.capture[0].flags & v4l2::kBufFlagKeyframe) != 0u);
}

// After the restart: a key frame with SPS and PPS before its IDR slice, and the frames
// from there on decode without the ones before (ffprobe reads them as a stream of their own).
BOOST_AUTO_TEST_CASE(a_capture_restart_starts_a_standalone_stream_and_breaks_nothing) {
  guest::EncodeReport report;
  BOOST_TEST(run_client(restarted_h264(), report).empty());
  for (const auto& problem : report.problems) BOOST_ERROR(problem);
  BOOST_REQUIRE_EQUAL(report.units.size(), kFrames);
  const auto& first = report.units[kRestartAt];
  BOOST_TEST(first.timestamp == kRestartAt);
  BOOST_TEST((first.frame_type == codec::FrameType::Key));
  const auto types = nal_types(first.data);
  BOOST_TEST(has(types, codec::NalType::Sps));
  BOOST_TEST(has(types, codec::NalType::Pps));
  BOOST_TEST(has(types, codec::NalType::Idr));
  const std::string path = codec::test::temp_path("media_restarted.h264");
  {
    std::ofstream out(path, std::ios::binary);
    for (uint32_t i = kRestartAt; i < kFrames; ++i)
      out.write(reinterpret_cast<const char*>(report.units[i].data.data()), long(report.units[i].data.size()));
  }
  const auto frames = probed_frames(path);
  BOOST_REQUIRE_EQUAL(frames.size(), size_t{kFrames - kRestartAt});
  BOOST_TEST(frames[0] == "1,128,96");
}

BOOST_AUTO_TEST_CASE(a_capture_restart_that_keeps_the_stream_breaks_enc_reset_independent) {
  MediaDeviceFaults f;
  f.capture_restart_keeps_encoder = true;
  guest::EncodeReport report;
  BOOST_TEST(run_client(restarted_h264(), report, f) == Rules{"enc-reset-independent"});
  BOOST_REQUIRE_EQUAL(report.units.size(), kFrames);
  BOOST_TEST((report.units[kRestartAt].frame_type == codec::FrameType::Inter));
  BOOST_TEST(!has(nal_types(report.units[kRestartAt].data), codec::NalType::Sps));
}

// The drain is cancelled: the second frame (queued before STOP) is coded into the new
// stream, a key frame, and no LAST follows.
BOOST_AUTO_TEST_CASE(a_capture_restart_cancelling_a_drain_breaks_nothing) {
  Seen seen;
  BOOST_TEST(run_encoder([&](MediaPlatform& p) { seen = capture_restart_mid_drain(p); }).empty());
  BOOST_REQUIRE_EQUAL(seen.capture.size(), 1u);
  BOOST_TEST(!seen.capture[0].last());
  BOOST_TEST(seen.capture[0].timestamp_us == 1u);
  BOOST_TEST((seen.capture[0].flags & v4l2::kBufFlagKeyframe) != 0u);
}

BOOST_AUTO_TEST_CASE(a_drain_kept_across_a_capture_restart_breaks_enc_drain_corner_cases) {
  MediaDeviceFaults f;
  f.capture_streamoff_keeps_drain = true;
  Seen seen;
  BOOST_TEST(run_encoder([&](MediaPlatform& p) { seen = capture_restart_mid_drain(p); }, f) ==
             Rules{"enc-drain-corner-cases"});
  BOOST_REQUIRE(!seen.capture.empty());
  BOOST_TEST(seen.capture.back().last());
}

// The drain completes with an empty LAST; STREAMON(OUTPUT) resumes encoding (Drain 3).
BOOST_AUTO_TEST_CASE(an_output_streamoff_completing_a_drain_breaks_nothing) {
  OutputStopped seen;
  BOOST_TEST(run_encoder([&](MediaPlatform& p) { output_streamoff_mid_drain(p, seen); }).empty());
  BOOST_REQUIRE(!seen.drained.capture.empty());
  BOOST_TEST(seen.drained.capture.back().last());
  BOOST_TEST(seen.drained.capture.back().bytesused == 0u);
  BOOST_REQUIRE_EQUAL(seen.resumed.capture.size(), 1u);
  BOOST_TEST(seen.resumed.capture[0].bytesused > 0u);
  BOOST_TEST(seen.resumed.capture[0].timestamp_us == 2u);
}

BOOST_AUTO_TEST_CASE(an_output_streamoff_dropping_a_drain_breaks_enc_drain_corner_cases) {
  MediaDeviceFaults f;
  f.output_streamoff_cancels_drain = true;
  OutputStopped seen;
  BOOST_TEST(run_encoder([&](MediaPlatform& p) { output_streamoff_mid_drain(p, seen); }, f) ==
             Rules{"enc-drain-corner-cases"});
  const auto& drained = seen.drained.capture;
  BOOST_TEST(std::none_of(drained.begin(), drained.end(), [](const Returned& b) { return b.last(); }));
}

// The LAST comes first and empty; the frame queued after the STOP waits (Drain 3).
BOOST_AUTO_TEST_CASE(a_stop_with_nothing_pending_gets_an_empty_last_at_once_and_breaks_nothing) {
  Seen seen;
  BOOST_TEST(run_encoder([&](MediaPlatform& p) { seen = stop_with_nothing_pending(p); }).empty());
  BOOST_REQUIRE_EQUAL(seen.capture.size(), 1u);
  BOOST_TEST(seen.capture[0].last());
  BOOST_TEST(seen.capture[0].bytesused == 0u);
  BOOST_TEST(seen.eos == 1);
}

BOOST_AUTO_TEST_CASE(a_stop_with_nothing_pending_that_codes_a_later_frame_first_breaks_enc_drain_corner_cases) {
  MediaDeviceFaults f;
  f.drain_waits_for_output = true;
  Seen seen;
  BOOST_TEST(run_encoder([&](MediaPlatform& p) { seen = stop_with_nothing_pending(p); }, f) ==
             Rules{"enc-drain-corner-cases"});
  BOOST_REQUIRE_EQUAL(seen.capture.size(), 2u);  // frame 1, coded after the STOP, then the LAST
  BOOST_TEST(!seen.capture[0].last());
  BOOST_TEST(seen.capture[0].timestamp_us == 1u);
  BOOST_TEST(seen.capture[1].last());
}

BOOST_AUTO_TEST_CASE(a_gop_size_refused_ebusy_while_streaming_breaks_nothing) {
  GopWhileStreaming gop;
  BOOST_TEST(run_encoder([&](MediaPlatform& p) { controls_while_streaming(p, gop); }).empty());
  BOOST_TEST(gop.set_status == v4l2::kEbusy);
  BOOST_TEST(gop.read_back == 0);
}

BOOST_AUTO_TEST_CASE(a_gop_size_taken_and_ignored_while_streaming_breaks_enc_ctrl_ebusy) {
  MediaDeviceFaults f;
  f.busy_controls_ignored = true;
  GopWhileStreaming gop;
  BOOST_TEST(run_encoder([&](MediaPlatform& p) { controls_while_streaming(p, gop); }, f) == Rules{"enc-ctrl-ebusy"});
  BOOST_TEST(gop.set_status == 0u);
  BOOST_TEST(gop.read_back == 0);
}
