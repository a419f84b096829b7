// The scenario loader against hostile text: the limits of
// models/platform/input_limits.h, duplicate keys, invalid UTF-8 and timing
// values whose products would wrap. Each is refused with the place named.
#define BOOST_TEST_MODULE scenario_input_limits
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "models/platform/input_limits.h"
#include "models/platform/yaml_document.h"
#include "scenarios/scenario.h"

using namespace vvsim;
using namespace vvsim::scenarios;

namespace {

const std::string kStream = "  - codec: vp8\n    input: {generate: {frames: 5}}\n";

std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    parse_scenario(yaml, "case.yaml", overrides);
  } catch (const models::ProfileError& e) {
    BOOST_TEST_MESSAGE(e.what());
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string repeated(const std::string& text, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += text;
  return out;
}

// A stream with `n` raw commands of `bytes` bytes each.
std::string raw_commands(size_t n, size_t bytes) {
  return "streams:\n" + kStream + "    raw_commands: [" + repeated("\"" + repeated("00", bytes) + "\",", n - 1) + "\"" +
         repeated("00", bytes) + "\"]\n";
}

}  // namespace

BOOST_AUTO_TEST_CASE(duplicate_key_is_refused_naming_both_lines) {
  const auto e = error_of("seed: 1\nstreams:\n" + kStream + "seed: 2\n");
  BOOST_CHECK_MESSAGE(contains(e, "case.yaml:5:1: key 'seed' given twice (first at line 1)"), e);
  const auto nested = error_of("streams:\n  - codec: vp8\n    codec: vp9\n    input: {generate: {frames: 5}}\n");
  BOOST_CHECK_MESSAGE(contains(nested, "case.yaml:3:5: key 'streams.0.codec' given twice (first at line 2)"), nested);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_refused_with_line_and_column) {
  const auto e = error_of("description: ok\nstreams:\n  - name: \"caf\xc3\xa9 \xed\xa0\x80\"\n" + kStream.substr(4));
  BOOST_CHECK_MESSAGE(contains(e, "case.yaml:3:18: not valid UTF-8 (byte 0xed)"), e);  // a UTF-16 surrogate
  using models::first_invalid_utf8;
  BOOST_CHECK(!first_invalid_utf8("plain, caf\xc3\xa9, \xe2\x82\xac, \xf0\x9f\x8e\xa5"));
  BOOST_CHECK_EQUAL(first_invalid_utf8("ab\xc0\xaf").value_or(99), 2u);          // overlong '/'
  BOOST_CHECK_EQUAL(first_invalid_utf8("\xf4\x90\x80\x80").value_or(99), 0u);   // above U+10FFFF
  BOOST_CHECK_EQUAL(first_invalid_utf8("x\xe2\x82").value_or(99), 1u);          // cut short
  BOOST_CHECK_EQUAL(first_invalid_utf8("\x80").value_or(99), 0u);               // a lone continuation
}

BOOST_AUTO_TEST_CASE(yaml_size_and_shape_limits_are_refused_with_their_place) {
  const auto& limits = models::kInputLimits;
  const auto big = error_of("description: " + std::string(limits.yaml_scalar_bytes + 1, 'x') + "\nstreams:\n" + kStream);
  BOOST_CHECK_MESSAGE(contains(big, "case.yaml:1:14: key 'description': value of 65537 bytes (at most 65536)"), big);
  const auto list = error_of("expect_violations: [" + repeated("a,", limits.yaml_collection_size) + "a]\n");
  BOOST_CHECK_MESSAGE(contains(list, "key 'expect_violations': 4097 elements (at most 4096)"), list);
  const auto deep = error_of("x: " + repeated("[", 40) + repeated("]", 40) + "\n");
  BOOST_CHECK_MESSAGE(contains(deep, "nested deeper than 32 levels"), deep);
  const auto file = error_of(std::string(limits.yaml_file_bytes + 1, '#'));
  BOOST_CHECK_MESSAGE(contains(file, "case.yaml: 262145 bytes of YAML (at most 262144)"), file);
}

BOOST_AUTO_TEST_CASE(raw_command_limits_are_refused_naming_the_key) {
  BOOST_CHECK_EQUAL(error_of(raw_commands(256, 8)), "");
  BOOST_CHECK_EQUAL(error_of(raw_commands(1, 4096)), "");
  const auto many = error_of(raw_commands(257, 8));
  BOOST_CHECK_MESSAGE(contains(many, "key 'streams.0.raw_commands': 257 commands (at most 256)"), many);
  const auto long_one = error_of(raw_commands(1, 4097));
  BOOST_CHECK_MESSAGE(contains(long_one, "key 'streams.0.raw_commands': element 0 has 4097 bytes (at most 4096)"), long_one);
}

BOOST_AUTO_TEST_CASE(stream_count_and_generated_frames_are_bounded_per_run) {
  const auto streams = error_of("streams:\n" + repeated(kStream, 1025));
  BOOST_CHECK_MESSAGE(contains(streams, "key 'streams': 1025 streams (at most 1024)"), streams);
  const std::string big_stream = "  - codec: vp8\n    input: {generate: {frames: 100000}}\n";
  BOOST_CHECK_EQUAL(error_of("device: {max_streams: 16}\nstreams:\n" + repeated(big_stream, 10)), "");
  const auto frames = error_of("device: {max_streams: 16}\nstreams:\n" + repeated(big_stream, 10) + kStream);
  BOOST_CHECK_MESSAGE(contains(frames, "1000005 generated and encoded frames over all streams (at most 1000000 units"), frames);
}

// 64-bit products of profile values: each value is range-checked, and the
// delays they make together stay representable (docs/profile.md, value bounds).
BOOST_AUTO_TEST_CASE(timing_values_that_would_wrap_are_refused) {
  const std::string ok = "streams:\n" + kStream;
  const auto u64 = error_of(ok, {"platform.engine.decode.vp8.cycles_per_unit=18446744073709551615"});
  BOOST_CHECK_MESSAGE(contains(u64, "key 'platform.engine.decode.vp8.cycles_per_unit': value 18446744073709551615 out of "
                                    "range (must be >= 0 and <= 1099511627776)"),
                      u64);
  const auto slow = error_of(ok, {"platform.engine.clock_mhz=0.001", "platform.engine.decode.h264.cycles_per_macroblock=65536"});
  BOOST_CHECK_MESSAGE(contains(slow, "key 'platform.engine.decode.h264': the largest unit would take"), slow);
  const auto firmware = error_of(ok, {"clock_mhz=0.001", "device.firmware_cycles_per_command=1000000000000"});
  BOOST_CHECK_MESSAGE(contains(firmware, "key 'device.firmware_cycles_per_command': one command would take 1e+09 s"),
                      firmware);
  const auto fps = error_of("streams:\n" + kStream + "    feed_fps: 0.001\n");
  BOOST_CHECK_MESSAGE(contains(fps, "key 'streams.0.feed_fps': value 0.001 out of range (0, or >= 0.1"), fps);
  const auto ns = error_of(ok, {"platform.driver.interrupt_handle_ns=18446744073709551615"});
  BOOST_CHECK_MESSAGE(contains(ns, "out of range (must be >= 0 and <= 1000000000000000)"), ns);
  BOOST_CHECK_EQUAL(error_of(ok, {"device.firmware_cycles_per_command=1000000000000"}), "");  // 1667 s at 600 MHz
}
