// Bit-exactness of the decoders against reference decoders nobody here
// wrote: vpxdec for VP8/VP9, ffmpeg for H.264 (fixtures/make_fixtures.sh).
#define BOOST_TEST_MODULE decode_reference
#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "codec/annexb_writer.h"
#include "codec/h264_decoder.h"
#include "codec/synthetic.h"
#include "decode_support.h"

using namespace vvsim::codec;
using namespace vvsim::codec::test;

namespace {

void check_against_reference(const std::string& name, size_t expected_formats) {
  const auto refs = load_references();
  BOOST_REQUIRE_MESSAGE(refs.count(name), name << " has no line in reference.md5");
  const ParsedStream stream = read_bitstream_file(fixture(name));
  BOOST_REQUIRE_MESSAGE(stream.status.ok(), stream.status.error_message());
  auto decoder = make_decoder(stream.codec);
  const DecodedStream out = decode_units(*decoder, stream.units);
  for (const auto& r : out.results) BOOST_CHECK_MESSAGE(r.status == UnitStatus::Ok, name << ": " << r.message);
  BOOST_CHECK_EQUAL(out.i420.size(), refs.at(name).bytes);
  BOOST_CHECK_EQUAL(md5_hex(out.i420), refs.at(name).md5);
  BOOST_CHECK_EQUAL(out.formats.size(), expected_formats);
}

}  // namespace

BOOST_AUTO_TEST_CASE(md5_helper_matches_rfc1321) {
  const std::string abc = "abc";
  BOOST_CHECK_EQUAL(md5_hex(std::vector<uint8_t>(abc.begin(), abc.end())), "900150983cd24fb0d6963f7d28e17f72");
}

BOOST_AUTO_TEST_CASE(vp8_matches_vpxdec) { check_against_reference("vp8_176x144.ivf", 1); }
BOOST_AUTO_TEST_CASE(vp9_matches_vpxdec) { check_against_reference("vp9_176x144.ivf", 1); }
BOOST_AUTO_TEST_CASE(vp8_resolution_change_matches_vpxdec) { check_against_reference("vp8_drc.ivf", 2); }
BOOST_AUTO_TEST_CASE(vp9_resolution_change_matches_vpxdec) { check_against_reference("vp9_drc.ivf", 2); }
BOOST_AUTO_TEST_CASE(h264_x264_baseline_matches_ffmpeg) { check_against_reference("h264_x264_baseline.h264", 1); }
BOOST_AUTO_TEST_CASE(h264_x264_high_with_b_frames_matches_ffmpeg) {
  check_against_reference("h264_x264_high_bframes.h264", 1);
}
BOOST_AUTO_TEST_CASE(h264_resolution_change_matches_ffmpeg) { check_against_reference("h264_drc.h264", 2); }

BOOST_AUTO_TEST_CASE(format_change_reported_before_first_picture_of_new_size) {
  const ParsedStream stream = read_bitstream_file(fixture("vp9_drc.ivf"));
  auto decoder = make_decoder(stream.codec);
  const DecodedStream out = decode_units(*decoder, stream.units);
  BOOST_REQUIRE_EQUAL(out.formats.size(), 2u);
  BOOST_CHECK_EQUAL(out.formats[0].visible.width, 176u);
  BOOST_CHECK_EQUAL(out.formats[0].coded_width, 176u);
  BOOST_CHECK_EQUAL(out.formats[0].coded_height, 144u);
  BOOST_CHECK_EQUAL(out.formats[1].visible.width, 96u);
  BOOST_CHECK_EQUAL(out.formats[1].visible.height, 64u);
  // 20 pictures of the first size came out before the change was reported.
  BOOST_CHECK_EQUAL(out.pictures_before_format_change, 20u);
  BOOST_CHECK_EQUAL(out.pictures[19].width, 176u);
  BOOST_CHECK_EQUAL(out.pictures[20].width, 96u);
}

BOOST_AUTO_TEST_CASE(live_vpxdec_bytes_equal) {
  const std::string in = fixture("vp8_drc.ivf"), ref = temp_path("live_vpxdec.yuv");
  BOOST_REQUIRE_EQUAL(std::system(("vpxdec --i420 -o " + ref + " " + in + " 2>/dev/null").c_str()), 0);
  const ParsedStream stream = read_bitstream_file(in);
  auto decoder = make_decoder(stream.codec);
  const DecodedStream out = decode_units(*decoder, stream.units);
  BOOST_CHECK(out.i420 == read_file(ref));
}

BOOST_AUTO_TEST_CASE(openh264_encoded_stream_matches_ffmpeg) {
  // A stream made by openh264 (through the project's encoder), decoded by ffmpeg as reference.
  EncoderConfig config;
  config.codec = CodecId::H264;
  config.width = 160;
  config.height = 96;
  config.bitrate_bps = 500'000;
  config.keyframe_interval = 8;
  auto made = make_encoder(config);
  BOOST_REQUIRE_MESSAGE(made, made.error_message());
  auto encoder = std::move(made).value();
  std::vector<uint8_t> stream_bytes;
  TestPattern pattern(160, 96, 7);
  for (uint32_t i = 0; i < 16; ++i) {
    auto r = encoder->encode(pattern.frame(i), false);
    for (auto& u : r.units) stream_bytes.insert(stream_bytes.end(), u.data.begin(), u.data.end());
  }
  const std::string h264 = temp_path("openh264_made.h264"), ref = temp_path("openh264_made.yuv");
  {
    std::ofstream f(h264, std::ios::binary);
    f.write(reinterpret_cast<const char*>(stream_bytes.data()), std::streamsize(stream_bytes.size()));
  }
  BOOST_REQUIRE_EQUAL(std::system(("ffmpeg -v error -y -i " + h264 + " -f rawvideo -pix_fmt yuv420p -autoscale 0 " + ref).c_str()), 0);
  const ParsedStream stream = parse_annexb(stream_bytes.data(), stream_bytes.size());
  BOOST_REQUIRE(stream.status.ok());
  auto decoder = make_decoder(CodecId::H264);
  const DecodedStream out = decode_units(*decoder, stream.units);
  BOOST_CHECK_EQUAL(out.pictures.size(), 16u);
  BOOST_CHECK(out.i420 == read_file(ref));
}

BOOST_AUTO_TEST_CASE(unit_work_figures) {
  // 176x144 = 11 x 9 macroblocks; vpxenc was told to place key frames every 10 frames.
  const ParsedStream stream = read_bitstream_file(fixture("vp8_176x144.ivf"));
  auto decoder = make_decoder(stream.codec);
  const DecodedStream out = decode_units(*decoder, stream.units);
  BOOST_REQUIRE_EQUAL(out.results.size(), 21u);  // 20 units + flush
  for (size_t i = 0; i < 20; ++i) {
    const UnitWork& w = out.results[i].work;
    BOOST_CHECK_EQUAL(w.macroblocks, 99u);
    BOOST_CHECK_EQUAL(w.coded_width, 176u);
    BOOST_CHECK_EQUAL(w.bitstream_bytes, stream.units[i].data.size());
    BOOST_CHECK(w.produces_picture);
    BOOST_CHECK((w.frame_type == (i % 10 == 0 ? FrameType::Key : FrameType::Inter)));
  }
}

BOOST_AUTO_TEST_CASE(h264_units_timestamps_and_parameter_sets) {
  const ParsedStream stream = read_bitstream_file(fixture("h264_x264_baseline.h264"));
  BOOST_REQUIRE(stream.status.ok());
  auto decoder = make_decoder(CodecId::H264);
  const DecodedStream out = decode_units(*decoder, stream.units);
  BOOST_REQUIRE_EQUAL(out.pictures.size(), 20u);
  for (size_t i = 0; i < out.pictures.size(); ++i) BOOST_CHECK_EQUAL(out.pictures[i].timestamp, i);
  // The first units are parameter sets / SEI: consumed, no picture, no macroblocks.
  BOOST_CHECK(!out.results[0].work.produces_picture);
  BOOST_CHECK_EQUAL(out.results[0].work.macroblocks, 0u);
  size_t key = 0, slices = 0;
  for (const auto& u : stream.units) {
    const auto nal = parse_nal(u.data.data(), u.data.size());
    BOOST_REQUIRE(nal);
    slices += nal->is_slice;
    key += nal->frame_type == FrameType::Key;
  }
  BOOST_CHECK_EQUAL(slices, 20u);
  BOOST_CHECK_EQUAL(key, 2u);  // IDR every 10 frames (-g 10)
}
