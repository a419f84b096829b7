// What a command was and how it was answered, in a few fields: decoded from
// the bytes the driver wrote and the device answered, for traces and reports.
// A digest never fails: fields the bytes do not carry stay empty.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "models/protocols/v6/wire_bytes.h"
#include "models/protocols/v6/wire_constants.h"

namespace vvsim::virtio_video {

struct CommandDigest {
  uint32_t raw_type = 0;
  std::optional<uint32_t> stream_id;    // every command but QUERY_CAPS and CREATE
  std::optional<uint32_t> queue_type;   // ATTACH_BACKING, RESOURCE_QUEUE (raw)
  std::optional<uint32_t> resource_id;  // ATTACH_BACKING, RESOURCE_QUEUE
  std::optional<uint32_t> param_type;   // GET_PARAM, SET_PARAM (raw)
  std::optional<uint32_t> result;       // the response's result (raw); empty when none was written
};

// Fills everything but `result` from a command's bytes.
CommandDigest digest_command(ByteSpan command);
// The result of a response of `written` bytes (the first le32), if it has one.
std::optional<uint32_t> response_result(ByteSpan response);
// e.g. "RESOURCE_QUEUE OUTPUT #3", "STREAM_GET_PARAM 0x102", "command 0xffff".
std::string command_label(const CommandDigest& digest);
// e.g. "OK", "ERR_CANCELED", "result 0x999", "no response".
std::string result_label(const CommandDigest& digest);

}  // namespace vvsim::virtio_video
