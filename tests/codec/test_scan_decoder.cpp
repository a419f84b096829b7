// The timing-only scan decoder against the real backends: on every fixture
// it may model, each unit's status, message, format change, work figures and
// pictures (sizes, timestamps) must equal what libvpx / openh264 report.
#define BOOST_TEST_MODULE scan_decoder
#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "codec/scan_decoder.h"
#include "codec/start_code_headers.h"
#include "codec/unit_header.h"
#include "decode_support.h"

using namespace vvsim::codec;
using namespace vvsim::codec::test;

namespace {

void check_same(const DecodeResult& real, const DecodeResult& scan, const std::string& where) {
  BOOST_TEST_CONTEXT(where) {
    BOOST_CHECK(real.status == scan.status);
    BOOST_CHECK_EQUAL(real.message, scan.message);
    BOOST_REQUIRE_EQUAL(real.new_format.has_value(), scan.new_format.has_value());
    if (real.new_format) {
      BOOST_CHECK_EQUAL(real.new_format->coded_width, scan.new_format->coded_width);
      BOOST_CHECK_EQUAL(real.new_format->coded_height, scan.new_format->coded_height);
      BOOST_CHECK_EQUAL(real.new_format->visible.width, scan.new_format->visible.width);
      BOOST_CHECK_EQUAL(real.new_format->visible.height, scan.new_format->visible.height);
      BOOST_CHECK_EQUAL(real.new_format->min_output_buffers, scan.new_format->min_output_buffers);
    }
    BOOST_CHECK_EQUAL(real.work.coded_width, scan.work.coded_width);
    BOOST_CHECK_EQUAL(real.work.coded_height, scan.work.coded_height);
    BOOST_CHECK_EQUAL(real.work.macroblocks, scan.work.macroblocks);
    BOOST_CHECK_EQUAL(real.work.bitstream_bytes, scan.work.bitstream_bytes);
    BOOST_CHECK(real.work.frame_type == scan.work.frame_type);
    BOOST_CHECK_EQUAL(real.work.produces_picture, scan.work.produces_picture);
    BOOST_REQUIRE_EQUAL(real.pictures.size(), scan.pictures.size());
    for (size_t i = 0; i < real.pictures.size(); ++i) {
      BOOST_CHECK_EQUAL(real.pictures[i].timestamp, scan.pictures[i].timestamp);
      BOOST_CHECK_EQUAL(real.pictures[i].width, scan.pictures[i].width);
      BOOST_CHECK_EQUAL(real.pictures[i].height, scan.pictures[i].height);
      BOOST_CHECK(!scan.pictures[i].has_pixels);
      BOOST_CHECK(scan.pictures[i].y.empty());
    }
  }
}

// Feeds units [from, end) of `file` to both, after a reset when `from` > 0
// (a seek), then flushes; returns the number of pictures seen.
size_t compare_on_file(const std::string& file, size_t from = 0) {
  const std::string name = file.substr(file.rfind('/') + 1);
  const ParsedStream stream = read_bitstream_file(file);
  BOOST_REQUIRE_MESSAGE(stream.status.ok(), stream.status.error_message());
  UnitsInMemory source(stream.units);
  BOOST_REQUIRE_MESSAGE(scan_stream_support(stream.codec, source).empty(), name);
  auto real = make_decoder(stream.codec);
  auto scan = make_scan_decoder(stream.codec);
  if (from > 0) {
    for (size_t i = 0; i < from; ++i) {
      real->decode(stream.units[i].data.data(), stream.units[i].data.size(), stream.units[i].timestamp);
      scan->decode(stream.units[i].data.data(), stream.units[i].data.size(), stream.units[i].timestamp);
    }
    real->reset();
    scan->reset();
  }
  size_t pictures = 0;
  for (size_t i = from; i < stream.units.size(); ++i) {
    const auto& u = stream.units[i];
    const auto r = real->decode(u.data.data(), u.data.size(), u.timestamp);
    check_same(r, scan->decode(u.data.data(), u.data.size(), u.timestamp), name + " unit " + std::to_string(i));
    pictures += r.pictures.size();
  }
  const auto r = real->flush();
  check_same(r, scan->flush(), name + " flush");
  return pictures + r.pictures.size();
}

size_t compare_on(const std::string& name, size_t from = 0) { return compare_on_file(fixture(name), from); }

// An MPEG-2 stream made by ffmpeg's mpeg2video encoder now, in the build tree.
std::string mpeg2_stream(const std::string& name, const std::string& encoder_args) {
  const std::string file = std::string(VVSIM_BINARY_DIR) + "/scan_" + name + ".m2v";
  const std::string command = "ffmpeg -v error -y -f lavfi -i testsrc2=size=176x144:rate=25 -frames:v 20 -c:v mpeg2video " +
                              encoder_args + " " + file;
  BOOST_REQUIRE_EQUAL(std::system(command.c_str()), 0);
  return file;
}

// Picture coding types (1 I, 2 P, 3 B) of every picture header, straight from the bytes.
std::string mpeg2_types(const std::string& file) {
  const ParsedStream stream = read_bitstream_file(file);
  std::string types;
  for (const auto& u : stream.units)
    if (const auto t = mpeg2_picture_type(u.data.data(), u.data.size()))
      types += *t == FrameType::Key ? 'I' : *t == FrameType::Inter ? 'P' : 'B';
  return types;
}

}  // namespace

BOOST_AUTO_TEST_CASE(vp8_scan_matches_libvpx) { BOOST_CHECK_EQUAL(compare_on("vp8_176x144.ivf"), 20u); }
BOOST_AUTO_TEST_CASE(vp9_scan_matches_libvpx) { BOOST_CHECK_GT(compare_on("vp9_176x144.ivf"), 0u); }
BOOST_AUTO_TEST_CASE(vp8_resolution_change_scan_matches_libvpx) { BOOST_CHECK_GT(compare_on("vp8_drc.ivf"), 0u); }
BOOST_AUTO_TEST_CASE(vp9_resolution_change_scan_matches_libvpx) { BOOST_CHECK_GT(compare_on("vp9_drc.ivf"), 0u); }
BOOST_AUTO_TEST_CASE(h264_baseline_scan_matches_openh264) { BOOST_CHECK_GT(compare_on("h264_x264_baseline.h264"), 0u); }
BOOST_AUTO_TEST_CASE(h264_resolution_change_scan_matches_openh264) { BOOST_CHECK_GT(compare_on("h264_drc.h264"), 0u); }

// MPEG-2 with B pictures (held for display order) and without (low_delay is
// not set by the encoder, so I/P pictures are still held one picture).
BOOST_AUTO_TEST_CASE(mpeg2_with_b_pictures_scan_matches_libavcodec) {
  const std::string file = mpeg2_stream("b", "-bf 2 -g 8");
  BOOST_REQUIRE_NE(mpeg2_types(file).find('B'), std::string::npos);
  BOOST_CHECK_EQUAL(compare_on_file(file), 20u);
  compare_on_file(file, 5);  // after a seek onto a B picture
}
BOOST_AUTO_TEST_CASE(mpeg2_without_b_pictures_scan_matches_libavcodec) {
  const std::string file = mpeg2_stream("p", "-bf 0 -g 6");
  BOOST_REQUIRE_EQUAL(mpeg2_types(file).find('B'), std::string::npos);
  BOOST_CHECK_EQUAL(compare_on_file(file), 20u);
}

// A seek lands on inter frames: both skip to the next key frame alike.
BOOST_AUTO_TEST_CASE(vp8_scan_matches_libvpx_after_reset_mid_stream) { compare_on("vp8_drc.ivf", 7); }
BOOST_AUTO_TEST_CASE(h264_scan_matches_openh264_after_reset_mid_stream) { compare_on("h264_drc.h264", 9); }

BOOST_AUTO_TEST_CASE(h264_with_b_frames_is_scanned) {
  BOOST_CHECK_GT(compare_on("h264_x264_high_bframes.h264"), 0u);
}

BOOST_AUTO_TEST_CASE(sps_size_with_cropping_by_hand) {
  // Baseline SPS for 1920x1080: 120x68 macroblocks, frame_cropping bottom 4 (x2 rows = 8).
  // Bits after the NAL header: profile 66, constraints 0xc0, level 40, then ue fields:
  // sps_id 0 '1', log2_max_frame_num-4 0 '1', poc_type 2 '011', max_refs 1 '010', gaps '0',
  // width_mbs-1 119 '0000001111000', height-1 67 '00000010000100', frame_mbs_only '1',
  // direct8x8 '1', cropping '1', left 0 '1', right 0 '1', top 0 '1', bottom 4 '00101', vui '0', stop '1'.
  const std::string bits = "1" "1" "011" "010" "0" "0000001111000" "0000001000100" "1" "1" "1" "1" "1" "1" "00101"
                           "0" "1";
  std::vector<uint8_t> sps = {0, 0, 0, 1, 0x67, 66, 0xc0, 40};
  for (size_t i = 0; i < bits.size(); i += 8) {
    std::string byte = bits.substr(i, 8);
    byte.resize(8, '0');
    sps.push_back(static_cast<uint8_t>(std::stoi(byte, nullptr, 2)));
  }
  const auto info = parse_sps(sps.data(), sps.size());
  BOOST_REQUIRE(info);
  BOOST_CHECK_EQUAL(info->profile_idc, 66u);
  BOOST_CHECK_EQUAL(info->pic_order_cnt_type, 2u);
  BOOST_CHECK_EQUAL(info->width, 1920u);
  BOOST_CHECK_EQUAL(info->height, 1080u);
}

BOOST_AUTO_TEST_CASE(vp9_superframe_index_split_by_hand) {
  // Two frames of 3 and 2 bytes, 1-byte sizes: marker 0b11000001 = 0xc1, index c1 03 02 c1.
  const std::vector<uint8_t> unit = {1, 2, 3, 4, 5, 0xc1, 3, 2, 0xc1};
  const auto frames = split_vp9_superframe(unit.data(), unit.size());
  BOOST_REQUIRE_EQUAL(frames.size(), 2u);
  BOOST_CHECK_EQUAL(frames[0].first, 0u);
  BOOST_CHECK_EQUAL(frames[0].second, 3u);
  BOOST_CHECK_EQUAL(frames[1].first, 3u);
  BOOST_CHECK_EQUAL(frames[1].second, 2u);
  // An index whose sizes overrun the unit is not trusted.
  const std::vector<uint8_t> lying = {1, 2, 0xc1, 9, 9, 0xc1};
  BOOST_CHECK_EQUAL(split_vp9_superframe(lying.data(), lying.size()).size(), 1u);
}

// Found by fuzz_bitstream: a scaling-list delta far outside -128..127 made the
// running scale overflow (undefined behaviour, caught by UBSan). Such an SPS
// is refused.
BOOST_AUTO_TEST_CASE(sps_with_out_of_range_scaling_delta_is_refused) {
  const std::vector<uint8_t> finding = {
      0x87, 0x80, 0x07, 0x00, 0xc0, 0x00, 0x00, 0x2c, 0x00, 0xc0, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xfa, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x2c};
  BOOST_CHECK(!parse_sps(finding.data(), finding.size()));
  // A High-profile SPS whose first scaling list has delta_scale 200 (se 200 = ue 399).
  // profile 100, constraints 0, level 30, sps_id 0 '1', chroma 1 '010', depths '1' '1',
  // qpprime '0', matrix present '1', list 0 present '1', delta ue(399) = 8 zeros + '110010000'.
  const std::string bits = "1" "010" "1" "1" "0" "1" "1" "00000000110010000" "1";
  std::vector<uint8_t> sps = {0, 0, 0, 1, 0x67, 100, 0, 30};
  for (size_t i = 0; i < bits.size(); i += 8) {
    std::string byte = bits.substr(i, 8);
    byte.resize(8, '0');
    sps.push_back(static_cast<uint8_t>(std::stoi(byte, nullptr, 2)));
  }
  BOOST_CHECK(!parse_sps(sps.data(), sps.size()));
}

namespace {
std::vector<uint8_t> bytes_of_bits(const std::string& bits) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < bits.size(); i += 8) {
    std::string byte = bits.substr(i, 8);
    byte.resize(8, '0');
    out.push_back(static_cast<uint8_t>(std::stoi(byte, nullptr, 2)));
  }
  return out;
}
}  // namespace

// VP9 §6.2 / §6.2.2 by hand: a profile-1 key frame carries subsampling_x,
// subsampling_y and reserved_zero (3 bits) after color_range; the size
// follows. (Reading 4 bits there gave 351x287 for a 176x144 stream.)
BOOST_AUTO_TEST_CASE(vp9_profile_1_key_frame_colour_config_and_size_by_hand) {
  // frame_marker '10', profile_low_bit 1, profile_high_bit 0, show_existing_frame 0,
  // frame_type 0 (key), show_frame 1, error_resilient_mode 0, sync code 0x498342,
  // color_space 2 '010', color_range 0, subsampling_x 0, subsampling_y 0, reserved 0,
  // frame_width_minus_1 175, frame_height_minus_1 143.
  const auto frame = bytes_of_bits("10" "1" "0" "0" "0" "1" "0" "010010011000001101000010" "010" "0" "0" "0" "0" +
                                   std::string("0000000010101111") + "0000000010001111");
  const auto h = parse_vp9_header(frame.data(), frame.size());
  BOOST_REQUIRE(h);
  BOOST_CHECK_EQUAL(h->profile, 1u);
  BOOST_CHECK_EQUAL(h->frame_type == FrameType::Key, true);
  BOOST_CHECK_EQUAL(std::string(h->chroma_format), "4:4:4");
  BOOST_CHECK_EQUAL(h->bit_depth, 8u);
  BOOST_CHECK_EQUAL(h->width, 176u);
  BOOST_CHECK_EQUAL(h->height, 144u);
}

// §6.2: an inter frame that takes no reference's size declares its own
// (frame_size_with_refs with found_ref 0 three times), which the device's
// size limit needs.
BOOST_AUTO_TEST_CASE(vp9_inter_frame_with_its_own_size_by_hand) {
  // '10' profile 0 '0' '0', show_existing 0, frame_type 1, show_frame 1, error_res 0,
  // reset_frame_context '00', refresh_frame_flags 8 bits, 3 x (ref idx 3 + sign bias 1),
  // found_ref 0 0 0, width-1 8191, height-1 63.
  const auto frame = bytes_of_bits("10" "0" "0" "0" "1" "1" "0" "00" "00000001" "0000" "0010" "0100" "000" +
                                   std::string("0001111111111111") + "0000000000111111");
  const auto h = parse_vp9_header(frame.data(), frame.size());
  BOOST_REQUIRE(h);
  BOOST_CHECK_EQUAL(h->width, 0u);  // not a key frame
  BOOST_CHECK_EQUAL(h->declared_width, 8192u);
  BOOST_CHECK_EQUAL(h->declared_height, 64u);
}
