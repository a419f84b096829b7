// Streams that change size mid-way, made with the synthetic helper: the
// unit at the change is a key frame carrying the new size in its header, and
// the reference decoders output frames of both sizes matching the source.
#define BOOST_TEST_MODULE encode_resolution_change
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>
#include <regex>

#include "bitstream_peek.h"
#include "codec/annexb_writer.h"
#include "codec/ivf_writer.h"
#include "codec/synthetic.h"
#include "encode_support.h"

using namespace vvsim::codec;

namespace {

constexpr uint32_t kFramesEach = 10;
constexpr double kPsnrFloor = 30.0;

// The decoded frames in order, each at the size vpxdec reports for it.
std::vector<Picture> vpxdec_frames(const std::string& ivf, const std::string& dir) {
  BOOST_REQUIRE(test::run("vpxdec --i420 -o '" + dir + "/frame-%wx%h-%4.yuv' '" + ivf + "' 2>/dev/null") == 0);
  std::map<int, Picture> by_index;
  std::regex name(R"(frame-(\d+)x(\d+)-(\d+)\.yuv)");
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::smatch m;
    std::string file = entry.path().filename().string();
    if (!std::regex_match(file, m, name)) continue;
    auto pics = test::split_i420(test::read_bytes(entry.path().string()), std::stoul(m[1]), std::stoul(m[2]));
    BOOST_REQUIRE_EQUAL(pics.size(), 1u);
    by_index[std::stoi(m[3])] = pics[0];
  }
  std::vector<Picture> out;
  for (auto& [index, pic] : by_index) out.push_back(std::move(pic));
  return out;
}

void check_against_source(const std::vector<Picture>& decoded, const SyntheticStream& s) {
  BOOST_REQUIRE_EQUAL(decoded.size(), s.pictures.size());
  for (size_t i = 0; i < decoded.size(); ++i) {
    BOOST_TEST(decoded[i].width == s.pictures[i].width, "frame " << i);
    BOOST_TEST(decoded[i].height == s.pictures[i].height, "frame " << i);
    if (decoded[i].width != s.pictures[i].width || decoded[i].height != s.pictures[i].height) continue;
    double p = test::psnr(decoded[i], s.pictures[i]);
    BOOST_TEST(p >= kPsnrFloor, "frame " << i << ": " << p << " dB");
  }
}

void check_vpx_change(CodecId codec, SyntheticSegment a, SyntheticSegment b, const std::string& name) {
  SyntheticStream s = encode_with_resolution_change(codec, a, b, 1'500'000, 3, true);
  BOOST_REQUIRE_MESSAGE(s.status.ok(), s.status.error_message());
  BOOST_REQUIRE_EQUAL(s.units.size(), a.frames + b.frames);
  for (size_t i = 0; i < s.units.size(); ++i) {
    auto peeked = codec == CodecId::VP8 ? test::peek_vp8(s.units[i].data) : test::peek_vp9(s.units[i].data);
    BOOST_REQUIRE(peeked);
    bool expect_key = i == 0 || i == a.frames;
    BOOST_TEST(peeked->key == expect_key, "unit " << i);
    if (i == a.frames) {
      BOOST_TEST(peeked->width == b.width);
      BOOST_TEST(peeked->height == b.height);
      BOOST_TEST(s.units[i].work.coded_width == (b.width + 15) / 16 * 16);
    }
  }
  std::string dir = test::scratch_dir(name);
  IvfHeader h{codec == CodecId::VP8 ? "VP80" : "VP90", static_cast<uint16_t>(a.width),
              static_cast<uint16_t>(a.height), 30, 1};
  BOOST_REQUIRE(write_ivf_file(dir + "/stream.ivf", h, s.units).ok());
  check_against_source(vpxdec_frames(dir + "/stream.ivf", dir), s);
}

}  // namespace

// Smaller second size: libvpx takes it through enc_config_set.
BOOST_AUTO_TEST_CASE(vp8_shrink) { check_vpx_change(CodecId::VP8, {320, 240, kFramesEach}, {176, 144, kFramesEach}, "vp8_shrink"); }
BOOST_AUTO_TEST_CASE(vp9_shrink) { check_vpx_change(CodecId::VP9, {320, 240, kFramesEach}, {176, 144, kFramesEach}, "vp9_shrink"); }
// Larger second size: libvpx refuses to grow past the initial size, so the encoder is re-created.
BOOST_AUTO_TEST_CASE(vp8_grow) { check_vpx_change(CodecId::VP8, {176, 144, kFramesEach}, {320, 240, kFramesEach}, "vp8_grow"); }
BOOST_AUTO_TEST_CASE(vp9_grow) { check_vpx_change(CodecId::VP9, {176, 144, kFramesEach}, {352, 288, kFramesEach}, "vp9_grow"); }

// H.264: new SPS, PPS and an IDR at the change; ffprobe reports both sizes.
BOOST_AUTO_TEST_CASE(h264_change) {
  SyntheticStream s = encode_with_resolution_change(CodecId::H264, {176, 144, kFramesEach},
                                                    {320, 240, kFramesEach}, 1'500'000, 3, true);
  BOOST_REQUIRE_MESSAGE(s.status.ok(), s.status.error_message());
  std::vector<int> idr_at;
  for (size_t i = 0; i < s.units.size(); ++i)
    if (test::h264_nal_type(s.units[i].data) == 5) idr_at.push_back(static_cast<int>(s.units[i].timestamp));
  BOOST_TEST(idr_at == (std::vector<int>{0, static_cast<int>(kFramesEach)}));
  std::string dir = test::scratch_dir("h264_change");
  BOOST_REQUIRE(write_annexb_file(dir + "/stream.h264", s.units).ok());
  BOOST_REQUIRE(test::run("ffprobe -v error -select_streams v -show_entries frame=width,height -of csv=p=0 '" + dir +
                          "/stream.h264' > '" + dir + "/sizes.txt'") == 0);
  auto text = test::read_bytes(dir + "/sizes.txt");
  std::string expected;
  for (uint32_t i = 0; i < kFramesEach; ++i) expected += "176,144\n";
  for (uint32_t i = 0; i < kFramesEach; ++i) expected += "320,240\n";
  BOOST_TEST(std::string(text.begin(), text.end()) == expected);
}

// Down and back up within the first size (config_set both ways), three segments.
BOOST_AUTO_TEST_CASE(vpx_shrink_and_grow_back) {
  for (CodecId codec : {CodecId::VP8, CodecId::VP9}) {
    SyntheticStreamConfig c;
    c.codec = codec;
    c.segments = {{320, 240, 6}, {160, 120, 6}, {320, 240, 6}};
    c.keep_pictures = true;
    c.bitrate_bps = 1'500'000;
    SyntheticStream s = encode_synthetic(c);
    BOOST_REQUIRE_MESSAGE(s.status.ok(), s.status.error_message());
    std::string dir = test::scratch_dir(codec == CodecId::VP8 ? "vp8_down_up" : "vp9_down_up");
    IvfHeader h{codec == CodecId::VP8 ? "VP80" : "VP90", 320, 240, 30, 1};
    BOOST_REQUIRE(write_ivf_file(dir + "/stream.ivf", h, s.units).ok());
    check_against_source(vpxdec_frames(dir + "/stream.ivf", dir), s);
  }
}
