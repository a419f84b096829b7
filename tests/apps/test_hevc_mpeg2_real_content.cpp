// HEVC (libx265) and MPEG-2 (FFmpeg's mpeg2video) made at test time, and
// Annex B framing variants, through `vvsim run --dump-frames` against
// ffmpeg's decode of the same file; features confirmed with trace_headers.
#define BOOST_TEST_MODULE hevc_mpeg2_real_content
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include "tests/apps/real_content.h"

using namespace real_content;

namespace {

constexpr size_t kQcifFrameBytes = 176 * 144 * 3 / 2;

void append_file(const std::string& from, std::ofstream& to) {
  const std::string bytes = slurp(from);
  to.write(bytes.data(), std::streamsize(bytes.size()));
}

}  // namespace

BOOST_AUTO_TEST_CASE(hevc_with_b_frames_matches_ffmpeg) {
  const std::string dir = workdir("hevc_b"), file = dir + "/in.hevc";
  encode(file, "176x144", 20, "-c:v libx265 -x265-params log-level=error:bframes=3:b-pyramid=1", dir);
  BOOST_REQUIRE_GT(count_of(traced(file, "slice_type", dir), 0), 0);  // slice_type 0: B (H.265 Table 7-7)
  expect_same_frames(vvsim_frames(file, dir), ffmpeg_frames(file, dir), 20, kQcifFrameBytes);
}

// Two sequences of different sizes back to back: the second's VPS/SPS/PPS and
// IDR picture arrive mid-stream.
BOOST_AUTO_TEST_CASE(hevc_resolution_change_mid_stream_matches_ffmpeg) {
  const std::string dir = workdir("hevc_drc"), first = dir + "/a.hevc", second = dir + "/b.hevc";
  encode(first, "176x144", 10, "-c:v libx265 -x265-params log-level=error:bframes=2", dir);
  encode(second, "128x96", 10, "-c:v libx265 -x265-params log-level=error:bframes=2", dir);
  const std::string file = dir + "/in.h265";
  {
    std::ofstream out(file, std::ios::binary);
    append_file(first, out);
    append_file(second, out);
  }
  const auto widths = traced(file, "pic_width_in_luma_samples", dir);
  BOOST_REQUIRE(std::find(widths.begin(), widths.end(), 176) != widths.end());
  BOOST_REQUIRE(std::find(widths.begin(), widths.end(), 128) != widths.end());
  const std::string frames = vvsim_frames(file, dir);
  BOOST_CHECK_EQUAL(frames.size(), 10 * kQcifFrameBytes + 10 * (128 * 96 * 3 / 2));
  expect_same_frames(frames, ffmpeg_frames(file, dir), 0, 0);
}

BOOST_AUTO_TEST_CASE(mpeg2_with_b_frames_matches_ffmpeg) {
  const std::string dir = workdir("mpeg2_b"), file = dir + "/in.m2v";
  encode(file, "176x144", 20, "-c:v mpeg2video -bf 2 -g 12 -q:v 4", dir);
  BOOST_REQUIRE_GT(count_of(traced(file, "picture_coding_type", dir), 3), 0);  // 3: B (13818-2 Table 6-12)
  expect_same_frames(vvsim_frames(file, dir), ffmpeg_frames(file, dir), 20, kQcifFrameBytes);
}

// A picture whose last byte is a zero right before the next picture's start
// code (FFmpeg's mpeg2video with a 12-picture open GOP makes one at picture
// 17 of 24): the zero is slice data, not part of the start code. Cut off, the
// picture and every one predicted from it up to the next I decoded wrong.
BOOST_AUTO_TEST_CASE(mpeg2_picture_ending_in_a_zero_byte_keeps_it) {
  const std::string dir = workdir("mpeg2_zero_end"), file = dir + "/in.m2v";
  encode(file, "176x144", 24, "-c:v mpeg2video -bf 2 -g 12", dir);
  const std::string bytes = slurp(file);
  // 00 | 00 00 01 00: a zero, then a picture start code (13818-2 Table 6-1)
  BOOST_REQUIRE_MESSAGE(bytes.find(std::string("\0\0\0\1\0", 5)) != std::string::npos,
                        "the stream has no picture ending in a zero byte");
  expect_same_frames(vvsim_frames(file, dir), ffmpeg_frames(file, dir), 24, kQcifFrameBytes);
}

BOOST_AUTO_TEST_CASE(annexb_leading_zero_bytes_are_accepted) {
  const std::string dir = workdir("leading_zeros"), plain = dir + "/plain.h264", file = dir + "/zeros.h264";
  encode(plain, "176x144", 10, "-c:v libx264 -bf 2", dir);
  {
    std::ofstream out(file, std::ios::binary);
    const std::string zeros(1000, '\0');  // leading_zero_8bits, any number of them (H.264 §B.1)
    out.write(zeros.data(), std::streamsize(zeros.size()));
    append_file(plain, out);
  }
  expect_same_frames(vvsim_frames(file, dir), ffmpeg_frames(plain, dir), 10, kQcifFrameBytes);
}

// A 64 GiB file of zeros that occupies no disk: refused, naming the file,
// after reading a bounded prefix of it (peak memory stays far below the file).
BOOST_AUTO_TEST_CASE(huge_sparse_annexb_file_is_refused_without_reading_it_whole) {
  const std::string dir = workdir("sparse"), file = dir + "/sparse.h264";
  {
    std::ofstream out(file, std::ios::binary);
  }
  std::filesystem::resize_file(file, uint64_t(64) << 30);
  const auto r = run("/usr/bin/time -f 'peak_kib %M' " + kBin + " run " + kSrc + "/scenarios/default.yaml --quiet --out " +
                         dir + "/out --input " + file,
                     dir);
  std::filesystem::remove(file);
  BOOST_CHECK_NE(r.status, 0);
  BOOST_CHECK_NE(r.err.find(file), std::string::npos);
  BOOST_CHECK_NE(r.err.find("no start code"), std::string::npos);
  const auto at = r.err.find("peak_kib ");
  BOOST_REQUIRE(at != std::string::npos);
  BOOST_CHECK_LT(std::stol(r.err.substr(at + 9)), 512 * 1024);  // well under 1% of the file
}
