// The shipped scenarios under `--set protocol=media`: the same frames as v6
// (frame checksums from two runs of the binary, one per protocol), frames
// bit-exact with vpxdec/ffmpeg for the fixtures, the outcomes that differ from
// v6 for a reason (no command holds a descriptor, so commandq exhaustion does
// not deadlock), and a key virtio-media has no model for refused by name.
#define BOOST_TEST_MODULE vvsim_media
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

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
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --set protocol=media --set streams.0.double_drain=true --out " +
                               scratch("media_refused"),
                           "media_refused");
  BOOST_TEST(r.status == 1);
  BOOST_TEST(r.err.find("stream 'main': key 'double_drain' has no virtio-media model yet") != std::string::npos, r.err);
  // A response buffer smaller than virtio_media_resp_header (8 bytes) cannot be laid out as the driver does.
  const auto small = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --set protocol=media" +
                                   " --set 'streams.0.raw_commands=[\"01 00 00 00 00 00 00 00\"]'" +
                                   " --set streams.0.raw_response_bytes=4 --out " + scratch("media_small_room"),
                               "media_small_room");
  BOOST_TEST(small.status == 1);
  BOOST_TEST(small.err.find("key 'raw_response_bytes': 4 is below the 8-byte virtio_media_resp_header") != std::string::npos,
             small.err);
}

// The command names of a trace (async begin events of category "command"), in submission order.
std::vector<std::string> traced_commands(const std::string& trace_file) {
  std::vector<std::string> names;
  const auto trace = nlohmann::json::parse(slurp(trace_file));  // kept: the loop reads into it
  for (const auto& e : trace["traceEvents"])
    if (e.value("cat", "") == "command" && e.value("ph", "") == "b") names.push_back(e["name"].get<std::string>());
  return names;
}

// device_reset under media: Status = 0 after 25 units (virtio 1.4 §2.4). The device drops the session, its
// buffers and mappings; the driver frees them without CLOSE or MUNMAP (as Linux on remove), brings the device
// up again, and the client opens a new session, which gets id 0 again (the device's counter restarts,
// docs/spec-notes.md), and goes through Initialization again before feeding on from unit 25. Units 25-29 are
// inter frames a new decoder cannot use: the first frame after the reset is key frame 30, as under v6 (the same frames).
BOOST_AUTO_TEST_CASE(device_reset_opens_a_new_session_and_resumes_at_the_next_key_frame) {
  check_same_frames_as_v6("device_reset");
  const auto v6 = run("device_reset", "v6", 0)["streams"][0];
  const std::string dir = scratch("media_device_reset_trace");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/device_reset.yaml --quiet --set protocol=media --out " + dir +
                               " --trace " + dir + "/trace.json",
                           "media_device_reset_trace");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto s = summary(dir);
  const auto st = s["streams"][0];
  BOOST_TEST(st["device_resets"] == 1);
  BOOST_TEST(st["stream_id"] == 0);
  BOOST_TEST(st["first_timestamp_after_reset"] == 30);
  BOOST_TEST(st["first_timestamp_after_reset"] == v6["first_timestamp_after_reset"]);
  BOOST_TEST(st["drained"].get<bool>());
  BOOST_TEST(st["problems"].empty());
  BOOST_TEST(st["frames_out"].get<int>() >= 30);
  BOOST_TEST(s["conformance"]["violations"] == 0);
  BOOST_TEST(s["commands_by_type"]["OPEN"] == 2);
  BOOST_TEST(s["commands_by_type"]["CLOSE"] == 1);  // the teardown's; none for the session the reset ended
  const auto names = traced_commands(dir + "/trace.json");
  const std::string open = "OPEN";
  const auto first_open = std::find(names.begin(), names.end(), open);
  BOOST_REQUIRE_MESSAGE(first_open != names.end(), names.size() << " commands traced");
  const auto second_open = std::find(std::next(first_open), names.end(), open);
  BOOST_REQUIRE(second_open != names.end());
  BOOST_TEST(*std::prev(second_open) == "IOCTL QBUF");  // feeding, then the reset: no teardown before it
  const uint32_t b = st["resources"]["input"];           // OUTPUT buffers: a QUERYBUF and an MMAP each
  // The VP8 profile menu first: its range 0..3 (<linux/v4l2-controls.h>), one QUERYMENU per index.
  std::vector<std::string> init = {"OPEN", "IOCTL QUERY_EXT_CTRL", "IOCTL QUERYMENU", "IOCTL QUERYMENU", "IOCTL QUERYMENU",
                                   "IOCTL QUERYMENU", "IOCTL SUBSCRIBE_EVENT", "IOCTL SUBSCRIBE_EVENT", "IOCTL S_FMT",
                                   "IOCTL REQBUFS"};
  for (uint32_t i = 0; i < b; ++i) init.insert(init.end(), {"IOCTL QUERYBUF", "MMAP"});
  init.push_back("IOCTL STREAMON");
  BOOST_REQUIRE(size_t(names.end() - second_open) >= init.size());
  BOOST_TEST(std::vector<std::string>(second_open, second_open + long(init.size())) == init, boost::test_tools::per_element());
}

// The client reads its codec's profile menu right after OPEN (QUERY_EXT_CTRL, then QUERYMENU over the range, as
// Chromium's V4L2 decoder does) and the summary lists what the device offered: docs/codec.md's profiles of the
// H.264 backend. libavcodec's range is Constrained Baseline (1) to High (4), Extended (3) skipped: 4 QUERYMENU.
// v6 has no control to ask, so no list.
BOOST_AUTO_TEST_CASE(the_device_profile_menu_reaches_the_summary_under_media) {
  const std::string dir = scratch("media_profiles");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/decode_h264.yaml --quiet --set protocol=media --out " + dir +
                               " --trace " + dir + "/trace.json",
                           "media_profiles");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto st = summary(dir)["streams"][0];
  const std::vector<std::string> libavcodec = {"Constrained Baseline", "Main", "High"};
  BOOST_TEST(st["device_profiles"].get<std::vector<std::string>>() == libavcodec, boost::test_tools::per_element());
  BOOST_TEST(st["problems"].empty());
  const auto names = traced_commands(dir + "/trace.json");
  const std::vector<std::string> start = {"OPEN", "IOCTL QUERY_EXT_CTRL", "IOCTL QUERYMENU", "IOCTL QUERYMENU",
                                          "IOCTL QUERYMENU", "IOCTL QUERYMENU", "IOCTL SUBSCRIBE_EVENT"};
  BOOST_REQUIRE(names.size() >= start.size());
  BOOST_TEST(std::vector<std::string>(names.begin(), names.begin() + long(start.size())) == start,
             boost::test_tools::per_element());

  const std::string oh = scratch("media_profiles_openh264");
  const auto o = run_vvsim("run " + kSrc + "/scenarios/decode_h264.yaml --quiet --set protocol=media" +
                               " --set device.decoders.H264=openh264 --out " + oh,
                           "media_profiles_openh264");
  BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
  const std::vector<std::string> openh264 = {"Constrained Baseline"};
  BOOST_TEST(summary(oh)["streams"][0]["device_profiles"].get<std::vector<std::string>>() == openh264,
             boost::test_tools::per_element());
  BOOST_TEST(!run("decode_h264", "v6", 0)["streams"][0].contains("device_profiles"));
}

// bad_input under media: its raw commands are v6 bytes, which virtio-media reads as a header too short (4 of 8
// bytes: EINVAL), command 0x203, which it has not (ENOTTY), and a header of 1 byte (EINVAL); the damaged unit
// costs the same frames as under v6.
BOOST_AUTO_TEST_CASE(bad_input_under_media_gets_media_answers_and_the_same_frames) {
  check_same_frames_as_v6("bad_input");
  const auto s = run("bad_input", "media", 0);
  const std::string einval = "EINVAL (" + std::to_string(EINVAL) + ")", enotty = "ENOTTY (" + std::to_string(ENOTTY) + ")";
  const std::vector<std::string> want = {einval, enotty, einval};  // errno values from <errno.h>
  BOOST_TEST(s["streams"][0]["raw_command_answers"].get<std::vector<std::string>>() == want, boost::test_tools::per_element());
  BOOST_TEST(s["conformance"]["violations"] == 0);
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

// drain_each_frame: a DECODER_CMD(STOP) after every access unit once CAPTURE streams, its
// LAST buffer, then DECODER_CMD(START). The same pictures as v6 and as batching; the
// median latency falls from the reorder delay to about a decode.
BOOST_AUTO_TEST_CASE(drain_after_every_frame_under_media) {
  check_same_frames_as_v6("output_batching_drain_each_frame");
  const auto drained = run("output_batching_drain_each_frame", "media", 0);
  const auto batched = run("output_batching", "media", 0);
  const auto d = drained["streams"][0], b = batched["streams"][0];
  BOOST_TEST(d["frames_xxh3"] == b["frames_xxh3"]);
  const int drains = d["frame_drains"];
  BOOST_TEST(drains > 0);
  BOOST_TEST(drains < d["frames_out"].get<int>());  // none after the last access unit
  // Each per-frame drain is a STOP and a START; the end of stream one more STOP.
  BOOST_TEST(drained["commands_by_type"]["IOCTL DECODER_CMD"] == 2 * drains + 1);
  BOOST_TEST(batched["commands_by_type"]["IOCTL DECODER_CMD"] == 1);
  BOOST_TEST(drained["events"]["received"].get<int>() > batched["events"]["received"].get<int>());
  BOOST_TEST(b["latency_ns"]["p50"].get<double>() > 10 * d["latency_ns"]["p50"].get<double>());
  BOOST_TEST(drained["conformance"]["violations"] == 0);
}

// drain_without_outputs: the client stops queueing CAPTURE buffers once its end-of-stream
// STOP is sent (dev-decoder Drain: it must keep handling both queues), so the LAST buffer
// never comes: a deadlock, reported with what the client waits for.
BOOST_AUTO_TEST_CASE(drain_without_capture_buffers_stalls_and_is_reported) {
  const auto s = run("drain_without_outputs", "media", 3);
  BOOST_TEST(s["outcome"] == "deadlock");
  const std::string reason = s["reason"];
  BOOST_TEST(reason.find("stream 'stingy' waits for the LAST buffer of its drain with") != std::string::npos, reason);
  BOOST_TEST(reason.find(" OUTPUT and 0 of ") != std::string::npos, reason);  // none given back
  const auto st = s["streams"][0];
  BOOST_TEST(!st["drained"].get<bool>());
  BOOST_TEST(st["frames_out"].get<int>() < 12);
}

// corrupt_units under media: the damaged unit's OUTPUT buffer comes back flagged and the
// stream goes on to the next key frame, with the same frames as v6.
BOOST_AUTO_TEST_CASE(corrupt_unit_gives_the_same_frames_as_v6) {
  const std::string file = scratch("media_corrupt.yaml");
  std::ofstream(file) << "profile: " << kSrc << "/profiles/default.yaml\n"
                      << "streams:\n  - name: damaged\n    codec: vp8\n"
                      << "    input: {generate: {width: 176, height: 144, frames: 30, key_frame_interval: 10}}\n"
                      << "    corrupt_units: [12]\n";
  std::string xxh3[2];
  int frames[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    const std::string protocol = i ? "media" : "v6", dir = scratch("media_corrupt_" + protocol);
    const auto r = run_vvsim("run " + file + " --quiet --set protocol=" + protocol + " --out " + dir, "corrupt_" + protocol);
    BOOST_REQUIRE_MESSAGE(r.status == 0, protocol << ": " << r.err);
    const auto st = summary(dir)["streams"][0];
    xxh3[i] = st["frames_xxh3"], frames[i] = st["frames_out"];
  }
  BOOST_TEST(xxh3[0] == xxh3[1]);
  BOOST_TEST(frames[0] == frames[1]);
  BOOST_TEST(frames[1] < 30);  // the pictures after the damage up to the key frame of unit 20 are lost
}

// Every shipped scenario under protocol=media: completes, or ends as its comment
// ("Under protocol: media ...") says; no conformance finding it does not expect.
BOOST_AUTO_TEST_CASE(every_shipped_scenario_runs_under_media_as_its_comment_says) {
  const std::map<std::string, int> not_zero = {{"drain_without_outputs", 3}};  // a deadlock, on purpose
  size_t ran = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSrc + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string name = entry.path().stem().string(), dir = scratch("media_all_" + name);
    const auto r = run_vvsim("run " + entry.path().string() + " --quiet --set protocol=media --out " + dir, "all_" + name);
    const int want = not_zero.count(name) ? not_zero.at(name) : 0;
    if (want != 0)
      BOOST_TEST(slurp(entry.path().string()).find("# Under protocol: media") != std::string::npos,
                 name << ": no comment on its outcome under media");
    BOOST_TEST(r.status == want, name << ": exit " << r.status << " " << r.err);
    ++ran;
    if (r.status == 1) continue;  // refused before the run: no summary
    const auto s = summary(dir);
    BOOST_TEST(s["conformance"]["unexpected"] == 0, name << ": " << s["conformance"].dump());
  }
  BOOST_TEST(ran == 21u);
}

// feed_fps paces access units, not NAL units (as under v6): output_batching's 20
// H.264 frames at 30 fps put the last access unit in at 19/30 s; the run ends within
// a few decodes and the drain after it. Pacing NAL units (SPS, PPS and SEI each a
// period) ended it 5 periods later.
BOOST_AUTO_TEST_CASE(paced_h264_queues_one_access_unit_per_period) {
  const auto s = run("output_batching", "media", 0);
  const double last_queued_ns = 19.0 / 30 * 1e9, end_ns = s["simulated_time_ns"];
  BOOST_TEST(end_ns >= last_queued_ns);
  BOOST_TEST(end_ns <= last_queued_ns + 5e6, "ended at " << end_ns << " ns");
}
