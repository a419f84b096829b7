// Every shipped scenario under `--set protocol=v6-async`: the same outcome and
// the same frames as v6 (checksums from two runs of the binary, one per
// protocol), frames bit-exact with vpxdec/ffmpeg for the fixtures, and the one
// outcome that differs for a reason: with completions on the eventq no queued
// buffer holds a commandq descriptor, so commandq exhaustion does not deadlock.
#define BOOST_TEST_MODULE vvsim_v6_async
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/vvsim_command.h"

namespace {

using vvsim::test::kSrc;
using vvsim::test::reference_md5;
using vvsim::test::run_vvsim;
using vvsim::test::scratch;
using vvsim::test::slurp;

struct Outcome {
  int status = 0;
  nlohmann::json summary;
};

Outcome run(const std::string& scenario, const std::string& protocol) {
  const std::string tag = "v6_async_" + scenario + "_" + protocol, dir = scratch(tag);
  const auto r = run_vvsim("run " + kSrc + "/scenarios/" + scenario + ".yaml --quiet --out " + dir +
                               " --set protocol=" + protocol,
                           tag);
  Outcome o{r.status, {}};
  BOOST_REQUIRE_MESSAGE(r.status == 0 || r.status == 2 || r.status == 3, scenario << " under " << protocol << ": status "
                                                                                   << r.status << " " << r.err);
  o.summary = nlohmann::json::parse(slurp(dir + "/summary.json"));
  return o;
}

// Per stream: what it took out (frames or units) and their checksums.
void check_same_output(const std::string& scenario, const Outcome& v6, const Outcome& async) {
  const auto &a = v6.summary["streams"], &b = async.summary["streams"];
  BOOST_REQUIRE_EQUAL(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    for (const auto& [key, value] : a[i].items()) {
      const bool output = key.find("xxh3") != std::string::npos || key == "frames_out" || key == "units_out";
      if (output) BOOST_TEST(value == b[i][key], scenario << " stream " << i << " " << key);
    }
  }
}

// The rules each run found broken, in the order found.
std::vector<std::string> broken_rules(const Outcome& o) {
  std::vector<std::string> rules;
  for (const auto& v : o.summary["conformance"]["list"]) rules.push_back(v["rule"]);
  return rules;
}

void check_as_v6(const std::string& scenario) {
  const Outcome v6 = run(scenario, "v6"), async = run(scenario, "v6-async");
  BOOST_TEST(async.status == v6.status, scenario);
  BOOST_TEST(async.summary["outcome"] == v6.summary["outcome"], scenario);
  BOOST_TEST(broken_rules(async) == broken_rules(v6), scenario);
  check_same_output(scenario, v6, async);
}

void check_fixture_matches_reference(const std::string& fixture) {
  BOOST_CHECK_EQUAL(vvsim::test::decoded_fixture_md5("v6-async", fixture), reference_md5(fixture));
}

}  // namespace

BOOST_AUTO_TEST_CASE(bad_input_as_v6) { check_as_v6("bad_input"); }
BOOST_AUTO_TEST_CASE(decode_h264_as_v6) { check_as_v6("decode_h264"); }
BOOST_AUTO_TEST_CASE(decode_vp9_as_v6) { check_as_v6("decode_vp9"); }
BOOST_AUTO_TEST_CASE(default_as_v6) { check_as_v6("default"); }
BOOST_AUTO_TEST_CASE(destroy_mid_stream_as_v6) { check_as_v6("destroy_mid_stream"); }
BOOST_AUTO_TEST_CASE(device_error_as_v6) { check_as_v6("device_error"); }
BOOST_AUTO_TEST_CASE(device_reset_as_v6) { check_as_v6("device_reset"); }
BOOST_AUTO_TEST_CASE(drain_without_outputs_as_v6) { check_as_v6("drain_without_outputs"); }
BOOST_AUTO_TEST_CASE(drc_racing_drain_as_v6) { check_as_v6("drc_racing_drain"); }
BOOST_AUTO_TEST_CASE(encode_bitrate_keyframe_as_v6) { check_as_v6("encode_bitrate_keyframe"); }
BOOST_AUTO_TEST_CASE(eventq_starvation_as_v6) { check_as_v6("eventq_starvation"); }
BOOST_AUTO_TEST_CASE(four_streams_two_cores_as_v6) { check_as_v6("four_streams_two_cores"); }
BOOST_AUTO_TEST_CASE(initial_format_from_stream_as_v6) { check_as_v6("initial_format_from_stream"); }
BOOST_AUTO_TEST_CASE(input_starvation_as_v6) { check_as_v6("input_starvation"); }
BOOST_AUTO_TEST_CASE(output_batching_as_v6) { check_as_v6("output_batching"); }
BOOST_AUTO_TEST_CASE(output_batching_drain_each_frame_as_v6) { check_as_v6("output_batching_drain_each_frame"); }
BOOST_AUTO_TEST_CASE(output_starvation_as_v6) { check_as_v6("output_starvation"); }
BOOST_AUTO_TEST_CASE(seek_stop_as_v6) { check_as_v6("seek_stop"); }
BOOST_AUTO_TEST_CASE(sweep_display_pipeline_as_v6) { check_as_v6("sweep_display_pipeline"); }

BOOST_AUTO_TEST_CASE(vp8_fixture_matches_vpxdec) { check_fixture_matches_reference("vp8_176x144.ivf"); }
BOOST_AUTO_TEST_CASE(vp9_resolution_change_matches_vpxdec) { check_fixture_matches_reference("vp9_drc.ivf"); }
BOOST_AUTO_TEST_CASE(h264_resolution_change_matches_ffmpeg) { check_fixture_matches_reference("h264_drc.h264"); }

// v6 deadlocks (each queued buffer holds two commandq descriptors); v6-async
// answers every command at once, so a commandq of 16 carries both streams to the end.
BOOST_AUTO_TEST_CASE(commandq_exhaustion_completes_under_v6_async) {
  BOOST_TEST(run("commandq_exhaustion", "v6").status == 3);
  const Outcome async = run("commandq_exhaustion", "v6-async");
  BOOST_TEST(async.status == 0);
  for (const auto& s : async.summary["streams"]) {
    BOOST_TEST(s["frames_out"] == s["units_in"]);
    BOOST_TEST(s["problems"].empty());
  }
}
