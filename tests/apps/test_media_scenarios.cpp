// The scenarios only virtio-media has (scenarios/media/): each run by the
// binary, its figures checked against the scenario's own values and the driver
// profile (times computed here), and the same stream shown to complete when
// the condition the scenario is about is taken away.
#define BOOST_TEST_MODULE media_scenarios
#include <boost/test/unit_test.hpp>

#include <linux/videodev2.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/protocols/media/media_driver.h"
#include "tests/support/vvsim_command.h"

namespace {

using vvsim::test::kSrc;
using vvsim::test::run_vvsim;
using vvsim::test::scratch;
using vvsim::test::slurp;

const std::string kDir = kSrc + "/scenarios/media/";

struct Span {
  double begin_us = -1, end_us = -1;
  std::string result;
};

// The command spans of a trace (async begin/end pairs of category "command"), in submission order.
std::vector<std::pair<std::string, Span>> command_spans(const std::string& trace_file) {
  const auto trace = nlohmann::json::parse(slurp(trace_file));
  std::vector<std::pair<std::string, Span>> spans;
  std::map<int64_t, size_t> open;
  for (const auto& e : trace["traceEvents"]) {
    if (e.value("cat", "") != "command") continue;
    const std::string ph = e["ph"];
    if (ph == "b") {
      open[e["id"].get<int64_t>()] = spans.size();
      spans.push_back({e["name"], {e["ts"].get<double>(), -1, e["args"]["result"]}});
    } else if (ph == "e") {
      spans[open.at(e["id"].get<int64_t>())].second.end_us = e["ts"].get<double>();
    }
  }
  return spans;
}

struct Run {
  int status;
  std::string err, dir;
  nlohmann::json summary;
};

Run run(const std::string& scenario, const std::string& tag, const std::string& settings = "") {
  const std::string dir = scratch("media_scenario_" + tag);
  const auto r = run_vvsim("run " + kDir + scenario + ".yaml --quiet --out " + dir + " --trace " + dir + "/trace.json" +
                               settings,
                           "media_scenario_" + tag);
  return {r.status, r.err, dir, nlohmann::json::parse(slurp(dir + "/summary.json"))};
}

YAML::Node scenario_file(const std::string& name) { return YAML::LoadFile(kDir + name + ".yaml"); }

}  // namespace

BOOST_AUTO_TEST_CASE(every_media_scenario_is_a_media_scenario_and_is_tested_here) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(kDir))
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  BOOST_TEST(names == (std::vector<std::string>{"drc_drain_aborted", "drc_drain_carried_on", "eventq_timeout",
                                                 "malformed_commands"}),
             boost::test_tools::per_element());
  for (const auto& n : names) BOOST_TEST(scenario_file(n)["protocol"].as<std::string>() == "media", n);
}

// The QBUF that meets the blocked worker is the stream's second (one 1/feed_fps after the first); the driver
// gives up on it after its 5 s timeout, and the worker answers again when the buffers come, withhold_eventq_us in.
BOOST_AUTO_TEST_CASE(eventq_timeout_fails_the_second_qbuf_after_the_drivers_timeout) {
  const auto yaml = scenario_file("eventq_timeout");
  const double fps = yaml["streams"][0]["feed_fps"].as<double>();
  const double withheld_us = yaml["driver_policy"]["withhold_eventq_us"].as<double>();
  const double timeout_us = double(vvsim::virtio_media::MediaDriverProfile{}.command_timeout_ns) / 1e3;
  BOOST_REQUIRE(withheld_us > timeout_us);  // the scenario's point: the buffers come after the timeout

  const Run r = run("eventq_timeout", "timeout");
  BOOST_TEST(r.status == 6, r.err);
  BOOST_TEST(r.err.find("QBUF(OUTPUT) failed: errno 110") != std::string::npos, r.err);
  BOOST_TEST(r.summary["streams"][0]["frames_out"].get<int>() == 0);
  std::vector<Span> qbufs;
  Span streamoff;
  for (const auto& [name, span] : command_spans(r.dir + "/trace.json")) {
    if (name == "IOCTL QBUF") qbufs.push_back(span);
    if (name == "IOCTL STREAMOFF") streamoff = span;
  }
  BOOST_REQUIRE_EQUAL(qbufs.size(), 2u);
  BOOST_TEST(qbufs[0].result == "OK");
  BOOST_TEST(qbufs[1].result == "errno 110");
  BOOST_TEST(std::abs(qbufs[1].begin_us - qbufs[0].begin_us - 1e6 / fps) < 5.0);
  BOOST_TEST(std::abs(qbufs[1].end_us - qbufs[1].begin_us - timeout_us) < 1.0);
  // The client's STREAMOFF after the failure waits for the worker, which the withheld buffers release.
  BOOST_TEST(streamoff.end_us >= withheld_us);
  BOOST_TEST(streamoff.end_us - withheld_us < 100.0);
}

// The same stream completes with every frame when the buffers come before the timeout, or when the device keeps
// events in a backlog instead of blocking its worker.
BOOST_AUTO_TEST_CASE(eventq_timeout_completes_without_its_condition) {
  const int frames = scenario_file("eventq_timeout")["streams"][0]["input"]["generate"]["frames"].as<int>();
  for (const std::string settings : {" --set driver_policy.withhold_eventq_us=4000000", " --set device.event_overflow=backlog"}) {
    const Run r = run("eventq_timeout", settings.find("backlog") != std::string::npos ? "backlog" : "early", settings);
    BOOST_TEST(r.status == 0, settings << ": " << r.err);
    BOOST_TEST(r.summary["streams"][0]["frames_out"].get<int>() == frames, settings);
  }
}

// The two readings of a resolution change met during a drain (docs/spec-notes.md): every frame of the scenario,
// the same frames as v6's run of the shipped drc_racing_drain.yaml (its stream, another protocol's path), drained;
// the client's second STOP after the reallocation is taken where the reallocation aborted the drain and refused
// EBUSY where the drain went on.
BOOST_AUTO_TEST_CASE(a_drc_racing_the_drain_gives_every_frame_under_both_readings) {
  const std::string v6_dir = scratch("media_scenario_drc_v6");
  BOOST_REQUIRE_EQUAL(run_vvsim("run " + kSrc + "/scenarios/drc_racing_drain.yaml --quiet --out " + v6_dir, "media_scenario_drc_v6").status, 0);
  const auto v6 = nlohmann::json::parse(slurp(v6_dir + "/summary.json"))["streams"][0];
  for (const auto& [scenario, second_stop] : {std::pair<std::string, std::string>{"drc_drain_aborted", "OK"},
                                              {"drc_drain_carried_on", "errno 16"}}) {
    const int frames = scenario_file(scenario)["streams"][0]["input"]["generate"]["frames"].as<int>();
    const Run r = run(scenario, scenario);
    BOOST_TEST(r.status == 0, scenario << ": " << r.err);
    const auto& stream = r.summary["streams"][0];
    BOOST_TEST(stream["frames_out"].get<int>() == frames, scenario);
    BOOST_TEST(stream["frames_xxh3"] == v6["frames_xxh3"], scenario);
    BOOST_TEST(stream["drained"].get<bool>(), scenario);
    BOOST_TEST(r.summary["conformance"]["violations"].get<int>() == 0, scenario);
    std::vector<std::string> stops;
    for (const auto& [name, span] : command_spans(r.dir + "/trace.json"))
      if (name == "IOCTL DECODER_CMD") stops.push_back(span.result);
    BOOST_TEST(stops == (std::vector<std::string>{"OK", second_stop}), scenario << boost::test_tools::per_element());
  }
}

namespace {

// A raw command's bytes as the scenario spells them (hex, spaces between bytes).
std::vector<uint8_t> hex_bytes(const std::string& text) {
  std::vector<uint8_t> bytes;
  std::istringstream in(text);
  for (std::string byte; in >> byte;) bytes.push_back(uint8_t(std::stoul(byte, nullptr, 16)));
  return bytes;
}

uint32_t le32_at(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t(b.at(at)) | uint32_t(b.at(at + 1)) << 8 | uint32_t(b.at(at + 2)) << 16 | uint32_t(b.at(at + 3)) << 24;
}

std::string errno_answer(const char* name, int value) { return std::string(name) + " (" + std::to_string(value) + ")"; }

}  // namespace

// The scenario's commands are what its comment says, checked against <linux/videodev2.h> (ioctl codes are the
// _IOC_NR of the VIDIOC_ macro, the payload the 64-bit struct); each answer is the spec's (ENOTTY for an
// unsupported ioctl, a MUST) or vvsim's reading (docs/spec-notes.md), errno values from <errno.h>. The stream
// decodes on: all its frames, drained; the monitor sees the two driver breaches the scenario expects and no other.
BOOST_AUTO_TEST_CASE(malformed_commands_get_their_errors_and_decoding_goes_on) {
  const auto yaml = scenario_file("malformed_commands");
  std::vector<std::vector<uint8_t>> raw;
  for (const auto& c : yaml["streams"][0]["raw_commands"]) raw.push_back(hex_bytes(c.as<std::string>()));
  BOOST_REQUIRE_EQUAL(raw.size(), 9u);
  constexpr size_t kIoctlHeader = 16;  // virtio_media_cmd_ioctl: cmd, reserved, session_id, code
  BOOST_TEST(le32_at(raw[2], 12) == _IOC_NR(VIDIOC_QUERYCAP));
  BOOST_TEST(le32_at(raw[3], 12) > _IOC_NR(VIDIOC_QUERY_EXT_CTRL));  // past the last VIDIOC_ code the device knows
  for (size_t i : {4, 5}) {
    BOOST_TEST(le32_at(raw[i], 12) == _IOC_NR(VIDIOC_G_FMT));
    BOOST_TEST(le32_at(raw[i], kIoctlHeader) == uint32_t(V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE));
  }
  BOOST_TEST(raw[4].size() < kIoctlHeader + sizeof(v4l2_format));   // a short payload
  BOOST_TEST(raw[5].size() == kIoctlHeader + sizeof(v4l2_format));  // whole, on a session never opened
  BOOST_TEST(le32_at(raw[5], 8) == 77u);

  const Run r = run("malformed_commands", "malformed");
  BOOST_TEST(r.status == 0, r.err);
  const auto& stream = r.summary["streams"][0];
  const std::string enotty = errno_answer("ENOTTY", ENOTTY), einval = errno_answer("EINVAL", EINVAL);
  const std::vector<std::string> want = {enotty, einval, enotty, enotty, einval, einval, einval, einval, "no response"};
  BOOST_TEST(stream["raw_command_answers"].get<std::vector<std::string>>() == want, boost::test_tools::per_element());
  BOOST_TEST(stream["frames_out"].get<int>() == yaml["streams"][0]["input"]["generate"]["frames"].as<int>());
  BOOST_TEST(stream["drained"].get<bool>());
  BOOST_TEST(stream["problems"].empty());
  std::set<std::string> rules;
  for (const auto& v : r.summary["conformance"]["list"]) rules.insert(v["rule"].get<std::string>());
  BOOST_TEST(rules == (std::set<std::string>{"vm-ioctl-layout", "vm-open-before-use"}), boost::test_tools::per_element());
  BOOST_TEST(r.summary["conformance"]["unexpected"].get<int>() == 0);
}
