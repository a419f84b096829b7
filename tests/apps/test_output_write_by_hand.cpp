// What writing the picture while it decodes (engine.output_write) buys, by
// hand: one stream on one core with a bus slow enough that a picture's
// transfer takes a known time T, a decode cost D per unit, one frame in flight.
// After the decode the write adds T; during the decode it adds only what it
// takes past the job's end, max(D, T) - D, so the overlap saves min(D, T). On
// v6 and v6-async the application also reads the picture back (another T)
// before it takes the frame.
#define BOOST_TEST_MODULE output_write_by_hand
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/support/vvsim_command.h"

using namespace vvsim::test;

namespace {

// Hand values (ns), as in test_timing_by_hand: submit, firmware (2000 cycles
// at 1 GHz), interrupt delivery, interrupt handling.
constexpr double kSubmit = 2000, kFirmware = 2000, kIrq = 1000, kIsr = 5000;
constexpr double kLongDecode = 1'000'000, kShortDecode = 100'000;  // D > T and D < T
// A 320x240 4:2:0 picture (every plane a whole number of 16-byte beats) on a
// 16-byte bus at 28.8 MHz, no latency: 7200 beats, T = 250 us.
constexpr double kBusMhz = 28.8, kBytesPerCycle = 16;
constexpr double kPictureBytes = 320 * 240 * 3 / 2;
constexpr double kPictureNs = kPictureBytes / kBytesPerCycle * 1000 / kBusMhz;
// Everything else a frame puts on this bus: its input unit (about 100 bytes at
// 20 kbit/s), the commands, descriptors, answers, events and ring indices (a
// few hundred bytes) and some ten one-beat register accesses. Bounded by 128
// bus cycles (4.4 us); twice that when a write runs on past its job's end and
// the input's answer and its handler's ring reads share the bus with it.
constexpr double kOtherTrafficNs = 128 * 1000 / kBusMhz;

std::string scenario_yaml(const std::string& protocol, const std::string& output_write, double decode_ns) {
  // Each protocol names its device's command firmware its own way.
  const std::string firmware = protocol == "media" ? "command_firmware_ns: 2000" : "firmware_cycles_per_command: 2000";
  return "protocol: " + protocol + R"(
platform:
  bus: {clock_mhz: 28.8, bytes_per_cycle: 16, latency_cycles: 0, register_latency_cycles: 0}
  interrupt: {delivery_latency_ns: 1000}
  driver: {command_submit_ns: 2000, interrupt_handle_ns: 5000}
  engine:
    clock_mhz: 1000
    num_cores: 1
    output_write: )" + output_write + R"(
    decode:
      vp8: {cycles_per_unit: )" + std::to_string(uint64_t(decode_ns)) + R"(, cycles_per_macroblock: 0, cycles_per_byte: 0, cycles_no_picture: 0}
device: {)" + firmware + R"(}
streams:
  - {codec: vp8, input: {generate: {width: 320, height: 240, frames: 10, bitrate_kbps: 20}}, input_resources: 1, feed_fps: 50}
)";
}

// Frames 1..9 of a timing-only run (frame 0 also waits for the stream's set-up).
std::vector<double> latencies(const std::string& protocol, const std::string& output_write, double decode_ns) {
  const std::string tag = "output_write_" + protocol + "_" + output_write + "_" + std::to_string(uint64_t(decode_ns));
  const std::string dir = scratch(tag), yaml = dir + ".yaml", csv = dir + "/frames.csv";
  std::filesystem::create_directories(dir);
  std::ofstream(yaml) << scenario_yaml(protocol, output_write, decode_ns);
  const auto r = run_vvsim("run " + yaml + " --quiet --timing-only --out " + dir + " --csv " + csv, tag);
  BOOST_REQUIRE_MESSAGE(r.status == 0, "vvsim exit " << r.status << ": " << r.err);
  std::vector<double> out;
  for (const auto& row : read_csv(slurp(csv)))
    if (row.at("timestamp") != "0") out.push_back(std::stod(row.at("latency_ns")));
  BOOST_REQUIRE_EQUAL(out.size(), 9u);
  return out;
}

void check_within(const std::vector<double>& latencies, double expected, double tolerance) {
  for (double latency : latencies) {
    BOOST_CHECK_GE(latency, expected);
    BOOST_CHECK_LE(latency, expected + tolerance);
  }
}

// v6 and v6-async: submit + firmware + decode + write + delivery + handling + read-back, the write
// overlapping the decode or not.
void check_by_hand(const std::string& protocol) {
  BOOST_TEST_CONTEXT(protocol) {
    const double fixed = kSubmit + kFirmware + kIrq + kIsr + kPictureNs;  // the read-back
    check_within(latencies(protocol, "after_decode", kLongDecode), fixed + kLongDecode + kPictureNs, kOtherTrafficNs);
    check_within(latencies(protocol, "during_decode", kLongDecode), fixed + kLongDecode, kOtherTrafficNs);
    check_within(latencies(protocol, "during_decode", kShortDecode), fixed + kPictureNs, 2 * kOtherTrafficNs);
  }
}

// after_decode's latency less during_decode's: min(D, T), frame by frame.
void check_saving(const std::string& protocol, double decode_ns) {
  const auto after = latencies(protocol, "after_decode", decode_ns);
  const auto during = latencies(protocol, "during_decode", decode_ns);
  for (size_t i = 0; i < after.size(); ++i) {
    BOOST_TEST_CONTEXT(protocol << " D " << decode_ns << " frame " << i + 1) {
      BOOST_CHECK_GE(after[i] - during[i], std::min(decode_ns, kPictureNs) - kOtherTrafficNs);
      BOOST_CHECK_LE(after[i] - during[i], std::min(decode_ns, kPictureNs) + kOtherTrafficNs);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(v6_write_is_hidden_behind_a_longer_decode_and_sets_the_latency_past_a_shorter_one) {
  check_by_hand("v6");
}

BOOST_AUTO_TEST_CASE(v6_async_writes_its_pictures_the_same_way) { check_by_hand("v6-async"); }

BOOST_AUTO_TEST_CASE(media_decoder_saves_the_shorter_of_decode_and_write) {
  check_saving("media", kLongDecode);
  check_saving("media", kShortDecode);
}
