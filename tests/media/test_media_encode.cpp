// The virtio-media stateful encoder (dev-encoder.rst) through real
// virtqueues: a V4L2 encode client's bitstream decoded by ffprobe and vpxdec
// (independent decoders), key frames where forced, the bitrate change seen in
// the frame sizes; the ioctls' answers (formats on both queues, EBUSY commit
// points, controls, ENOTTY for the decoder's); the drain's corner cases.
#define BOOST_TEST_MODULE media_encode
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>

#include "codec/ivf_writer.h"
#include "codec/synthetic.h"
#include "tests/codec/decode_support.h"
#include "tests/media/encoder_guest.h"

using namespace vvsim;
using namespace vvsim::virtio_media;
using namespace vvsim::virtio_media::test;

namespace {

// The client's run; a clean encode breaks no conformance rule.
guest::EncodeReport encode(const MediaEncodeConfig& config) {
  guest::EncodeReport report;
  for (const auto& rule : run_client(config, report)) BOOST_ERROR("rule broken: " << rule);
  for (const auto& problem : report.problems) BOOST_ERROR(problem);
  return report;
}

}  // namespace

// 20 VP8 frames at 176x144, 100 kbit/s raised to 1 Mbit/s at frame 10, a key
// frame forced on frame 7: one CAPTURE buffer per frame flagged as its
// bitstream says, and ffprobe and vpxdec decode the stream.
BOOST_AUTO_TEST_CASE(vp8_stream_decodes_with_its_forced_key_frame_and_bitrate_change) {
  MediaEncodeConfig config;
  config.codec = codec::CodecId::VP8;
  config.width = 176, config.height = 144, config.frames = 20;
  config.bitrate_bps = 100'000;
  config.bitrate_at = {{10, 1'000'000}};
  config.force_key_frames = {7};
  const auto report = encode(config);
  BOOST_TEST(report.drained);
  BOOST_TEST(report.destroyed);
  BOOST_TEST(report.inputs_consumed == 20u);
  BOOST_REQUIRE_EQUAL(report.units.size(), 20u);
  const std::string ivf = codec::test::temp_path("media_encoded.ivf"), yuv = codec::test::temp_path("media_encoded.yuv");
  {
    auto sink = codec::file_sink(ivf);
    BOOST_REQUIRE_MESSAGE(sink.ok(), sink.error_message());
    codec::IvfWriter writer(std::move(*sink), codec::IvfHeader{"VP80", 176, 144});
    for (const auto& u : report.units) BOOST_REQUIRE(writer.write_frame(u.data.data(), u.data.size(), u.timestamp).ok());
    BOOST_REQUIRE(writer.close().ok());
  }
  const auto frames = probed_frames(ivf);
  BOOST_REQUIRE_EQUAL(frames.size(), 20u);
  for (uint32_t i = 0; i < 20; ++i) {
    BOOST_TEST_CONTEXT("frame " << i) {
      const bool key = i == 0 || i == 7;
      BOOST_TEST(report.units[i].timestamp == i);
      BOOST_TEST((report.units[i].frame_type == (key ? codec::FrameType::Key : codec::FrameType::Inter)));
      BOOST_TEST(frames[i] == (key ? "1,176,144" : "0,176,144"));
    }
  }
  double low = 0, high = 0;
  for (uint32_t i = 1; i < 7; ++i) low += double(report.units[i].data.size()) / 6;
  for (uint32_t i = 12; i < 20; ++i) high += double(report.units[i].data.size()) / 8;
  BOOST_TEST(high > 2.0 * low);
  BOOST_REQUIRE_EQUAL(std::system(("vpxdec --i420 -o " + yuv + " " + ivf + " 2>/dev/null").c_str()), 0);
  BOOST_TEST(codec::test::read_file(yuv).size() == 20u * 176 * 144 * 3 / 2);
}

// H.264: the units of a frame (parameter sets, slices) come in one CAPTURE
// buffer, so ffprobe counts one frame per buffer; the forced frame is an IDR.
BOOST_AUTO_TEST_CASE(h264_has_one_capture_buffer_per_frame_and_an_idr_where_forced) {
  MediaEncodeConfig config;
  config.codec = codec::CodecId::H264;
  config.width = 128, config.height = 96, config.frames = 10;
  config.force_key_frames = {4};
  const auto report = encode(config);
  BOOST_TEST(report.drained);
  BOOST_REQUIRE_EQUAL(report.units.size(), 10u);
  const std::string path = codec::test::temp_path("media_encoded.h264");
  {
    std::ofstream out(path, std::ios::binary);
    for (const auto& u : report.units) out.write(reinterpret_cast<const char*>(u.data.data()), long(u.data.size()));
  }
  const auto frames = probed_frames(path);
  BOOST_REQUIRE_EQUAL(frames.size(), 10u);
  for (uint32_t i = 0; i < 10; ++i) {
    const bool key = i == 0 || i == 4;
    BOOST_TEST_CONTEXT("frame " << i) {
      BOOST_TEST(frames[i] == (key ? "1,128,96" : "0,128,96"));
      BOOST_TEST((report.units[i].frame_type == (key ? codec::FrameType::Key : codec::FrameType::Inter)));
    }
  }
}

// ENUM_FMT: raw formats on OUTPUT, coded ones (compressed) on CAPTURE; the
// decoder's ioctls and QUERYCAP (the config space's) are ENOTTY.
BOOST_AUTO_TEST_CASE(formats_on_both_queues_and_enotty_for_the_rest) {
  run_encoder([](MediaPlatform& p) {
    const uint32_t s = *p.driver.open();
    std::vector<uint32_t> coded, raw;
    for (uint32_t type : {kCapture, kOutput})
      for (uint32_t i = 0;; ++i) {
        v4l2::FmtDesc d;
        d.index = i, d.type = type;
        const auto r = ioctl_struct(p, s, Ioctl::EnumFmt, bytes_of(d), v4l2::FmtDesc::kSize);
        if (r.status) {
          BOOST_TEST(r.status == v4l2::kEinval);
          break;
        }
        const auto got = v4l2::FmtDesc::decode(r.payload.data());
        BOOST_TEST((got.flags & v4l2::kFmtFlagCompressed) == (type == kCapture ? v4l2::kFmtFlagCompressed : 0u));
        (type == kCapture ? coded : raw).push_back(got.pixelformat);
      }
    BOOST_TEST(coded == (std::vector<uint32_t>{v4l2::kPixFmtH264, v4l2::kPixFmtVp8, v4l2::kPixFmtVp9}));
    BOOST_TEST(raw == std::vector<uint32_t>{v4l2::kPixFmtYuv420});
    BOOST_TEST(ioctl_struct(p, s, Ioctl::DecoderCmd, Bytes(v4l2::DecoderCmd::kSize, 0), v4l2::DecoderCmd::kSize).status ==
               v4l2::kEnotty);
    BOOST_TEST(ioctl_struct(p, s, Ioctl::GSelection, Bytes(v4l2::Selection::kSize, 0), v4l2::Selection::kSize).status ==
               v4l2::kEnotty);
    BOOST_TEST(ioctl_struct(p, s, Ioctl::QueryCap, {}, 104).status == v4l2::kEnotty);
    BOOST_TEST(ioctl_struct(p, s, Ioctl::EnumFrameSizes, Bytes(v4l2::FrmSizeEnum::kSize, 0), v4l2::FrmSizeEnum::kSize).status ==
               v4l2::kEnotty);
  });
}

// S_FMT(OUTPUT) sets the size the CAPTURE format then reports; S_FMT(CAPTURE)
// once buffers exist is EBUSY (Commit Points); odd sizes are rounded up to even.
BOOST_AUTO_TEST_CASE(capture_format_is_the_master_and_busy_with_buffers) {
  run_encoder([](MediaPlatform& p) {
    const uint32_t s = *p.driver.open();
    v4l2::Format raw;
    raw.type = kOutput, raw.width = 65, raw.height = 47;
    const auto set = ioctl_struct(p, s, Ioctl::SFmt, bytes_of(raw), v4l2::Format::kSize);
    BOOST_REQUIRE_EQUAL(set.status, 0u);
    const auto f = v4l2::Format::decode(set.payload.data());
    BOOST_TEST(f.width == 66u);
    BOOST_TEST(f.height == 48u);
    BOOST_TEST(f.planes[0].sizeimage == 66u * 48 * 3 / 2);
    v4l2::Format get;
    get.type = kCapture;
    const auto coded = v4l2::Format::decode(ioctl_struct(p, s, Ioctl::GFmt, bytes_of(get), v4l2::Format::kSize).payload.data());
    BOOST_TEST(coded.width == 66u);
    BOOST_TEST(coded.height == 48u);
    ioctl_struct(p, s, Ioctl::ReqBufs, bytes_of(v4l2::RequestBuffers{1, kCapture, v4l2::kMemoryMmap}), v4l2::RequestBuffers::kSize);
    v4l2::Format vp9;
    vp9.type = kCapture, vp9.pixelformat = v4l2::kPixFmtVp9;
    BOOST_TEST(ioctl_struct(p, s, Ioctl::SFmt, bytes_of(vp9), v4l2::Format::kSize).status == v4l2::kEbusy);
    BOOST_TEST(ioctl_struct(p, s, Ioctl::TryFmt, bytes_of(vp9), v4l2::Format::kSize).status == 0u);
  });
}

// Controls: the bitrate reads back what was set, the GOP size is EBUSY while
// streaming (error_idx = count: nothing applied), an unknown control names its
// index, the key-frame button cannot be read; S_PARM sets the frame interval.
BOOST_AUTO_TEST_CASE(controls_and_frame_interval) {
  run_encoder([](MediaPlatform& p) {
    const uint32_t s = open_configured(p);
    BOOST_TEST(ext_ctrl(p, s, Ioctl::SExtCtrls, {{v4l2::kCidMpegVideoBitrate, 0, 300'000}}).status == 0u);
    const auto got = ext_ctrl(p, s, Ioctl::GExtCtrls, {{v4l2::kCidMpegVideoBitrate, 0, 0}});
    BOOST_REQUIRE_EQUAL(got.status, 0u);
    BOOST_TEST(v4l2::ExtControl::decode(got.payload.data() + v4l2::ExtControls::kSize).value64 == 300'000);
    const auto unknown = ext_ctrl(p, s, Ioctl::TryExtCtrls, {{v4l2::kCidMpegVideoGopSize, 0, 5}, {0x00990001, 0, 1}});
    BOOST_TEST(unknown.status == v4l2::kEinval);
    BOOST_TEST(v4l2::ExtControls::decode(unknown.payload.data()).error_idx == 1u);
    const auto button = ioctl_struct(p, s, Ioctl::GCtrl, bytes_of(v4l2::Control{v4l2::kCidMpegVideoForceKeyFrame}), v4l2::Control::kSize);
    BOOST_TEST(button.status == v4l2::kEacces);
    v4l2::StreamParm parm{kOutput};
    parm.timeperframe_numerator = 1, parm.timeperframe_denominator = 25;
    const auto set = ioctl_struct(p, s, Ioctl::SParm, bytes_of(parm), v4l2::StreamParm::kSize);
    BOOST_REQUIRE_EQUAL(set.status, 0u);
    BOOST_TEST(v4l2::StreamParm::decode(set.payload.data()).timeperframe_denominator == 25u);
    p.driver.ioctl(s, uint32_t(Ioctl::StreamOn), {type_payload(kOutput)}, {});
    const auto busy = ext_ctrl(p, s, Ioctl::SExtCtrls, {{v4l2::kCidMpegVideoBitrate, 0, 400'000}, {v4l2::kCidMpegVideoGopSize, 0, 5}});
    BOOST_TEST(busy.status == v4l2::kEbusy);
    BOOST_TEST(v4l2::ExtControls::decode(busy.payload.data()).error_idx == 2u);
    const auto still = ext_ctrl(p, s, Ioctl::GExtCtrls, {{v4l2::kCidMpegVideoBitrate, 0, 0}});
    BOOST_TEST(v4l2::ExtControl::decode(still.payload.data() + v4l2::ExtControls::kSize).value64 == 300'000);
    BOOST_TEST(ioctl_struct(p, s, Ioctl::SParm, bytes_of(parm), v4l2::StreamParm::kSize).status == v4l2::kEbusy);
  });
}

// Drain corner cases: STOP with a queue not streaming is a no-op; STOP with no
// OUTPUT queued ends at once with an empty LAST and EOS; STOP with no CAPTURE
// buffer queued waits, a second STOP is EBUSY, and the next QBUF(CAPTURE) comes
// back empty + LAST; ENC_CMD_START resumes. The monitor sees no rule broken.
BOOST_AUTO_TEST_CASE(drain_corner_cases) {
  const Rules broken = run_encoder([](MediaPlatform& p) {
    const uint32_t s = open_configured(p);
    BOOST_TEST(encoder_cmd(p, s, v4l2::kEncCmdStop) == 0u);  // nothing streams: no drain
    BOOST_TEST(encoder_cmd(p, s, 2 /* V4L2_ENC_CMD_PAUSE */, Ioctl::TryEncoderCmd) == v4l2::kEinval);
    for (uint32_t type : {kOutput, kCapture}) p.driver.ioctl(s, uint32_t(Ioctl::StreamOn), {type_payload(type)}, {});
    BOOST_TEST(encoder_cmd(p, s, v4l2::kEncCmdStop) == 0u);  // no CAPTURE queued: the LAST waits
    sc_core::wait(1, sc_core::SC_MS);
    BOOST_TEST(events(p, s).capture.empty());
    BOOST_TEST(encoder_cmd(p, s, v4l2::kEncCmdStop) == v4l2::kEbusy);
    BOOST_TEST(encoder_cmd(p, s, v4l2::kEncCmdStart) == v4l2::kEbusy);
    BOOST_REQUIRE_EQUAL(qbuf_capture(p, s, 0).status, 0u);
    sc_core::wait(1, sc_core::SC_MS);
    auto seen = events(p, s);
    BOOST_REQUIRE_EQUAL(seen.capture.size(), 1u);
    BOOST_TEST(seen.capture[0].last());
    BOOST_TEST(seen.capture[0].bytesused == 0u);
    BOOST_TEST(seen.eos == 1);
    BOOST_TEST(encoder_cmd(p, s, v4l2::kEncCmdStart) == 0u);
    BOOST_REQUIRE_EQUAL(qbuf_capture(p, s, 1).status, 0u);
    BOOST_TEST(encoder_cmd(p, s, v4l2::kEncCmdStop) == 0u);  // no OUTPUT queued: an empty LAST at once
    sc_core::wait(1, sc_core::SC_MS);
    seen = events(p, s);
    BOOST_REQUIRE_EQUAL(seen.capture.size(), 1u);
    BOOST_TEST(seen.capture[0].last());
    BOOST_TEST(seen.eos == 1);
  });
  BOOST_TEST(broken.empty());
}

// A configuration the library refuses ends the session with an ERROR (EIO),
// the factory's reason in the device's diagnostics.
BOOST_AUTO_TEST_CASE(an_encoder_the_library_refuses_is_an_error_event_with_its_reason) {
  MediaPlatform platform("platform", models::PlatformProfile{}, encoder_device());
  platform.device.use_encoders([](const codec::EncoderConfig&) -> Result<std::unique_ptr<codec::Encoder>> {
    return Error{"the library says no"};
  });
  guest::EncodeReport report;
  MediaEncodeConfig config;
  config.width = 64, config.height = 48, config.frames = 3;
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) {
    BOOST_REQUIRE(platform.driver.initialize().ok());
    report = MediaEncodeClient(platform.driver, config).run();
  });
  sc_core::sc_start();
  BOOST_TEST(report.units.empty());
  BOOST_TEST(!report.drained);
  BOOST_REQUIRE(!report.problems.empty());
  BOOST_TEST(report.problems.back().find("ERROR event") != std::string::npos, report.problems.back());
  const auto& d = platform.device.diagnostics();
  BOOST_REQUIRE(!d.empty());
  BOOST_TEST(d.front().find("the library says no") != std::string::npos, d.front());
}
