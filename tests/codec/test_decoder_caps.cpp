// What the decoder backends say they decode, against the libraries' own
// lists and the bitstream formats' size fields.
#define BOOST_TEST_MODULE decoder_caps
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "codec/decoder_caps.h"
#include "codec/libav_library.h"

using namespace vvsim::codec;

namespace {

std::set<std::string> libavcodec_profile_names(AVCodecID id) {
  std::set<std::string> names;
  const AVCodec* c = libav().avcodec_find_decoder(id);
  BOOST_REQUIRE(c && c->profiles);
  for (const AVProfile* p = c->profiles; p->profile != FF_PROFILE_UNKNOWN; ++p) names.insert(p->name);
  return names;
}

// Profiles whose streams may have more than 8 bits or other chroma than 4:2:0, or layers libavcodec skips.
bool beyond_8_bit_4_2_0(const std::string& name) {
  for (const char* mark : {"10", "12", "4:2:2", "4:4:4", "422", "444", "Rext", "Scalable", "Multiview", "Stereo"})
    if (name.find(mark) != std::string::npos) return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(libavcodec_profiles_are_the_librarys_own_and_8_bit_4_2_0) {
  const std::pair<CodecId, AVCodecID> codecs[] = {
      {CodecId::H264, AV_CODEC_ID_H264}, {CodecId::HEVC, AV_CODEC_ID_HEVC}, {CodecId::MPEG2, AV_CODEC_ID_MPEG2VIDEO}};
  for (const auto& [codec, id] : codecs) {
    const auto library = libavcodec_profile_names(id);
    const DecoderCaps caps = decoder_caps(codec, DecoderBackend::Libavcodec);
    BOOST_TEST(!caps.profiles.empty());
    for (const auto& p : caps.profiles) {
      BOOST_TEST(library.count(p) == 1u, fourcc_of(codec) << " profile '" << p << "' is not one of libavcodec's");
      BOOST_TEST(!beyond_8_bit_4_2_0(p), p);
    }
  }
  // The H.264 profiles with 10-bit or 4:4:4 pictures exist in libavcodec's list and are not claimed.
  const auto h264 = decoder_caps(CodecId::H264, DecoderBackend::Libavcodec).profiles;
  for (const char* refused : {"High 10", "High 4:2:2", "High 4:4:4 Predictive"}) {
    BOOST_TEST(libavcodec_profile_names(AV_CODEC_ID_H264).count(refused) == 1u);
    BOOST_TEST((std::find(h264.begin(), h264.end(), refused) == h264.end()), refused);
  }
  // MPEG-2 High allows 4:2:2 pictures.
  const auto mpeg2 = decoder_caps(CodecId::MPEG2, DecoderBackend::Libavcodec).profiles;
  BOOST_TEST(libavcodec_profile_names(AV_CODEC_ID_MPEG2VIDEO).count("High") == 1u);
  BOOST_TEST((std::find(mpeg2.begin(), mpeg2.end(), "High") == mpeg2.end()));
}

BOOST_AUTO_TEST_CASE(sizes_are_those_the_header_fields_can_carry) {
  // RFC 6386 9.1: a VP8 key frame codes width and height in 14 bits; ISO/IEC
  // 13818-2: horizontal_size_value 12 bits + horizontal_size_extension 2 bits.
  const uint32_t fourteen_bits = 16383;
  BOOST_TEST(decoder_caps(CodecId::VP8, DecoderBackend::Libvpx).max_size.max_width == fourteen_bits);
  BOOST_TEST(decoder_caps(CodecId::MPEG2, DecoderBackend::Libavcodec).max_size.max_height == fourteen_bits);
  // VP9 (16-bit frame_width_minus_1), H.264 and HEVC allow more: the codec layer's own bound.
  BOOST_TEST(decoder_caps(CodecId::VP9, DecoderBackend::Libvpx).max_size.max_width == kMaxCodedDimension);
  BOOST_TEST(decoder_caps(CodecId::HEVC, DecoderBackend::Libavcodec).max_size.max_width == kMaxCodedDimension);
  // openh264's README: level 5.2, 36864 macroblocks; H.264 A.3.1: a side at most sqrt(8 * MaxFS) macroblocks.
  const auto side = static_cast<uint32_t>(std::sqrt(8.0 * 36864)) * 16;
  BOOST_TEST(decoder_caps(CodecId::H264, DecoderBackend::Openh264).max_size.max_width == side);
}

BOOST_AUTO_TEST_CASE(vpx_profiles_and_the_device_intersection) {
  // Every VP8 version decodes; VP9 only profile 0 (profiles 1-3 are refused as Unsupported: tests/apps/test_refused_content).
  BOOST_TEST(decoder_caps(CodecId::VP8, DecoderBackend::Libvpx).profiles.size() == 4u);
  const auto vp9 = decoder_caps(CodecId::VP9, DecoderBackend::Libvpx).profiles;
  BOOST_TEST((vp9 == std::vector<std::string>{"0"}));
  const auto vp8 = decoder_caps(CodecId::VP8, DecoderBackend::Libvpx);
  const PictureSizeLimit big = intersect({16384, 100}, vp8), small = intersect({640, 480}, vp8);
  BOOST_TEST(big.max_width == 16383u);
  BOOST_TEST(big.max_height == 100u);
  BOOST_TEST(small.max_width == 640u);
  BOOST_TEST(small.max_height == 480u);
}

BOOST_AUTO_TEST_CASE(every_backend_of_every_codec_has_caps) {
  for (CodecId codec : kAllCodecs)
    for (DecoderBackend backend : decoder_backends(codec)) BOOST_TEST(!decoder_caps(codec, backend).profiles.empty());
  BOOST_CHECK_THROW(decoder_caps(CodecId::VP9, DecoderBackend::Openh264), std::invalid_argument);
}
