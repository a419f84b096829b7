// Each encoder's output, written with our container writers, decodes in the
// reference tools (vpxdec for IVF, ffmpeg for Annex B) to pictures within a
// stated quality floor of the synthetic source.
#define BOOST_TEST_MODULE encode_roundtrip
#include <boost/test/unit_test.hpp>

#include "codec/annexb_writer.h"
#include "codec/ivf_writer.h"
#include "codec/synthetic.h"
#include "encode_support.h"

using namespace vvsim::codec;

namespace {

constexpr uint32_t kWidth = 320, kHeight = 240, kFrames = 30;
constexpr uint32_t kBitrate = 2'000'000;  // generous for 320x240 at 30 fps
constexpr double kPsnrFloor = 30.0;        // dB, every frame

SyntheticStream encode_pattern(CodecId codec) {
  SyntheticStreamConfig c;
  c.codec = codec;
  c.segments = {{kWidth, kHeight, kFrames}};
  c.bitrate_bps = kBitrate;
  c.keep_pictures = true;
  SyntheticStream s = encode_synthetic(c);
  BOOST_REQUIRE_MESSAGE(s.status.ok(), s.status.error_message());
  return s;
}

// Decodes with the reference tool and checks every frame against the source.
void check_reference_decode(CodecId codec, const std::string& name) {
  SyntheticStream s = encode_pattern(codec);
  std::string dir = test::scratch_dir(name);
  std::string yuv = dir + "/decoded.yuv";
  if (codec == CodecId::H264) {
    BOOST_REQUIRE(write_annexb_file(dir + "/stream.h264", s.units).ok());
    BOOST_REQUIRE(test::ffmpeg_h264_to_i420(dir + "/stream.h264", yuv) == 0);
  } else {
    IvfHeader h{codec == CodecId::VP8 ? "VP80" : "VP90", kWidth, kHeight, 30, 1};
    BOOST_REQUIRE(write_ivf_file(dir + "/stream.ivf", h, s.units).ok());
    BOOST_REQUIRE(test::vpxdec_to_i420(dir + "/stream.ivf", yuv) == 0);
  }
  auto decoded = test::split_i420(test::read_bytes(yuv), kWidth, kHeight);
  BOOST_REQUIRE_EQUAL(decoded.size(), kFrames);
  double worst = 99, sum = 0;
  for (uint32_t i = 0; i < kFrames; ++i) {
    double p = test::psnr(decoded[i], s.pictures[i]);
    worst = std::min(worst, p);
    sum += p;
    BOOST_TEST(p >= kPsnrFloor, "frame " << i << ": " << p << " dB");
  }
  size_t bytes = 0;
  for (const auto& u : s.units) bytes += u.data.size();
  BOOST_TEST_MESSAGE(name << ": " << s.units.size() << " units, " << bytes << " bytes, PSNR mean "
                          << sum / kFrames << " dB, worst " << worst << " dB");
}

// The same input twice gives byte-identical units.
void check_deterministic(CodecId codec) {
  SyntheticStream a = encode_pattern(codec), b = encode_pattern(codec);
  BOOST_REQUIRE_EQUAL(a.units.size(), b.units.size());
  for (size_t i = 0; i < a.units.size(); ++i) BOOST_TEST(a.units[i].data == b.units[i].data, "unit " << i);
}

}  // namespace

BOOST_AUTO_TEST_CASE(vp8_decodes_in_vpxdec) { check_reference_decode(CodecId::VP8, "vp8_roundtrip"); }
BOOST_AUTO_TEST_CASE(vp9_decodes_in_vpxdec) { check_reference_decode(CodecId::VP9, "vp9_roundtrip"); }
BOOST_AUTO_TEST_CASE(h264_decodes_in_ffmpeg) { check_reference_decode(CodecId::H264, "h264_roundtrip"); }

BOOST_AUTO_TEST_CASE(vp8_deterministic) { check_deterministic(CodecId::VP8); }
BOOST_AUTO_TEST_CASE(vp9_deterministic) { check_deterministic(CodecId::VP9); }
BOOST_AUTO_TEST_CASE(h264_deterministic) { check_deterministic(CodecId::H264); }

// One unit per frame for VP8/VP9; for H.264 one unit per NAL: SPS, PPS and
// an IDR slice for the first frame, one slice for each later frame. Units
// carry their frame's timestamp and the work figures of a 320x240 frame.
BOOST_AUTO_TEST_CASE(unit_structure) {
  for (CodecId codec : {CodecId::VP8, CodecId::VP9}) {
    SyntheticStream s = encode_pattern(codec);
    BOOST_REQUIRE_EQUAL(s.units.size(), kFrames);
    for (uint32_t i = 0; i < kFrames; ++i) {
      const EncodedUnit& u = s.units[i];
      BOOST_TEST(u.timestamp == i);
      BOOST_TEST((u.frame_type == (i == 0 ? FrameType::Key : FrameType::Inter)));
      BOOST_TEST(u.work.coded_width == 320u);
      BOOST_TEST(u.work.coded_height == 240u);
      BOOST_TEST(u.work.macroblocks == 20u * 15);
      BOOST_TEST(u.work.bitstream_bytes == u.data.size());
      BOOST_TEST(u.work.produces_picture);
    }
  }
  SyntheticStream h = encode_pattern(CodecId::H264);
  BOOST_REQUIRE_EQUAL(h.units.size(), kFrames + 2);
  std::vector<int> types;
  for (const auto& u : h.units) types.push_back(u.data[start_code_length(u.data.data(), u.data.size())] & 0x1f);
  BOOST_TEST(types[0] == 7);
  BOOST_TEST(types[1] == 8);
  BOOST_TEST(types[2] == 5);
  for (size_t i = 3; i < types.size(); ++i) BOOST_TEST(types[i] == 1, "unit " << i);
  for (size_t i = 0; i < h.units.size(); ++i) {
    const EncodedUnit& u = h.units[i];
    BOOST_TEST(u.timestamp == (i < 3 ? 0 : i - 2));
    BOOST_TEST(u.work.produces_picture == (i >= 2));
    BOOST_TEST(u.work.macroblocks == (i >= 2 ? 300u : 0u));
    BOOST_TEST((u.frame_type == (i < 3 ? FrameType::Key : FrameType::Inter)));
  }
}
