// Content the device refuses, made at test time with Debian's ffmpeg and
// confirmed by ffprobe / trace_headers to have the property it is named for:
// the stream gets a v6 error event, the device's diagnostic names the header
// values, and the run ends as a stream problem (exit 6), never "completed".
#define BOOST_TEST_MODULE refused_content
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <tuple>

#include "tests/apps/real_content.h"

using namespace real_content;

namespace {

constexpr int kStreamProblems = 6;

struct Refusal {
  Ran ran;
  nlohmann::json summary;
};

// Runs `file` through vvsim (full or timing-only) and returns its exit and summary.
Refusal run_refused(const std::string& file, const std::string& dir, const std::string& extra = "") {
  Refusal r;
  r.ran = run(kBin + " run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir + "/out --input " + file + " " +
                  extra,
              dir);
  r.summary = nlohmann::json::parse(slurp(dir + "/out/summary.json"));
  return r;
}

bool any_diagnostic_has(const nlohmann::json& summary, const std::string& text) {
  for (const auto& d : summary["diagnostics"])
    if (d.get<std::string>().find(text) != std::string::npos) return true;
  return false;
}

// Exit 6 with the refusal in the reason, one error event, no frame, and a
// device diagnostic that contains `names`.
void expect_refused(const Refusal& r, const std::string& names) {
  BOOST_CHECK_EQUAL(r.ran.status, kStreamProblems);
  BOOST_CHECK_NE(r.ran.err.find("refused the stream's content"), std::string::npos);
  BOOST_CHECK_EQUAL(r.summary["outcome"], "stream_problems");
  BOOST_CHECK_EQUAL(r.summary["streams"][0]["error_events"], 1);
  BOOST_CHECK_EQUAL(r.summary["streams"][0]["frames_out"], 0);
  BOOST_CHECK_MESSAGE(any_diagnostic_has(r.summary, names), "no diagnostic names '" << names << "'");
}

std::string probed(const std::string& file, const std::string& entry, const std::string& dir) {
  auto r = run("ffprobe -v error -show_entries stream=" + entry + " -of csv=p=0 " + file, dir);
  while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == '\r')) r.out.pop_back();
  return r.out;
}

// Encodes `frames` frames at `size` with `codec_args` into DIR/`name`,
// requires ffprobe's stream `entry` of it to be `probe`, and expects a run of
// it (with `extra` options) refused naming `named`.
void expect_made_stream_refused(const std::string& name, const std::string& size, const std::string& codec_args,
                                const std::string& entry, const std::string& probe, const std::string& named,
                                const std::string& extra = "") {
  const std::string dir = workdir("refused_" + name), file = dir + "/" + name;
  encode(file, size, 2, codec_args, dir);
  BOOST_REQUIRE_EQUAL(probed(file, entry, dir), probe);
  expect_refused(run_refused(file, dir, extra), named);
}

}  // namespace

BOOST_AUTO_TEST_CASE(h264_high10_is_refused_naming_its_bit_depth) {
  const std::string dir = workdir("refused_high10"), file = dir + "/in.h264";
  encode(file, "176x144", 5, "-c:v libx264 -pix_fmt yuv420p10le", dir);
  BOOST_REQUIRE_GT(count_of(traced(file, "bit_depth_luma_minus8", dir), 2), 0);
  expect_refused(run_refused(file, dir), "profile_idc 110, 4:2:0 chroma (chroma_format_idc 1), 10-bit luma");
}

BOOST_AUTO_TEST_CASE(h264_422_and_444_are_refused_naming_their_chroma_format) {
  for (const auto& [pix_fmt, idc, named] :
       {std::tuple{"yuv422p", 2, "4:2:2 chroma (chroma_format_idc 2)"}, {"yuv444p", 3, "4:4:4 chroma (chroma_format_idc 3)"}}) {
    const std::string dir = workdir(std::string("refused_") + pix_fmt), file = dir + "/in.h264";
    encode(file, "176x144", 5, std::string("-c:v libx264 -pix_fmt ") + pix_fmt, dir);
    BOOST_REQUIRE_GT(count_of(traced(file, "chroma_format_idc", dir), idc), 0);
    // Timing-only too: its check against the real decoder stops at the refusal
    // both agree on (it used to compare the units after it and refuse the run).
    for (const std::string mode : {"", "--timing-only"}) expect_refused(run_refused(file, dir, mode), named);
  }
}

// The refusal is the codec layer's, at the SPS, whichever backend decodes.
BOOST_AUTO_TEST_CASE(h264_high10_is_refused_on_openh264_too) {
  const std::string dir = workdir("refused_high10_openh264"), file = dir + "/in.h264";
  encode(file, "176x144", 5, "-c:v libx264 -pix_fmt yuv420p10le", dir);
  expect_refused(run_refused(file, dir, "--set device.decoders.H264=openh264"), "10-bit luma");
}

BOOST_AUTO_TEST_CASE(hevc_main10_is_refused_naming_profile_and_bit_depth) {
  expect_made_stream_refused("main10.hevc", "176x144", "-c:v libx265 -pix_fmt yuv420p10le -x265-params log-level=error",
                             "profile", "Main 10", "HEVC Main 10 profile, 4:2:0 chroma, 10-bit");
}

BOOST_AUTO_TEST_CASE(vp9_profiles_1_and_2_are_refused_at_their_header_in_full_and_timing_only_runs) {
  for (const auto& [pix_fmt, profile, named] :
       {std::tuple{"yuv444p", "Profile 1", "VP9 profile 1, 4:4:4 chroma, 8-bit"},
        {"yuv422p", "Profile 1", "VP9 profile 1, 4:2:2 chroma, 8-bit"},
        {"yuv420p10le", "Profile 2", "VP9 profile 2, 4:2:0 chroma, 10-bit"}}) {
    // The header scan reads the same colour config (it used to read one bit
    // too many and "decode" a profile-1 stream at 351x287).
    for (const std::string mode : {"", "--timing-only"})
      expect_made_stream_refused(std::string(pix_fmt) + ".ivf", "176x144", std::string("-c:v libvpx-vp9 -pix_fmt ") + pix_fmt,
                                 "profile", profile, named, mode);
  }
}

// ffmpeg's h264_metadata rewrites the SPS crop to take the whole width away
// (88 crop units of 2 samples = 176); libavcodec refuses such an SPS, and the
// stream used to run to "completed" with nothing out.
BOOST_AUTO_TEST_CASE(h264_sps_cropping_away_the_whole_picture_is_refused_naming_its_values) {
  const std::string dir = workdir("refused_crop"), plain = dir + "/plain.h264", file = dir + "/in.h264";
  encode(plain, "176x144", 5, "-c:v libx264 -pix_fmt yuv420p", dir);
  const auto cropped = run("ffmpeg -v error -y -i " + plain + " -c copy -bsf:v h264_metadata=crop_right=176 " + file, dir);
  BOOST_REQUIRE_MESSAGE(cropped.status == 0, cropped.err);
  BOOST_REQUIRE_GT(count_of(traced(file, "frame_crop_right_offset", dir), 88), 0);
  BOOST_REQUIRE_GT(count_of(traced(file, "pic_width_in_mbs_minus1", dir), 10), 0);
  const std::string named = "H.264 SPS crops away the whole picture: coded 176x144, "
                            "frame_crop_left/right/top/bottom_offset 0/88/0/0";
  expect_refused(run_refused(file, dir), named);
  expect_refused(run_refused(file, dir, "--set device.decoders.H264=openh264"), named);
}

BOOST_AUTO_TEST_CASE(vp9_picture_wider_than_the_caps_is_refused_before_decoding) {
  expect_made_stream_refused("8192x64.ivf", "8192x64", "-c:v libvpx-vp9 -deadline realtime -cpu-used 8", "width,height",
                             "8192,64", "VP9 picture of 8192x64 is larger than the device's maximum of 4096x2304");
}

// A 176x144 VP8 key frame whose size fields are rewritten to 16383x16383
// (RFC 6386 §9.1: 14 bits each, after the start code 9d 01 2a): refused from
// its header, in bounded memory (libvpx used to allocate about 880 MB for it).
BOOST_AUTO_TEST_CASE(vp8_key_frame_declaring_16383x16383_is_refused_in_bounded_memory) {
  const std::string dir = workdir("refused_vp8_huge"), plain = dir + "/plain.ivf", file = dir + "/in.ivf";
  encode(plain, "176x144", 1, "-c:v libvpx", dir);
  std::string ivf = slurp(plain);
  const size_t frame = 32 + 12;  // IVF file header, then the first frame's header
  BOOST_REQUIRE_GT(ivf.size(), frame + 10);
  BOOST_REQUIRE_EQUAL(ivf.substr(frame + 3, 3), std::string("\x9d\x01\x2a", 3));
  for (size_t i : {frame + 6, frame + 8}) ivf[i] = '\xff', ivf[i + 1] = '\x3f';
  std::ofstream(file, std::ios::binary) << ivf;
  // Peak RSS in KiB of a run of `input`; time -o writes "Command exited with
  // non-zero status 6" before the figure.
  const auto peak_kib = [&](const std::string& input, const std::string& out) {
    const std::string peak = dir + "/peak_kib";
    const auto ran = run("/usr/bin/time -f %M -o " + peak + " " + kBin + " run " + kSrc +
                             "/scenarios/default.yaml --quiet --out " + out + " --input " + input,
                         dir);
    const std::string text = slurp(peak);
    return std::make_pair(ran, std::stol(text.substr(text.find_last_of('\n', text.size() - 2) + 1)));
  };
  Refusal r;
  long huge_kib = 0;
  std::tie(r.ran, huge_kib) = peak_kib(file, dir + "/out");
  r.summary = nlohmann::json::parse(slurp(dir + "/out/summary.json"));
  expect_refused(r, "VP8 picture of 16383x16383 is larger than the device's maximum of 4096x2304");
  // Against the same run of the untouched frame, so that the figure is the
  // refused picture's own cost and not the build's (a sanitizer build starts
  // above 200 MB): libvpx's 880 MB for the picture would be far above it.
  const long plain_kib = peak_kib(plain, dir + "/plain_out").second;
  BOOST_TEST_MESSAGE("peak " << huge_kib << " KiB, untouched frame " << plain_kib << " KiB");
  BOOST_CHECK_LT(huge_kib, plain_kib + 64L * 1024);
}

// Under virtio-media the device ends the session with an ERROR event whose
// errno is EOPNOTSUPP (not the EIO of a backend failure), and the run is a
// stream problem as under v6, in full and timing-only runs.
BOOST_AUTO_TEST_CASE(refused_content_under_media_is_a_stream_problem_too) {
  const std::string dir = workdir("refused_media_444"), file = dir + "/in.h264";
  encode(file, "176x144", 5, "-c:v libx264 -pix_fmt yuv444p", dir);
  BOOST_REQUIRE_GT(count_of(traced(file, "chroma_format_idc", dir), 3), 0);
  for (const std::string mode : {"", " --timing-only"}) {
    BOOST_TEST_CONTEXT("media" << mode) {
      const auto r = run_refused(file, dir, "--set protocol=media" + mode);
      expect_refused(r, "4:4:4 chroma (chroma_format_idc 3)");
      BOOST_CHECK_NE(r.ran.err.find("errno 95"), std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(vp9_picture_wider_than_the_caps_is_refused_under_media) {
  expect_made_stream_refused("8192x64_media.ivf", "8192x64", "-c:v libvpx-vp9 -deadline realtime -cpu-used 8",
                             "width,height", "8192,64", "larger than the device's maximum", "--set protocol=media");
}
