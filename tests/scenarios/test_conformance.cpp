// The conformance monitor on live traffic: every rule it checks is broken on
// purpose once (a device fault, a misbehaving driver policy, or raw command
// bytes) and the monitor must name that rule, the side that broke it, the
// spec section and the simulated time. Baselines without the breach report
// nothing; shipped scenarios are checked in tests/apps.
#define BOOST_TEST_MODULE conformance
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "scenarios/runner.h"

using namespace vvsim;
using virtio_video::Side;

namespace {

const std::string kProfile = std::string(VVSIM_SOURCE_DIR) + "/profiles/default.yaml";

std::string stream(const std::string& name, const std::string& extra = "", uint32_t frames = 12) {
  return fmt::format("  - {{name: {}, codec: vp8, input: {{generate: {{width: 176, height: 144, frames: {}, "
                     "key_frame_interval: 6}}}}{}}}\n",
                     name, frames, extra.empty() ? "" : ", " + extra);
}

scenarios::RunResult run(const std::string& body) {
  const auto s = scenarios::parse_scenario("profile: " + kProfile + "\n" + body, "conformance-test.yaml");
  return scenarios::run_scenario(s, scenarios::prepare_streams(s));
}

std::string with_fault(const std::string& fault, const std::string& streams) {
  return "device: {faults: [" + fault + "]}\nstreams:\n" + streams;
}

// The hex of a command, as scenario raw_commands take it.
std::string hex(const std::vector<uint8_t>& bytes) {
  std::string out;
  for (uint8_t b : bytes) out += fmt::format("{}{:02x}", out.empty() ? "" : " ", b);
  return out;
}

void expect_violation(const scenarios::RunResult& r, const std::string& rule, Side side) {
  const auto it = std::find_if(r.violations.begin(), r.violations.end(), [&](const auto& v) { return v.rule == rule; });
  BOOST_REQUIRE_MESSAGE(it != r.violations.end(), "the monitor did not report '" << rule << "'");
  BOOST_CHECK(it->side == side);
  BOOST_CHECK_GT(it->at_ps, 0u);
  BOOST_CHECK(!it->section.empty());
  BOOST_CHECK(!it->detail.empty());
  BOOST_TEST_MESSAGE(rule << ": " << virtio_video::side_name(it->side) << ", " << it->section << ", "
                          << it->command << ", stream " << it->stream_id << ", " << it->detail);
}

void expect_clean(const scenarios::RunResult& r) {
  for (const auto& v : r.violations) BOOST_ERROR("unexpected violation " << v.rule << ": " << v.detail);
}

// SET_PARAM of a resources count on stream 1, as a raw command sent once
// set-up has queued the outputs (and before any input is queued).
std::string set_resources(virtio_video::ParamType type, uint32_t count) {
  std::vector<uint8_t> cmd;
  virtio_video::encode_set_param(cmd, 1, type, virtio_video::ParamsResources{1, 32, count, 1});
  return "raw_commands: [\"" + hex(cmd) + "\"]";
}
std::string set_output_resources_while_streaming() { return set_resources(virtio_video::ParamType::OutputResources, 6); }

}  // namespace

// ---- device side: one fault each ----

BOOST_AUTO_TEST_CASE(response_spilling_past_the_first_writable_descriptor) {
  expect_violation(run(with_fault("response_overrun", stream("a"))), "response-in-first-writable", Side::Device);
}
BOOST_AUTO_TEST_CASE(query_caps_of_the_wrong_size) {
  const auto r = run(with_fault("short_query_caps", stream("a")));
  expect_violation(r, "query-caps-size", Side::Device);
  BOOST_CHECK(r.outcome == scenarios::RunOutcome::DeviceFailure);  // the driver refuses it too
}
BOOST_AUTO_TEST_CASE(stream_id_reused_while_alive) {
  expect_violation(run(with_fault("reuse_stream_id", stream("a") + stream("b"))), "stream-id-unique", Side::Device);
}
BOOST_AUTO_TEST_CASE(destroy_answered_before_cancelling) {
  expect_violation(run(with_fault("destroy_before_cancel", stream("a"))), "destroy-cancels-first", Side::Device);
}
BOOST_AUTO_TEST_CASE(drain_answered_before_earlier_inputs) {
  expect_violation(run(with_fault("drain_before_inputs", stream("a"))), "drain-after-inputs", Side::Device);
}
BOOST_AUTO_TEST_CASE(stop_answered_before_cancelling_inputs) {
  const auto r = run(with_fault("stop_before_cancel", stream("a", "stop: {after_units: 8, seek_to_unit: 12}", 20)));
  expect_violation(r, "stop-cancels-first", Side::Device);
}
BOOST_AUTO_TEST_CASE(parameter_changed_while_streaming) {
  const auto r = run(with_fault("param_change_any_time", stream("a", set_output_resources_while_streaming())));
  expect_violation(r, "param-change-times", Side::Device);
}
BOOST_AUTO_TEST_CASE(parameter_change_while_streaming_refused_is_clean) {
  const auto r = run("streams:\n" + stream("a", set_output_resources_while_streaming()));
  expect_clean(r);
  BOOST_CHECK_EQUAL(r.streams.at(0).report.raw_answers.at(0), "ERR_INVALID_OPERATION");
}
BOOST_AUTO_TEST_CASE(unsupported_value_refused_instead_of_adjusted) {
  // 40 inputs: more than max_resources (32); the device must clamp, not refuse.
  const auto r = run(with_fault("refuse_adjusted_param",
                                stream("a", set_resources(virtio_video::ParamType::InputResources, 40))));
  expect_violation(r, "set-param-no-error", Side::Device);
}
BOOST_AUTO_TEST_CASE(old_output_returned_after_the_drc_event) {
  const auto r = run(with_fault("output_after_drc", stream("a")));  // 176x144 vs the default 320x240: a DRC
  expect_violation(r, "outputs-before-drc", Side::Device);
}
BOOST_AUTO_TEST_CASE(unattached_output_accepted_after_drc) {
  const auto r = run(with_fault("accept_unattached_output", stream("a", "requeue_before_reattach: true")));
  expect_violation(r, "reject-unattached-after-drc", Side::Device);
}
BOOST_AUTO_TEST_CASE(unattached_output_refused_after_drc_is_clean) {
  const auto r = run("streams:\n" + stream("a", "requeue_before_reattach: true"));
  expect_clean(r);
  BOOST_CHECK(r.outcome == scenarios::RunOutcome::Completed);
}
BOOST_AUTO_TEST_CASE(output_timestamp_not_copied_from_its_input) {
  expect_violation(run(with_fault("wrong_output_timestamp", stream("a"))), "output-timestamp-copied", Side::Device);
}
BOOST_AUTO_TEST_CASE(encoder_output_without_frame_type_flag) {
  const auto r = run("device: {role: encoder, faults: [no_encoder_frame_flag]}\nstreams:\n"
                     "  - {name: cam, codec: vp8, encode: {width: 176, height: 144, frames: 6, bitrate_kbps: 300}}\n");
  expect_violation(r, "encoder-frame-flag", Side::Device);
}
BOOST_AUTO_TEST_CASE(unknown_command_answered_with_the_wrong_error) {
  const auto r = run(with_fault("unknown_command_wrong_error", stream("a", "raw_commands: [\"ff ff 00 00\"]")));
  expect_violation(r, "unknown-command-rejected", Side::Device);
  expect_violation(r, "known-command-type", Side::Driver);  // the raw command itself
}
BOOST_AUTO_TEST_CASE(command_for_a_closed_stream_answered_with_the_wrong_error) {
  // The error event closes the stream; the application's DESTROY then needs INVALID_STREAM_ID.
  const auto r = run("device: {inject_error_after_units: 4, faults: [gone_stream_wrong_error]}\nstreams:\n" + stream("a"));
  expect_violation(r, "destroyed-stream-rejected", Side::Device);
}

// ---- driver side ----

BOOST_AUTO_TEST_CASE(response_buffer_too_small) {
  // QUERY_CAPS with the raw commands' 164-byte response buffer: caps_length is larger.
  const auto r = run("streams:\n" + stream("a", "raw_commands: [\"00 01 00 00\"]"));
  expect_violation(r, "writable-descriptor-size", Side::Driver);
}
BOOST_AUTO_TEST_CASE(unknown_command_code) {
  const auto r = run("streams:\n" + stream("a", "raw_commands: [\"ff ff 00 00\"]"));
  expect_violation(r, "known-command-type", Side::Driver);
  BOOST_CHECK_EQUAL(r.violations.size(), 1u);  // the device answered it right
}
BOOST_AUTO_TEST_CASE(stream_id_never_created) {
  const auto r = run("streams:\n" + stream("a", "raw_commands: [\"03 02 00 00 4d 00 00 00\"]"));
  expect_violation(r, "valid-stream-id", Side::Driver);
}
BOOST_AUTO_TEST_CASE(eventq_left_without_buffers) {
  const auto r = run("driver_policy: {withhold_eventq_us: 2000}\nstreams:\n" + stream("a"));
  expect_violation(r, "eventq-stocked", Side::Driver);
}

// ---- strict runs ----

BOOST_AUTO_TEST_CASE(strict_run_stops_at_the_first_unexpected_violation) {
  const auto s = scenarios::parse_scenario(
      "profile: " + kProfile + "\n" + with_fault("wrong_output_timestamp", stream("a", "", 30)), "strict.yaml");
  scenarios::RunOptions options;
  options.strict = true;
  const auto r = scenarios::run_scenario(s, scenarios::prepare_streams(s), options);
  BOOST_CHECK(r.outcome == scenarios::RunOutcome::ConformanceViolation);
  BOOST_CHECK_NE(r.reason.find("output-timestamp-copied"), std::string::npos);
  BOOST_CHECK_EQUAL(r.violations.size(), 1u);                         // stopped at once
  BOOST_CHECK_LT(r.streams.at(0).report.frames.size(), 30u);         // before the stream ended
}

BOOST_AUTO_TEST_CASE(every_rule_has_a_test_here) {
  // Keeps this file and the monitor's rule list in step: each rule id appears above.
  const std::string self = [] {
    std::ifstream f(std::string(VVSIM_SOURCE_DIR) + "/tests/scenarios/test_conformance.cpp");
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }();
  for (const auto& rule : virtio_video::conformance_rules())
    BOOST_CHECK_MESSAGE(self.find(std::string("\"") + rule.id + "\", Side::") != std::string::npos,
                        "no test provokes " << rule.id);
}
