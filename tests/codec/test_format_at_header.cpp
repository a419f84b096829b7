// A hardware decoder knows a stream's picture size once it parses the
// sequence header its first picture names, so the first format is announced
// with the unit that carries the first picture's data, before any picture
// leaves, even when the stream reorders and the first picture leaves later.
// Checked on every backend and the timing-only scan, against the stream's
// own bytes (which unit holds the first picture), ffprobe (its size and that
// it reorders) and the pictures themselves (no second announcement).
#define BOOST_TEST_MODULE format_at_header
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>

#include "codec/bitstream_reader.h"
#include "codec/scan_decoder.h"
#include "decode_support.h"

using namespace vvsim::codec;
using namespace vvsim::codec::test;

namespace {

// The unit's first picture data, from its bytes: an H.264 slice NAL (types 1-5),
// an HEVC VCL NAL (types 0-31) or an MPEG-2 picture start code.
bool carries_picture(CodecId codec, const std::vector<uint8_t>& unit) {
  for (size_t i = 0; i + 3 < unit.size(); ++i) {
    if (unit[i] != 0 || unit[i + 1] != 0 || unit[i + 2] != 1) continue;
    const uint8_t next = unit[i + 3];
    if (codec == CodecId::MPEG2 && next == 0x00) return true;
    if (codec == CodecId::H264 && (next & 0x1f) >= 1 && (next & 0x1f) <= 5) return true;
    if (codec == CodecId::HEVC && (next >> 1 & 0x3f) < 32) return true;
  }
  return false;
}

std::string probe(const std::string& file, const std::string& entries) {
  const std::string command =
      "ffprobe -v error -select_streams v -show_entries stream=" + entries + " -of csv=p=0 '" + file + "'";
  FILE* pipe = popen(command.c_str(), "r");
  BOOST_REQUIRE(pipe);
  char line[256] = {};
  const bool read = fgets(line, sizeof line, pipe) != nullptr;
  pclose(pipe);
  BOOST_REQUIRE_MESSAGE(read, "ffprobe gave nothing for " << file);
  std::string out(line);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ',')) out.pop_back();
  return out;
}

void check_first_format_at_first_picture_unit(const std::string& file, Decoder& decoder) {
  const ParsedStream stream = read_bitstream_file(file);
  BOOST_REQUIRE_MESSAGE(stream.status.ok(), stream.status.error_message());
  // The stream must really reorder, or the test shows nothing.
  BOOST_REQUIRE_GT(std::stoi(probe(file, "has_b_frames")), 0);
  size_t first_picture_unit = stream.units.size(), formats = 0, pictures_before_format = 0, pictures = 0;
  std::optional<size_t> format_unit;
  std::optional<StreamFormat> format;
  for (size_t i = 0; i < stream.units.size(); ++i) {
    const auto& u = stream.units[i];
    if (first_picture_unit == stream.units.size() && carries_picture(stream.codec, u.data)) first_picture_unit = i;
    const DecodeResult r = decoder.decode(u.data.data(), u.data.size(), u.timestamp);
    if (r.new_format) {
      ++formats;
      if (!format_unit) format_unit = i, format = r.new_format, pictures_before_format = pictures;
    }
    for (const auto& p : r.pictures)
      if (format) BOOST_CHECK_MESSAGE(p.width == format->visible.width && p.height == format->visible.height,
                                      "unit " << i << ": a picture of another size");
    pictures += r.pictures.size();
  }
  const DecodeResult flushed = decoder.flush();
  formats += flushed.new_format ? 1 : 0;
  pictures += flushed.pictures.size();
  BOOST_REQUIRE(format_unit);
  BOOST_CHECK_EQUAL(*format_unit, first_picture_unit);
  BOOST_CHECK_EQUAL(pictures_before_format, 0u);
  BOOST_CHECK_EQUAL(formats, 1u);
  BOOST_CHECK_GT(pictures, 0u);
  BOOST_CHECK_EQUAL(std::to_string(format->visible.width) + "," + std::to_string(format->visible.height),
                    probe(file, "width,height"));
}

std::string made_stream(const std::string& name, const std::string& encoder_args) {
  const std::string file = temp_path("format_at_header_" + name);
  const std::string command =
      "ffmpeg -v error -y -f lavfi -i testsrc2=size=176x144:rate=25 -frames:v 16 " + encoder_args + " '" + file + "'";
  BOOST_REQUIRE_EQUAL(std::system(command.c_str()), 0);
  return file;
}

const std::string kHevcArgs = "-c:v libx265 -x265-params log-level=error:bframes=3:b-pyramid=1 -f hevc";
const std::string kMpeg2Args = "-c:v mpeg2video -bf 2 -g 8 -f mpeg2video";

}  // namespace

BOOST_AUTO_TEST_CASE(h264_with_b_frames_on_libavcodec) {
  check_first_format_at_first_picture_unit(fixture("h264_x264_high_bframes.h264"),
                                           *make_decoder(CodecId::H264, DecoderBackend::Libavcodec));
}

BOOST_AUTO_TEST_CASE(h264_with_b_frames_on_openh264) {
  check_first_format_at_first_picture_unit(fixture("h264_x264_high_bframes.h264"),
                                           *make_decoder(CodecId::H264, DecoderBackend::Openh264));
}

BOOST_AUTO_TEST_CASE(h264_with_b_frames_on_the_scan) {
  check_first_format_at_first_picture_unit(fixture("h264_x264_high_bframes.h264"),
                                           *make_scan_decoder(CodecId::H264, DecoderBackend::Libavcodec));
}

BOOST_AUTO_TEST_CASE(hevc_with_b_frames_on_libavcodec_and_the_scan) {
  const std::string file = made_stream("b.hevc", kHevcArgs);
  check_first_format_at_first_picture_unit(file, *make_decoder(CodecId::HEVC));
  check_first_format_at_first_picture_unit(file, *make_scan_decoder(CodecId::HEVC));
}

BOOST_AUTO_TEST_CASE(mpeg2_with_b_pictures_on_libavcodec_and_the_scan) {
  const std::string file = made_stream("b.m2v", kMpeg2Args);
  check_first_format_at_first_picture_unit(file, *make_decoder(CodecId::MPEG2));
  check_first_format_at_first_picture_unit(file, *make_scan_decoder(CodecId::MPEG2));
}
