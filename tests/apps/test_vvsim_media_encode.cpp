// scenarios/encode_bitrate_keyframe.yaml under `--set protocol=media` (the
// stateful encoder of dev-encoder.rst) beside the same run under v6: the same
// 60 VP8 frames, byte for byte (the same encoder library, pictures, bitrate
// change and forced key frame reach it in the same order), the key frames
// where the scenario forces them. The encoder's bitstream itself is decoded
// by ffprobe and vpxdec in media.test_media_encode.
#define BOOST_TEST_MODULE vvsim_media_encode
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

#include "tests/support/vvsim_command.h"

using namespace vvsim::test;

namespace {

const std::string kScenario = kSrc + "/scenarios/encode_bitrate_keyframe.yaml";

nlohmann::json run_stream(const std::string& protocol) {
  const std::string tag = "media_encode_" + protocol, dir = scratch(tag);
  const auto r = run_vvsim("run " + kScenario + " --quiet --out " + dir + " --set protocol=" + protocol, tag);
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  return nlohmann::json::parse(slurp(dir + "/summary.json"))["streams"][0];
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_encode_scenario_gives_v6s_bitstream_under_media) {
  const auto media = run_stream("media");
  const auto v6 = run_stream("v6");
  BOOST_TEST(media["units_out"] == 60);
  BOOST_TEST(media["drained"].get<bool>());
  BOOST_TEST(media["key_frame_timestamps"] == nlohmann::json::array({0, 45}));
  BOOST_TEST(media["unit_bytes"] == v6["unit_bytes"]);
  BOOST_TEST(media["units_xxh3"] == v6["units_xxh3"]);
  const auto sizes = media["unit_bytes"].get<std::vector<double>>();
  double before = 0, after = 0;  // inter frames at 200 kbit/s, then at 1 Mbit/s
  for (int i = 5; i < 30; ++i) before += sizes[i] / 25;
  for (int i = 35; i < 45; ++i) after += sizes[i] / 10;
  BOOST_TEST(after > 2.0 * before);
}

// restart_capture_at from a scenario: the client's Reset sequence (dev-encoder Reset: drain,
// STREAMOFF and STREAMON of CAPTURE) before frame 20 starts a new standalone VP8 stream, so its
// first frame is a key frame where the scenario forces none. v6 has no such sequence: refused.
BOOST_AUTO_TEST_CASE(restart_capture_at_from_a_scenario_starts_a_new_stream_at_that_frame) {
  const std::string file = scratch("media_encode_restart.yaml");
  std::FILE* f = std::fopen(file.c_str(), "w");
  BOOST_REQUIRE(f);
  std::fprintf(f, "profile: %s/profiles/default.yaml\ndevice: {role: encoder}\nstreams:\n  - name: camera\n"
                  "    codec: vp8\n    encode: {width: 176, height: 144, frames: 30, restart_capture_at: [{at_frame: 20}]}\n",
               kSrc.c_str());
  std::fclose(f);
  const std::string dir = scratch("media_encode_restart");
  const auto media = run_vvsim("run " + file + " --quiet --out " + dir + " --set protocol=media", "restart_media");
  BOOST_REQUIRE_MESSAGE(media.status == 0, media.err);
  const auto s = nlohmann::json::parse(slurp(dir + "/summary.json"));
  const auto st = s["streams"][0];
  BOOST_TEST(st["units_out"] == 30);
  BOOST_TEST(st["key_frame_timestamps"] == nlohmann::json::array({0, 20}));
  BOOST_TEST(s["commands_by_type"]["IOCTL STREAMOFF"] == 1 + 2);  // the restart's, then the teardown's two
  BOOST_TEST(s["conformance"]["violations"] == 0);
  const auto v6 = run_vvsim("run " + file + " --quiet --out " + scratch("media_encode_restart_v6"), "restart_v6");
  BOOST_TEST(v6.status == 1);
  BOOST_TEST(v6.err.find("stream 'camera': key 'restart_capture_at' has no virtio-video model") != std::string::npos, v6.err);
}
