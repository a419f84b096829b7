// Device values set in a profile file or a scenario's `device:` section reach
// the device: one run per key, each checking an effect the key alone explains.
#define BOOST_TEST_MODULE device_keys
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "models/protocols/v6/video_device_profile_fields.h"
#include "scenarios/runner.h"

using namespace vvsim;

namespace {

std::string stream(const std::string& codec, uint32_t width, uint32_t height, uint32_t frames = 4) {
  return "streams:\n  - {name: s, codec: " + codec + ", input: {generate: {width: " + std::to_string(width) +
         ", height: " + std::to_string(height) + ", frames: " + std::to_string(frames) + "}}}\n";
}

scenarios::RunResult run(const std::string& yaml, const std::string& source = "keys.yaml") {
  const auto scenario = scenarios::parse_scenario(yaml, source);
  return scenarios::run_scenario(scenario, scenarios::prepare_streams(scenario));
}

bool has_problem(const scenarios::StreamResult& s, const std::string& part) {
  for (const auto& p : s.report.problems)
    if (p.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

// The regression: a profile file's device section used to be dropped.
BOOST_AUTO_TEST_CASE(profile_file_queue_sizes_reach_the_device) {
  const auto dir = std::filesystem::temp_directory_path() / "vvsim_device_keys";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "profile.yaml") << "device:\n  commandq_size: 32\n  eventq_size: 4\n";
  const std::string scenario = "profile: profile.yaml\n" + stream("vp8", 64, 64);
  std::ofstream(dir / "scenario.yaml") << scenario;
  const auto result = run(scenario, (dir / "scenario.yaml").string());
  BOOST_TEST(result.commandq_size == 32u);
  BOOST_TEST(result.eventq_size == 4u);
  BOOST_TEST((result.outcome == scenarios::RunOutcome::Completed));
}

BOOST_AUTO_TEST_CASE(scenario_device_section_wins_over_the_profile) {
  const auto dir = std::filesystem::temp_directory_path() / "vvsim_device_keys_2";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "profile.yaml") << "device:\n  commandq_size: 16\n";
  const auto scenario = scenarios::parse_scenario("profile: profile.yaml\ndevice: {commandq_size: 32}\n" +
                                                      stream("vp8", 64, 64),
                                                  (dir / "scenario.yaml").string());
  BOOST_TEST(virtio_video::v6_device_profile(scenario.platform).commandq_size == 32u);
  const auto result = scenarios::run_scenario(scenario, scenarios::prepare_streams(scenario));
  BOOST_TEST(result.commandq_size == 32u);
}

// QUERY_CAPS lists only VP8: the driver's SET_PARAM(H264) is adjusted back
// (§Format parameters: the device MAY adjust) and the driver refuses.
BOOST_AUTO_TEST_CASE(codecs_vp8_only_refuses_h264) {
  const auto result = run("device: {codecs: [VP8]}\n" + stream("h264", 64, 64));
  BOOST_TEST((result.outcome == scenarios::RunOutcome::StreamProblems));
  BOOST_REQUIRE_EQUAL(result.streams.size(), 1u);
  BOOST_TEST(has_problem(result.streams[0], "H264"));
  BOOST_TEST(result.streams[0].report.frames.empty());
}

// A new stream's output format is default_width x default_height: a stream
// of exactly that size needs no DRC at its first key frame.
BOOST_AUTO_TEST_CASE(default_size_decides_the_first_drc) {
  const auto result =
      run("device: {default_width: 176, default_height: 144}\n" +
          stream("vp8", 176, 144));
  BOOST_TEST((result.outcome == scenarios::RunOutcome::Completed));
  BOOST_TEST(result.streams[0].report.drc_events == 0u);
  BOOST_TEST(result.streams[0].report.frames.size() == 4u);
}

// max_resources caps the OUTPUT resources the driver asked for (8): only
// resource IDs 0 and 1 are ever queued.
BOOST_AUTO_TEST_CASE(max_resources_caps_the_outputs) {
  const auto result = run("device: {max_resources: 2, default_input_resources: 2, default_output_resources: 2}\n" +
                          stream("vp8", 64, 64, 6));
  BOOST_TEST((result.outcome == scenarios::RunOutcome::Completed));
  std::set<uint32_t> outputs;
  for (const auto& c : result.commands) {  // labels read e.g. "RESOURCE_QUEUE OUTPUT #3"
    const size_t at = c.label.find(" OUTPUT #");
    if (at != std::string::npos) outputs.insert(uint32_t(std::stoul(c.label.substr(at + 9))));
  }
  BOOST_TEST(outputs.size() == 2u);
  BOOST_TEST(result.streams[0].report.output_resources == 2u);
  BOOST_TEST(result.streams[0].report.frames.size() == 6u);
}

// A raw command longer than max_command_bytes is refused with ERR_INVALID_ARGUMENT.
BOOST_AUTO_TEST_CASE(max_command_bytes_refuses_longer_commands) {
  const std::string padding(2 * 190, '0');  // 190 bytes after the 4-byte header
  const auto result = run("device: {max_command_bytes: 176}\nstreams:\n  - codec: vp8\n"
                          "    input: {generate: {width: 64, height: 64, frames: 2}}\n"
                          "    raw_commands: [\"00 01 00 00" + padding + "\"]\n");
  BOOST_REQUIRE_EQUAL(result.streams[0].report.raw_answers.size(), 1u);
  BOOST_TEST(result.streams[0].report.raw_answers[0] == "ERR_INVALID_ARGUMENT");
}

// A raw QUERY_CAPS gets a response buffer of caps_length (12 + 9 x 24 = 228
// bytes with the five codecs and four image formats), not the 164 bytes of the
// largest fixed-size answer, so it can succeed; a raw GET_PARAM of a stream
// that does not exist still gets its error in the fixed-size buffer.
BOOST_AUTO_TEST_CASE(raw_query_caps_gets_a_caps_length_buffer) {
  const auto result = run("streams:\n  - codec: vp8\n"
                          "    input: {generate: {width: 64, height: 64, frames: 2}}\n"
                          "    raw_commands: [\"00 01 00 00\", \"05 02 00 00 63 00 00 00 01 00 00 00 00 00 00 00\"]\n");
  BOOST_REQUIRE_EQUAL(result.streams[0].report.raw_answers.size(), 2u);
  BOOST_TEST(result.streams[0].report.raw_answers[0] == "OK");
  BOOST_TEST(result.streams[0].report.raw_answers[1] == "ERR_INVALID_STREAM_ID");
}

// The driver's buffers are 4 KiB aligned; with 64 KiB pages some are not page
// aligned and ATTACH_BACKING is refused, unless the device bounces them.
BOOST_AUTO_TEST_CASE(page_size_and_unaligned_sg) {
  const auto refused = run("device: {page_size: 65536}\n" + stream("vp8", 64, 64));
  BOOST_TEST((refused.outcome == scenarios::RunOutcome::StreamProblems));
  BOOST_TEST(has_problem(refused.streams[0], "ATTACH_BACKING"));
}

BOOST_AUTO_TEST_CASE(unaligned_sg_cpu_copy_accepts_them) {
  const auto copied = run("device: {page_size: 65536, unaligned_sg: cpu_copy}\n" + stream("vp8", 64, 64));
  BOOST_TEST((copied.outcome == scenarios::RunOutcome::Completed));
  BOOST_TEST(copied.streams[0].report.frames.size() == 4u);
}
