// Encoder streams as first-class citizens: a camera paced by feed_fps, one
// latency per frame (raw frame queued -> the last unit of its bitstream taken)
// with the same stage breakdown as decoded frames, key frames listed once per
// frame, and each frame's encode job charged for its picture. Expectations are
// computed here from the scenario's and the profile's values.
#define BOOST_TEST_MODULE vvsim_encode
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/vvsim_command.h"

using namespace vvsim::test;

namespace {

const std::string kScenario = kSrc + "/scenarios/encode_bitrate_keyframe.yaml";

struct Run {
  nlohmann::json stream;
  std::vector<std::map<std::string, std::string>> rows;  // the frames CSV (no quoted fields here)
};

Run encode(const std::string& sets, const std::string& tag) {
  const std::string dir = scratch(tag);
  const auto r = run_vvsim("run " + kScenario + " --quiet --out " + dir + " --csv " + dir + "/f.csv " + sets, tag);
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  return {nlohmann::json::parse(slurp(dir + "/summary.json"))["streams"][0], read_csv(slurp(dir + "/f.csv"))};
}

double num(const std::map<std::string, std::string>& row, const char* key) { return std::stod(row.at(key)); }

}  // namespace

// 30 fps: frame i is captured i / 30 s after frame 0 (the scenario's 60
// frames), never earlier although input buffers are free sooner. Each frame
// is queued once it is written into guest memory; frame 0's write meets the
// set-up's bus traffic, so the period is checked from frame 1 on, exactly,
// and frame 0 within a microsecond of it. Frame 30 waits for the bitrate
// change the application sends before it.
BOOST_AUTO_TEST_CASE(a_camera_at_feed_fps_queues_one_frame_per_period) {
  constexpr double kPeriodNs = 1e9 / 30;
  const auto run = encode("--set streams.0.feed_fps=30", "encode_paced");
  BOOST_REQUIRE_EQUAL(run.rows.size(), 60u);
  const double second = num(run.rows[1], "queued_ns");
  const double first_gap = second - num(run.rows[0], "queued_ns");
  BOOST_CHECK_GT(first_gap, kPeriodNs - 1000);
  BOOST_CHECK_LE(first_gap, kPeriodNs);
  constexpr size_t kBitrateChange = 30;  // the scenario's SET_PARAM(BITRATE) goes out before this frame's QUEUE
  for (size_t i = 1; i < run.rows.size(); ++i) {
    BOOST_TEST_CONTEXT("frame " << i) {
      BOOST_CHECK_EQUAL(run.rows[i].at("timestamp"), std::to_string(i));
      const double late = num(run.rows[i], "queued_ns") - second - double(i - 1) * kPeriodNs;
      if (i == kBitrateChange) {
        BOOST_CHECK_GT(late, 1000);     // two round trips (GET_PARAM, SET_PARAM) first
        BOOST_CHECK_LT(late, 100'000);
      } else {
        BOOST_CHECK_SMALL(late, 0.002);
      }
    }
  }
}

// Every frame has a latency (taken - queued) and a full stage breakdown
// whose stages add up to it; the summary's latency counts every frame.
BOOST_AUTO_TEST_CASE(each_encoded_frame_has_a_latency_made_of_its_stages) {
  const auto run = encode("", "encode_stages");
  BOOST_REQUIRE_EQUAL(run.rows.size(), 60u);
  const char* stages[] = {"submit_ns", "wait_core_ns", "decode_ns", "wait_output_ns", "write_ns",
                          "complete_ns", "interrupt_ns", "isr_ns", "wake_ns"};
  for (const auto& row : run.rows) {
    BOOST_TEST_CONTEXT("frame " << row.at("timestamp")) {
      const double latency = num(row, "latency_ns");
      BOOST_CHECK_CLOSE_FRACTION(latency, num(row, "answered_ns") - num(row, "queued_ns"), 1e-12);
      BOOST_CHECK_GT(latency, 0);
      BOOST_REQUIRE_EQUAL(row.at("breakdown"), "1");
      double sum = 0;
      for (const char* s : stages) sum += num(row, s);
      BOOST_CHECK_SMALL(sum - latency, 0.01);
    }
  }
  BOOST_CHECK_EQUAL(run.stream["latency_ns"]["frames"], 60);
  BOOST_CHECK_EQUAL(run.stream["stages"]["frames"], 60);
}

// H.264 key frames come as SPS, PPS and IDR units of one timestamp: more
// units than frames, yet each key frame is listed once.
BOOST_AUTO_TEST_CASE(h264_key_frames_are_listed_once_per_frame) {
  const auto run = encode("--set streams.0.codec=h264", "encode_h264_keys");
  BOOST_CHECK_GT(run.stream["units_out"].get<int>(), 60);  // the parameter-set units are really there
  BOOST_CHECK(run.stream["key_frame_timestamps"] == nlohmann::json::array({0, 45}));  // frame 0 and the forced 45
}

// The key frame's encode job is charged for its picture, from the profile:
// cycles_per_unit + cycles_per_byte x (bytes of all its units) +
// cycles_per_macroblock x macroblocks x key_frame_factor, at the engine
// clock; not for the SPS in front of it (cycles_no_picture instead).
BOOST_AUTO_TEST_CASE(an_h264_key_frame_encode_is_charged_for_its_picture) {
  constexpr double kPerUnit = 10'000, kPerMacroblock = 1'000, kPerByte = 2, kNoPicture = 7'777, kKeyFactor = 1.5;
  constexpr double kClockMhz = 500;
  constexpr double kMacroblocks = (320 / 16) * (240 / 16);
  const auto run = encode("--set streams.0.codec=h264 --set platform.engine.clock_mhz=500 "
                          "--set platform.engine.encode.h264.cycles_per_unit=10000 "
                          "--set platform.engine.encode.h264.cycles_per_macroblock=1000 "
                          "--set platform.engine.encode.h264.cycles_per_byte=2 "
                          "--set platform.engine.encode.h264.cycles_no_picture=7777 "
                          "--set platform.engine.encode.h264.key_frame_factor=1.5",
                          "encode_h264_work");
  // 60 frames and two key frames (0, 45) each led by an SPS and a PPS unit: frame 0 is the first three units.
  BOOST_REQUIRE_EQUAL(run.stream["units_out"].get<int>(), 64);
  const auto sizes = run.stream["unit_bytes"].get<std::vector<double>>();
  const double bytes = sizes[0] + sizes[1] + sizes[2];
  const double cycles = kPerUnit + kPerByte * bytes + std::round(kPerMacroblock * kMacroblocks * kKeyFactor);
  const double expected_ns = cycles * 1000.0 / kClockMhz;
  // What charging the SPS in front would give instead: far from it.
  const double sps_ns = (kPerUnit + kPerByte * sizes[0] + kNoPicture) * 1000.0 / kClockMhz;
  BOOST_REQUIRE_GT(expected_ns - sps_ns, 100'000.0);
  BOOST_REQUIRE_EQUAL(run.rows.at(0).at("timestamp"), "0");
  BOOST_CHECK_SMALL(num(run.rows.at(0), "decode_ns") - expected_ns, 0.002);
}
