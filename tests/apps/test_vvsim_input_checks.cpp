// The vvsim command on hostile input: arguments, scenario text and output
// paths are refused before anything is simulated, with one line naming the
// place; what cannot be refused up front (a write failing late) is still an
// error naming the path. Peak memory of the crafted inputs is measured with
// /usr/bin/time.
#define BOOST_TEST_MODULE vvsim_input_checks
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "tests/support/vvsim_command.h"

namespace fs = std::filesystem;
using namespace vvsim::test;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A one-stream VP8 scenario whose stream has this name (YAML double-quoted text).
std::string scenario_named(const std::string& quoted_name, uint32_t frames = 4) {
  return "description: named stream\nstreams:\n  - name: \"" + quoted_name +
         "\"\n    codec: vp8\n    input: {generate: {frames: " + std::to_string(frames) + "}}\n";
}

// The bound that tells bounded from unbounded memory in these tests. AddressSanitizer's shadow
// memory and redzones raise every peak about threefold, so its build gets three times the bound.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kPeakBoundKib = 3 * 150'000;
#else
constexpr long kPeakBoundKib = 150'000;
#endif

// Peak resident set (KiB) of `vvsim args` as /usr/bin/time measures it; the run itself into `result`.
long peak_kib(const std::string& args, const std::string& tag, Result& result) {
  const std::string peak_file = scratch(tag + ".peak");
  result = run_vvsim(args, tag, "/usr/bin/time -f %M -o " + peak_file);
  std::string text = slurp(peak_file);  // "[Command exited with non-zero status N\n]KIB\n"
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const std::string last = text.substr(text.find_last_of('\n') == std::string::npos ? 0 : text.find_last_of('\n') + 1);
  return last.empty() || last.find_first_not_of("0123456789") != std::string::npos ? -1 : std::stol(last);
}

// IVF by hand (32-byte file header, then 12-byte frame headers): `frames` frames of one byte each.
std::string ivf_of_one_byte_frames(uint32_t frames) {
  auto le = [](uint64_t v, int bytes) {
    std::string s;
    for (int i = 0; i < bytes; ++i) s += char(v >> (8 * i) & 0xff);
    return s;
  };
  std::string file = "DKIF" + le(0, 2) + le(32, 2) + "VP80" + le(176, 2) + le(144, 2) + le(30, 4) + le(1, 4) +
                     le(frames, 4) + le(0, 4);
  for (uint32_t i = 0; i < frames; ++i) file += le(1, 4) + le(i, 8) + "\x10";
  return file;
}

}  // namespace

BOOST_AUTO_TEST_CASE(input_on_an_encoder_scenario_is_refused) {
  const auto r = run_vvsim("run " + kSrc + "/scenarios/encode_bitrate_keyframe.yaml --quiet --out " +
                               scratch("enc_input") + " --input " + kSrc + "/tests/codec/fixtures/vp8_176x144.ivf",
                           "enc_input");
  BOOST_CHECK_EQUAL(r.status, 1);
  BOOST_CHECK_MESSAGE(contains(r.err, "--input") && contains(r.err, "stream 'camera' is an encoder stream"), r.err);
  BOOST_CHECK(!fs::exists(scratch("enc_input") + "/summary.json"));
}

BOOST_AUTO_TEST_CASE(unwritable_output_paths_are_refused_before_the_run) {
  const std::string missing = scratch("no_such_dir") + "/file";
  fs::remove_all(scratch("no_such_dir"));
  for (const std::string option : {"--trace", "--csv", "--vcd", "--report", "--dump-frames"}) {
    const std::string dir = scratch("unwritable" + option);
    fs::remove_all(dir);
    const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir + " " + option + " " + missing,
                             "unwritable" + option);
    BOOST_CHECK_EQUAL(r.status, 1);
    BOOST_CHECK_MESSAGE(contains(r.err, option + " " + missing + ": cannot write: No such file or directory"), r.err);
    BOOST_CHECK_MESSAGE(!fs::exists(dir + "/summary.json"), option << ": the run went ahead");
  }
  // A directory where a file is meant, and a file where the output directory is meant.
  const auto as_dir = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + scratch("csv_dir") +
                                    " --csv " + kSrc + "/scenarios",
                                "csv_dir");
  BOOST_CHECK_EQUAL(as_dir.status, 1);
  BOOST_CHECK_MESSAGE(contains(as_dir.err, "--csv " + kSrc + "/scenarios: is a directory"), as_dir.err);
  const auto out_file = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + kSrc + "/README.md/x",
                                  "out_file");
  BOOST_CHECK_EQUAL(out_file.status, 1);
  BOOST_CHECK_MESSAGE(contains(out_file.err, "--out " + kSrc + "/README.md/x: cannot create the directory"), out_file.err);
}

// /dev/full opens for writing (so the check before the run passes) and fails every write.
BOOST_AUTO_TEST_CASE(a_write_failing_after_the_run_names_the_path_after_the_summary) {
  const std::string dir = scratch("dev_full");
  fs::remove_all(dir);
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --out " + dir + " --csv /dev/full", "dev_full");
  BOOST_CHECK_EQUAL(r.status, 1);
  BOOST_CHECK_MESSAGE(contains(r.err, "cannot write /dev/full: No space left on device"), r.err);
  BOOST_CHECK_MESSAGE(contains(r.out, "60 frames out"), "the terminal summary is lost: " << r.out);
  BOOST_CHECK(fs::exists(dir + "/summary.json"));
}

BOOST_AUTO_TEST_CASE(sweep_refuses_an_unwritable_table_before_running_points) {
  const std::string dir = scratch("sweep_table_dir");
  fs::remove_all(dir);
  fs::create_directories(dir + "/sweep.csv");
  const auto r = run_vvsim("sweep " + kSrc + "/scenarios/default.yaml --quiet --param cores=1,2 --out " + dir,
                           "sweep_table_dir");
  BOOST_CHECK_EQUAL(r.status, 1);
  BOOST_CHECK_MESSAGE(contains(r.err, "--out " + dir + "/sweep.csv: is a directory"), r.err);
  BOOST_CHECK(!fs::exists(dir + "/points/0000/summary.json"));
}

BOOST_AUTO_TEST_CASE(seed_outside_64_bits_is_refused) {
  for (const std::string seed : {"-1", "18446744073709551616", "12abc", "' '"}) {
    const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + scratch("seed") + " --seed " + seed,
                             "seed");
    BOOST_CHECK_EQUAL(r.status, 1);
    BOOST_CHECK_MESSAGE(contains(r.err, "expected an integer from 0 to 18446744073709551615"), seed << ": " << r.err);
  }
  const std::string dir = scratch("seed_max");
  const auto max = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir +
                                 " --seed 18446744073709551615",
                             "seed_max");
  BOOST_REQUIRE_MESSAGE(max.status == 0, max.err);
  BOOST_CHECK_EQUAL(nlohmann::json::parse(slurp(dir + "/summary.json"))["seed"].get<uint64_t>(), UINT64_MAX);
}

BOOST_AUTO_TEST_CASE(set_with_an_index_beyond_any_integer_names_the_list) {
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + scratch("set_index") +
                               " --set streams.99999999999999999999999.output_resources=1",
                           "set_index");
  BOOST_CHECK_EQUAL(r.status, 1);
  BOOST_CHECK_MESSAGE(contains(r.err, "'streams' has no element '99999999999999999999999' (it has 1"), r.err);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_a_stream_name_is_refused_at_load_with_its_line) {
  const std::string file = scratch("utf8.yaml");
  write_text(file, scenario_named("cam\xc3("));  // a lead byte without its continuation
  const auto r = run_vvsim("run " + file + " --quiet --out " + scratch("utf8"), "utf8");
  BOOST_CHECK_EQUAL(r.status, 1);
  BOOST_CHECK_MESSAGE(contains(r.err, file + ":3:15: not valid UTF-8 (byte 0xc3)"), r.err);
  const auto set = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + scratch("utf8_set") +
                                 " --set \"$(printf 'streams.0.name=x\\377')\"",
                             "utf8_set");
  BOOST_CHECK_EQUAL(set.status, 1);
  BOOST_CHECK_MESSAGE(contains(set.err, "not valid UTF-8"), set.err);
}

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
BOOST_AUTO_TEST_CASE(frames_csv_quotes_stream_names_per_rfc4180) {
  const std::string file = scratch("csv_name.yaml"), csv = scratch("csv_name.csv");
  write_text(file, scenario_named("cam, \\\"left\\\"\\nrear"));  // YAML escapes: cam, "left"<LF>rear
  const auto r = run_vvsim("run " + file + " --quiet --out " + scratch("csv_name") + " --csv " + csv, "csv_name");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const std::string text = slurp(csv), field = "\"cam, \"\"left\"\"\nrear\"";
  size_t rows = 0;
  for (size_t at = text.find('\n'); at != std::string::npos && at + 1 < text.size(); ++rows) {
    BOOST_REQUIRE_MESSAGE(text.compare(at + 1, field.size() + 1, field + ",") == 0, "record " << rows << " at " << at);
    at = text.find('\n', at + 1 + field.size());
  }
  BOOST_CHECK_EQUAL(rows, 4u);
}

BOOST_AUTO_TEST_CASE(oversized_scenario_file_is_refused_in_bounded_memory) {
  const std::string file = scratch("huge.yaml");
  std::string list = "description: [";
  for (size_t i = 0; i < (15u << 20) / 2; ++i) list += "1,";
  list += "1]\n";  // a 15 MiB node: the old 16 MiB cap let yaml-cpp take about 3.5 GB for it
  write_text(file, list);
  Result r;
  const long kib = peak_kib("run " + file + " --quiet --out " + scratch("huge"), "huge", r);
  BOOST_CHECK_EQUAL(r.status, 1);
  BOOST_CHECK_MESSAGE(contains(r.err, file + ": scenario of " + std::to_string(list.size()) + " bytes (at most 262144)"), r.err);
  BOOST_CHECK_MESSAGE(kib > 0 && kib < kPeakBoundKib, "peak " << kib << " KiB");
}

BOOST_AUTO_TEST_CASE(ivf_beyond_the_unit_limit_is_refused_in_bounded_memory) {
  const std::string ivf = scratch("many_frames.ivf");
  write_text(ivf, ivf_of_one_byte_frames(1'050'000));
  Result r;
  const long kib = peak_kib("run " + kSrc + "/scenarios/default.yaml --quiet --out " + scratch("many_frames") +
                                " --input " + ivf,
                            "many_frames", r);
  BOOST_CHECK_EQUAL(r.status, 1);
  BOOST_CHECK_MESSAGE(contains(r.err, "stream 'main': 1050000 units (at most 1000000 units per run"), r.err);
  BOOST_CHECK_MESSAGE(kib > 0 && kib < kPeakBoundKib, "peak " << kib << " KiB");
}
