// The `device:` section under `protocol: media` is read by virtio-media's own
// device profile: its keys reach the device, a v6 key is refused at its line,
// and a profile file's (v6) device values do not apply to the media device.
#define BOOST_TEST_MODULE media_device_keys
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "analysis/settings.h"
#include "models/protocols/media/media_device_profile_fields.h"
#include "scenarios/runner.h"

using namespace vvsim;

namespace {

const std::string kStream = "streams:\n  - {name: s, codec: vp8, input: {generate: {width: 64, height: 64, frames: 4}}}\n";

std::string load_error(const std::string& yaml, const std::string& source) {
  try {
    scenarios::parse_scenario(yaml, source);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(media_keys_reach_the_device) {
  const auto scenario = scenarios::parse_scenario(
      "protocol: media\ndevice: {commandq_size: 32, drc_emits_last: false, event_overflow: block_worker}\n" + kStream,
      "media_keys.yaml");
  const auto& device = virtio_media::media_device_profile(scenario.platform);
  BOOST_TEST(device.drc_emits_last == false);
  BOOST_TEST((device.event_overflow == virtio_media::EventOverflow::BlockWorker));
  const auto result = scenarios::run_scenario(scenario, scenarios::prepare_streams(scenario));
  BOOST_TEST(result.commandq_size == 32u);  // the queue size the driver negotiated with the device
  BOOST_TEST((result.outcome == scenarios::RunOutcome::Completed));
}

BOOST_AUTO_TEST_CASE(a_v6_device_key_is_refused_at_its_line) {
  const std::string error = load_error("protocol: media\ndevice:\n  commandq_size: 32\n  stride_alignment: 16\n" + kStream,
                                       "media_v6_key.yaml");
  BOOST_TEST(error.find("media_v6_key.yaml:4") != std::string::npos, error);
  BOOST_TEST(error.find("unknown key 'device.stride_alignment'") != std::string::npos, error);
  BOOST_TEST(error.find('\n') == std::string::npos, error);  // one line
  // Under v6 the same key is one of the device's.
  BOOST_TEST(load_error("device:\n  stride_alignment: 16\n" + kStream, "v6_key.yaml").empty());
}

BOOST_AUTO_TEST_CASE(a_bad_media_value_names_its_key) {
  const std::string error = load_error("protocol: media\ndevice: {event_overflow: drop}\n" + kStream, "bad.yaml");
  BOOST_TEST(error.find("bad.yaml:2") != std::string::npos, error);
  BOOST_TEST(error.find("device.event_overflow") != std::string::npos, error);
  BOOST_TEST(error.find("backlog, block_worker") != std::string::npos, error);
}

// profiles/default.yaml says commandq_size 64 for the v6 device; the media
// device keeps its own default, 256.
BOOST_AUTO_TEST_CASE(a_profile_files_v6_device_values_do_not_apply_under_media) {
  const auto dir = std::filesystem::temp_directory_path() / "vvsim_media_device_keys";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "profile.yaml") << "device:\n  commandq_size: 16\n  role: decoder\n";
  const auto scenario =
      scenarios::parse_scenario("profile: profile.yaml\nprotocol: media\n" + kStream, (dir / "scenario.yaml").string());
  BOOST_TEST(virtio_media::media_device_profile(scenario.platform).commandq_size == 256u);
  const auto result = scenarios::run_scenario(scenario, scenarios::prepare_streams(scenario));
  BOOST_TEST(result.commandq_size == 256u);
}

// The settings table lists the media device's keys, each against its own default.
BOOST_AUTO_TEST_CASE(settings_list_the_media_device_keys) {
  const auto scenario = scenarios::parse_scenario("protocol: media\ndevice: {shm_bytes: 65536}\n" + kStream, "s.yaml");
  bool shm = false, role = false, v6_only = false;
  for (const auto& s : analysis::effective_settings(scenario)) {
    if (s.key == "device.shm_bytes") {
      shm = true;
      BOOST_TEST(s.value == "65536");
      BOOST_TEST(s.default_value == "268435456");
    }
    if (s.key == "device.role") {
      role = true;
      BOOST_TEST(s.value == "decoder");
    }
    if (s.key == "device.stride_alignment") v6_only = true;
  }
  BOOST_TEST(shm);
  BOOST_TEST(role);  // both devices have a role; its values are the protocol's
  BOOST_TEST(!v6_only);
}
