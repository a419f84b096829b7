// What a run's memory grows with: a run keeps only the records its outputs
// read (the summary and the frames CSV the same as when every record is
// kept), and a timing-only run twenty times as long needs no more records per
// frame than its input's index. The stream is a fixture's frames (one GOP
// from a key frame) repeated with timestamps going on; peak resident memory
// is the kernel's, read with /usr/bin/time.
#define BOOST_TEST_MODULE vvsim_memory
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "tests/support/vvsim_command.h"

using namespace vvsim::test;

namespace {

// A summary-only run, and one writing the frames CSV as it goes, keeps no
// record per frame: what grows is the input's index (24 bytes a frame) and
// allocator slack, about 35 bytes a frame in bench/peak_rss.sh. Every record
// kept would be about 1,150 bytes a frame. AddressSanitizer's redzones raise every allocation (its quarantine of
// freed memory is switched off for the measured runs), so its build gets
// three times the bound.
// The trace is written as the run goes and keeps no record either. A
// waveform keeps every record (about 1.3-1.7 KiB a frame) but is written
// piece by piece: held whole (the trace as a JSON tree) it cost about 22 KiB
// a frame.
#if defined(__SANITIZE_ADDRESS__)
constexpr double kBoundBytesPerFrame = 3 * 200.0;
constexpr double kRecordsBoundBytesPerFrame = 3 * 2500.0;
const std::string kEnv = "ASAN_OPTIONS=detect_leaks=0:quarantine_size_mb=0 ";
#else
constexpr double kBoundBytesPerFrame = 200.0;
constexpr double kRecordsBoundBytesPerFrame = 2500.0;
const std::string kEnv;
#endif

std::string le(uint64_t v, int bytes) {
  std::string s;
  for (int i = 0; i < bytes; ++i) s += char(v >> (8 * i) & 0xff);
  return s;
}

// The fixture's frames again and again, `frames` in all (IVF: a 32-byte file
// header, then per frame a 4-byte size, an 8-byte timestamp and the data).
std::string repeated_ivf(const std::string& fixture, uint32_t frames) {
  const std::string src = slurp(kSrc + "/tests/codec/fixtures/" + fixture);
  std::vector<std::string> bodies;
  for (size_t pos = 32; pos + 12 <= src.size();) {
    const uint32_t size = uint8_t(src[pos]) | uint8_t(src[pos + 1]) << 8 | uint8_t(src[pos + 2]) << 16 |
                          uint32_t(uint8_t(src[pos + 3])) << 24;
    bodies.push_back(src.substr(pos + 12, size));
    pos += 12 + size;
  }
  std::string out = src.substr(0, 24) + le(frames, 4) + src.substr(28, 4);
  for (uint32_t i = 0; i < frames; ++i) out += le(bodies[i % bodies.size()].size(), 4) + le(i, 8) + bodies[i % bodies.size()];
  return out;
}

// Peak RSS in KiB of a timing-only run of `frames` frames writing summary.json and `outputs`.
long peak_kib_of_run(uint32_t frames, const std::string& outputs) {
  // Its own files: the cases run in parallel.
  const std::string tag = "memory_" + std::to_string(frames) + "_" + std::to_string(std::hash<std::string>{}(outputs)), ivf = scratch(tag + ".ivf"), peak = scratch(tag + ".peak");
  std::ofstream(ivf, std::ios::binary) << repeated_ivf("vp8_176x144.ivf", frames);
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --timing-only --host-threads 1 --input " +
                               ivf + " --out " + scratch(tag) + outputs,
                           tag, kEnv + "/usr/bin/time -f %M -o " + peak);
  BOOST_TEST_REQUIRE(r.status == 0, r.err);
  const std::string text = slurp(peak);
  std::remove(ivf.c_str());
  return std::stol(text.substr(text.find_last_of('\n', text.size() - 2) + 1));
}

// Growth of peak RSS per frame from 1,000 to 20,000 frames.
double bytes_per_frame(const std::string& outputs) {
  constexpr uint32_t kShort = 1'000, kLong = 20'000;
  const long short_kib = peak_kib_of_run(kShort, outputs), long_kib = peak_kib_of_run(kLong, outputs);
  const double growth = double(long_kib - short_kib) * 1024.0 / double(kLong - kShort);
  BOOST_TEST_MESSAGE("peak " << short_kib << " KiB at " << kShort << " frames, " << long_kib << " KiB at " << kLong
                             << ": " << growth << " B per frame" << outputs);
  return growth;
}

}  // namespace

BOOST_AUTO_TEST_CASE(summary_only_timing_only_run_keeps_no_record_per_frame) {
  BOOST_TEST(bytes_per_frame("") < kBoundBytesPerFrame);
}

BOOST_AUTO_TEST_CASE(frames_csv_rows_go_to_the_file_as_the_run_goes) {
  const std::string csv = scratch("memory_rows.csv");
  BOOST_TEST(bytes_per_frame(" --csv " + csv) < kBoundBytesPerFrame);
  const std::string rows = slurp(csv);
  BOOST_TEST(std::count(rows.begin(), rows.end(), '\n') == 20'001);  // the header, then one row per frame
}

BOOST_AUTO_TEST_CASE(trace_goes_to_its_file_as_the_run_goes_and_waveform_is_not_held_whole) {
  const std::string trace = scratch("memory_trace.json"), vcd = scratch("memory_waves.vcd");
  BOOST_TEST(bytes_per_frame(" --trace " + trace) < kBoundBytesPerFrame);
  BOOST_TEST(bytes_per_frame(" --vcd " + vcd) < kRecordsBoundBytesPerFrame);
  const std::string text = slurp(trace), waves = slurp(vcd);
  BOOST_TEST(text.substr(0, 40) == R"({"displayTimeUnit":"ns","traceEvents":[{)");
  BOOST_TEST(text.substr(text.size() - 3) == "]}\n");
  BOOST_TEST(waves.find("$enddefinitions $end") != std::string::npos);
}

// A run writing no report folds its frames as they are taken and streams
// its CSV rows and its trace, keeps the commands up to the first frame only,
// and its summary, CSV and trace are byte for byte those of a run that keeps
// every record for its waveform and report: with several streams (rows
// arrive interleaved), an encoder (its records kept), a seek, a reset, a DRC
// racing a drain, a drain after each frame and an error, under both protocols.
BOOST_AUTO_TEST_CASE(summary_only_run_writes_the_summary_of_a_run_keeping_every_record) {
  const std::vector<std::pair<std::string, std::string>> runs = {
      {"four_streams_two_cores", ""},        {"seek_stop", ""},
      {"device_reset", ""},                  {"encode_bitrate_keyframe", ""},
      {"drc_racing_drain", ""},              {"output_batching_drain_each_frame", ""},
      {"device_error", ""},                  {"four_streams_two_cores", "media"},
      {"seek_stop", "media"},                {"drc_racing_drain", "media"}};
  for (const auto& [name, protocol] : runs) {
    const std::string tag = "memory_keep_" + name + protocol;
    const std::string args = "run " + kSrc + "/scenarios/" + name + ".yaml --quiet" +
                             (protocol.empty() ? "" : " --set protocol=" + protocol) + " --out " + scratch(tag);
    const auto all = run_vvsim(args + "_all --trace " + scratch(tag + ".json") + " --vcd " + scratch(tag + ".vcd") +
                                   " --report " + scratch(tag + ".html") + " --csv " + scratch(tag + "_all.csv"),
                               tag + "_all");
    const auto summary_only = run_vvsim(args + "_summary --csv " + scratch(tag + "_summary.csv") + " --trace " +
                                            scratch(tag + "_summary.json"),
                                        tag + "_summary");
    BOOST_TEST_REQUIRE(all.status == summary_only.status, name << protocol << ": " << summary_only.err);
    const std::string expected = slurp(scratch(tag + "_all/summary.json")), rows = slurp(scratch(tag + "_all.csv"));
    BOOST_TEST_REQUIRE(!expected.empty(), name << protocol);
    BOOST_TEST_REQUIRE(std::count(rows.begin(), rows.end(), '\n') > 1, name << protocol);  // frames, not only the header
    BOOST_TEST(slurp(scratch(tag + "_summary/summary.json")) == expected, name << protocol);
    BOOST_TEST(slurp(scratch(tag + "_summary.csv")) == rows, name << protocol);
    const std::string trace = slurp(scratch(tag + ".json"));
    BOOST_TEST_REQUIRE(trace.size() > 1000u, name << protocol);
    BOOST_TEST(slurp(scratch(tag + "_summary.json")) == trace, name << protocol);
  }
}
