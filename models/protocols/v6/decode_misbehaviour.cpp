#include "models/protocols/v6/decode_misbehaviour.h"

namespace vvsim::virtio_video {

namespace {

const char* result_name_of(const std::vector<uint8_t>& response) {
  return result_name(result_or_invalid(ByteSpan(response)));
}

std::string answer_name(const std::vector<uint8_t>& response) {
  return response.size() >= 4 ? result_name_of(response) : "no answer bytes";
}

std::vector<uint8_t> drain_command(uint32_t stream) { return to_bytes(StreamCmd{CmdType::StreamDrain, stream}); }

}  // namespace

DecodeMisbehaviour::DecodeMisbehaviour(guest::Misbehaviour departures)
    : departures_(std::move(departures)), damage_(departures_.corrupt_units) {}

uint32_t DecodeMisbehaviour::input_buffer_size(uint32_t device_size) const {
  return departures_.undersized_inputs ? device_size / 2 : device_size;
}

const std::vector<uint8_t>& DecodeMisbehaviour::unit_bytes(size_t index, const std::vector<uint8_t>& data) {
  return damage_.bytes(index, data);
}

bool DecodeMisbehaviour::attaches_before_format_query(bool after_drc) const {
  return departures_.attach_before_format_query && after_drc;
}

bool DecodeMisbehaviour::withholds_outputs(bool draining) const {
  return departures_.no_outputs_during_drain && draining;
}

void DecodeMisbehaviour::before_reattach(const std::function<void()>& queue_stale_output) const {
  if (departures_.requeue_before_reattach) queue_stale_output();
}

void DecodeMisbehaviour::after_setup(VideoDriver& driver, std::vector<std::string>& answers) const {
  for (const auto& raw : departures_.raw_commands) {
    const auto room = departures_.raw_response_bytes.value_or(
        static_cast<uint32_t>(raw_response_capacity(ByteSpan(raw), driver.config().caps_length)));
    answers.push_back(answer_name(driver.call(raw, room)));
  }
}

bool DecodeMisbehaviour::after_drain_submitted(VideoDriver& driver, uint32_t stream) {
  if (departures_.double_drain) second_drain_ticket_ = driver.submit(drain_command(stream), 4);
  return departures_.destroy_during_drain;
}

void DecodeMisbehaviour::after_destroy(VideoDriver& driver, uint32_t stream, std::vector<std::string>& answers) {
  if (second_drain_ticket_ != 0)  // refused at once, long answered
    answers.push_back(result_name_of(driver.wait(second_drain_ticket_)->response));
  if (departures_.use_after_destroy) answers.push_back(result_name_of(driver.call(drain_command(stream), 4)));
}

}  // namespace vvsim::virtio_video
