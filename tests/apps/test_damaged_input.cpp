// Damaged and fully corrupt streams through `vvsim run`: every unit that
// yields no picture is named by its own timestamp in a diagnostic, and a
// stream that yields nothing at all is a stream problem (exit 6). Streams are
// made by libx264 / libvpx at test time and damaged by hand here.
#define BOOST_TEST_MODULE damaged_input
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <set>

#include "tests/apps/real_content.h"

using namespace real_content;

namespace {

// Offsets of the 3-byte start codes 00 00 01 in an Annex B stream.
std::vector<size_t> start_codes(const std::string& s) {
  std::vector<size_t> out;
  for (size_t i = 0; i + 3 <= s.size(); ++i)
    if (s[i] == 0 && s[i + 1] == 0 && s[i + 2] == 1) out.push_back(i);
  return out;
}

int nal_type_at(const std::string& s, size_t start_code) { return s[start_code + 3] & 0x1f; }

std::vector<std::string> diagnostics(const std::string& dir) {
  const auto summary = nlohmann::json::parse(slurp(dir + "/out/summary.json"));
  return summary["diagnostics"].get<std::vector<std::string>>();
}

// Timestamps of the frames in the frames CSV (second column).
std::set<long> output_timestamps(const std::string& csv) {
  std::set<long> out;
  std::istringstream lines(slurp(csv));
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    const size_t a = line.find(','), b = line.find(',', a + 1);
    out.insert(std::stol(line.substr(a + 1, b - a - 1)));
  }
  return out;
}

// The timestamp a diagnostic "stream 1: input ts N ..." names, or -1.
long named_timestamp(const std::string& diagnostic) {
  const size_t at = diagnostic.find("input ts ");
  return at == std::string::npos ? -1 : std::stol(diagnostic.substr(at + 9));
}

}  // namespace

// One slice in the middle of a P-only stream is damaged: the diagnostic names
// that picture's timestamp (the access unit completes only at the next
// picture's first NAL unit, whose timestamp it used to name), and no
// diagnostic names a picture that came out.
BOOST_AUTO_TEST_CASE(a_damaged_slice_is_named_by_its_own_timestamp) {
  const std::string dir = workdir("damaged_slice"), plain = dir + "/plain.h264", file = dir + "/in.h264";
  encode(plain, "176x144", 30, "-c:v libx264 -x264-params bframes=0", dir);
  BOOST_REQUIRE_EQUAL(picture_types(plain, dir).find('B'), std::string::npos);
  std::string s = slurp(plain);
  const auto nals = start_codes(s);
  // The 12th picture's slice: one slice per picture, timestamps count pictures from 0.
  long picture = -1;
  size_t damaged = 0;
  for (size_t i = 0; i < nals.size() && picture < 11; ++i)
    if (int t = nal_type_at(s, nals[i]); t == 1 || t == 5) ++picture, damaged = i;
  BOOST_REQUIRE_EQUAL(picture, 11);
  for (size_t i = nals[damaged] + 6; i + 1 < nals[damaged + 1]; i += 3) s[i] ^= 0x55;
  std::ofstream(file, std::ios::binary) << s;
  for (const std::string backend : {"libavcodec", "openh264"}) {
    const auto r = run(kBin + " run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir + "/out --input " + file +
                           " --csv " + dir + "/frames.csv --set device.decoders.H264=" + backend,
                       dir);
    BOOST_REQUIRE_MESSAGE(r.status == 0, backend << ": " << r.err);
    const auto out = output_timestamps(dir + "/frames.csv");
    BOOST_CHECK_EQUAL(out.count(11), 0u);
    bool named = false;
    for (const auto& d : diagnostics(dir)) {
      const long ts = named_timestamp(d);
      named |= ts == 11 && d.find("corrupt") != std::string::npos;
      BOOST_CHECK_MESSAGE(ts < 0 || out.count(ts) == 0, backend << ": diagnostic names a picture that came out: " << d);
    }
    BOOST_CHECK_MESSAGE(named, backend << ": no diagnostic names the damaged picture 11 as corrupt");
  }
}

// The file ends inside its last slice. openh264 cannot decode it: the drain
// used to drop it without a word; now a diagnostic names it.
BOOST_AUTO_TEST_CASE(a_truncated_last_picture_is_named_at_the_drain) {
  const std::string dir = workdir("truncated_last"), plain = dir + "/plain.h264", file = dir + "/in.h264";
  encode(plain, "176x144", 30, "-c:v libx264 -x264-params bframes=0", dir);
  const std::string s = slurp(plain);
  const size_t last = start_codes(s).back();
  std::ofstream(file, std::ios::binary) << s.substr(0, last + (s.size() - last) / 2);
  const auto r = run(kBin + " run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir + "/out --input " + file +
                         " --csv " + dir + "/frames.csv --set device.decoders.H264=openh264",
                     dir);
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto out = output_timestamps(dir + "/frames.csv");
  if (out.count(29)) return;  // decoded after all: nothing to name
  bool named = false;
  for (const auto& d : diagnostics(dir)) named |= named_timestamp(d) == 29;
  BOOST_CHECK_MESSAGE(named, "the last picture (ts 29) neither came out nor was named");
}

// Every NAL unit's payload scrambled (headers kept): nothing can be decoded.
// It used to exit 0 "completed" with no word on the terminal.
BOOST_AUTO_TEST_CASE(a_stream_that_yields_no_picture_at_all_is_a_stream_problem) {
  const std::string dir = workdir("fully_corrupt"), plain = dir + "/plain.h264", file = dir + "/in.h264";
  encode(plain, "176x144", 10, "-c:v libx264", dir);
  std::string s = slurp(plain);
  auto nals = start_codes(s);
  nals.push_back(s.size());
  for (size_t n = 0; n + 1 < nals.size(); ++n)
    for (size_t i = nals[n] + 4; i + 1 < nals[n + 1]; ++i) s[i] ^= 0x55;
  std::ofstream(file, std::ios::binary) << s;
  const size_t units = start_codes(s).size();  // scrambling may have made a start code or two
  for (const std::string backend : {"libavcodec", "openh264"}) {
    const auto r = run(kBin + " run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir + "/out --input " + file +
                           " --set device.decoders.H264=" + backend,
                       dir);
    BOOST_CHECK_EQUAL(r.status, 6);
    BOOST_CHECK_NE(r.err.find("no picture came out of any of the " + std::to_string(units) + " units"),
                   std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(an_ivf_of_unreadable_frames_is_a_stream_problem) {
  const std::string dir = workdir("fully_corrupt_vp8"), plain = dir + "/plain.ivf", file = dir + "/in.ivf";
  encode(plain, "176x144", 5, "-c:v libvpx", dir);
  std::string s = slurp(plain);
  // IVF: 32-byte file header, then per frame a 12-byte header (le32 size, le64 pts) and the frame.
  size_t frames = 0;
  for (size_t at = 32; at + 12 <= s.size(); ++frames) {
    const size_t size = uint8_t(s[at]) | uint8_t(s[at + 1]) << 8 | uint8_t(s[at + 2]) << 16 | uint8_t(s[at + 3]) << 24;
    for (size_t i = at + 12; i < at + 12 + size && i < s.size(); ++i) s[i] = 0;
    at += 12 + size;
  }
  std::ofstream(file, std::ios::binary) << s;
  const auto r = run(kBin + " run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir + "/out --input " + file, dir);
  BOOST_CHECK_EQUAL(r.status, 6);
  BOOST_CHECK_NE(r.err.find("no picture came out of any of the " + std::to_string(frames) + " units"), std::string::npos);
}
