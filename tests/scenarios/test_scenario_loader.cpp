// The scenario loader: every shipped scenario loads; errors name file, line
// and key; --set overrides reach profile, device and stream values; the
// protocol key names a registered protocol.
#define BOOST_TEST_MODULE scenario_loader
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "models/platform/protocol.h"
#include "tlm_virtio/ring_rules.h"
#include "models/protocols/v6/video_device_profile_fields.h"
#include "scenarios/runner.h"
#include "scenarios/scenario.h"

using namespace vvsim;
using namespace vvsim::scenarios;

namespace {

const std::string kMinimal = "streams:\n  - codec: vp8\n    input: {generate: {frames: 5}}\n";

std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    parse_scenario(yaml, "case.yaml", overrides);
  } catch (const models::ProfileError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_shipped_scenario_loads) {
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(VVSIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const Scenario s = load_scenario(entry.path().string());
    BOOST_CHECK_MESSAGE(!s.description.empty(), entry.path() << " has no description");
    BOOST_CHECK(!s.streams.empty());
    ++n;
  }
  BOOST_CHECK_GE(n, 5u);
}

BOOST_AUTO_TEST_CASE(defaults_and_values) {
  const Scenario s = parse_scenario(kMinimal, "case.yaml");
  BOOST_REQUIRE_EQUAL(s.streams.size(), 1u);
  BOOST_CHECK((*s.streams[0].codec == codec::CodecId::VP8));
  BOOST_CHECK_EQUAL(s.streams[0].name, "stream0");
  BOOST_CHECK_EQUAL(s.streams[0].generate->frames, 5u);
  BOOST_CHECK_EQUAL(s.streams[0].output_resources, 8u);
  BOOST_CHECK_EQUAL(s.platform.engine.num_cores, models::PlatformProfile{}.engine.num_cores);
}

BOOST_AUTO_TEST_CASE(errors_name_file_line_and_key) {
  const auto unknown = error_of(kMinimal + "    outputs: 3\n");
  BOOST_CHECK_NE(unknown.find("case.yaml:4:"), std::string::npos);
  BOOST_CHECK_NE(unknown.find("streams.0.outputs"), std::string::npos);
  const auto range = error_of(kMinimal + "    output_resources: 0\n");
  BOOST_CHECK_NE(range.find("streams.0.output_resources"), std::string::npos);
  const auto codec = error_of("streams:\n  - codec: av1\n    input: {generate: {}}\n");
  BOOST_CHECK_NE(codec.find("case.yaml:2:"), std::string::npos);
  BOOST_CHECK_NE(codec.find("not one of vp8, vp9, h264"), std::string::npos);
  const auto both = error_of("streams:\n  - codec: vp8\n    input: {file: x.ivf, generate: {}}\n");
  BOOST_CHECK_NE(both.find("exactly one of 'file' and 'generate'"), std::string::npos);
  BOOST_CHECK_NE(error_of("streams: []\n").find("at least one stream"), std::string::npos);
  BOOST_CHECK_NE(error_of("streams: [1]\n").find("expected a map"), std::string::npos);
  BOOST_CHECK_NE(error_of("streams:\n  - codec: vp8\n    input: {generate: {frames: 5, change_at: 9}}\n").find("change_at"),
                 std::string::npos);
  BOOST_CHECK_NE(error_of("device: {commandq_size: 48}\n" + kMinimal).find("power of two"), std::string::npos);
  BOOST_CHECK_NE(error_of("streams: [\n").find("not valid YAML"), std::string::npos);
  BOOST_CHECK_NE(error_of("platform: {engine: {num_cores: 0}}\n" + kMinimal).find("platform.engine.num_cores"),
                 std::string::npos);
}

BOOST_AUTO_TEST_CASE(overrides_reach_every_level) {
  const Scenario s = parse_scenario(kMinimal, "case.yaml",
                                    {"platform.engine.num_cores=3", "device.commandq_size=256",
                                     "streams.0.input_resources=2", "output_buffers=5", "clock_mhz=800"});
  BOOST_CHECK_EQUAL(s.platform.engine.num_cores, 3u);
  BOOST_CHECK_EQUAL(s.platform.engine.clock_mhz, 800.0);
  BOOST_CHECK_EQUAL(virtio_video::v6_device_profile(s.platform).commandq_size, 256u);
  BOOST_CHECK_EQUAL(s.streams[0].input_resources, 2u);
  BOOST_CHECK_EQUAL(s.streams[0].output_resources, 5u);
  // An override's bad value is named by the override.
  const auto e = error_of(kMinimal, {"streams.0.output_resources=-1"});
  BOOST_CHECK_NE(e.find("override 'streams.0.output_resources=-1'"), std::string::npos);
  BOOST_CHECK_NE(error_of(kMinimal, {"streams.3.output_resources=2"}).find("has no element '3'"), std::string::npos);
}

// An override into a list element that is a plain value, or into a list by
// name instead of number, is refused naming the override (found by the
// scenario fuzzer: yaml-cpp's own exception escaped).
BOOST_AUTO_TEST_CASE(overrides_into_values_and_lists_are_refused_with_the_override) {
  const std::string scalar_stream = "streams:\n  - just a line of text\n";
  const auto into_value = error_of(scalar_stream, {"output_buffers=3"});
  BOOST_CHECK_NE(into_value.find("override 'streams.0.output_resources=3': 'streams.0' is a value, not a section"),
                 std::string::npos);
  const auto into_list = error_of(kMinimal, {"streams.output_resources=3"});
  BOOST_CHECK_NE(into_list.find("override 'streams.output_resources=3': 'streams' is a list"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(input_files_are_checked_when_prepared) {
  const std::string dir = std::string(VVSIM_SOURCE_DIR) + "/tests/codec/fixtures";
  const Scenario ok = parse_scenario("streams:\n  - input: {file: " + dir + "/vp9_176x144.ivf}\n", "case.yaml");
  const auto prepared = prepare_streams(ok);
  BOOST_CHECK((prepared[0].codec == codec::CodecId::VP9));
  BOOST_CHECK_EQUAL(prepared[0].units->size(), 20u);
  const Scenario wrong = parse_scenario("streams:\n  - codec: h264\n    input: {file: " + dir + "/vp9_176x144.ivf}\n", "case.yaml");
  BOOST_CHECK_EXCEPTION(prepare_streams(wrong), models::ProfileError, [](const models::ProfileError& e) {
    return std::string(e.what()).find("does not match") != std::string::npos;
  });
  const Scenario missing = parse_scenario("streams:\n  - input: {file: /no/such.ivf}\n", "case.yaml");
  BOOST_CHECK_THROW(prepare_streams(missing), models::ProfileError);
}

BOOST_AUTO_TEST_CASE(driver_features_by_name) {
  const Scenario s = parse_scenario("driver_policy: {features: [guest_pages, dynamic]}\n" + kMinimal, "case.yaml");
  BOOST_CHECK_EQUAL(s.driver_features, (1ull << 0) | (1ull << 2));
  BOOST_CHECK_EQUAL(parse_scenario(kMinimal, "case.yaml").driver_features, (1ull << 0) | (1ull << 1));
  BOOST_CHECK_NE(error_of("driver_policy: {features: [teleport]}\n" + kMinimal).find("'teleport' is not one of"),
                 std::string::npos);
}

// Found by fuzz_scenario: a map used as a key (from a stray comma in a flow
// map) escaped as yaml-cpp's bad-conversion exception, past the loader's
// ProfileError. It is now refused, naming the place.
BOOST_AUTO_TEST_CASE(a_map_used_as_a_key_is_refused_with_its_place) {
  const std::string yaml = "streams:\n  - name: a\n    codec: vp8\n    input: {generate: ,{width: 176, frames: 2}}\n";
  try {
    parse_scenario(yaml, "fuzzed.yaml");
    BOOST_ERROR("accepted a map as a key");
  } catch (const vvsim::models::ProfileError& e) {
    const std::string what = e.what();
    BOOST_CHECK_NE(what.find("fuzzed.yaml:4"), std::string::npos);
    BOOST_CHECK_NE(what.find("a key must be a name, not a map"), std::string::npos);
  }
}

// Streams run at once: more than the device takes is refused at load, naming
// device.max_streams (it used to fail at run time with ERR_OUT_OF_MEMORY only).
BOOST_AUTO_TEST_CASE(more_streams_than_max_streams_are_refused_at_load) {
  std::string five = "streams:\n";
  for (int i = 0; i < 5; ++i) five += "  - {name: s" + std::to_string(i) + ", codec: vp8, input: {generate: {frames: 2}}}\n";
  const auto e = error_of(five);
  BOOST_CHECK_NE(e.find("5 streams, but the device takes at most 4 at once (device.max_streams)"), std::string::npos);
  BOOST_CHECK_EQUAL(error_of(five, {"device.max_streams=5"}), "");
}

BOOST_AUTO_TEST_CASE(duplicate_stream_names_are_refused) {
  const auto e = error_of("streams:\n  - {name: cam, codec: vp8, input: {generate: {frames: 2}}}\n"
                          "  - {name: cam, codec: vp9, input: {generate: {frames: 2}}}\n");
  BOOST_CHECK_NE(e.find("streams.0 and streams.1 are both named 'cam'"), std::string::npos);
  // Default names differ by index.
  BOOST_CHECK_EQUAL(error_of(kMinimal + "  - codec: vp9\n    input: {generate: {frames: 2}}\n"), "");
}

// One size rule, the encoders' (even, 2..16384), checked at the key's line.
BOOST_AUTO_TEST_CASE(frame_sizes_follow_the_encoders_rule_at_load) {
  const auto odd = error_of("streams:\n  - codec: vp8\n    input: {generate: {width: 177, height: 99}}\n");
  BOOST_CHECK_NE(odd.find("case.yaml:3:"), std::string::npos);
  BOOST_CHECK_NE(odd.find("streams.0.input.generate.width"), std::string::npos);
  BOOST_CHECK_NE(odd.find("size 177x99: width and height must be even and within 2..16384"), std::string::npos);
  const auto change = error_of(
      "streams:\n  - codec: vp8\n    input: {generate: {frames: 4, change_at: 2, new_width: 101, new_height: 64}}\n");
  BOOST_CHECK_NE(change.find("size 101x64"), std::string::npos);
  const auto encode = error_of("device: {role: encoder}\nstreams:\n  - codec: vp8\n    encode: {width: 33, height: 32}\n");
  BOOST_CHECK_NE(encode.find("size 33x32"), std::string::npos);
  BOOST_CHECK_NE(error_of("streams:\n  - codec: vp8\n    input: {generate: {width: 20000}}\n").find("out of range"),
                 std::string::npos);
  BOOST_CHECK_EQUAL(error_of("streams:\n  - codec: vp8\n    input: {generate: {width: 8, height: 6, frames: 1}}\n"), "");
}

// A file named .ivf without the IVF signature is not read as H.264.
BOOST_AUTO_TEST_CASE(random_bytes_named_ivf_are_not_an_ivf_file) {
  const auto path = std::filesystem::temp_directory_path() / "vvsim_random.ivf";
  {
    std::ofstream f(path, std::ios::binary);
    for (int i = 0; i < 4096; ++i) f.put(char((i * 2654435761u) >> 13));
  }
  const Scenario s = parse_scenario("streams:\n  - input: {file: " + path.string() + "}\n", "case.yaml");
  BOOST_CHECK_EXCEPTION(prepare_streams(s), models::ProfileError, [](const models::ProfileError& e) {
    const std::string what = e.what();
    return what.find("not an IVF file") != std::string::npos && what.find("start code") == std::string::npos;
  });
}

// The scenario key `protocol:` and the protocol registry: v6 and media are
// registered, v6 is the default, `--set protocol=...` reaches the key, and a name no protocol
// registered is refused at load with the file, line and key, and the known names.
BOOST_AUTO_TEST_CASE(v6_is_registered_and_the_default) {
  BOOST_CHECK((models::protocol_names() == std::vector<std::string>{"media", "v6", "v6-async"}));
  const auto* v6 = models::find_protocol("v6");
  BOOST_REQUIRE(v6 != nullptr);
  BOOST_CHECK_EQUAL(v6->name(), "v6");
  BOOST_REQUIRE(models::find_protocol("media") != nullptr);
  BOOST_CHECK_EQUAL(models::find_protocol("media")->name(), "media");
  BOOST_CHECK_EQUAL(parse_scenario(kMinimal, "case.yaml", {"protocol=media"}).protocol, "media");
  BOOST_REQUIRE(models::find_protocol("v6-async") != nullptr);
  BOOST_CHECK_EQUAL(parse_scenario(kMinimal, "case.yaml", {"protocol=v6-async"}).protocol, "v6-async");
  BOOST_CHECK_EQUAL(parse_scenario(kMinimal, "case.yaml").protocol, "v6");
  BOOST_CHECK_EQUAL(parse_scenario("protocol: v6\n" + kMinimal, "case.yaml").protocol, "v6");
  BOOST_CHECK_EQUAL(parse_scenario(kMinimal, "case.yaml", {"protocol=v6"}).protocol, "v6");
}

BOOST_AUTO_TEST_CASE(unknown_protocol_is_refused_with_place_and_known_names) {
  const auto in_file = error_of("description: x\nprotocol: v7\n" + kMinimal);
  BOOST_CHECK_NE(in_file.find("case.yaml:2:"), std::string::npos);
  BOOST_CHECK_NE(in_file.find("key 'protocol'"), std::string::npos);
  BOOST_CHECK_NE(in_file.find("'v7' is not a known protocol (known: media, v6, v6-async)"), std::string::npos);
  const auto by_set = error_of(kMinimal, {"protocol=v5"});
  BOOST_CHECK_NE(by_set.find("protocol=v5"), std::string::npos);
  BOOST_CHECK_NE(by_set.find("'v5' is not a known protocol (known: media, v6, v6-async)"), std::string::npos);
  BOOST_CHECK_NE(error_of("protocol: [v6]\n" + kMinimal).find("protocol"), std::string::npos);
}

// A scenario names the rules of any registered protocol (one written for v6
// runs under --set protocol=media, where v6's expected breaches do not occur),
// and only its own protocol's feature names.
BOOST_AUTO_TEST_CASE(expected_violations_of_any_protocol_and_features_of_its_own) {
  for (const std::string rule : {"vm-session-id-unique", "set-param-no-error", tlm_virtio::ring_rules().front().id})
    for (const std::string protocol : {"v6", "media"})
      BOOST_CHECK_NO_THROW(parse_scenario("protocol: " + protocol + "\nexpect_violations: [" + rule + "]\n" + kMinimal,
                                          "case.yaml"));
  BOOST_CHECK_NE(error_of("protocol: media\nexpect_violations: [no-such-rule]\n" + kMinimal)
                     .find("'no-such-rule' is not a conformance rule"),
                 std::string::npos);
  BOOST_CHECK_NE(error_of("protocol: media\ndriver_policy: {features: [guest_pages]}\n" + kMinimal)
                     .find("'guest_pages' is not one of"),
                 std::string::npos);
}

// encode.restart_capture_at: frame indices in the stream, after its first (frame 0 starts a stream anyway).
BOOST_AUTO_TEST_CASE(restart_capture_at_takes_frames_inside_the_stream) {
  const std::string head = "device: {role: encoder}\nstreams:\n  - codec: vp8\n    encode: {frames: 30, restart_capture_at: ";
  const Scenario s = parse_scenario(head + "[{at_frame: 10}, {at_frame: 20}]}\n", "case.yaml");
  BOOST_TEST(s.streams.at(0).encode->restart_capture_at == (std::vector<uint32_t>{10, 20}), boost::test_tools::per_element());
  BOOST_CHECK_NE(error_of(head + "[{at_frame: 30}]}\n").find("must be below frames (30)"), std::string::npos);
  BOOST_CHECK_NE(error_of(head + "[{at_frame: 0}]}\n").find("streams.0.encode.restart_capture_at.0.at_frame"),
                 std::string::npos);
}
