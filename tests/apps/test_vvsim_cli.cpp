// The vvsim command end to end: scenarios in, summary.json and frames out,
// exit statuses and one-line errors; decoded frames through the whole
// simulated path against the reference decoders.
#define BOOST_TEST_MODULE vvsim_cli
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <sys/wait.h>

#include "codec/checksum.h"
#include "models/protocols/v6/conformance_monitor.h"
#include "tests/support/vvsim_command.h"

namespace {

using vvsim::test::kBin;
using vvsim::test::kSrc;
using vvsim::test::reference_md5;
using vvsim::test::read_csv;
using vvsim::test::run_vvsim;
using vvsim::test::scratch;
using vvsim::test::slurp;

nlohmann::json summary(const std::string& dir) { return nlohmann::json::parse(slurp(dir + "/summary.json")); }

void check_dump_matches_reference(const std::string& fixture) {
  const std::string dir = scratch("input_" + fixture), frames = dir + "/frames.yuv";
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir + " --input " + kSrc +
                           "/tests/codec/fixtures/" + fixture + " --dump-frames " + frames,
                       "input_" + fixture);
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const std::string bytes = slurp(frames);
  BOOST_CHECK_EQUAL(vvsim::codec::md5_hex(std::vector<uint8_t>(bytes.begin(), bytes.end())), reference_md5(fixture));
  // The summary's checksum is XXH3-64 of exactly these bytes.
  vvsim::codec::FrameChecksum xxh3;
  xxh3.update(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  BOOST_CHECK_EQUAL(summary(dir)["streams"][0]["frames_xxh3"].get<std::string>(), xxh3.hex());
}

}  // namespace

BOOST_AUTO_TEST_CASE(default_scenario_shows_two_resolution_changes) {
  const std::string dir = scratch("default");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --out " + dir, "default");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto s = summary(dir);
  BOOST_CHECK_EQUAL(s["outcome"], "completed");
  const auto& stream = s["streams"][0];
  BOOST_CHECK_EQUAL(stream["frames_out"], 60);
  BOOST_CHECK_EQUAL(stream["units_in"], 60);
  // 176x144 differs from the device's initial 320x240, then the change at frame 30.
  BOOST_CHECK_EQUAL(stream["drc_events"], 2);
  BOOST_CHECK_EQUAL(s["events"]["drc"], 2);
  BOOST_CHECK(stream["drained"].get<bool>());
  BOOST_CHECK(stream["destroyed"].get<bool>());
  BOOST_CHECK(stream["problems"].empty());
  BOOST_CHECK_GT(stream["latency_ns"]["p50"].get<double>(), 0.0);
  BOOST_CHECK_LE(stream["latency_ns"]["p50"].get<double>(), stream["latency_ns"]["p99"].get<double>());
  BOOST_CHECK_NE(r.out.find("summary.json"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(same_scenario_twice_gives_identical_summary) {
  const auto a = run_vvsim("run " + kSrc + "/scenarios/four_streams_two_cores.yaml --quiet --out " + scratch("twice_a"), "twice_a");
  const auto b = run_vvsim("run " + kSrc + "/scenarios/four_streams_two_cores.yaml --quiet --out " + scratch("twice_b"), "twice_b");
  BOOST_REQUIRE_MESSAGE(a.status == 0 && b.status == 0, a.err + b.err);
  BOOST_CHECK(slurp(scratch("twice_a") + "/summary.json") == slurp(scratch("twice_b") + "/summary.json"));
  const auto s = summary(scratch("twice_a"));
  for (const auto& stream : s["streams"]) {
    BOOST_CHECK_EQUAL(stream["frames_out"], 30);
    BOOST_CHECK(stream["drained"].get<bool>());
  }
}

BOOST_AUTO_TEST_CASE(vp8_input_through_full_path_matches_vpxdec) { check_dump_matches_reference("vp8_176x144.ivf"); }
BOOST_AUTO_TEST_CASE(vp9_resolution_change_through_full_path_matches_vpxdec) { check_dump_matches_reference("vp9_drc.ivf"); }
BOOST_AUTO_TEST_CASE(h264_b_frames_through_full_path_match_ffmpeg) {
  check_dump_matches_reference("h264_x264_high_bframes.h264");
}
BOOST_AUTO_TEST_CASE(h264_resolution_change_through_full_path_matches_ffmpeg) {
  check_dump_matches_reference("h264_drc.h264");
}

BOOST_AUTO_TEST_CASE(commandq_exhaustion_is_detected_as_deadlock) {
  const std::string dir = scratch("exhaust");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/commandq_exhaustion.yaml --quiet --out " + dir, "exhaust");
  BOOST_CHECK_EQUAL(r.status, 3);
  BOOST_CHECK_NE(r.err.find("16/16 descriptors in use"), std::string::npos);
  BOOST_CHECK_NE(r.err.find("waiting for a free commandq descriptor"), std::string::npos);
  const auto s = summary(dir);
  BOOST_CHECK_EQUAL(s["outcome"], "deadlock");
  BOOST_CHECK_EQUAL(s["commandq"]["free_at_end"], 0);
  BOOST_CHECK(s["commandq"]["driver_waiting_for_descriptor"].get<bool>());
  // Each stream holds its pre-queued outputs: 2 streams x 4 commands = 16 descriptors.
  for (const auto& stream : s["streams"]) {
    BOOST_CHECK_EQUAL(stream["frames_out"], 0);
    BOOST_CHECK_EQUAL(stream["queue_commands_unanswered"], 4);
  }
  // With a larger commandq the same scenario completes.
  const auto ok = run_vvsim("run " + kSrc + "/scenarios/commandq_exhaustion.yaml --quiet --set device.commandq_size=64 --out " +
                            scratch("exhaust64"),
                        "exhaust64");
  BOOST_CHECK_EQUAL(ok.status, 0);
  BOOST_CHECK_EQUAL(summary(scratch("exhaust64"))["outcome"], "completed");
}

BOOST_AUTO_TEST_CASE(broken_scenario_gives_one_line_naming_file_line_and_key) {
  const std::string path = scratch("broken.yaml");
  std::ofstream(path) << "description: broken\nstreams:\n  - codec: vp8\n    input: {generate: {frames: 5}}\n"
                         "    output_resourcez: 4\n";
  const auto r = run_vvsim("run " + path + " --out " + scratch("broken"), "broken");
  BOOST_CHECK_EQUAL(r.status, 1);
  BOOST_CHECK_EQUAL(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  BOOST_CHECK_NE(r.err.find("broken.yaml:5:"), std::string::npos);
  BOOST_CHECK_NE(r.err.find("streams.0.output_resourcez"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_flags_give_one_line_and_nonzero_exit) {
  for (const std::string& args : {"run " + kSrc + "/scenarios/default.yaml --bogus", std::string("run"),
                                 std::string("run /no/such/file.yaml"), std::string("fly"),
                                 "run " + kSrc + "/scenarios/default.yaml --set nonsense",
                                 "run " + kSrc + "/scenarios/default.yaml --set streams.7.output_resources=2",
                                 "run " + kSrc + "/scenarios/default.yaml --input /no/such.ivf"}) {
    const auto r = run_vvsim(args, "badflag");
    BOOST_CHECK_MESSAGE(r.status == 1, args << " -> " << r.status);
    BOOST_CHECK_MESSAGE(std::count(r.err.begin(), r.err.end(), '\n') == 1, args << " -> " << r.err);
    BOOST_CHECK_EQUAL(r.err.rfind("vvsim: ", 0), 0u);
  }
  const auto help = run_vvsim("run --help", "help");
  BOOST_CHECK_EQUAL(help.status, 0);
  BOOST_CHECK_NE(help.out.find("--dump-frames"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(input_that_is_not_a_bitstream_is_refused) {
  const std::string path = scratch("garbage.bin");
  std::ofstream(path) << "this is not video";
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --input " + path + " --out " + scratch("garbage"), "garbage");
  BOOST_CHECK_EQUAL(r.status, 1);
  BOOST_CHECK_NE(r.err.find("start code"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_shipped_scenario_runs_as_documented) {
  for (const std::string& name : std::vector<std::string>{"default", "decode_vp9", "decode_h264", "four_streams_two_cores"}) {
    const std::string dir = scratch("shipped_" + name);
    const auto r = run_vvsim("run " + kSrc + "/scenarios/" + name + ".yaml --quiet --out " + dir, "shipped_" + name);
    BOOST_CHECK_MESSAGE(r.status == 0, name << ": " << r.err);
    const auto s = summary(dir);
    for (const auto& stream : s["streams"]) {
      // Every unit consumed and one frame per picture-carrying unit: VP8/VP9 one per unit,
      // H.264 one per access unit (the frames the generator encoded).
      BOOST_CHECK_EQUAL(stream["inputs_consumed"], stream["units_in"]);
      BOOST_CHECK_GT(stream["frames_out"].get<int>(), 0);
      BOOST_CHECK(stream["drained"].get<bool>());
      BOOST_CHECK_MESSAGE(stream["problems"].empty(), name << ": " << stream["problems"].dump());
    }
  }
  const auto decode_vp9 = summary(scratch("shipped_decode_vp9"));
  BOOST_CHECK_EQUAL(decode_vp9["streams"][0]["frames_out"], 60);
  const auto h264 = summary(scratch("shipped_decode_h264"));
  BOOST_CHECK_EQUAL(h264["streams"][0]["frames_out"], 60);
}

BOOST_AUTO_TEST_CASE(encode_scenario_honours_bitrate_change_and_forced_key_frame) {
  const std::string dir = scratch("encode");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/encode_bitrate_keyframe.yaml --quiet --out " + dir, "encode");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto stream = summary(dir)["streams"][0];
  BOOST_CHECK_EQUAL(stream["units_out"], 60);
  BOOST_CHECK(stream["key_frame_timestamps"] == nlohmann::json::array({0, 45}));
  BOOST_CHECK(stream["drained"].get<bool>());
  const auto sizes = stream["unit_bytes"].get<std::vector<double>>();
  double before = 0, after = 0;  // inter frames at 200 kbit/s, then at 1 Mbit/s
  for (int i = 5; i < 30; ++i) before += sizes[i] / 25;
  for (int i = 35; i < 45; ++i) after += sizes[i] / 10;
  BOOST_CHECK_GT(after, 2.0 * before);
}

BOOST_AUTO_TEST_CASE(output_starvation_stall_has_the_expected_length) {
  const std::string dir = scratch("out_starve");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/output_starvation.yaml --quiet --out " + dir, "out_starve");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto s = summary(dir);
  // 30 frames through 2 buffers each held 20 ms: frames leave in pairs 20 ms
  // apart, so the last pair leaves (30 / 2 - 1) * 20 ms = 280 ms after the
  // first, plus the decode of a frame (well under a millisecond here).
  const double t = s["simulated_time_ns"].get<double>();
  BOOST_CHECK_GE(t, 280e6);
  BOOST_CHECK_LE(t, 290e6);
  BOOST_CHECK_EQUAL(s["streams"][0]["frames_out"], 30);
  // The device waits for an output buffer nearly all that time.
  BOOST_CHECK_GE(s["stalls"]["no_output_buffer"]["total_ns"].get<double>(), 0.9 * 280e6);
  BOOST_CHECK_GT(s["stalls"]["no_output_buffer"]["count"].get<int>(), 0);
}

BOOST_AUTO_TEST_CASE(input_starvation_follows_the_feed_rate) {
  const std::string dir = scratch("in_starve");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/input_starvation.yaml --quiet --out " + dir, "in_starve");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto s = summary(dir);
  // Unit k is queued at k / 10 s: the last at 2.9 s, decoded within milliseconds.
  const double t = s["simulated_time_ns"].get<double>();
  BOOST_CHECK_GE(t, 2.9e9);
  BOOST_CHECK_LE(t, 2.91e9);
  BOOST_CHECK_EQUAL(s["streams"][0]["frames_out"], 30);
  for (const auto& core : s["cores"]) BOOST_CHECK_LT(core["utilisation"].get<double>(), 0.01);
  BOOST_CHECK_EQUAL(s["stalls"]["no_output_buffer"]["count"], 0);
}

BOOST_AUTO_TEST_CASE(seek_with_stop_cancels_inputs_and_resumes_at_a_key_frame) {
  const std::string dir = scratch("seek");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/seek_stop.yaml --quiet --out " + dir, "seek");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto st = summary(dir)["streams"][0];
  BOOST_CHECK(st["stopped"].get<bool>());
  BOOST_CHECK_GT(st["inputs_canceled"].get<int>(), 0);  // pending inputs answered CANCELED by STOP
  // Resumed at unit 43; key frames every 10: the device skips to frame 50.
  BOOST_CHECK_EQUAL(st["first_timestamp_after_stop"], 50);
  // Frames out: every input consumed before the STOP, then 50..59.
  const int before_stop = 20 - st["inputs_canceled"].get<int>();
  BOOST_CHECK_EQUAL(st["frames_out"].get<int>(), before_stop + 10);
  BOOST_CHECK_EQUAL(st["inputs_consumed"].get<int>(), before_stop + (60 - 43));
  BOOST_CHECK(st["drained"].get<bool>());
  BOOST_CHECK(st["problems"].empty());
}

BOOST_AUTO_TEST_CASE(destroy_mid_stream_cancels_pending_work) {
  const std::string dir = scratch("destroy");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/destroy_mid_stream.yaml --quiet --out " + dir, "destroy");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto st = summary(dir)["streams"][0];
  BOOST_CHECK(st["destroyed_mid_stream"].get<bool>());
  BOOST_CHECK(st["destroyed"].get<bool>());
  BOOST_CHECK(!st["drained"].get<bool>());
  BOOST_CHECK_EQUAL(st["units_fed"], 15);
  // Every queued input is either consumed or canceled, and nothing stays unanswered.
  BOOST_CHECK_EQUAL(st["inputs_consumed"].get<int>() + st["inputs_canceled"].get<int>(), 15);
  BOOST_CHECK_EQUAL(st["queue_commands_unanswered"], 0);
  BOOST_CHECK_GT(st["outputs_canceled"].get<int>(), 0);
  BOOST_CHECK(st["problems"].empty());
}

BOOST_AUTO_TEST_CASE(resolution_change_racing_the_drain) {
  const std::string dir = scratch("drc_drain");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/drc_racing_drain.yaml --quiet --out " + dir + " --csv " + dir +
                               "/frames.csv",
                           "drc_drain");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto st = summary(dir)["streams"][0];
  BOOST_CHECK_EQUAL(st["frames_out"], 30);
  BOOST_CHECK_EQUAL(st["drc_events"], 2);  // the initial size, then 176x144 -> 320x240 at frame 28
  BOOST_CHECK(st["drained"].get<bool>());
  // The drain was pending while the last frames came out, and its answer was
  // reaped no earlier than the last frame's (the application takes the frame
  // after its "wake" stage, once done with the frame before).
  BOOST_CHECK_LT(st["drain_sent_ns"].get<double>(), st["last_frame_ns"].get<double>());
  const auto rows = read_csv(slurp(dir + "/frames.csv"));
  BOOST_REQUIRE(!rows.empty());
  const double last_reaped = std::stod(rows.back().at("answered_ns")) - std::stod(rows.back().at("wake_ns"));
  BOOST_CHECK_GE(st["drain_answered_ns"].get<double>(), last_reaped);
  BOOST_CHECK(st["problems"].empty());
}

BOOST_AUTO_TEST_CASE(eventq_starvation_holds_the_event_until_a_buffer_arrives) {
  const std::string dir = scratch("evq");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/eventq_starvation.yaml --quiet --out " + dir, "evq");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto s = summary(dir);
  BOOST_CHECK_EQUAL(s["events"]["held_without_eventq_buffer"], 1);
  BOOST_CHECK_EQUAL(s["events"]["drc"], 1);
  // Buffers arrive at 5 ms; the DRC was raised after stream set-up and the first
  // decode (well under 1 ms), so it waited between 4 and 5 ms.
  const double wait = s["events"]["max_wait_ns"].get<double>();
  BOOST_CHECK_GT(wait, 4e6);
  BOOST_CHECK_LT(wait, 5e6);
  BOOST_CHECK_EQUAL(s["streams"][0]["frames_out"], 20);
  BOOST_CHECK_GT(s["streams"][0]["latency_ns"]["max"].get<double>(), 4e6);  // the first frame waited with it
}

BOOST_AUTO_TEST_CASE(commandq_sweep_finds_the_smallest_safe_size) {
  // 2 streams x 6 pre-queued outputs hold 2 x 6 x 2 = 24 descriptors; with one
  // more command (2 descriptors) for input, 26 are needed: 16 deadlocks, 32 is
  // the smallest power of two that completes.
  const std::string out = scratch("sweep.out");
  const int raw = std::system((kSrc + "/scenarios/sweeps/commandq_size.sh 2 6 " + kBin + " > " + out).c_str());
  BOOST_REQUIRE_EQUAL(WEXITSTATUS(raw), 0);
  const std::string text = slurp(out);
  BOOST_CHECK_NE(text.find("commandq_size 16: deadlock"), std::string::npos);
  BOOST_CHECK_NE(text.find("smallest safe commandq size for 2 streams x 6 output buffers: 32"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(unrecoverable_device_error_closes_the_stream) {
  const std::string dir = scratch("device_error");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/device_error.yaml --quiet --out " + dir, "device_error");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto s = summary(dir);
  const auto st = s["streams"][0];
  BOOST_CHECK_EQUAL(st["error_events"], 1);
  BOOST_CHECK_EQUAL(s["events"]["error"], 1);
  BOOST_CHECK_EQUAL(st["inputs_consumed"], 10);  // the injected failure comes with the 10th
  BOOST_CHECK_LE(st["frames_out"].get<int>(), 10);
  // Every pending command was answered (CANCELED) and the dead stream refuses DESTROY.
  BOOST_CHECK_EQUAL(st["queue_commands_unanswered"], 0);
  BOOST_CHECK_GT(st["inputs_canceled"].get<int>() + st["outputs_canceled"].get<int>(), 0);
  BOOST_CHECK_EQUAL(st["destroy_result"], "ERR_INVALID_STREAM_ID");
  BOOST_CHECK(!st["drained"].get<bool>());
  BOOST_CHECK(st["problems"].empty());
}

BOOST_AUTO_TEST_CASE(device_reset_mid_stream_and_full_reinitialisation) {
  const std::string dir = scratch("reset");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/device_reset.yaml --quiet --out " + dir, "reset");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto st = summary(dir)["streams"][0];
  BOOST_CHECK_EQUAL(st["device_resets"], 1);
  BOOST_CHECK_EQUAL(st["stream_id"], 2);  // a new stream on the re-initialised device
  // Feeding resumed at unit 25; key frames every 10: the new decoder starts at frame 30.
  BOOST_CHECK_EQUAL(st["first_timestamp_after_reset"], 30);
  BOOST_CHECK_GE(st["frames_out"].get<int>(), 30);
  BOOST_CHECK(st["drained"].get<bool>());
  BOOST_CHECK(st["problems"].empty());
}

BOOST_AUTO_TEST_CASE(corrupt_unit_and_malformed_commands_get_their_answers) {
  const std::string dir = scratch("bad_input");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/bad_input.yaml --quiet --out " + dir, "bad_input");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto s = summary(dir);
  const auto st = s["streams"][0];
  BOOST_CHECK(st["raw_command_answers"] ==
              nlohmann::json::array({"ERR_INVALID_COMMAND", "ERR_INVALID_STREAM_ID", "ERR_INVALID_COMMAND"}));
  // Unit 12 is damaged: it and the inter frames depending on it (13..19) give no
  // picture, each with a diagnostic; from the key frame at 20 the stream recovers.
  BOOST_CHECK_EQUAL(st["inputs_consumed"], 30);
  BOOST_CHECK_EQUAL(st["frames_out"], 22);
  BOOST_CHECK(st["drained"].get<bool>());
  size_t corrupt = 0, skipped = 0;
  for (const auto& d : s["diagnostics"]) {
    const std::string line = d.get<std::string>();
    corrupt += line.find("input ts 12 corrupt") != std::string::npos;
    skipped += line.find("waiting for a key frame") != std::string::npos;
  }
  BOOST_CHECK_EQUAL(corrupt, 1u);
  BOOST_CHECK_EQUAL(skipped, 7u);
}

// A command longer than the device's max_command_bytes is refused after only
// that much was read: here a STREAM_DESTROY of the running stream padded to
// 300 bytes against a 256-byte limit. Refused, the stream decodes on.
BOOST_AUTO_TEST_CASE(command_longer_than_the_device_reads_is_refused) {
  std::string destroy = "01 02 00 00 01 00 00 00";  // cmd_type STREAM_DESTROY, stream_id 1
  for (int i = 0; i < 292; ++i) destroy += " 00";
  const std::string dir = scratch("long_command");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir +
                               " --set device.max_command_bytes=256 --set 'streams.0.raw_commands=[\"" + destroy + "\"]'",
                           "long_command");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto s = summary(dir);
  BOOST_CHECK(s["streams"][0]["raw_command_answers"] == nlohmann::json::array({"ERR_INVALID_ARGUMENT"}));
  BOOST_CHECK_EQUAL(s["streams"][0]["frames_out"], 60);
  BOOST_CHECK_EQUAL(s["conformance"]["violations"], 0);
  size_t named = 0;
  for (const auto& d : s["diagnostics"])
    named += d.get<std::string>().find("STREAM_DESTROY: command of 300 bytes, longer than the device reads "
                                       "(max_command_bytes 256)") != std::string::npos;
  BOOST_CHECK_EQUAL(named, 1u);
  // Below the largest fixed-size command (SET_PARAM, 176 bytes) the limit is refused with its place.
  const auto low = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir +
                                 " --set device.max_command_bytes=100",
                             "long_command_low");
  BOOST_CHECK_EQUAL(low.status, 1);
  BOOST_CHECK_NE(low.err.find("max_command_bytes"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(output_batching_compared_with_drain_after_every_frame) {
  const auto a = run_vvsim("run " + kSrc + "/scenarios/output_batching.yaml --quiet --out " + scratch("batch"), "batch");
  const auto b = run_vvsim("run " + kSrc + "/scenarios/output_batching_drain_each_frame.yaml --quiet --out " +
                               scratch("batch_drain"),
                           "batch_drain");
  BOOST_REQUIRE_MESSAGE(a.status == 0 && b.status == 0, a.err + b.err);
  const auto batched = summary(scratch("batch"))["streams"][0];
  const auto drained = summary(scratch("batch_drain"))["streams"][0];
  BOOST_CHECK_EQUAL(batched["frames_out"], 20);
  BOOST_CHECK_EQUAL(drained["frames_out"], 20);
  BOOST_CHECK_EQUAL(batched["frames_xxh3"], drained["frames_xxh3"]);  // the same pictures either way
  BOOST_CHECK_EQUAL(drained["frame_drains"], 19);
  BOOST_CHECK_GT(batched["latency_ns"]["p50"].get<double>(), 10 * drained["latency_ns"]["p50"].get<double>());
}

BOOST_AUTO_TEST_CASE(drain_with_outputs_withheld_stalls_and_is_reported) {
  const std::string dir = scratch("drain_stall");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/drain_without_outputs.yaml --quiet --out " + dir, "drain_stall");
  BOOST_CHECK_EQUAL(r.status, 3);
  const auto s = summary(dir);
  BOOST_CHECK_EQUAL(s["outcome"], "deadlock");
  const auto st = s["streams"][0];
  BOOST_CHECK(!st["drained"].get<bool>());
  BOOST_CHECK_LT(st["frames_out"].get<int>(), 12);  // frames the device could not hand back
  BOOST_CHECK_NE(s["reason"].get<std::string>().find("stream 'stingy' holds"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(scattered_buffers_need_non_contig) {
  // Scattered pages give the same frames as contiguous buffers ...
  const auto a = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + scratch("scatter") +
                               " --set streams.0.scatter_buffers=true",
                           "scatter");
  BOOST_REQUIRE_MESSAGE(a.status == 0, a.err);
  const auto b = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + scratch("contig"), "contig");
  BOOST_REQUIRE_MESSAGE(b.status == 0, b.err);
  BOOST_CHECK_EQUAL(summary(scratch("scatter"))["streams"][0]["frames_xxh3"],
                    summary(scratch("contig"))["streams"][0]["frames_xxh3"]);
  // ... and without RESOURCE_NON_CONTIG the device refuses them (INVALID_ARGUMENT): exit 6.
  const auto c = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + scratch("no_noncontig") +
                               " --set streams.0.scatter_buffers=true --set 'driver_policy.features=[guest_pages]'",
                           "no_noncontig");
  BOOST_CHECK_EQUAL(c.status, 6);
  BOOST_CHECK_NE(c.err.find("ATTACH_BACKING: ERR_INVALID_ARGUMENT"), std::string::npos);
  BOOST_CHECK_EQUAL(summary(scratch("no_noncontig"))["outcome"], "stream_problems");
}

BOOST_AUTO_TEST_CASE(trace_has_the_runs_tracks_and_slices) {
  const std::string dir = scratch("trace"), trace = dir + "/trace.json";
  const auto r = run_vvsim("run " + kSrc + "/scenarios/four_streams_two_cores.yaml --quiet --out " + dir + " --trace " + trace,
                           "trace");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto s = summary(dir);
  const auto t = nlohmann::json::parse(slurp(trace));
  std::map<int, std::string> tracks;
  size_t frame_begins = 0, frame_ends = 0, command_begins = 0, flow_starts = 0, flow_ends = 0, writes = 0;
  std::set<std::string> counters;
  std::map<std::string, size_t> commands_by_type;  // the driver's view: the first word of each span's name
  size_t canceled = 0;
  std::map<int, std::vector<std::pair<double, double>>> core_slices;
  for (const auto& e : t["traceEvents"]) {
    const std::string ph = e["ph"];
    if (ph == "M" && e["name"] == "thread_name") tracks[e["tid"]] = e["args"]["name"];
    if (ph == "b" && e["cat"] == "frame") ++frame_begins;
    if (ph == "e" && e["cat"] == "frame") ++frame_ends;
    if (ph == "b" && e["cat"] == "command") {
      ++command_begins;
      const std::string name = e["name"];
      ++commands_by_type[name.substr(0, name.find(' '))];
      const std::string result = e["args"]["result"];
      canceled += result == "ERR_CANCELED";
      BOOST_CHECK(result == "OK" || result == "ERR_CANCELED");  // this scenario refuses nothing
    }
    flow_starts += ph == "s";
    flow_ends += ph == "f";
    if (ph == "C") counters.insert(e["name"].get<std::string>());
    if (ph == "X" && e["cat"] == "dma") ++writes;
    if (ph == "X" && e["cat"] == "codec")
      core_slices[e["tid"]].push_back({e["ts"].get<double>(), e["ts"].get<double>() + e["dur"].get<double>()});
  }
  // Driver submit, interrupt, commandq and eventq, the bus, one per core, one per stream.
  BOOST_CHECK_EQUAL(tracks.size(), 5u + 2u + 4u);
  // The spans' names (decoded from the driver's bytes) count what the device decoded.
  BOOST_CHECK(nlohmann::json(commands_by_type) == s["commands_by_type"]);
  BOOST_CHECK_EQUAL(canceled, s["device"]["canceled"].get<size_t>());  // outputs given back at DESTROY
  // Every command has a flow arrow from its submission to the handler that reaped it.
  BOOST_CHECK_EQUAL(flow_starts, s["device"]["commands"].get<size_t>());
  BOOST_CHECK_EQUAL(flow_ends, flow_starts);
  // Counter tracks: the commandq, the eventq, each stream's INPUT and OUTPUT, bus CPU and DMA utilisation.
  BOOST_CHECK_EQUAL(counters.size(), 2u + 2u * 4u + 2u);
  size_t frames = 0;
  for (const auto& st : s["streams"]) frames += st["frames_out"].get<size_t>();
  BOOST_CHECK_EQUAL(frame_begins, frames);
  BOOST_CHECK_EQUAL(writes, frames);  // each picture crossed the bus once
  BOOST_CHECK_EQUAL(frame_ends, frames);
  BOOST_CHECK_EQUAL(command_begins, s["device"]["commands"].get<size_t>());  // every command answered
  // A core runs one job at a time, inside the run.
  const double end_us = s["simulated_time_ns"].get<double>() / 1000.0;
  BOOST_CHECK_EQUAL(core_slices.size(), 2u);
  for (auto& [tid, slices] : core_slices) {
    std::sort(slices.begin(), slices.end());
    for (size_t i = 0; i < slices.size(); ++i) {
      BOOST_CHECK_GE(slices[i].first, 0.0);
      BOOST_CHECK_LE(slices[i].second, end_us + 1e-6);
      if (i > 0) BOOST_CHECK_GE(slices[i].first, slices[i - 1].second - 1e-6);
    }
  }
  // Deterministic: the same run gives the same bytes.
  const auto again = run_vvsim("run " + kSrc + "/scenarios/four_streams_two_cores.yaml --quiet --out " + dir +
                                   " --trace " + trace + ".2",
                               "trace2");
  BOOST_REQUIRE_EQUAL(again.status, 0);
  BOOST_CHECK(slurp(trace) == slurp(trace + ".2"));
}

BOOST_AUTO_TEST_CASE(trace_shows_each_event_the_driver_received) {
  const std::string dir = scratch("trace_events"), trace = dir + "/trace.json";
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir + " --trace " + trace,
                           "trace_events");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto s = summary(dir);
  std::vector<double> drc_at_us;
  std::vector<double> output_get_param_at_us;  // the driver asks for the new format after each DRC
  const auto t = nlohmann::json::parse(slurp(trace));
  for (const auto& e : t["traceEvents"]) {
    if (e["ph"] == "i" && e["cat"] == "event") {
      BOOST_CHECK_EQUAL(e["name"], "DRC stream 1");
      BOOST_CHECK_EQUAL(e["args"]["queue_type"], 1);  // QUEUE_TYPE_OUTPUT
      drc_at_us.push_back(e["ts"]);
    }
    if (e["ph"] == "b" && e["name"] == "STREAM_GET_PARAM 0x102") output_get_param_at_us.push_back(e["ts"]);
  }
  BOOST_REQUIRE_EQUAL(drc_at_us.size(), s["events"]["drc"].get<size_t>());
  BOOST_REQUIRE_EQUAL(drc_at_us.size(), 2u);
  drc_at_us.push_back(s["simulated_time_ns"].get<double>() / 1000.0);
  for (size_t i = 0; i + 1 < drc_at_us.size(); ++i)  // after each DRC and before the next
    BOOST_CHECK(std::any_of(output_get_param_at_us.begin(), output_get_param_at_us.end(), [&](double asked) {
      return asked >= drc_at_us[i] && asked < drc_at_us[i + 1];
    }));
}

BOOST_AUTO_TEST_CASE(csv_has_a_row_per_frame_matching_the_summary) {
  const std::string dir = scratch("csv"), csv = dir + "/frames.csv";
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir + " --csv " + csv, "csv");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  std::istringstream lines(slurp(csv));
  std::string line;
  std::getline(lines, line);
  BOOST_CHECK_EQUAL(line,
                    "stream,timestamp,width,height,error_flag,queued_ns,answered_ns,latency_ns,consumed_ns,breakdown,"
                    "submit_ns,wait_core_ns,decode_ns,wait_output_ns,write_ns,complete_ns,interrupt_ns,isr_ns,wake_ns");
  std::vector<double> latencies;
  size_t small = 0, large = 0;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    BOOST_REQUIRE_EQUAL(cells.size(), 19u);
    // The stages add up to the latency, to the printed precision.
    double stages = 0;
    for (size_t k = 10; k < 19; ++k) stages += std::stod(cells[k]);
    BOOST_CHECK_EQUAL(cells[9], "1");
    BOOST_CHECK_SMALL(stages - std::stod(cells[7]), 0.01);
    small += cells[2] == "176";
    large += cells[2] == "320";
    // latency = answered - queued, to the printed precision
    BOOST_CHECK_SMALL(std::stod(cells[6]) - std::stod(cells[5]) - std::stod(cells[7]), 0.002);
    latencies.push_back(std::stod(cells[7]));
  }
  BOOST_CHECK_EQUAL(small, 30u);  // 176x144 before the change at frame 30
  BOOST_CHECK_EQUAL(large, 30u);
  const auto s = summary(dir)["streams"][0]["latency_ns"];
  BOOST_CHECK_CLOSE(*std::max_element(latencies.begin(), latencies.end()), s["max"].get<double>(), 1e-6);
  BOOST_CHECK_CLOSE(*std::min_element(latencies.begin(), latencies.end()), s["min"].get<double>(), 1e-6);
}

namespace {

// A summary without what only a full run has (the mode and pixel checksums).
nlohmann::json timing_figures(nlohmann::json s) {
  s.erase("mode");
  for (auto& stream : s["streams"]) stream.erase("frames_xxh3");
  return s;
}

}  // namespace

// Every shipped scenario: a timing-only run gives the same summary as a full
// run (every time, counter, latency and diagnostic), or refuses up front with
// its reason when the scan cannot know what the real codec would do.
BOOST_AUTO_TEST_CASE(timing_only_summaries_equal_full_runs_for_every_shipped_scenario) {
  const std::map<std::string, std::string> refused = {
      {"bad_input", "damaged unit"}, {"encode_bitrate_keyframe", "encoder stream"}};
  size_t compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSrc + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string name = entry.path().stem().string(), file = entry.path().string();
    const auto full = run_vvsim("run " + file + " --quiet --out " + scratch("tfull_" + name), "tfull_" + name);
    const auto timing =
        run_vvsim("run " + file + " --quiet --timing-only --out " + scratch("tonly_" + name), "tonly_" + name);
    if (refused.count(name)) {
      BOOST_CHECK_EQUAL(timing.status, 1);
      BOOST_CHECK_MESSAGE(timing.err.find(refused.at(name)) != std::string::npos, name << ": " << timing.err);
      continue;
    }
    BOOST_CHECK_EQUAL(full.status, timing.status);
    const auto a = summary(scratch("tfull_" + name)), b = summary(scratch("tonly_" + name));
    BOOST_CHECK_EQUAL(b["mode"], "timing_only");
    BOOST_CHECK(b["streams"][0]["frames_xxh3"].is_null());
    BOOST_CHECK_MESSAGE(timing_figures(a) == timing_figures(b), name << ": timing-only summary differs");
    ++compared;
  }
  BOOST_CHECK_EQUAL(compared, 19u);
}

BOOST_AUTO_TEST_CASE(timing_only_refuses_frame_dumps) {
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --timing-only --dump-frames " + scratch("x.yuv") +
                               " --out " + scratch("tonly_dump"),
                           "tonly_dump");
  BOOST_CHECK_EQUAL(r.status, 1);
  BOOST_CHECK_NE(r.err.find("--timing-only"), std::string::npos);
}

namespace {

// A minimal VCD reader for the test: per signal name, its (time, value)
// changes. It also checks that times count up and that no signal changes
// twice at one time (the writer keeps the last change made at a time).
std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>> read_vcd(const std::string& text) {
  std::map<std::string, std::string> names;  // identifier -> name
  std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>> out;
  std::istringstream in(text);
  std::string line;
  uint64_t now = 0;
  bool initial = false;  // in $dumpvars: the values at time 0 that a change at #0 may replace
  std::set<std::string> at_initial_value;
  const auto changed_once = [&](const std::string& name) {
    const auto& changes = out[name];
    if (initial) at_initial_value.insert(name);
    if (initial || at_initial_value.erase(name)) return;
    BOOST_CHECK_MESSAGE(changes.empty() || changes.back().first < now, name << " changes twice at " << now);
  };
  while (std::getline(in, line)) {
    std::istringstream w(line);
    std::string first;
    w >> first;
    if (first == "$dumpvars" || first == "$end") initial = first == "$dumpvars";
    if (first == "$var") {
      std::string kind, width, id, name;
      w >> kind >> width >> id >> name;
      names[id] = name;
    } else if (!first.empty() && first[0] == '#') {
      const uint64_t at = std::stoull(first.substr(1));
      BOOST_CHECK_MESSAGE(at > now || (at == 0 && now == 0), "time " << at << " after " << now);
      now = at;
    } else if (!first.empty() && first[0] == 'b') {
      std::string id;
      w >> id;
      changed_once(names.at(id));
      out[names.at(id)].push_back({now, std::stoull(first.substr(1), nullptr, 2)});
    } else if (!first.empty() && (first[0] == '0' || first[0] == '1') && names.count(first.substr(1))) {
      changed_once(names.at(first.substr(1)));
      out[names.at(first.substr(1))].push_back({now, uint64_t(first[0] - '0')});
    }
  }
  return out;
}

}  // namespace

// The waveform agrees with the summary: each core's high time is the busy
// time the engine accounted, the interrupt rises once per handler run, and no
// depth passes its queue's size.
BOOST_AUTO_TEST_CASE(vcd_signals_agree_with_the_summary) {
  const std::string dir = scratch("vcd"), vcd = dir + "/run.vcd";
  const auto r = run_vvsim("run " + kSrc + "/scenarios/four_streams_two_cores.yaml --quiet --out " + dir + " --vcd " +
                               vcd + " --trace " + dir + "/trace.json",
                           "vcd");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto s = summary(dir);
  const auto signals = read_vcd(slurp(vcd));
  for (size_t c = 0; c < 2; ++c) {
    const auto& changes = signals.at("core" + std::to_string(c) + "_busy");
    uint64_t high_ps = 0, since = 0, level = 0;
    for (const auto& [t, v] : changes) {
      if (level && !v) high_ps += t - since;
      if (!level && v) since = t;
      level = v;
    }
    BOOST_CHECK_CLOSE(double(high_ps) / 1000.0, s["cores"][c]["busy_ns"].get<double>(), 1e-6);
  }
  size_t rises = 0, level = 0;
  for (const auto& [t, v] : signals.at("irq")) {
    rises += !level && v;
    level = v;
  }
  // The trace's interrupt-handler slices, counted independently. A run that
  // starts the instant the one before ends (the line rose again while the
  // handler was busy) continues the waveform's high level: no rise of its own.
  std::map<double, double> handler_runs;  // start -> end, microseconds
  const auto trace = nlohmann::json::parse(slurp(dir + "/trace.json"));
  for (const auto& e : trace["traceEvents"])
    if (e["ph"] == "X" && e["cat"] == "interrupt") {
      const double ts = e["ts"].get<double>();
      handler_runs[ts] = std::max(handler_runs[ts], ts + e["dur"].get<double>());
    }
  size_t separate_runs = 0;
  double previous_end = -1;
  for (const auto& [start, end] : handler_runs) {
    separate_runs += start > previous_end + 1e-6;
    previous_end = end;
  }
  BOOST_CHECK_EQUAL(rises, separate_runs);
  BOOST_CHECK_LE(rises, s["interrupts"].get<size_t>());
  const uint64_t commandq = s["commandq"]["size"];
  for (const auto& [t, v] : signals.at("commandq_descriptors_in_use")) BOOST_CHECK_LE(v, commandq);
  const uint64_t eventq = s["eventq"]["size"];
  BOOST_CHECK_GT(eventq, 0u);
  for (const auto& [t, v] : signals.at("eventq_buffers_held_by_device")) BOOST_CHECK_LE(v, eventq);
  for (const auto& st : s["streams"]) {
    for (const auto& [t, v] : signals.at(st["name"].get<std::string>() + "_OUTPUT_held_by_device"))
      BOOST_CHECK_LE(v, st["resources"]["output"].get<uint64_t>());
  }
  const auto again = run_vvsim("run " + kSrc + "/scenarios/four_streams_two_cores.yaml --quiet --out " + dir +
                                   " --vcd " + vcd + ".2",
                               "vcd2");
  BOOST_REQUIRE_EQUAL(again.status, 0);
  BOOST_CHECK(slurp(vcd) == slurp(vcd + ".2"));
}

// Runs where a signal changes more than once at one instant (the interrupt
// lowered by a handler's end and raised by the next delivery at the same
// picosecond; a device error): each instant is written once, with each
// signal's last value (read_vcd checks both).
BOOST_AUTO_TEST_CASE(vcd_writes_each_instant_once) {
  for (const std::string protocol : {"v6", "media"}) {
    const std::string dir = scratch("vcd_" + protocol), vcd = dir + "/run.vcd";
    const auto r = run_vvsim("run " + kSrc + "/scenarios/device_error.yaml --quiet --set protocol=" + protocol +
                                 " --out " + dir + " --vcd " + vcd,
                             "vcd_" + protocol);
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    const auto signals = read_vcd(slurp(vcd));
    BOOST_TEST(signals.at("irq").size() > 4);
  }
}

namespace {

// Pixels of a PNG as RGB, decoded by ffmpeg (an independent PNG reader).
std::string png_rgb(const std::string& png, const std::string& tag) {
  const std::string raw = scratch(tag + ".rgb");
  const int rc = std::system(("ffmpeg -loglevel error -y -i " + png + " -f rawvideo -pix_fmt rgb24 " + raw).c_str());
  BOOST_REQUIRE_EQUAL(rc, 0);
  return slurp(raw);
}

}  // namespace

// The HTML report is one self-contained page (no scripts, nothing fetched),
// the same bytes on a second run, and headless Chromium renders its plots:
// the screenshot holds the plots' blue (#0072B2) bars and lines.
// The driver withholds its event buffers for 5 ms: the eventq occupancy stays
// at zero until then, and then holds the driver's stock (the whole eventq).
BOOST_AUTO_TEST_CASE(eventq_occupancy_shows_the_withheld_buffers) {
  const std::string dir = scratch("evq_vcd"), vcd = dir + "/run.vcd";
  const auto r = run_vvsim("run " + kSrc + "/scenarios/eventq_starvation.yaml --quiet --out " + dir + " --vcd " + vcd,
                           "evq_vcd");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto changes = read_vcd(slurp(vcd)).at("eventq_buffers_held_by_device");
  const auto first_stock = std::find_if(changes.begin(), changes.end(), [](const auto& c) { return c.second > 0; });
  BOOST_REQUIRE(first_stock != changes.end());
  constexpr uint64_t kWithheldPs = 5'000'000'000;  // withhold_eventq_us: 5000
  BOOST_CHECK_GE(first_stock->first, kWithheldPs);
  BOOST_CHECK_LT(first_stock->first, kWithheldPs + 100'000'000);  // counted from the driver's set-up, well under 0.1 ms
  BOOST_CHECK_EQUAL(first_stock->second, summary(dir)["eventq"]["size"].get<uint64_t>());
}

BOOST_AUTO_TEST_CASE(html_report_is_self_contained_and_renders_in_chromium) {
  const std::string dir = scratch("report"), report = dir + "/report.html";
  const auto r = run_vvsim("run " + kSrc + "/scenarios/four_streams_two_cores.yaml --quiet --out " + dir +
                               " --report " + report,
                           "report");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const std::string html = slurp(report);
  BOOST_CHECK_EQUAL(html.rfind("<!DOCTYPE html>", 0), 0u);
  BOOST_CHECK_EQUAL(html.find("<script"), std::string::npos);
  BOOST_CHECK_EQUAL(html.find("https://"), std::string::npos);
  size_t http = 0, svgs = 0;
  for (size_t at = html.find("http://"); at != std::string::npos; at = html.find("http://", at + 1)) {
    BOOST_CHECK_EQUAL(html.compare(at, 26, "http://www.w3.org/2000/svg"), 0);  // the SVG namespace, not a fetch
    ++http;
  }
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++svgs;
  // 4 histograms + latency over time + stage breakdown + 10 occupancy plots + utilisation (bars, bus over time).
  BOOST_CHECK_EQUAL(svgs, 4u + 1u + 1u + 10u + 2u);
  BOOST_CHECK_EQUAL(http, svgs);
  for (const char* stream : {"vp8", "vp9", "h264", "vp8_drc"}) BOOST_CHECK_NE(html.find(stream), std::string::npos);
  const auto again = run_vvsim("run " + kSrc + "/scenarios/four_streams_two_cores.yaml --quiet --out " + dir +
                                   " --report " + report + ".2",
                               "report2");
  BOOST_REQUIRE_EQUAL(again.status, 0);
  BOOST_CHECK(html == slurp(report + ".2"));

  const std::string shot = dir + "/screenshot.png";
  const int rc = std::system(("chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,2400 "
                              "--screenshot=" + shot + " file://" + report + " >" + scratch("chromium.log") + " 2>&1")
                                 .c_str());
  BOOST_REQUIRE_MESSAGE(rc == 0, "chromium failed: " + slurp(scratch("chromium.log")));
  const std::string rgb = png_rgb(shot, "screenshot");
  BOOST_REQUIRE_EQUAL(rgb.size(), 1200u * 2400u * 3u);
  size_t blue = 0, white = 0;
  for (size_t i = 0; i + 2 < rgb.size(); i += 3) {
    const int cr = uint8_t(rgb[i]), cg = uint8_t(rgb[i + 1]), cb = uint8_t(rgb[i + 2]);
    blue += std::abs(cr - 0x00) < 24 && std::abs(cg - 0x72) < 24 && std::abs(cb - 0xB2) < 24;
    white += cr > 245 && cg > 245 && cb > 245;
  }
  BOOST_TEST_MESSAGE("screenshot: " << blue << " plot-blue pixels, " << white << " white");
  BOOST_CHECK_GT(blue, 5000u);            // histogram bars and lines were drawn
  BOOST_CHECK_LT(white, 1200u * 2400u);   // not a blank page
}


// The shipped sweep, 4 x 3 x 2 = 24 points on 2 jobs: p99 latency falls as
// output buffers rise until the codec is the bottleneck (at 200 MHz on one
// core throughput stops growing from 4 buffers on, at 800 MHz on two it
// grows all the way to 16).
BOOST_AUTO_TEST_CASE(sweep_of_24_points_shows_starvation_then_codec_saturation) {
  const std::string dir = scratch("sweep");
  const auto r = run_vvsim("sweep " + kSrc +
                               "/scenarios/sweep_display_pipeline.yaml --param output_buffers=2,4,8,16 "
                               "--param device.clock_mhz=200,400,800 --param cores=1,2 --jobs 2 --quiet --out " + dir,
                           "sweep");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto rows = read_csv(slurp(dir + "/sweep.csv"));
  BOOST_REQUIRE_EQUAL(rows.size(), 24u);
  std::map<std::string, std::map<int, std::pair<double, double>>> by_combo;  // clock/cores -> buffers -> p99, fps
  for (const auto& row : rows) {
    BOOST_CHECK_EQUAL(row.at("outcome"), "completed");
    by_combo[row.at("device.clock_mhz") + "/" + row.at("cores")][std::stoi(row.at("output_buffers"))] = {
        std::stod(row.at("latency_p99_ns")), std::stod(row.at("throughput_fps"))};
  }
  BOOST_REQUIRE_EQUAL(by_combo.size(), 6u);
  for (const auto& [combo, points] : by_combo) {
    BOOST_TEST_CONTEXT(combo) {
      BOOST_CHECK_LT(points.at(4).first, points.at(2).first);
      BOOST_CHECK_LT(points.at(16).first, 0.6 * points.at(2).first);
      BOOST_CHECK_GT(points.at(16).second, 1.5 * points.at(2).second);
    }
  }
  const auto& slow = by_combo.at("200/1");
  BOOST_CHECK_CLOSE(slow.at(16).second, slow.at(4).second, 5.0);  // codec-bound: buffers no longer help
  const auto& fast = by_combo.at("800/2");
  BOOST_CHECK_GT(fast.at(16).second, 1.5 * fast.at(8).second);  // still display-bound at 8
  BOOST_CHECK_NE(slurp(dir + "/sweep.html").find("<svg"), std::string::npos);
  // Each point is a deterministic run: a second sweep gives the same table.
  const auto again = run_vvsim("sweep " + kSrc +
                                   "/scenarios/sweep_display_pipeline.yaml --param output_buffers=2,4,8,16 "
                                   "--param device.clock_mhz=200,400,800 --param cores=1,2 --jobs 2 --quiet --out " +
                                   dir + "2",
                               "sweep2");
  BOOST_REQUIRE_EQUAL(again.status, 0);
  BOOST_CHECK(slurp(dir + "/sweep.csv") == slurp(dir + "2/sweep.csv"));
  BOOST_CHECK(slurp(dir + "/sweep.html") == slurp(dir + "2/sweep.html"));
}

// A point the scenario refuses and a point that deadlocks are reported with
// their parameters and reasons; the other points still run.
BOOST_AUTO_TEST_CASE(sweep_reports_failed_points_and_runs_the_rest) {
  const std::string dir = scratch("sweep_fail");
  const auto r = run_vvsim("sweep " + kSrc + "/scenarios/commandq_exhaustion.yaml --param cores=0,1 "
                               "--param device.commandq_size=16,64 --jobs 2 --quiet --out " + dir,
                           "sweep_fail");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto rows = read_csv(slurp(dir + "/sweep.csv"));
  BOOST_REQUIRE_EQUAL(rows.size(), 4u);
  for (size_t i = 0; i < 2; ++i) {  // cores=0: refused by the loader, never run
    BOOST_CHECK_EQUAL(rows[i].at("cores"), "0");
    BOOST_CHECK_EQUAL(rows[i].at("exit_status"), "1");
    BOOST_CHECK_EQUAL(rows[i].at("outcome"), "failed");
    BOOST_CHECK_NE(rows[i].at("error").find("num_cores"), std::string::npos);
  }
  BOOST_CHECK_EQUAL(rows[2].at("exit_status"), "3");  // 16 descriptors: the known commandq deadlock
  BOOST_CHECK_EQUAL(rows[2].at("outcome"), "deadlock");
  BOOST_CHECK_NE(rows[2].at("error").find("no activity can make progress"), std::string::npos);
  BOOST_CHECK_EQUAL(rows[3].at("exit_status"), "0");
  BOOST_CHECK_EQUAL(rows[3].at("outcome"), "completed");
}

BOOST_AUTO_TEST_CASE(sweep_rejects_a_malformed_param) {
  const auto r = run_vvsim("sweep " + kSrc + "/scenarios/default.yaml --param output_buffers= --out " +
                               scratch("sweep_bad"),
                           "sweep_bad");
  BOOST_CHECK_EQUAL(r.status, 1);
  BOOST_CHECK_NE(r.err.find("--param 'output_buffers=': empty value"), std::string::npos);
}

// Every shipped scenario runs --strict without a conformance violation it
// does not declare; the ones that break rules on purpose say which.
BOOST_AUTO_TEST_CASE(shipped_scenarios_have_no_unexpected_conformance_violations) {
  size_t runs = 0, expected = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSrc + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string name = entry.path().stem().string();
    const auto r = run_vvsim("run " + entry.path().string() + " --strict --quiet --out " + scratch("strict_" + name),
                             "strict_" + name);
    BOOST_CHECK_MESSAGE(r.status != 7, name << ": " << r.err);
    const auto c = summary(scratch("strict_" + name))["conformance"];
    // Every rule but the packed ring's six (a split-ring run).
    BOOST_CHECK_EQUAL(c["rules_checked"].get<size_t>(), vvsim::virtio_video::conformance_rules().size() - 6);
    BOOST_CHECK_MESSAGE(c["unexpected"].get<size_t>() == 0, name << ": " << c["list"].dump());
    expected += c["violations"].get<size_t>();
    ++runs;
  }
  BOOST_CHECK_EQUAL(runs, 21u);
  // bad_input: 2 unknown codes + a stream never created; eventq_starvation: 1; drain_without_outputs: 1.
  BOOST_CHECK_EQUAL(expected, 5u);
}

// A character device would never end: scenario, profile and input files must
// be regular files, refused with a one-line reason (found by fuzzing the loader).
BOOST_AUTO_TEST_CASE(device_files_are_refused_as_scenario_profile_or_input) {
  const auto scenario = run_vvsim("run /dev/zero --out " + scratch("devzero"), "devzero1");
  BOOST_CHECK_EQUAL(scenario.status, 1);
  BOOST_CHECK_NE(scenario.err.find("/dev/zero: cannot open scenario: not a regular file"), std::string::npos);
  const auto input = run_vvsim("run " + kSrc + "/scenarios/default.yaml --input /dev/zero --out " + scratch("devzero"),
                               "devzero2");
  BOOST_CHECK_EQUAL(input.status, 1);
  BOOST_CHECK_NE(input.err.find("/dev/zero: cannot open (not a readable regular file)"), std::string::npos);
  const std::string yaml = scratch("devzero.yaml");
  std::ofstream(yaml) << "profile: /dev/zero\nstreams: [{name: a, codec: vp8, input: {generate: {frames: 2}}}]\n";
  const auto profile = run_vvsim("run " + yaml + " --out " + scratch("devzero"), "devzero3");
  BOOST_CHECK_EQUAL(profile.status, 1);
  BOOST_CHECK_NE(profile.err.find("/dev/zero: cannot open profile: not a regular file"), std::string::npos);
}
