#include "models/virtio_video/conformance_monitor.h"

#include <fmt/format.h>

#include <algorithm>

namespace vvsim::virtio_video {

namespace {

// Short v6 section names (the spec's \label paths, shortened).
constexpr const char* kDevOp = "v6 Device Operation";
constexpr const char* kCmdQueue = "v6 Device Operation: Command Virtqueue";
constexpr const char* kQueryCaps = "v6 VIRTIO_VIDEO_CMD_DEVICE_QUERY_CAPS";
constexpr const char* kCreate = "v6 VIRTIO_VIDEO_CMD_STREAM_CREATE";
constexpr const char* kDestroy = "v6 VIRTIO_VIDEO_CMD_STREAM_DESTROY";
constexpr const char* kDrain = "v6 VIRTIO_VIDEO_CMD_STREAM_DRAIN";
constexpr const char* kStop = "v6 VIRTIO_VIDEO_CMD_STREAM_STOP";
constexpr const char* kSetParam = "v6 VIRTIO_VIDEO_CMD_STREAM_SET_PARAM";
constexpr const char* kResources = "v6 Parameters: Resources parameters";
constexpr const char* kQueue = "v6 VIRTIO_VIDEO_CMD_RESOURCE_QUEUE";
constexpr const char* kEventq = "v6 Device Operation: Event Virtqueue";
constexpr const char* kDrc = "v6 Dynamic Resolution Change Event";

const std::vector<ConformanceRule> kRules = {
    {"writable-descriptor-size", Side::Driver, kDevOp,
     "commandq chains include a device-writable descriptor large enough for the response"},
    {"known-command-type", Side::Driver, kCmdQueue, "cmd_type is one of the v6 commands"},
    {"valid-stream-id", Side::Driver, kQueue, "stream_id is an ID previously returned by STREAM_CREATE"},
    {"eventq-stocked", Side::Driver, kEventq, "the eventq always has a buffer for an event"},
    {"response-in-first-writable", Side::Device, kDevOp,
     "the response is written in the first device-writable descriptor"},
    {"unknown-command-rejected", Side::Device, kCmdQueue, "an unknown command gets ERR_INVALID_COMMAND"},
    {"query-caps-size", Side::Device, kQueryCaps, "the QUERY_CAPS response is exactly caps_length bytes"},
    {"stream-id-unique", Side::Device, kCreate, "a stream ID is unique for as long as the stream lives"},
    {"destroy-cancels-first", Side::Device, kDestroy, "pending commands are CANCELED before DESTROY is answered"},
    {"destroyed-stream-rejected", Side::Device, kDestroy,
     "commands for a destroyed stream get ERR_INVALID_STREAM_ID"},
    {"drain-after-inputs", Side::Device, kDrain,
     "every INPUT RESOURCE_QUEUE sent before DRAIN is answered before DRAIN"},
    {"stop-cancels-first", Side::Device, kStop,
     "pending INPUT RESOURCE_QUEUE and DRAIN are CANCELED before STOP is answered"},
    {"set-param-no-error", Side::Device, kSetParam,
     "an unsupported value is adjusted to the closest supported one, not refused"},
    {"param-change-times", Side::Device, kResources,
     "resources/format parameters change only before the first QUEUE, after STOP (INPUT) or after DRC (OUTPUT)"},
    {"output-timestamp-copied", Side::Device, kQueue, "an output carries the timestamp of an input that produced it"},
    {"encoder-frame-flag", Side::Device, kQueue, "each encoder output has exactly one of KEY_FRAME, P_FRAME, B_FRAME"},
    {"outputs-before-drc", Side::Device, kDrc, "outputs of pre-change frames are returned before the DRC event"},
    {"reject-unattached-after-drc", Side::Device, kDrc,
     "after DRC an output without new backing is refused with ERR_INVALID_OPERATION"},
};

const ConformanceRule& rule(const char* id) {
  for (const auto& r : kRules)
    if (std::string(r.id) == id) return r;
  throw std::logic_error(std::string("no conformance rule ") + id);
}

size_t response_size(CmdType cmd, uint32_t caps_length) {
  return cmd == CmdType::DeviceQueryCaps ? caps_length : ok_response_size(cmd);
}

// The queue whose change windows a parameter follows; none for the bitrate.
std::optional<QueueType> param_queue(uint32_t raw) {
  switch (raw) {
    case uint32_t(ParamType::InputResources):
    case uint32_t(ParamType::DecoderInputFormat):
    case uint32_t(ParamType::EncoderInputFormat): return QueueType::Input;
    case uint32_t(ParamType::OutputResources):
    case uint32_t(ParamType::DecoderOutputFormat):
    case uint32_t(ParamType::EncoderOutputFormat): return QueueType::Output;
    default: return std::nullopt;
  }
}

bool param_valid_for(uint32_t raw, bool encoder) {
  const auto type = param_type_from_wire(raw);
  if (!type) return false;
  switch (*type) {
    case ParamType::InputResources:
    case ParamType::OutputResources: return true;
    case ParamType::DecoderInputFormat:
    case ParamType::DecoderOutputFormat: return !encoder;
    default: return encoder;
  }
}

std::string command_name(const std::optional<CmdType>& type, uint32_t raw) {
  return type ? cmd_type_name(*type) : fmt::format("command {:#x}", raw);
}

}  // namespace

const char* side_name(Side side) { return side == Side::Driver ? "driver" : "device"; }

const std::vector<ConformanceRule>& conformance_rules() { return kRules; }

ConformanceMonitor::ConformanceMonitor(uint32_t device_id, uint32_t caps_length)
    : device_id_(device_id), caps_length_(caps_length) {}

void ConformanceMonitor::report(uint64_t at_ps, const char* id, uint32_t stream, const std::string& command,
                                const std::string& detail) {
  const auto& r = rule(id);
  violations_.push_back({at_ps, r.id, r.side, r.section, stream, command, detail});
  if (callback_) callback_(violations_.back());
}

void ConformanceMonitor::on_chain_taken(uint64_t at_ps, uint32_t queue, const tlm_virtio::DescriptorChain& chain,
                                        const std::vector<uint8_t>& readable) {
  if (queue == kEventQueue) {
    eventq_empty_reported_ = false;
    return;
  }
  take_command(at_ps, chain, readable);
}

void ConformanceMonitor::take_command(uint64_t at_ps, const tlm_virtio::DescriptorChain& chain,
                                      const std::vector<uint8_t>& bytes) {
  Pending p;
  p.order = next_order_++;
  const ByteSpan in(bytes);
  if (auto code = decode_cmd_type(in)) {
    p.raw_type = *code;
    p.type = cmd_type_from_wire(*code);
  }
  const std::string name = command_name(p.type, p.raw_type);
  if (!p.type) report(at_ps, "known-command-type", 0, name, "not a v6 command code");
  // Every command but QUERY_CAPS and CREATE names its stream in the le32 after cmd_type.
  if (p.type && *p.type != CmdType::DeviceQueryCaps && *p.type != CmdType::StreamCreate && bytes.size() >= 8) {
    p.stream_id = uint32_t(bytes[4]) | uint32_t(bytes[5]) << 8 | uint32_t(bytes[6]) << 16 | uint32_t(bytes[7]) << 24;
    p.stream_was_closed = closed_.count(p.stream_id) && !alive_.count(p.stream_id);
    if (!created_.count(p.stream_id))
      report(at_ps, "valid-stream-id", p.stream_id, name, fmt::format("stream {} was never created", p.stream_id));
  }
  if (p.type) {
    const size_t needed = response_size(*p.type, caps_length_);
    const uint32_t first = chain.writable.empty() ? 0 : chain.writable.front().len;
    if (first < needed)
      report(at_ps, "writable-descriptor-size", p.stream_id, name,
             chain.writable.empty() ? "no device-writable descriptor"
                                    : fmt::format("first writable descriptor {} bytes, response needs {}", first, needed));
  }
  if (p.type == CmdType::ResourceQueue) {
    if (auto cmd = decode_resource_queue(in)) {
      p.queue = queue_type_from_wire(cmd->queue_type);
      p.resource_id = cmd->resource_id;
      if (auto it = alive_.find(p.stream_id); it != alive_.end() && p.queue) {
        StreamState& s = it->second;
        p.drc_count = s.drc_count;
        ChangeWindow& w = s.window(*p.queue);
        ++w.queued;
        p.window_epoch = w.epoch;
        if (*p.queue == QueueType::Input) {
          s.input_timestamps.insert(cmd->timestamp);
        } else {
          p.unattached_after_drc = s.drc_count > 0 && !s.reattached_outputs.count(p.resource_id);
        }
      }
    }
  } else if (p.type == CmdType::ResourceAttachBacking) {
    if (auto h = decode_attach_backing_header(in)) {
      p.queue = queue_type_from_wire(h->queue_type);
      p.resource_id = h->resource_id;
    }
  } else if (p.type == CmdType::StreamSetParam || p.type == CmdType::StreamGetParam) {
    if (bytes.size() >= 12) p.param_type = uint32_t(bytes[8]) | uint32_t(bytes[9]) << 8 | uint32_t(bytes[10]) << 16 |
                                           uint32_t(bytes[11]) << 24;
  }
  pending_[chain.head] = p;
}

bool ConformanceMonitor::pending_of(uint32_t stream, uint64_t before,
                                    const std::function<bool(const Pending&)>& which) const {
  return std::any_of(pending_.begin(), pending_.end(), [&](const auto& entry) {
    const Pending& q = entry.second;
    return q.stream_id == stream && q.order < before && which(q);
  });
}

void ConformanceMonitor::on_chain_returned(uint64_t at_ps, uint32_t queue, const tlm_virtio::DescriptorChain& chain,
                                           uint32_t written, const std::vector<uint8_t>& response) {
  if (queue == kEventQueue) return take_event(at_ps, response);
  auto it = pending_.find(chain.head);
  if (it == pending_.end()) return;  // the transport returns only chains it holds
  const Pending p = it->second;
  pending_.erase(it);
  const uint32_t first = chain.writable.empty() ? 0 : chain.writable.front().len;
  if (written > first)
    report(at_ps, "response-in-first-writable", p.stream_id, command_name(p.type, p.raw_type),
           fmt::format("{} bytes written, first writable descriptor holds {}", written, first));
  answer_command(at_ps, p, written, response);
}

void ConformanceMonitor::answer_command(uint64_t at_ps, const Pending& p, uint32_t written,
                                        const std::vector<uint8_t>& response) {
  const std::string name = command_name(p.type, p.raw_type);
  const auto result = decode_result(ByteSpan(response));
  if (!p.type) {
    if (!result || *result != Result::ErrInvalidCommand)
      report(at_ps, "unknown-command-rejected", 0, name,
             result ? fmt::format("answered {}", result_name(*result)) : "answered without a result");
    return;
  }
  if (!result) return;  // nothing readable to judge (already reported if the response spilled)
  if (p.stream_was_closed && *result != Result::ErrInvalidStreamId)
    report(at_ps, "destroyed-stream-rejected", p.stream_id, name,
           fmt::format("answered {} for a stream already gone", result_name(*result)));
  switch (*p.type) {
    case CmdType::DeviceQueryCaps:
      if (*result == Result::Ok && written != caps_length_)
        report(at_ps, "query-caps-size", 0, name, fmt::format("{} bytes, caps_length is {}", written, caps_length_));
      return;
    case CmdType::StreamCreate: {
      const auto resp = decode_stream_create_resp(ByteSpan(response));
      if (*result != Result::Ok || !resp) return;
      if (alive_.count(resp->stream_id))
        report(at_ps, "stream-id-unique", resp->stream_id, name,
               fmt::format("stream {} is still alive", resp->stream_id));
      alive_[resp->stream_id] = StreamState{};
      created_.insert(resp->stream_id);
      closed_.erase(resp->stream_id);
      return;
    }
    case CmdType::StreamSetParam: return answer_set_param(at_ps, p, *result);
    case CmdType::ResourceQueue: return answer_resource_queue(at_ps, p, response);
    case CmdType::ResourceAttachBacking:
      if (*result == Result::Ok && p.queue == QueueType::Output)
        if (auto s = alive_.find(p.stream_id); s != alive_.end()) s->second.reattached_outputs.insert(p.resource_id);
      return;
    default: return answer_stream_command(at_ps, p, *result);
  }
}

void ConformanceMonitor::answer_stream_command(uint64_t at_ps, const Pending& p, Result result) {
  if (result != Result::Ok) return;
  const std::string name = cmd_type_name(*p.type);
  auto is_queue = [](const Pending& q) { return q.type == CmdType::ResourceQueue; };
  auto is_input_queue = [](const Pending& q) { return q.type == CmdType::ResourceQueue && q.queue == QueueType::Input; };
  auto is_drain = [](const Pending& q) { return q.type == CmdType::StreamDrain; };
  if (*p.type == CmdType::StreamDestroy) {
    if (pending_of(p.stream_id, p.order, [&](const Pending& q) { return is_queue(q) || is_drain(q); }))
      report(at_ps, "destroy-cancels-first", p.stream_id, name, "answered while queue or drain commands were pending");
    alive_.erase(p.stream_id);
    closed_.insert(p.stream_id);
  } else if (*p.type == CmdType::StreamStop) {
    if (pending_of(p.stream_id, p.order, [&](const Pending& q) { return is_input_queue(q) || is_drain(q); }))
      report(at_ps, "stop-cancels-first", p.stream_id, name, "answered while INPUT queue or drain commands were pending");
    if (auto s = alive_.find(p.stream_id); s != alive_.end()) s->second.input.reopen();
  } else if (*p.type == CmdType::StreamDrain) {
    if (pending_of(p.stream_id, p.order, is_input_queue))
      report(at_ps, "drain-after-inputs", p.stream_id, name, "answered before an INPUT queued ahead of it");
  }
}

void ConformanceMonitor::answer_set_param(uint64_t at_ps, const Pending& p, Result result) {
  const std::string name = cmd_type_name(*p.type);
  if (result == Result::ErrInvalidArgument && param_valid_for(p.param_type, is_encoder())) {
    report(at_ps, "set-param-no-error", p.stream_id, name,
           fmt::format("parameter {:#x} refused with ERR_INVALID_ARGUMENT", p.param_type));
  }
  auto s = alive_.find(p.stream_id);
  const auto queue = param_queue(p.param_type);
  if (result != Result::Ok || s == alive_.end() || !queue) return;
  const bool input = *queue == QueueType::Input;
  if (!s->second.window(*queue).changeable()) {
    report(at_ps, "param-change-times", p.stream_id, name,
           fmt::format("parameter {:#x} changed while the {} queue is streaming", p.param_type, input ? "INPUT" : "OUTPUT"));
  }
  // A new resources value detaches the queue's backings: they must be attached again.
  if (!input && p.param_type == uint32_t(ParamType::OutputResources)) s->second.reattached_outputs.clear();
}

void ConformanceMonitor::answer_resource_queue(uint64_t at_ps, const Pending& p, const std::vector<uint8_t>& response) {
  const auto resp = decode_resource_queue_resp(ByteSpan(response));
  auto s = alive_.find(p.stream_id);
  if (!resp || s == alive_.end() || !p.queue) return;
  ChangeWindow& w = s->second.window(*p.queue);
  const bool refused = resp->result != Result::Ok && resp->result != Result::ErrCanceled;
  if (refused && w.epoch == p.window_epoch && w.queued > 0) --w.queued;  // a refused queue starts no streaming
  if (p.queue != QueueType::Output) return;
  const std::string name = cmd_type_name(*p.type);
  if (p.unattached_after_drc && resp->result != Result::ErrInvalidOperation && resp->result != Result::ErrCanceled) {
    report(at_ps, "reject-unattached-after-drc", p.stream_id, name,
           fmt::format("output {} answered {}", p.resource_id, result_name(resp->result)));
  }
  if (resp->result != Result::Ok) return;
  if (p.drc_count < s->second.drc_count && !p.unattached_after_drc) {
    report(at_ps, "outputs-before-drc", p.stream_id, name,
           fmt::format("output {} (ts {}) returned after the DRC event", p.resource_id, resp->timestamp));
  }
  if (!s->second.input_timestamps.count(resp->timestamp)) {
    report(at_ps, "output-timestamp-copied", p.stream_id, name,
           fmt::format("output {} carries timestamp {}, which no input had", p.resource_id, resp->timestamp));
  }
  const uint32_t kinds = resp->flags & (kDequeueFlagKeyFrame | kDequeueFlagPFrame | kDequeueFlagBFrame);
  if (is_encoder() && (kinds == 0 || (kinds & (kinds - 1)) != 0)) {
    report(at_ps, "encoder-frame-flag", p.stream_id, name, fmt::format("flags {:#x}", resp->flags));
  }
}

void ConformanceMonitor::take_event(uint64_t, const std::vector<uint8_t>& bytes) {
  const auto event = decode_event(ByteSpan(bytes));
  if (!event) return;
  auto s = alive_.find(event->stream_id);
  if (s == alive_.end()) return;
  if (event->type == EventType::Drc) {
    ++s->second.drc_count;
    s->second.output.reopen();
    s->second.reattached_outputs.clear();
  } else {  // an error event closes the stream
    alive_.erase(s);
    closed_.insert(event->stream_id);
  }
}

void ConformanceMonitor::on_queue_empty(uint64_t at_ps, uint32_t queue) {
  if (queue != kEventQueue || eventq_empty_reported_) return;
  eventq_empty_reported_ = true;  // once per episode: until the device finds a buffer again
  report(at_ps, "eventq-stocked", 0, "event", "an event was ready and the eventq had no buffer");
}

void ConformanceMonitor::on_reset(uint64_t) {
  pending_.clear();
  alive_.clear();
  created_.clear();
  closed_.clear();
  eventq_empty_reported_ = false;
}

}  // namespace vvsim::virtio_video
