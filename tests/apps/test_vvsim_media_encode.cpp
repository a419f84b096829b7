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
