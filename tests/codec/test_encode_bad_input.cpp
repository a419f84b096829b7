// Bad input is refused with a message naming the problem, and the encoder
// encodes the next good picture as if nothing had happened.
#define BOOST_TEST_MODULE encode_bad_input
#include <boost/test/unit_test.hpp>

#include "bitstream_peek.h"
#include "codec/image_layout.h"
#include "codec/synthetic.h"

using namespace vvsim::codec;

namespace {

std::unique_ptr<Encoder> small_encoder(CodecId codec) {
  EncoderConfig c;
  c.codec = codec;
  c.width = 64;
  c.height = 48;
  auto made = make_encoder(c);
  BOOST_REQUIRE_MESSAGE(made, made.error_message());
  return std::move(made).value();
}

void expect_refused(const EncodeResult& r, const std::string& needle) {
  BOOST_TEST((r.status == UnitStatus::Corrupt));
  BOOST_TEST(r.units.empty());
  BOOST_TEST(r.message.find(needle) != std::string::npos, "message '" << r.message << "' lacks '" << needle << "'");
}

void check_bad_pictures(CodecId codec) {
  auto enc = small_encoder(codec);
  TestPattern pattern(64, 48);
  expect_refused(enc->encode(make_picture(32, 48), false), "does not match the encoder's 64x48");
  expect_refused(enc->encode(Picture{}, false), "empty");
  Picture truncated = pattern.frame(0);
  truncated.u.resize(10);
  expect_refused(enc->encode(truncated, false), "needs planes");
  // Still usable, and the first good picture is the stream's key frame.
  EncodeResult r = enc->encode(pattern.frame(0), false);
  BOOST_REQUIRE_MESSAGE(r.status == UnitStatus::Ok, r.message);
  BOOST_REQUIRE(!r.units.empty());
  BOOST_TEST((r.units.back().frame_type == FrameType::Key));
  r = enc->encode(pattern.frame(1), false);
  BOOST_TEST((r.status == UnitStatus::Ok));
  BOOST_TEST((r.units.back().frame_type == FrameType::Inter));
  // A size the encoder cannot take is refused; the old size keeps working.
  expect_refused(enc->set_resolution(63, 48), "even");
  expect_refused(enc->set_resolution(0, 0), "even");
  r = enc->encode(pattern.frame(2), false);
  BOOST_TEST((r.status == UnitStatus::Ok));
  BOOST_TEST((r.units.back().frame_type == FrameType::Inter));
}

}  // namespace

BOOST_AUTO_TEST_CASE(vp8_bad_pictures) { check_bad_pictures(CodecId::VP8); }
BOOST_AUTO_TEST_CASE(vp9_bad_pictures) { check_bad_pictures(CodecId::VP9); }
BOOST_AUTO_TEST_CASE(h264_bad_pictures) { check_bad_pictures(CodecId::H264); }

BOOST_AUTO_TEST_CASE(bad_configs_refused) {
  EncoderConfig c;
  c.width = 0;
  c.height = 48;
  BOOST_TEST(check_encoder_config(c).error_message().find("size 0x48") != std::string::npos);
  BOOST_TEST(make_encoder(c).error_message().find("size 0x48") != std::string::npos);
  c.width = 65;
  BOOST_TEST(!make_encoder(c));
  c.width = 64;
  c.framerate = 0;
  BOOST_TEST(check_encoder_config(c).error_message().find("framerate 0") != std::string::npos);
  BOOST_TEST(!make_encoder(c));
  c.framerate = 30;
  c.bitrate_bps = 0;
  BOOST_TEST(check_encoder_config(c).error_message().find("bitrate") != std::string::npos);
  c.bitrate_bps = 100'000;
  BOOST_TEST(check_encoder_config(c).ok());
}

// A size the project's rule allows but libvpx's VP8 does not (its width field
// has 14 bits, so at most 16383): the reason is the library's, naming the call.
BOOST_AUTO_TEST_CASE(a_configuration_the_library_refuses_carries_its_reason) {
  EncoderConfig c;
  c.codec = CodecId::VP8;
  c.width = 16384;
  c.height = 16;
  BOOST_REQUIRE(check_encoder_config(c).ok());
  const auto made = make_encoder(c);
  BOOST_REQUIRE(!made);
  BOOST_TEST(made.error_message().find("vpx_codec_enc_init") != std::string::npos, made.error_message());
  BOOST_TEST(made.error_message().find("g_w") != std::string::npos, made.error_message());
}
