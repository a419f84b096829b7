#include "models/protocols/v6/command_digest.h"

#include <fmt/format.h>

namespace vvsim::virtio_video {

namespace {

// Every v6 command but QUERY_CAPS and STREAM_CREATE starts with cmd_type, stream_id.
bool names_a_stream(CmdType type) { return type != CmdType::DeviceQueryCaps && type != CmdType::StreamCreate; }
bool names_a_resource(CmdType type) { return type == CmdType::ResourceAttachBacking || type == CmdType::ResourceQueue; }
bool names_a_parameter(CmdType type) { return type == CmdType::StreamGetParam || type == CmdType::StreamSetParam; }

std::optional<uint32_t> le32_field(ByteReader& in, const char* field) {
  if (!in.require(4, field)) return std::nullopt;
  return in.le32(field);
}

std::string queue_label(uint32_t raw) {
  const auto queue = queue_type_from_wire(raw);
  if (!queue) return fmt::format("queue {}", raw);
  return *queue == QueueType::Input ? "INPUT" : "OUTPUT";
}

}  // namespace

CommandDigest digest_command(ByteSpan command) {
  CommandDigest d;
  ByteReader in(command, "command");
  d.raw_type = in.le32("cmd_type");
  const auto type = cmd_type_from_wire(d.raw_type);
  if (in.failed() || !type || !names_a_stream(*type)) return d;
  d.stream_id = le32_field(in, "stream_id");
  if (names_a_resource(*type)) {
    d.queue_type = le32_field(in, "queue_type");
    d.resource_id = le32_field(in, "resource_id");
  } else if (names_a_parameter(*type)) {
    d.param_type = le32_field(in, "param_type");
  }
  return d;
}

std::optional<uint32_t> response_result(ByteSpan response) {
  ByteReader in(response, "response");
  return le32_field(in, "result");
}

std::string command_label(const CommandDigest& d) {
  const auto type = cmd_type_from_wire(d.raw_type);
  if (!type) return fmt::format("command {:#x}", d.raw_type);
  std::string label = cmd_type_name(*type);
  if (d.queue_type) label += " " + queue_label(*d.queue_type);
  if (d.resource_id) label += fmt::format(" #{}", *d.resource_id);
  if (d.param_type) label += fmt::format(" {:#x}", *d.param_type);
  return label;
}

std::string result_label(const CommandDigest& d) {
  if (!d.result) return "no response";
  const std::string name = result_name(static_cast<Result>(*d.result));  // "?" for a code v6 lacks
  if (name != "?") return name;
  return fmt::format("result {:#x}", *d.result);
}

}  // namespace vvsim::virtio_video
