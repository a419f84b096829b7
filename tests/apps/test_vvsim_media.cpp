// The shipped scenarios under `--set protocol=media`: the same frames as v6
// (frame checksums from two runs of the binary, one per protocol), frames
// bit-exact with vpxdec/ffmpeg for the fixtures, the outcomes that differ from
// v6 for a reason (no command holds a descriptor, so commandq exhaustion does
// not deadlock), and a key virtio-media has no model for refused by name.
#define BOOST_TEST_MODULE vvsim_media
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

#include "codec/checksum.h"
#include "tests/support/vvsim_command.h"

namespace {

using vvsim::test::kSrc;
using vvsim::test::reference_md5;
using vvsim::test::run_vvsim;
using vvsim::test::scratch;
using vvsim::test::slurp;

nlohmann::json summary(const std::string& dir) { return nlohmann::json::parse(slurp(dir + "/summary.json")); }

// Runs a shipped scenario under a protocol; the summary.
nlohmann::json run(const std::string& scenario, const std::string& protocol, int want_status) {
  const std::string tag = "media_" + scenario + "_" + protocol, dir = scratch(tag);
  const auto r = run_vvsim("run " + kSrc + "/scenarios/" + scenario + ".yaml --quiet --out " + dir +
                               " --set protocol=" + protocol,
                           tag);
  BOOST_REQUIRE_MESSAGE(r.status == want_status, scenario << " under " << protocol << ": status " << r.status << " "
                                                          << r.err);
  return summary(dir);
}

void check_same_frames_as_v6(const std::string& scenario) {
  const auto v6 = run(scenario, "v6", 0), media = run(scenario, "media", 0);
  BOOST_REQUIRE_EQUAL(v6["streams"].size(), media["streams"].size());
  for (size_t i = 0; i < v6["streams"].size(); ++i) {
    const auto &a = v6["streams"][i], &b = media["streams"][i];
    BOOST_TEST(a["frames_xxh3"].get<std::string>() == b["frames_xxh3"].get<std::string>(), scenario << " stream " << i);
    BOOST_TEST(a["frames_out"] == b["frames_out"], scenario << " stream " << i);
  }
}

void check_fixture_matches_reference(const std::string& fixture) {
  BOOST_CHECK_EQUAL(vvsim::test::decoded_fixture_md5("media", fixture), reference_md5(fixture));
}

}  // namespace

BOOST_AUTO_TEST_CASE(default_same_frames_as_v6) { check_same_frames_as_v6("default"); }
BOOST_AUTO_TEST_CASE(decode_h264_same_frames_as_v6) { check_same_frames_as_v6("decode_h264"); }
BOOST_AUTO_TEST_CASE(decode_vp9_same_frames_as_v6) { check_same_frames_as_v6("decode_vp9"); }
BOOST_AUTO_TEST_CASE(destroy_mid_stream_same_frames_as_v6) { check_same_frames_as_v6("destroy_mid_stream"); }
BOOST_AUTO_TEST_CASE(device_error_same_frames_as_v6) { check_same_frames_as_v6("device_error"); }
BOOST_AUTO_TEST_CASE(drc_racing_drain_same_frames_as_v6) { check_same_frames_as_v6("drc_racing_drain"); }
BOOST_AUTO_TEST_CASE(eventq_starvation_same_frames_as_v6) { check_same_frames_as_v6("eventq_starvation"); }
BOOST_AUTO_TEST_CASE(four_streams_two_cores_same_frames_as_v6) { check_same_frames_as_v6("four_streams_two_cores"); }
BOOST_AUTO_TEST_CASE(initial_format_from_stream_same_frames_as_v6) {
  check_same_frames_as_v6("initial_format_from_stream");
}
BOOST_AUTO_TEST_CASE(input_starvation_same_frames_as_v6) { check_same_frames_as_v6("input_starvation"); }
BOOST_AUTO_TEST_CASE(output_batching_same_frames_as_v6) { check_same_frames_as_v6("output_batching"); }
BOOST_AUTO_TEST_CASE(output_starvation_same_frames_as_v6) { check_same_frames_as_v6("output_starvation"); }
BOOST_AUTO_TEST_CASE(seek_stop_same_frames_as_v6) { check_same_frames_as_v6("seek_stop"); }

BOOST_AUTO_TEST_CASE(vp8_fixture_matches_vpxdec) { check_fixture_matches_reference("vp8_176x144.ivf"); }
BOOST_AUTO_TEST_CASE(vp9_resolution_change_matches_vpxdec) { check_fixture_matches_reference("vp9_drc.ivf"); }
BOOST_AUTO_TEST_CASE(h264_b_frames_match_ffmpeg) { check_fixture_matches_reference("h264_x264_high_bframes.h264"); }
BOOST_AUTO_TEST_CASE(h264_resolution_change_matches_ffmpeg) { check_fixture_matches_reference("h264_drc.h264"); }

// v6 deadlocks (its queued outputs hold every commandq descriptor); virtio-media holds
// none, so a commandq of 16 carries both streams to the end.
BOOST_AUTO_TEST_CASE(commandq_exhaustion_completes_under_media) {
  run("commandq_exhaustion", "v6", 3);
  const auto media = run("commandq_exhaustion", "media", 0);
  for (const auto& s : media["streams"]) {
    BOOST_TEST(s["frames_out"] == s["units_in"]);
    BOOST_TEST(s["problems"].empty());
  }
}

BOOST_AUTO_TEST_CASE(a_key_without_a_media_model_is_refused_by_name) {
  const auto r = run_vvsim("run " + kSrc + "/scenarios/device_reset.yaml --quiet --set protocol=media --out " +
                               scratch("media_reset"),
                           "media_reset");
  BOOST_TEST(r.status == 1);
  BOOST_TEST(r.err.find("stream 'survivor': key 'reset_after_units' has no virtio-media model yet") != std::string::npos,
             r.err);
}

// output_starvation: 30 frames, each CAPTURE/output buffer held 20 ms on display.
// With N buffers the frames leave in bursts of N, one burst per 20 ms, so the
// last frame comes (ceil(30 / N) - 1) * 20 ms in (plus one burst's decode). v6
// takes the scenario's 2 buffers; a V4L2 client must allocate at least
// MIN_BUFFERS_FOR_CAPTURE (dev-decoder.rst, Capture Setup), which the device
// raises to the stream's need, so media's bursts are larger and its latency
// lower: a protocol difference, not a model error (docs/protocols/virtio-media.md).
BOOST_AUTO_TEST_CASE(output_starvation_bursts_follow_the_buffer_count) {
  for (const char* protocol : {"v6", "media"}) {
    const auto s = run("output_starvation", protocol, 0)["streams"][0];
    const uint32_t buffers = s["resources"]["output"];
    if (std::string(protocol) == "v6") BOOST_TEST(buffers == 2u);
    else BOOST_TEST(buffers > 2u);
    const double bursts = std::ceil(30.0 / buffers), hold_ns = 20e6;
    const double last = s["last_frame_ns"];
    BOOST_TEST(last >= (bursts - 1) * hold_ns, protocol << ": last frame " << last << " ns, " << buffers << " buffers");
    BOOST_TEST(last <= (bursts - 1) * hold_ns + 2e6, protocol << ": last frame " << last << " ns, " << buffers << " buffers");
  }
}
