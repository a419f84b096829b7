// A forced key frame lands on the requested frame: the unit's flag says so
// and so does the bitstream (VP8 frame tag, VP9 uncompressed header, H.264
// NAL type 5); frames around it stay inter frames.
#define BOOST_TEST_MODULE encode_keyframe
#include <boost/test/unit_test.hpp>

#include "bitstream_peek.h"
#include "codec/synthetic.h"

using namespace vvsim::codec;

namespace {

constexpr uint32_t kFrames = 15, kForced = 7;

// Units of each frame, indexed by frame.
std::vector<std::vector<EncodedUnit>> encode_with_forced_key(CodecId codec, uint32_t keyframe_interval = 0) {
  EncoderConfig c;
  c.codec = codec;
  c.width = 176;
  c.height = 144;
  c.bitrate_bps = 500'000;
  c.keyframe_interval = keyframe_interval;
  auto made = make_encoder(c);
  BOOST_REQUIRE_MESSAGE(made, made.error_message());
  auto enc = std::move(made).value();
  TestPattern pattern(176, 144, 5);
  std::vector<std::vector<EncodedUnit>> frames;
  for (uint32_t i = 0; i < kFrames; ++i) {
    EncodeResult r = enc->encode(pattern.frame(i), i == kForced);
    BOOST_REQUIRE_MESSAGE(r.status == UnitStatus::Ok, r.message);
    BOOST_REQUIRE(!r.units.empty());
    for (const auto& u : r.units) BOOST_TEST(u.timestamp == i);
    frames.push_back(std::move(r.units));
  }
  return frames;
}

void check_vpx(CodecId codec) {
  auto frames = encode_with_forced_key(codec);
  for (uint32_t i = 0; i < kFrames; ++i) {
    BOOST_REQUIRE_EQUAL(frames[i].size(), 1u);
    const EncodedUnit& u = frames[i][0];
    bool expect_key = i == 0 || i == kForced;
    auto peeked = codec == CodecId::VP8 ? test::peek_vp8(u.data) : test::peek_vp9(u.data);
    BOOST_REQUIRE_MESSAGE(peeked, "frame " << i << " header unreadable");
    BOOST_TEST(peeked->key == expect_key, "frame " << i);
    BOOST_TEST((u.frame_type == (expect_key ? FrameType::Key : FrameType::Inter)), "frame " << i);
    if (expect_key) {
      BOOST_TEST(peeked->width == 176u);
      BOOST_TEST(peeked->height == 144u);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(vp8_forced_key_frame) { check_vpx(CodecId::VP8); }
BOOST_AUTO_TEST_CASE(vp9_forced_key_frame) { check_vpx(CodecId::VP9); }

BOOST_AUTO_TEST_CASE(h264_forced_key_frame) {
  auto frames = encode_with_forced_key(CodecId::H264);
  for (uint32_t i = 0; i < kFrames; ++i) {
    bool expect_key = i == 0 || i == kForced;
    std::vector<int> types;
    for (const auto& u : frames[i]) {
      types.push_back(test::h264_nal_type(u.data));
      BOOST_TEST((u.frame_type == (expect_key ? FrameType::Key : FrameType::Inter)), "frame " << i);
    }
    std::vector<int> expected = expect_key ? std::vector<int>{7, 8, 5} : std::vector<int>{1};
    BOOST_TEST(types == expected, "frame " << i);
  }
}

// keyframe_interval 5: key frames at 0, 5, 10, plus the forced one at 7.
BOOST_AUTO_TEST_CASE(keyframe_interval_and_forced) {
  for (CodecId codec : {CodecId::VP8, CodecId::VP9, CodecId::H264}) {
    auto frames = encode_with_forced_key(codec, 5);
    for (uint32_t i = 0; i < kFrames; ++i) {
      bool expect_key = i % 5 == 0 || i == kForced;
      const EncodedUnit& last = frames[i].back();  // the picture's own unit
      bool key = codec == CodecId::VP8   ? test::peek_vp8(last.data)->key
                 : codec == CodecId::VP9 ? test::peek_vp9(last.data)->key
                                         : test::h264_nal_type(last.data) == 5;
      BOOST_TEST(key == expect_key, "codec " << int(codec) << " frame " << i);
    }
  }
}
