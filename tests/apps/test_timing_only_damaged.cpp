// Timing-only runs of damaged files: a header scan cannot see damage inside
// picture data, so each file is first decoded once for real beside the scan
// and refused at the first unit where they disagree; a file that is not
// refused must time exactly like its full run. Files are made by libvpx
// (through ffmpeg) at test time and bit-flipped here; vpxdec confirms that each
// copy really is damaged.
#define BOOST_TEST_MODULE timing_only_damaged
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <random>

#include "tests/apps/real_content.h"

using namespace real_content;

namespace {

constexpr size_t kIvfHeader = 32, kIvfFrameHeader = 12;

// Offsets and sizes of the frames of an IVF file.
std::vector<std::pair<size_t, size_t>> ivf_frames(const std::string& s) {
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t at = kIvfHeader; at + kIvfFrameHeader <= s.size();) {
    size_t size = 0;
    for (int i = 3; i >= 0; --i) size = size << 8 | uint8_t(s[at + i]);
    out.emplace_back(at + kIvfFrameHeader, size);
    at += kIvfFrameHeader + size;
  }
  return out;
}

// A copy of `clean` with 8 bytes flipped inside frame `frame`'s data, past its
// 10-byte frame tag and key frame header (what a header scan reads).
std::string damaged(const std::string& clean, size_t frame, std::mt19937& random) {
  std::string s = clean;
  const auto [offset, size] = ivf_frames(s).at(frame);
  for (int i = 0; i < 8; ++i) s[offset + 10 + random() % (size - 10)] ^= char(1 + random() % 255);
  return s;
}

std::string vpxdec_md5(const std::string& file, const std::string& dir) {
  return run("vpxdec --md5 " + file + " 2>&1", dir).out;
}

struct Outcome {
  int status = 0;
  std::string err, csv;
};

Outcome run_file(const std::string& file, const std::string& dir, const std::string& mode) {
  const std::string out = dir + "/" + mode;
  const auto r = run(kBin + " run " + kSrc + "/scenarios/default.yaml --quiet --out " + out + " --input " + file +
                         " --csv " + out + ".csv --cache-dir " + dir + "/cache" +
                         (mode == "timing" ? " --timing-only" : ""),
                     dir);
  return {r.status, r.err, r.status == 0 || r.status == 6 ? slurp(out + ".csv") : ""};
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_damaged_file_is_refused_or_times_like_its_full_run) {
  const std::string dir = workdir("timing_only_damaged"), clean_file = dir + "/clean.ivf";
  encode(clean_file, "176x144", 30, "-c:v libvpx -b:v 300k -g 10 -f ivf", dir);
  const std::string clean = slurp(clean_file), clean_md5 = vpxdec_md5(clean_file, dir);
  const auto clean_full = run_file(clean_file, dir, "full"), clean_timing = run_file(clean_file, dir, "timing");
  BOOST_REQUIRE_MESSAGE(clean_timing.status == 0, clean_timing.err);
  BOOST_CHECK(clean_timing.csv == clean_full.csv);
  std::mt19937 random(2024);
  int refused = 0, timed = 0;
  for (int copy = 0; copy < 12; ++copy) {
    const size_t frame = 1 + random() % 28;
    const std::string file = dir + "/copy" + std::to_string(copy) + ".ivf";
    std::ofstream(file, std::ios::binary) << damaged(clean, frame, random);
    BOOST_TEST_CONTEXT("copy " << copy << ", frame " << frame) {
      BOOST_REQUIRE(vpxdec_md5(file, dir) != clean_md5);  // the damage is real
      const auto full = run_file(file, dir, "full"), timing = run_file(file, dir, "timing");
      if (timing.status == 0 || timing.status == 6) {
        ++timed;
        BOOST_CHECK_EQUAL(timing.status, full.status);
        BOOST_CHECK(timing.csv == full.csv);
      } else {
        ++refused;
        BOOST_CHECK_EQUAL(timing.status, 1);
        BOOST_CHECK_MESSAGE(timing.err.find("timing-only mode refused: " + file + " is not what a header scan "
                                            "predicts (damaged?): unit ") != std::string::npos,
                            timing.err);
      }
    }
  }
  BOOST_TEST_MESSAGE(refused << " refused, " << timed << " timed like the full run");
  BOOST_CHECK_GT(refused, 0);  // the check can fail: damage the scan misses is refused
}

// The verdict is decided once per file content and read back afterwards: a
// verdict file altered by hand is what the next run quotes.
BOOST_AUTO_TEST_CASE(the_verdict_is_cached_by_content) {
  const std::string dir = workdir("timing_only_verdict_cache"), file = dir + "/in.ivf";
  encode(file, "176x144", 12, "-c:v libvpx -b:v 300k -f ivf", dir);
  BOOST_REQUIRE_EQUAL(run_file(file, dir, "timing").status, 0);
  std::vector<std::filesystem::path> verdicts;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/cache"))
    if (entry.path().extension() == ".scan-verdict") verdicts.push_back(entry.path());
  BOOST_REQUIRE_EQUAL(verdicts.size(), 1u);
  BOOST_CHECK_EQUAL(slurp(verdicts.front().string()), "agrees\n");
  std::ofstream(verdicts.front()) << "differs\nunit 3: a verdict altered by hand\n";
  const auto again = run_file(file, dir, "timing");
  BOOST_CHECK_EQUAL(again.status, 1);
  BOOST_CHECK_MESSAGE(again.err.find("(damaged?): unit 3: a verdict altered by hand") != std::string::npos, again.err);
}
