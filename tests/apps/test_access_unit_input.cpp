// Whole access units per input resource (driver.input_unit: access_unit) on
// streams made at test time: the pictures are ffmpeg's own decode (raw
// yuv420p) in both unit modes, on every H.264 backend and both protocols.
#define BOOST_TEST_MODULE access_unit_input
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "tests/apps/real_content.h"

using namespace real_content;

namespace {

const std::string kAccessUnits = " --set platform.driver.input_unit=access_unit";

// `file` run in each unit mode (and `extra` settings) gives ffmpeg's frames.
void expect_ffmpegs_frames_in_both_modes(const std::string& file, const std::string& dir, size_t frames,
                                         size_t frame_bytes, const std::string& extra = "") {
  const std::string reference = ffmpeg_frames(file, dir);
  for (const std::string& mode : {std::string(), kAccessUnits}) {
    BOOST_TEST_CONTEXT((mode.empty() ? "one NAL unit" : "one access unit") << " per resource" << extra) {
      expect_same_frames(vvsim_frames(file, dir, mode + extra), reference, frames, frame_bytes);
    }
  }
}

}  // namespace

// High profile, two B-frames (reordered output), IDR every 10 frames.
BOOST_AUTO_TEST_CASE(h264_with_b_frames_decodes_to_ffmpegs_pixels_in_both_unit_modes) {
  const std::string dir = workdir("au_h264_bframes"), file = dir + "/in.h264";
  encode(file, "176x144", 24, "-c:v libx264 -profile:v high -g 10 -bf 2 -x264-params threads=1", dir);
  BOOST_REQUIRE_NE(picture_types(file, dir).find('B'), std::string::npos);
  expect_ffmpegs_frames_in_both_modes(file, dir, 24, 176 * 144 * 3 / 2);
  expect_ffmpegs_frames_in_both_modes(file, dir, 24, 176 * 144 * 3 / 2, " --set protocol=media");
}

// Four slices per picture, with B-frames; Baseline with three slices on openh264.
BOOST_AUTO_TEST_CASE(h264_with_several_slices_per_picture_decodes_to_ffmpegs_pixels_in_both_unit_modes) {
  const std::string dir = workdir("au_h264_slices"), file = dir + "/in.h264", baseline = dir + "/baseline.h264";
  encode(file, "176x144", 20, "-c:v libx264 -x264-params slices=4:bframes=2:threads=1", dir);
  BOOST_REQUIRE_GE(traced(file, "first_mb_in_slice", dir).size(), 4u * 20);
  expect_ffmpegs_frames_in_both_modes(file, dir, 20, 176 * 144 * 3 / 2);
  encode(baseline, "176x144", 20, "-c:v libx264 -profile:v baseline -x264-params slices=3:threads=1", dir);
  BOOST_REQUIRE_GE(traced(baseline, "first_mb_in_slice", dir).size(), 3u * 20);
  expect_ffmpegs_frames_in_both_modes(baseline, dir, 20, 176 * 144 * 3 / 2, " --set device.decoders.H264=openh264");
}

// HEVC, two slices per picture and B-frames.
BOOST_AUTO_TEST_CASE(hevc_with_slices_decodes_to_ffmpegs_pixels_in_both_unit_modes) {
  const std::string dir = workdir("au_hevc_slices"), file = dir + "/in.hevc";
  encode(file, "176x144", 16, "-c:v libx265 -x265-params slices=2:bframes=2:log-level=error", dir);
  BOOST_REQUIRE_NE(picture_types(file, dir).find('B'), std::string::npos);
  expect_ffmpegs_frames_in_both_modes(file, dir, 16, 176 * 144 * 3 / 2);
}
