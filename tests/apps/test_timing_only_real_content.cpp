// Timing-only runs of real content against full runs of the same file: the
// CSV, trace and VCD are byte-identical, the summary equal but for the
// mode and the frame checksums.
#define BOOST_TEST_MODULE timing_only_real_content
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "tests/apps/real_content.h"

using namespace real_content;

namespace {

// Runs `file` through `vvsim run` (timing-only when `timing_only`) with every output file and the
// `--set` options `settings`; returns the run's folder.
std::string run_with_outputs(const std::string& file, const std::string& dir, bool timing_only,
                             const std::string& settings) {
  const std::string out = dir + (timing_only ? "/timing" : "/full");
  const auto r = run(kBin + " run " + kSrc + "/scenarios/default.yaml --quiet --out " + out + " --input " + file +
                         " --csv " + out + "/frames.csv --trace " + out + "/trace.json --vcd " + out + "/run.vcd" +
                         (timing_only ? " --timing-only" : "") + settings,
                     dir);
  BOOST_REQUIRE_MESSAGE(r.status == 0, "vvsim exit " + std::to_string(r.status) + ": " + r.err);
  return out;
}

// The summary without what only a full run has (checksums) and the mode.
nlohmann::json timing_part(const std::string& summary_file) {
  auto summary = nlohmann::json::parse(slurp(summary_file));
  summary.erase("mode");
  for (auto& stream : summary["streams"]) stream.erase("frames_xxh3");
  return summary;
}

void expect_timing_only_equals_full(const std::string& file, const std::string& dir, size_t frames,
                                    const std::string& settings = "") {
  const std::string full = run_with_outputs(file, dir, false, settings);
  const std::string timing = run_with_outputs(file, dir, true, settings);
  for (const char* name : {"frames.csv", "trace.json", "run.vcd"}) {
    const std::string a = slurp(full + "/" + name), b = slurp(timing + "/" + name);
    BOOST_CHECK_GT(a.size(), 0u);
    BOOST_CHECK_MESSAGE(a == b, name << " of the timing-only run differs from the full run's");
  }
  const auto a = timing_part(full + "/summary.json"), b = timing_part(timing + "/summary.json");
  BOOST_CHECK_MESSAGE(a == b, "summaries differ beyond mode and checksums");
  BOOST_CHECK_EQUAL(a["streams"][0]["frames_out"].get<size_t>(), frames);
}

}  // namespace

BOOST_AUTO_TEST_CASE(mpeg2_with_b_pictures_times_the_same_in_a_timing_only_run) {
  const std::string dir = workdir("tonly_mpeg2"), file = dir + "/in.m2v";
  encode(file, "176x144", 24, "-c:v mpeg2video -bf 2 -g 6", dir);
  BOOST_REQUIRE_NE(picture_types(file, dir).find('B'), std::string::npos);
  expect_timing_only_equals_full(file, dir, 24);
}

BOOST_AUTO_TEST_CASE(h264_baseline_with_slices_times_the_same_in_a_timing_only_run) {
  const std::string dir = workdir("tonly_h264_slices"), file = dir + "/in.h264";
  encode(file, "176x144", 24, "-c:v libx264 -profile:v baseline -x264-params slices=3", dir);
  BOOST_REQUIRE_GE(traced(file, "first_mb_in_slice", dir).size(), 3u * 24);
  expect_timing_only_equals_full(file, dir, 24);
}

// High profile with a B-pyramid (reorder depth 2) and an IDR every 12 frames:
// the pictures leave by the output order model in both runs, and the full
// run's pictures are still ffmpeg's.
BOOST_AUTO_TEST_CASE(h264_high_with_b_pyramid_times_the_same_in_a_timing_only_run) {
  const std::string dir = workdir("tonly_h264_pyramid"), file = dir + "/in.h264";
  encode(file, "176x144", 30, "-c:v libx264 -x264-params bframes=3:b-pyramid=normal:keyint=12:min-keyint=12:scenecut=0",
         dir);
  BOOST_REQUIRE_EQUAL(traced(file, "max_num_reorder_frames", dir).at(0), 2);
  BOOST_REQUIRE_EQUAL(count_of(traced(file, "nal_unit_type", dir), 5), 3);
  BOOST_REQUIRE_NE(picture_types(file, dir).find('B'), std::string::npos);
  expect_timing_only_equals_full(file, dir, 30);
  expect_same_frames(vvsim_frames(file, dir), ffmpeg_frames(file, dir), 30, 176 * 144 * 3 / 2);
}

// The same stream with its pictures written while they decode (v6-async
// reuses v6's device): the overlapped writes time the same in both runs, and
// so does virtio-media's client, which maps and reads its CAPTURE buffers in
// both (a timing-only read moves no bytes but takes the same bus time).
BOOST_AUTO_TEST_CASE(pictures_written_during_decode_time_the_same_in_a_timing_only_run) {
  const std::string dir = workdir("tonly_during_decode"), file = dir + "/in.h264";
  encode(file, "176x144", 30, "-c:v libx264 -x264-params bframes=3:b-pyramid=normal:keyint=12:min-keyint=12:scenecut=0",
         dir);
  for (const char* protocol : {"v6", "v6-async", "media"}) {
    BOOST_TEST_CONTEXT(protocol) {
      std::filesystem::create_directories(dir + "/" + protocol);
      expect_timing_only_equals_full(file, dir + "/" + protocol, 30,
                                     std::string(" --set platform.engine.output_write=during_decode --set protocol=") + protocol);
    }
  }
}

// Under virtio-media the client maps its CAPTURE buffers (QUERYBUF, MMAP) and
// reads each frame in both runs; the timing-only read moves no bytes but takes
// the same bus time, so the runs time the same (they used to differ from the
// first CAPTURE setup on: the timing-only client skipped the mappings).
BOOST_AUTO_TEST_CASE(h264_high_with_b_pyramid_under_media_times_the_same_in_a_timing_only_run) {
  const std::string dir = workdir("tonly_h264_media"), file = dir + "/in.h264";
  encode(file, "176x144", 30, "-c:v libx264 -x264-params bframes=3:b-pyramid=normal:keyint=12:min-keyint=12:scenecut=0",
         dir);
  BOOST_REQUIRE_NE(picture_types(file, dir).find('B'), std::string::npos);
  expect_timing_only_equals_full(file, dir, 30, " --set protocol=media");
}

// HEVC with a B-pyramid (reorder depth 2) and open GOPs (CRA pictures with
// RASL pictures), then a second sequence of another size: the pictures leave
// by the HEVC output order model in both runs, and the full run's are ffmpeg's.
BOOST_AUTO_TEST_CASE(hevc_with_b_pyramid_and_a_size_change_times_the_same_in_a_timing_only_run) {
  const std::string dir = workdir("tonly_hevc"), first = dir + "/a.hevc", second = dir + "/b.hevc";
  const std::string params = "-c:v libx265 -x265-params log-level=error:bframes=3:b-pyramid=1:keyint=8:min-keyint=8:scenecut=0";
  encode(first, "176x144", 20, params, dir);
  encode(second, "128x96", 12, params, dir);
  const std::string file = dir + "/in.hevc";
  std::ofstream(file, std::ios::binary) << slurp(first) << slurp(second);
  BOOST_REQUIRE_EQUAL(traced(file, "sps_max_num_reorder_pics[0]", dir).at(0), 2);
  const auto types = traced(file, "nal_unit_type", dir);
  BOOST_REQUIRE_GT(count_of(types, 21), 0);                      // CRA
  BOOST_REQUIRE_GT(count_of(types, 8) + count_of(types, 9), 0);  // RASL
  BOOST_REQUIRE_NE(picture_types(file, dir).find('B'), std::string::npos);
  expect_timing_only_equals_full(file, dir, 32);
  expect_same_frames(vvsim_frames(file, dir), ffmpeg_frames(file, dir), 0, 0);
}

// One whole access unit per input resource (driver.input_unit: access_unit):
// H.264 with a B-pyramid and two slices per picture, under v6 and
// virtio-media, and HEVC with B-frames and slices: the scan splits each
// resource and ends its access unit as the backends do.
BOOST_AUTO_TEST_CASE(access_unit_resources_time_the_same_in_a_timing_only_run) {
  const std::string dir = workdir("tonly_access_units"), h264 = dir + "/in.h264", hevc = dir + "/in.hevc";
  encode(h264, "176x144", 30,
         "-c:v libx264 -x264-params slices=2:bframes=3:b-pyramid=normal:keyint=12:min-keyint=12:scenecut=0", dir);
  encode(hevc, "176x144", 16, "-c:v libx265 -x265-params slices=2:bframes=2:log-level=error", dir);
  const std::string access_units = " --set platform.driver.input_unit=access_unit";
  for (const char* protocol : {"v6", "media"}) {
    BOOST_TEST_CONTEXT(protocol) {
      std::filesystem::create_directories(dir + "/" + protocol);
      expect_timing_only_equals_full(h264, dir + "/" + protocol, 30, access_units + " --set protocol=" + protocol);
    }
  }
  std::filesystem::create_directories(dir + "/hevc");
  expect_timing_only_equals_full(hevc, dir + "/hevc", 16, access_units);
}
