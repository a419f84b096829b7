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

#include "models/protocols/v6/conformance_monitor.h"
#include "scenarios/runner.h"

using namespace vvsim;
using tlm_virtio::Side;

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
  BOOST_TEST_MESSAGE(rule << ": " << tlm_virtio::side_name(it->side) << ", " << it->section << ", "
                          << it->command << ", stream " << it->stream_id << ", " << it->detail);
}

// The run breaks `rule` and nothing else.
void expect_only_violation(const scenarios::RunResult& r, const std::string& rule, Side side) {
  expect_violation(r, rule, side);
  for (const auto& v : r.violations)
    BOOST_CHECK_MESSAGE(v.rule == rule, "also reported " << v.rule << ": " << v.detail);
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

std::string raw(const std::vector<uint8_t>& cmd) { return "raw_commands: [\"" + hex(cmd) + "\"]"; }

// RESOURCE_QUEUE of stream 1 as a raw command.
std::string raw_queue(uint32_t queue_type, uint32_t resource_id) {
  virtio_video::ResourceQueueCmd cmd;
  cmd.stream_id = 1, cmd.queue_type = queue_type, cmd.resource_id = resource_id;
  return raw(virtio_video::to_bytes(cmd));
}

// ATTACH_BACKING of stream 1's output 0 (queued by set-up) with one buffer
// large enough for the default NV12 320x240 format, in the last MiB of guest memory.
std::string reattach_queued_output() {
  constexpr uint64_t kHighInGuestMemory = (1ull << 30) - (1ull << 20);
  constexpr uint32_t kBufferBytes = 128 * 1024;
  virtio_video::AttachBackingCmd cmd;
  cmd.header = {1, uint32_t(virtio_video::QueueType::Output), 0};
  cmd.resources = {std::vector<virtio_video::SgEntry>{{kHighInGuestMemory, kBufferBytes}}};
  return raw(virtio_video::to_bytes(cmd));
}

// A scenario whose driver sends its first command on a chain breaking one ring rule.
scenarios::RunResult run_ring_breach(const std::string& breach) {
  return run("driver_policy: {break_ring: " + breach + "}\nstreams:\n" + stream("a"));
}
// The same on the packed ring (transport.ring: packed).
scenarios::RunResult run_packed_ring_breach(const std::string& breach) {
  return run("transport: {ring: packed}\ndriver_policy: {break_ring: " + breach + "}\nstreams:\n" + stream("a"));
}

}  // namespace

// ---- device side: one fault each ----

BOOST_AUTO_TEST_CASE(response_spilling_past_the_first_writable_descriptor) {
  const auto r = run(with_fault("response_overrun", stream("a")));
  expect_violation(r, "response-in-first-writable", Side::Device);
  // The driver's chains have one writable descriptor: the used len also claims more than the chain holds.
  expect_violation(r, "ring-used-len-bounded", Side::Device);
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

BOOST_AUTO_TEST_CASE(stop_cancels_queued_outputs) {
  const auto r = run(with_fault("stop_cancels_outputs", stream("a", "stop: {after_units: 8, seek_to_unit: 12}", 20)));
  expect_only_violation(r, "stop-keeps-outputs", Side::Device);
}
BOOST_AUTO_TEST_CASE(stop_held_until_an_output_is_queued) {
  // The application waits for the STOP answer before it gives outputs back: the run deadlocks.
  const auto r = run(with_fault("stop_waits_for_output", stream("a", "stop: {after_units: 8, seek_to_unit: 12}", 20)));
  expect_only_violation(r, "stop-not-blocked", Side::Device);
  BOOST_CHECK(r.outcome == scenarios::RunOutcome::Deadlock);
}
BOOST_AUTO_TEST_CASE(queued_output_reattached) {
  // Output 0 is queued at set-up; new backing for it (one NV12 320x240 buffer, high in guest memory).
  const auto r = run(with_fault("attach_any_time", stream("a", reattach_queued_output())));
  expect_only_violation(r, "attach-times", Side::Device);
  BOOST_CHECK_EQUAL(r.streams.at(0).report.raw_answers.at(0), "OK");
}
BOOST_AUTO_TEST_CASE(queued_output_reattach_refused_is_clean) {
  const auto r = run("streams:\n" + stream("a", reattach_queued_output()));
  expect_clean(r);
  BOOST_CHECK_EQUAL(r.streams.at(0).report.raw_answers.at(0), "ERR_INVALID_OPERATION");
}
BOOST_AUTO_TEST_CASE(error_event_before_cancelling) {
  const auto r = run("device: {inject_error_after_units: 4, faults: [error_event_before_cancel]}\nstreams:\n" + stream("a"));
  expect_only_violation(r, "error-event-cancels-first", Side::Device);
}
BOOST_AUTO_TEST_CASE(no_memory_feature_offered) {
  expect_only_violation(run(with_fault("no_memory_features", stream("a"))), "memory-feature-offered", Side::Device);
}
BOOST_AUTO_TEST_CASE(config_version_not_zero) {
  const auto r = run(with_fault("wrong_config_version", stream("a")));
  expect_only_violation(r, "config-version", Side::Device);
  BOOST_CHECK(r.outcome == scenarios::RunOutcome::DeviceFailure);  // the driver refuses the device
}
BOOST_AUTO_TEST_CASE(caps_length_larger_than_the_response) {
  // The device pads QUERY_CAPS to its caps_length: the size rule holds, the config rule does not.
  const auto r = run(with_fault("caps_length_overstated", stream("a")));
  expect_only_violation(r, "caps-length-matches", Side::Device);
  BOOST_CHECK(r.outcome == scenarios::RunOutcome::Completed);
}
BOOST_AUTO_TEST_CASE(second_drain_answered_with_the_wrong_error) {
  const auto r = run(with_fault("second_drain_wrong_error", stream("a", "double_drain: true")));
  expect_only_violation(r, "drain-once", Side::Device);
  BOOST_CHECK_EQUAL(r.streams.at(0).report.raw_answers.at(0), "ERR_INVALID_ARGUMENT");
}
BOOST_AUTO_TEST_CASE(second_drain_refused_is_clean) {
  const auto r = run("streams:\n" + stream("a", "double_drain: true"));
  expect_clean(r);
  BOOST_CHECK_EQUAL(r.streams.at(0).report.raw_answers.at(0), "ERR_INVALID_OPERATION");
  BOOST_CHECK(r.streams.at(0).report.drained);
}
BOOST_AUTO_TEST_CASE(drain_cut_short_by_destroy_answered_ok) {
  const auto r = run(with_fault("interrupted_drain_ok", stream("a", "destroy_during_drain: true")));
  expect_only_violation(r, "interrupted-drain-canceled", Side::Device);
}
BOOST_AUTO_TEST_CASE(drain_cut_short_by_destroy_canceled_is_clean) {
  const auto r = run("streams:\n" + stream("a", "destroy_during_drain: true"));
  expect_clean(r);
  BOOST_CHECK(r.streams.at(0).report.destroyed);
  BOOST_CHECK_GT(r.streams.at(0).report.inputs_canceled, 0u);  // the drain had inputs left to cut short
}
BOOST_AUTO_TEST_CASE(default_parameter_not_valid) {
  // A new stream's bitstream format is a fourcc QUERY_CAPS does not list; the driver's SET repairs it.
  const auto r = run(with_fault("invalid_default_param", stream("a")));
  expect_only_violation(r, "param-defaults-valid", Side::Device);
  BOOST_CHECK(r.outcome == scenarios::RunOutcome::Completed);
}
BOOST_AUTO_TEST_CASE(used_element_for_a_chain_already_returned) {
  expect_only_violation(run(with_fault("duplicate_used_entry", stream("a"))), "ring-used-id-outstanding", Side::Device);
}
BOOST_AUTO_TEST_CASE(used_len_past_the_writable_descriptors) {
  // Event buffers come back claiming 24 bytes of a 16-byte buffer (the stream's DRC event).
  expect_only_violation(run(with_fault("event_len_overstated", stream("a"))), "ring-used-len-bounded", Side::Device);
}

// ---- driver side ----

BOOST_AUTO_TEST_CASE(response_buffer_too_small) {
  // QUERY_CAPS with a 164-byte response buffer: caps_length (228) is larger.
  const auto r = run("streams:\n" + stream("a", "raw_commands: [\"00 01 00 00\"], raw_response_bytes: 164"));
  expect_violation(r, "writable-descriptor-size", Side::Driver);
  BOOST_CHECK_EQUAL(r.streams.at(0).report.raw_answers.at(0), "ERR_OUT_OF_MEMORY");
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

BOOST_AUTO_TEST_CASE(no_memory_feature_negotiated) {
  const auto r = run("driver_policy: {features: [non_contig]}\nstreams:\n" + stream("a"));
  expect_only_violation(r, "memory-feature-negotiated", Side::Driver);
}
BOOST_AUTO_TEST_CASE(scattered_buffers_without_non_contig) {
  const auto r = run("driver_policy: {features: [guest_pages]}\nstreams:\n" + stream("a", "scatter_buffers: true"));
  expect_only_violation(r, "contiguous-backing", Side::Driver);
}
BOOST_AUTO_TEST_CASE(queue_type_not_input_or_output) {
  const auto r = run("streams:\n" + stream("a", raw_queue(7, 0)));
  expect_only_violation(r, "valid-queue-type", Side::Driver);
  BOOST_CHECK_EQUAL(r.streams.at(0).report.raw_answers.at(0), "ERR_INVALID_ARGUMENT");
}
BOOST_AUTO_TEST_CASE(resource_id_past_the_queue) {
  const auto r = run("streams:\n" + stream("a", raw_queue(uint32_t(virtio_video::QueueType::Input), 99)));
  expect_only_violation(r, "resource-id-in-range", Side::Driver);
  BOOST_CHECK_EQUAL(r.streams.at(0).report.raw_answers.at(0), "ERR_INVALID_ARGUMENT");
}
BOOST_AUTO_TEST_CASE(attach_with_more_backings_than_the_format_has) {
  // Two sg lists for an INPUT resource: a bitstream is one buffer.
  virtio_video::AttachBackingCmd cmd;
  cmd.header = {1, uint32_t(virtio_video::QueueType::Input), 0};
  const std::vector<virtio_video::SgEntry> page = {{0x100000, 4096}};
  cmd.resources = {page, page};
  const auto r = run("streams:\n" + stream("a", raw(virtio_video::to_bytes(cmd))));
  expect_only_violation(r, "backing-count", Side::Driver);
  BOOST_CHECK_EQUAL(r.streams.at(0).report.raw_answers.at(0), "ERR_INVALID_ARGUMENT");
}
BOOST_AUTO_TEST_CASE(parameter_of_the_other_role) {
  const auto r = run("streams:\n" + stream("a", raw(virtio_video::to_bytes(virtio_video::GetParamCmd{
                                                      1, uint32_t(virtio_video::ParamType::EncoderBitrate)}))));
  expect_only_violation(r, "param-type-valid", Side::Driver);
  BOOST_CHECK_EQUAL(r.streams.at(0).report.raw_answers.at(0), "ERR_INVALID_ARGUMENT");
}
BOOST_AUTO_TEST_CASE(outputs_attached_after_drc_before_querying_the_format) {
  // The old 320x240 buffers are large enough for 176x144: the run completes, the order is wrong.
  const auto r = run("streams:\n" + stream("a", "attach_before_format_query: true"));
  expect_only_violation(r, "drc-format-queried", Side::Driver);
  BOOST_CHECK(r.outcome == scenarios::RunOutcome::Completed);
}
BOOST_AUTO_TEST_CASE(outputs_withheld_while_draining) {
  const auto r =
      run("streams:\n" + stream("a", "output_resources: 2, output_hold_us: 5000, no_outputs_during_drain: true"));
  expect_only_violation(r, "outputs-during-drain", Side::Driver);
  BOOST_CHECK(r.outcome == scenarios::RunOutcome::Deadlock);
}
BOOST_AUTO_TEST_CASE(input_buffers_smaller_than_the_format_says) {
  // The device takes any bitstream buffer that holds its unit; the driver still broke the format's minimum.
  const auto r = run("streams:\n" + stream("a", "undersized_inputs: true"));
  expect_only_violation(r, "backing-fits-format", Side::Driver);
  BOOST_CHECK(r.outcome == scenarios::RunOutcome::Completed);
}
BOOST_AUTO_TEST_CASE(stream_used_after_its_destroy) {
  const auto r = run("streams:\n" + stream("a", "use_after_destroy: true"));
  expect_only_violation(r, "no-use-after-destroy", Side::Driver);
  BOOST_CHECK_EQUAL(r.streams.at(0).report.raw_answers.at(0), "ERR_INVALID_STREAM_ID");
}

// ---- driver side, virtio 1.2 rings: the transport refuses the chain and names the rule ----

BOOST_AUTO_TEST_CASE(ring_writable_descriptor_first) {
  expect_only_violation(run_ring_breach("writable_first"), "ring-writable-after-readable", Side::Driver);
}
BOOST_AUTO_TEST_CASE(ring_buffer_outside_guest_memory) {
  expect_only_violation(run_ring_breach("buffer_outside_memory"), "ring-buffer-in-memory", Side::Driver);
}
BOOST_AUTO_TEST_CASE(ring_next_past_the_queue) {
  expect_only_violation(run_ring_breach("next_out_of_range"), "ring-next-in-range", Side::Driver);
}
BOOST_AUTO_TEST_CASE(ring_descriptor_loop) {
  const auto r = run_ring_breach("loop");
  expect_only_violation(r, "ring-no-loop", Side::Driver);
  BOOST_CHECK(r.outcome == scenarios::RunOutcome::Deadlock);  // the device needs a reset; nothing is answered
}
BOOST_AUTO_TEST_CASE(ring_chain_of_more_than_4_gib) {
  expect_only_violation(run_ring_breach("chain_over_4gib"), "ring-chain-bytes", Side::Driver);
}
BOOST_AUTO_TEST_CASE(ring_indirect_without_the_feature) {
  expect_only_violation(run_ring_breach("indirect_not_negotiated"), "ring-indirect-negotiated", Side::Driver);
}
BOOST_AUTO_TEST_CASE(ring_indirect_with_next) {
  expect_only_violation(run_ring_breach("indirect_with_next"), "ring-indirect-without-next", Side::Driver);
}
BOOST_AUTO_TEST_CASE(ring_nested_indirect) {
  expect_only_violation(run_ring_breach("nested_indirect"), "ring-indirect-not-nested", Side::Driver);
}
BOOST_AUTO_TEST_CASE(ring_indirect_table_not_whole_descriptors) {
  expect_only_violation(run_ring_breach("indirect_table_length"), "ring-indirect-table-size", Side::Driver);
}
BOOST_AUTO_TEST_CASE(ring_head_past_the_queue) {
  expect_only_violation(run_ring_breach("head_out_of_range"), "ring-head-in-range", Side::Driver);
}
BOOST_AUTO_TEST_CASE(ring_available_index_jumps_a_queue_ahead) {
  expect_only_violation(run_ring_breach("avail_idx_jump"), "ring-avail-idx-advance", Side::Driver);
}

// ---- driver side, the packed ring (virtio 1.2 §2.8) ----

BOOST_AUTO_TEST_CASE(packed_ring_clean_run) {
  const auto r = run("transport: {ring: packed}\nstreams:\n" + stream("a"));
  expect_clean(r);
  BOOST_CHECK(r.outcome == scenarios::RunOutcome::Completed);
}
BOOST_AUTO_TEST_CASE(packed_list_descriptor_with_the_wrong_wrap_counter) {
  expect_only_violation(run_packed_ring_breach("wrong_wrap_counter"), "packed-list-available", Side::Driver);
}
BOOST_AUTO_TEST_CASE(packed_avail_and_used_bits_equal) {
  expect_only_violation(run_packed_ring_breach("avail_used_mismatch"), "packed-avail-used-inverse", Side::Driver);
}
BOOST_AUTO_TEST_CASE(packed_buffer_id_reused_while_outstanding) {
  expect_only_violation(run_packed_ring_breach("id_reuse"), "packed-id-not-outstanding", Side::Driver);
}
BOOST_AUTO_TEST_CASE(packed_list_longer_than_the_ring) {
  expect_only_violation(run_packed_ring_breach("chain_over_ring"), "packed-list-length", Side::Driver);
}
BOOST_AUTO_TEST_CASE(packed_next_in_an_indirect_table) {
  expect_only_violation(run_packed_ring_breach("next_in_indirect"), "packed-indirect-flags", Side::Driver);
}
BOOST_AUTO_TEST_CASE(packed_indirect_descriptor_with_next) {
  expect_only_violation(run_packed_ring_breach("indirect_with_next"), "packed-indirect-alone", Side::Driver);
}
// The rules of both layouts, broken on the packed ring.
BOOST_AUTO_TEST_CASE(packed_writable_descriptor_first) {
  expect_only_violation(run_packed_ring_breach("writable_first"), "ring-writable-after-readable", Side::Driver);
}
BOOST_AUTO_TEST_CASE(packed_buffer_outside_guest_memory) {
  expect_only_violation(run_packed_ring_breach("buffer_outside_memory"), "ring-buffer-in-memory", Side::Driver);
}
BOOST_AUTO_TEST_CASE(packed_chain_of_more_than_4_gib) {
  expect_only_violation(run_packed_ring_breach("chain_over_4gib"), "ring-chain-bytes", Side::Driver);
}
BOOST_AUTO_TEST_CASE(packed_indirect_without_the_feature) {
  expect_only_violation(run_packed_ring_breach("indirect_not_negotiated"), "ring-indirect-negotiated", Side::Driver);
}
BOOST_AUTO_TEST_CASE(packed_nested_indirect) {
  expect_only_violation(run_packed_ring_breach("nested_indirect"), "packed-indirect-flags", Side::Driver);
}
BOOST_AUTO_TEST_CASE(packed_indirect_table_not_whole_descriptors) {
  expect_only_violation(run_packed_ring_breach("indirect_table_length"), "ring-indirect-table-size", Side::Driver);
}
BOOST_AUTO_TEST_CASE(breach_without_a_form_on_the_ring_is_refused_at_load) {
  for (const char* b : {"loop", "head_out_of_range"})
    BOOST_CHECK_THROW(run_packed_ring_breach(b), models::ProfileError);
  BOOST_CHECK_THROW(run_ring_breach("id_reuse"), models::ProfileError);
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
  // Keeps this file and the monitor's rule list (v6 and ring rules) in step: each rule id appears above.
  const std::string self = [] {
    std::ifstream f(std::string(VVSIM_SOURCE_DIR) + "/tests/scenarios/test_conformance.cpp");
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }();
  // A provoking test names the rule together with the side that breaks it.
  for (const auto& rule : virtio_video::conformance_rules()) {
    const std::string side = rule.side == Side::Driver ? "Driver" : "Device";
    BOOST_CHECK_MESSAGE(self.find(std::string("\"") + rule.id + "\", Side::" + side + ")") != std::string::npos,
                        "no test provokes " << rule.id << " on the " << side << " side");
  }
}
