#include "models/protocols/v6/conformance_monitor.h"

#include <fmt/format.h>

#include <algorithm>

#include "codec/image_layout.h"
#include "models/protocols/v6/command_digest.h"

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
constexpr const char* kErrorEvent = "v6 Error Event";
constexpr const char* kFeatureBits = "v6 Feature bits";
constexpr const char* kConfigLayout = "v6 Device configuration layout";
constexpr const char* kAttach = "v6 VIRTIO_VIDEO_CMD_RESOURCE_ATTACH_BACKING";
constexpr const char* kResourceCmds = "v6 RESOURCE_ATTACH_BACKING / RESOURCE_QUEUE";
constexpr const char* kParamCmds = "v6 STREAM_GET_PARAM / STREAM_SET_PARAM";
constexpr const char* kParameters = "v6 Parameters";
constexpr const char* kFormatParams = "v6 Parameters: Format parameters";

// The v6 feature bits that give resources memory (§Feature bits).
constexpr uint64_t kMemoryFeatures = 1ull << kFeatureResourceGuestPages | 1ull << kFeatureResourceVirtioObject;

const std::vector<ConformanceRule> kVideoRules = {
    {"memory-feature-negotiated", Side::Driver, kFeatureBits,
     "the driver negotiates RESOURCE_GUEST_PAGES or RESOURCE_VIRTIO_OBJECT"},
    {"contiguous-backing", Side::Driver, kFeatureBits,
     "without RESOURCE_NON_CONTIG every buffer is physically contiguous memory"},
    {"writable-descriptor-size", Side::Driver, kDevOp,
     "commandq chains include a device-writable descriptor large enough for the response"},
    {"known-command-type", Side::Driver, kCmdQueue, "cmd_type is one of the v6 commands"},
    {"valid-stream-id", Side::Driver, kQueue, "stream_id is an ID previously returned by STREAM_CREATE"},
    {"eventq-stocked", Side::Driver, kEventq, "the eventq always has a buffer for an event"},
    {"no-use-after-destroy", Side::Driver, kDestroy,
     "after the DESTROY answer the driver no longer uses the stream ID"},
    {"outputs-during-drain", Side::Driver, kDrain, "the driver keeps queueing outputs until the DRAIN answer"},
    {"param-type-valid", Side::Driver, kParamCmds, "param_type is a parameter of this device (decoder or encoder)"},
    {"valid-queue-type", Side::Driver, kResourceCmds, "queue_type is INPUT or OUTPUT"},
    {"resource-id-in-range", Side::Driver, kResourceCmds,
     "resource_id is below the number of resources currently allocated for the queue"},
    {"backing-count", Side::Driver, kAttach,
     "the resources array has one backing per buffer of the queue's current format"},
    {"backing-fits-format", Side::Driver, kFormatParams,
     "the driver complies with the format the device returned: each buffer holds its buffer_size (and offset)"},
    {"drc-format-queried", Side::Driver, kDrc,
     "after a DRC the driver queries the new output format before re-attaching outputs"},
    {"memory-feature-offered", Side::Device, kFeatureBits,
     "the device offers RESOURCE_GUEST_PAGES or RESOURCE_VIRTIO_OBJECT"},
    {"config-version", Side::Device, kConfigLayout, "the config space version is 0"},
    {"caps-length-matches", Side::Device, kConfigLayout,
     "caps_length equals the size of the QUERY_CAPS response its format counts give"},
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
    {"drain-once", Side::Device, kDrain, "a DRAIN while another DRAIN is in progress gets ERR_INVALID_OPERATION"},
    {"interrupted-drain-canceled", Side::Device, kDrain,
     "a DRAIN interrupted by STOP or DESTROY (its inputs CANCELED) is answered ERR_CANCELED"},
    {"stop-cancels-first", Side::Device, kStop,
     "pending INPUT RESOURCE_QUEUE and DRAIN are CANCELED before STOP is answered"},
    {"stop-keeps-outputs", Side::Device, kStop, "STOP leaves pending OUTPUT queue commands alone"},
    {"stop-not-blocked", Side::Device, kStop, "STOP is answered without depending on outputs being queued"},
    {"attach-times", Side::Device, kAttach,
     "ATTACH_BACKING outside its valid times (a resource queued since its backing could change) gets "
     "ERR_INVALID_OPERATION"},
    {"set-param-no-error", Side::Device, kSetParam,
     "an unsupported value is adjusted to the closest supported one, not refused"},
    {"param-defaults-valid", Side::Device, kParameters,
     "a parameter read before it is set holds a valid default (counts in range, offered memory type and formats)"},
    {"param-change-times", Side::Device, kResources,
     "resources/format parameters change only before the first QUEUE, after STOP (INPUT) or after DRC (OUTPUT)"},
    {"output-timestamp-copied", Side::Device, kQueue, "an output carries the timestamp of an input that produced it"},
    {"encoder-frame-flag", Side::Device, kQueue, "each encoder output has exactly one of KEY_FRAME, P_FRAME, B_FRAME"},
    {"error-event-cancels-first", Side::Device, kErrorEvent,
     "the stream's pending DRAIN and RESOURCE_QUEUE commands are CANCELED before its error event"},
    {"outputs-before-drc", Side::Device, kDrc, "outputs of pre-change frames are returned before the DRC event"},
    {"reject-unattached-after-drc", Side::Device, kDrc,
     "after DRC an output without new backing is refused with ERR_INVALID_OPERATION"},
};

// The v6 rules, then the transport's ring rules (named with their virtio 1.2 section).
const std::vector<ConformanceRule>& all_rules() {
  static const std::vector<ConformanceRule> rules = [] {
    std::vector<ConformanceRule> out = kVideoRules;
    out.insert(out.end(), tlm_virtio::ring_rules().begin(), tlm_virtio::ring_rules().end());
    return out;
  }();
  return rules;
}

const ConformanceRule& rule(const char* id) {
  for (const auto& r : all_rules())
    if (std::string(r.id) == id) return r;
  throw std::logic_error(std::string("no conformance rule ") + id);
}

bool lists_fourcc(const std::vector<FormatDesc>& formats, const Fourcc& fourcc) {
  return std::any_of(formats.begin(), formats.end(), [&](const FormatDesc& f) { return f.fourcc == fourcc; });
}

// Whether entries of a backing follow one another in guest memory.
bool physically_contiguous(const std::vector<SgEntry>& entries) {
  for (size_t i = 1; i < entries.size(); ++i)
    if (entries[i - 1].addr + entries[i - 1].length != entries[i].addr) return false;
  return true;
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

const std::vector<ConformanceRule>& conformance_rules() { return all_rules(); }

ConformanceMonitor::ConformanceMonitor(uint32_t device_id, const Config& config)
    : device_id_(device_id), config_(config) {}

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
  p.taken_ps = at_ps;
  const ByteSpan in(bytes);
  if (auto code = decode_cmd_type(in)) {
    p.raw_type = *code;
    p.type = cmd_type_from_wire(*code);
  }
  const std::string name = command_name(p.type, p.raw_type);
  if (!p.type) report(at_ps, "known-command-type", 0, name, "not a v6 command code");
  if (const auto stream_id = digest_command(in).stream_id) {  // every command but QUERY_CAPS and CREATE
    p.stream_id = *stream_id;
    p.stream_was_closed = closed_.count(p.stream_id) && !alive_.count(p.stream_id);
    if (!created_.count(p.stream_id))
      report(at_ps, "valid-stream-id", p.stream_id, name, fmt::format("stream {} was never created", p.stream_id));
    if (destroyed_.count(p.stream_id))
      report(at_ps, "no-use-after-destroy", p.stream_id, name,
             fmt::format("stream {} was destroyed (its DESTROY answered)", p.stream_id));
  }
  if (p.type) {
    const size_t needed = response_size(*p.type, config_.caps_length);
    const uint32_t first = chain.writable.empty() ? 0 : chain.writable.front().len;
    if (first < needed)
      report(at_ps, "writable-descriptor-size", p.stream_id, name,
             chain.writable.empty() ? "no device-writable descriptor"
                                    : fmt::format("first writable descriptor {} bytes, response needs {}", first, needed));
  }
  auto stream = alive_.find(p.stream_id);
  if (p.type == CmdType::ResourceQueue) {
    if (auto cmd = decode_resource_queue(in)) {
      p.queue = queue_type_from_wire(cmd->queue_type);
      p.resource_id = cmd->resource_id;
      check_resource_target(at_ps, p, cmd->queue_type);
      if (stream != alive_.end() && p.queue) {
        StreamState& s = stream->second;
        p.drc_count = s.drc_count;
        ChangeWindow& w = s.window(*p.queue);
        ++w.queued;
        p.window_epoch = w.epoch;
        p.newly_queued = s.attach_closed(*p.queue).insert(p.resource_id).second;
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
      check_resource_target(at_ps, p, h->queue_type);
      check_backing(at_ps, p, in);
      if (stream != alive_.end() && p.queue) p.attach_out_of_window = !attach_allowed(stream->second, p);
    }
  } else if (p.type == CmdType::StreamStop && stream != alive_.end()) {
    p.drc_count = stream->second.drc_count;
  } else if (p.type == CmdType::StreamSetParam || p.type == CmdType::StreamGetParam) {
    if (auto cmd = decode_get_param(in)) {  // SET_PARAM starts with the same fields
      p.param_type = cmd->param_type;
      if (!param_valid_for(p.param_type, is_encoder()))
        report(at_ps, "param-type-valid", p.stream_id, name,
               fmt::format("parameter {:#x} is not a {} parameter", p.param_type, is_encoder() ? "encoder" : "decoder"));
      const bool output_format = p.param_type == uint32_t(ParamType::DecoderOutputFormat);
      if (p.type == CmdType::StreamGetParam && output_format && stream != alive_.end())
        stream->second.format_query_owed = false;
    }
  }
  pending_[chain.id] = p;
}

void ConformanceMonitor::check_resource_target(uint64_t at_ps, const Pending& p, uint32_t raw_queue_type) {
  const std::string name = cmd_type_name(*p.type);
  if (!queue_type_from_wire(raw_queue_type)) {
    report(at_ps, "valid-queue-type", p.stream_id, name, fmt::format("queue_type {}", raw_queue_type));
    return;
  }
  auto s = alive_.find(p.stream_id);
  if (s == alive_.end()) return;
  const auto& resources = s->second.params(*p.queue).resources;
  if (resources && p.resource_id >= resources->num_resources)
    report(at_ps, "resource-id-in-range", p.stream_id, name,
           fmt::format("resource_id {} on a queue of {} resources", p.resource_id, resources->num_resources));
}

void ConformanceMonitor::check_backing(uint64_t at_ps, const Pending& p, ByteSpan bytes) {
  auto it = alive_.find(p.stream_id);
  if (it == alive_.end() || !p.queue) return;
  StreamState& s = it->second;
  const std::string name = cmd_type_name(*p.type);
  if (*p.queue == QueueType::Output && s.format_query_owed) {
    report(at_ps, "drc-format-queried", p.stream_id, name,
           fmt::format("output {} attached after a DRC with no GET_PARAM of the output format since", p.resource_id));
    s.format_query_owed = false;  // once per DRC
  }
  const QueueParams& q = s.params(*p.queue);
  const auto needs = buffer_needs(q, *p.queue);
  if (!q.resources || !needs) return;  // the driver never read what the queue takes: nothing to judge against
  const auto buffers = static_cast<uint32_t>(needs->size());
  const auto cmd = decode_attach_backing(bytes, static_cast<MemType>(q.resources->mem_type), buffers);
  if (!cmd) {
    report(at_ps, "backing-count", p.stream_id, name,
           fmt::format("resource {}: the format needs {} backing(s): {}", p.resource_id, buffers, cmd.error()));
    return;
  }
  for (size_t i = 0; i < cmd->resources.size(); ++i) {
    const auto* entries = std::get_if<std::vector<SgEntry>>(&cmd->resources[i]);
    if (!entries) continue;  // a virtio object's memory is its exporter's business
    if (!negotiated(kFeatureResourceNonContig) && !physically_contiguous(*entries))
      report(at_ps, "contiguous-backing", p.stream_id, name,
             fmt::format("resource {} buffer {}: {} entries that are not adjacent, RESOURCE_NON_CONTIG not negotiated",
                         p.resource_id, i, entries->size()));
    if (total_length(*entries) < (*needs)[i])
      report(at_ps, "backing-fits-format", p.stream_id, name,
             fmt::format("resource {} buffer {}: {} bytes, the format the device returned needs {}", p.resource_id, i,
                         total_length(*entries), (*needs)[i]));
  }
}

// A bitstream is one buffer of at least buffer_size. An image format's plane i
// lies at its offset in buffer i, or in buffer 0 when the format has one buffer.
std::optional<std::vector<uint64_t>> ConformanceMonitor::buffer_needs(const QueueParams& q, QueueType queue) const {
  if (queue != image_queue()) return std::vector<uint64_t>{q.bitstream_buffer_size};
  if (!q.image_format) return std::nullopt;
  const auto format = codec::image_format_from_fourcc(fourcc_string(q.image_format->fourcc));
  if (!format) return std::nullopt;
  std::vector<uint64_t> needs(codec::buffer_count(*format), 0);
  for (uint32_t i = 0; i < codec::plane_count(*format) && i < kMaxPlanes; ++i) {
    const PlaneFormat& plane = q.image_format->planes[i];
    uint64_t& need = needs[std::min<size_t>(needs.size() == 1 ? 0 : i, needs.size() - 1)];
    need = std::max<uint64_t>(need, uint64_t(plane.offset) + plane.buffer_size);
  }
  return needs;
}

// §ATTACH_BACKING valid times: before the resource's first QUEUE since its
// window opened; with RESOURCE_DYNAMIC also whenever it is not queued.
bool ConformanceMonitor::attach_allowed(const StreamState& s, const Pending& attach) const {
  if (!s.attach_closed(*attach.queue).count(attach.resource_id)) return true;
  if (!negotiated(kFeatureResourceDynamic)) return false;
  return !pending_of(attach.stream_id, attach.order, [&](const Pending& q) {
    return q.type == CmdType::ResourceQueue && q.queue == attach.queue && q.resource_id == attach.resource_id;
  });
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
  auto it = pending_.find(chain.id);
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
    case CmdType::DeviceQueryCaps: return answer_query_caps(at_ps, *result, written, response);
    case CmdType::StreamCreate: {
      const auto resp = decode_stream_create_resp(ByteSpan(response));
      if (*result != Result::Ok || !resp) return;
      if (alive_.count(resp->stream_id))
        report(at_ps, "stream-id-unique", resp->stream_id, name,
               fmt::format("stream {} is still alive", resp->stream_id));
      alive_[resp->stream_id] = StreamState{};
      created_.insert(resp->stream_id);
      closed_.erase(resp->stream_id);
      destroyed_.erase(resp->stream_id);
      return;
    }
    case CmdType::StreamGetParam: return answer_get_param(at_ps, p, response);
    case CmdType::StreamSetParam: return answer_set_param(at_ps, p, *result, response);
    case CmdType::ResourceQueue: return answer_resource_queue(at_ps, p, response);
    case CmdType::ResourceAttachBacking:
      if (*result != Result::Ok) return;
      if (p.attach_out_of_window)
        report(at_ps, "attach-times", p.stream_id, name,
               fmt::format("resource {} re-attached while it may still be in use (queued since its backing could "
                           "last change)",
                           p.resource_id));
      if (p.queue == QueueType::Output)
        if (auto s = alive_.find(p.stream_id); s != alive_.end()) s->second.reattached_outputs.insert(p.resource_id);
      return;
    case CmdType::StreamDrain: check_drain_answer(at_ps, p, *result); [[fallthrough]];
    default: return answer_stream_command(at_ps, p, *result);
  }
}

void ConformanceMonitor::answer_query_caps(uint64_t at_ps, Result result, uint32_t written,
                                           const std::vector<uint8_t>& response) {
  if (result != Result::Ok) return;
  const std::string name = cmd_type_name(CmdType::DeviceQueryCaps);
  if (written != config_.caps_length)
    report(at_ps, "query-caps-size", 0, name, fmt::format("{} bytes, caps_length is {}", written, config_.caps_length));
  const auto caps = decode_query_caps_resp(ByteSpan(response));
  if (!caps) return;
  const size_t size = query_caps_resp_size(caps->bitstream_formats.size(), caps->image_formats.size());
  if (size != config_.caps_length)
    report(at_ps, "caps-length-matches", 0, name,
           fmt::format("caps_length {}, but {} bitstream and {} image formats make a {}-byte response",
                       config_.caps_length, caps->bitstream_formats.size(), caps->image_formats.size(), size));
  caps_ = *caps;
}

void ConformanceMonitor::check_drain_answer(uint64_t at_ps, const Pending& p, Result result) {
  const std::string name = cmd_type_name(*p.type);
  auto is_drain = [](const Pending& q) { return q.type == CmdType::StreamDrain; };
  if (result != Result::ErrInvalidOperation && pending_of(p.stream_id, p.order, is_drain))
    report(at_ps, "drain-once", p.stream_id, name,
           fmt::format("answered {} while an earlier DRAIN of the stream is in progress", result_name(result)));
  if (p.earlier_input_canceled && result != Result::ErrCanceled)
    report(at_ps, "interrupted-drain-canceled", p.stream_id, name,
           fmt::format("answered {} after inputs queued before it were CANCELED", result_name(result)));
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
    destroyed_.insert(p.stream_id);
  } else if (*p.type == CmdType::StreamStop) {
    if (pending_of(p.stream_id, p.order, [&](const Pending& q) { return is_input_queue(q) || is_drain(q); }))
      report(at_ps, "stop-cancels-first", p.stream_id, name, "answered while INPUT queue or drain commands were pending");
    if (auto s = alive_.find(p.stream_id); s != alive_.end()) {
      const bool outputs_kept = p.earlier_outputs_canceled == 0 || p.drc_count < s->second.drc_count;
      if (!outputs_kept)  // (a DRC since, not the STOP, may have canceled them)
        report(at_ps, "stop-keeps-outputs", p.stream_id, name,
               fmt::format("{} OUTPUT queue command(s) CANCELED by the STOP", p.earlier_outputs_canceled));
      s->second.input.reopen();
      s->second.input_attach_closed.clear();
    }
  } else if (*p.type == CmdType::StreamDrain) {
    if (pending_of(p.stream_id, p.order, is_input_queue))
      report(at_ps, "drain-after-inputs", p.stream_id, name, "answered before an INPUT queued ahead of it");
  }
}

// What a GET/SET_PARAM answer tells of a queue: its resources and its format.
void ConformanceMonitor::learn_param(StreamState& s, uint32_t raw_type, const StreamParamValue& value) {
  if (raw_type == uint32_t(ParamType::InputResources) || raw_type == uint32_t(ParamType::OutputResources)) {
    const QueueType q = raw_type == uint32_t(ParamType::InputResources) ? QueueType::Input : QueueType::Output;
    s.params(q).resources = std::get<ParamsResources>(value);
  } else if (const auto* image = std::get_if<ParamsImageFormat>(&value)) {
    s.params(image_queue()).image_format = *image;
  } else if (const auto* bitstream = std::get_if<ParamsBitstreamFormat>(&value)) {
    s.params(image_queue() == QueueType::Input ? QueueType::Output : QueueType::Input).bitstream_buffer_size =
        bitstream->buffer_size;
  }
}

// Why a parameter value is not a valid default; empty when it is.
std::string ConformanceMonitor::invalid_default(const StreamParamValue& value) const {
  if (const auto* r = std::get_if<ParamsResources>(&value)) {
    // A memory type the device offers; with none offered (memory-feature-offered), any defined one.
    const uint64_t offered = offered_features_ & kMemoryFeatures ? offered_features_ : kMemoryFeatures;
    const bool pages = r->mem_type == uint8_t(MemType::GuestPages) && (offered >> kFeatureResourceGuestPages & 1u);
    const bool objects = r->mem_type == uint8_t(MemType::VirtioObject) && (offered >> kFeatureResourceVirtioObject & 1u);
    if (!pages && !objects) return fmt::format("mem_type {} is not a memory type the device offers", r->mem_type);
    if (r->min_resources > r->max_resources ||
        (r->num_resources != 0 && (r->num_resources < r->min_resources || r->num_resources > r->max_resources)))
      return fmt::format("num_resources {} outside [{}, {}]", r->num_resources, r->min_resources, r->max_resources);
  } else if (const auto* b = std::get_if<ParamsBitstreamFormat>(&value)) {
    if (caps_ && !lists_fourcc(caps_->bitstream_formats, b->fourcc))
      return fmt::format("bitstream format '{}' is not in QUERY_CAPS", fourcc_string(b->fourcc));
  } else if (const auto* i = std::get_if<ParamsImageFormat>(&value)) {
    if (caps_ && !lists_fourcc(caps_->image_formats, i->fourcc))
      return fmt::format("image format '{}' is not in QUERY_CAPS", fourcc_string(i->fourcc));
  } else if (const auto* rate = std::get_if<ParamsBitrate>(&value)) {
    if (rate->bitrate < rate->min_bitrate || rate->bitrate > rate->max_bitrate)
      return fmt::format("bitrate {} outside [{}, {}]", rate->bitrate, rate->min_bitrate, rate->max_bitrate);
  }
  return {};
}

void ConformanceMonitor::answer_get_param(uint64_t at_ps, const Pending& p, const std::vector<uint8_t>& response) {
  const auto type = param_type_from_wire(p.param_type);
  auto s = alive_.find(p.stream_id);
  if (!type || !param_valid_for(p.param_type, is_encoder()) || s == alive_.end()) return;
  const auto resp = decode_param_resp(*type, ByteSpan(response));
  if (!resp || resp->result != Result::Ok) return;
  learn_param(s->second, p.param_type, resp->param);
  if (s->second.params_set.count(p.param_type)) return;  // set by the driver: no longer the default
  if (const std::string why = invalid_default(resp->param); !why.empty())
    report(at_ps, "param-defaults-valid", p.stream_id, cmd_type_name(*p.type),
           fmt::format("parameter {:#x}, never set: {}", p.param_type, why));
}

void ConformanceMonitor::answer_set_param(uint64_t at_ps, const Pending& p, Result result,
                                          const std::vector<uint8_t>& response) {
  const std::string name = cmd_type_name(*p.type);
  if (result == Result::ErrInvalidArgument && param_valid_for(p.param_type, is_encoder())) {
    report(at_ps, "set-param-no-error", p.stream_id, name,
           fmt::format("parameter {:#x} refused with ERR_INVALID_ARGUMENT", p.param_type));
  }
  auto s = alive_.find(p.stream_id);
  if (result != Result::Ok || s == alive_.end() || !param_valid_for(p.param_type, is_encoder())) return;
  s->second.params_set.insert(p.param_type);
  if (const auto resp = decode_param_resp(*param_type_from_wire(p.param_type), ByteSpan(response)))
    learn_param(s->second, p.param_type, resp->param);
  const auto queue = param_queue(p.param_type);
  if (!queue) return;
  const bool input = *queue == QueueType::Input;
  if (!s->second.window(*queue).changeable()) {
    report(at_ps, "param-change-times", p.stream_id, name,
           fmt::format("parameter {:#x} changed while the {} queue is streaming", p.param_type, input ? "INPUT" : "OUTPUT"));
  }
  // A new resources value detaches the queue's backings: they must be attached again.
  const bool resources = p.param_type == uint32_t(ParamType::InputResources) ||
                         p.param_type == uint32_t(ParamType::OutputResources);
  if (resources) s->second.attach_closed(*queue).clear();
  if (!input && p.param_type == uint32_t(ParamType::OutputResources)) s->second.reattached_outputs.clear();
}

void ConformanceMonitor::answer_resource_queue(uint64_t at_ps, const Pending& p, const std::vector<uint8_t>& response) {
  const auto resp = decode_resource_queue_resp(ByteSpan(response));
  auto s = alive_.find(p.stream_id);
  if (!resp || s == alive_.end() || !p.queue) return;
  ChangeWindow& w = s->second.window(*p.queue);
  const bool refused = resp->result != Result::Ok && resp->result != Result::ErrCanceled;
  if (refused && w.epoch == p.window_epoch && w.queued > 0) --w.queued;  // a refused queue starts no streaming
  if (refused && p.newly_queued) s->second.attach_closed(*p.queue).erase(p.resource_id);
  if (resp->result == Result::ErrCanceled) note_canceled(p);
  if (p.queue == QueueType::Input) return;
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

// An INPUT canceled interrupts the DRAINs taken after it (only STOP and
// DESTROY cancel inputs); an OUTPUT canceled counts against the STOPs after it.
void ConformanceMonitor::note_canceled(const Pending& queued) {
  for (auto& [id, q] : pending_) {
    if (q.stream_id != queued.stream_id || q.order < queued.order) continue;
    if (q.type == CmdType::StreamDrain && queued.queue == QueueType::Input) q.earlier_input_canceled = true;
    if (q.type == CmdType::StreamStop && queued.queue == QueueType::Output) ++q.earlier_outputs_canceled;
  }
}

void ConformanceMonitor::take_event(uint64_t at_ps, const std::vector<uint8_t>& bytes) {
  const auto event = decode_event(ByteSpan(bytes));
  if (!event) return;
  auto s = alive_.find(event->stream_id);
  if (s == alive_.end()) return;
  if (event->type == EventType::Drc) {
    ++s->second.drc_count;
    s->second.output.reopen();
    s->second.reattached_outputs.clear();
    s->second.output_attach_closed.clear();
    s->second.format_query_owed = true;
  } else {  // an error event closes the stream
    auto is_queue_or_drain = [](const Pending& q) {
      return q.type == CmdType::ResourceQueue || q.type == CmdType::StreamDrain;
    };
    if (pending_of(event->stream_id, next_order_, is_queue_or_drain))
      report(at_ps, "error-event-cancels-first", event->stream_id, "event",
             "error event returned while queue or drain commands of the stream were pending");
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
  destroyed_.clear();
  eventq_empty_reported_ = false;
}

void ConformanceMonitor::on_features_ok(uint64_t at_ps, uint64_t offered, uint64_t accepted) {
  offered_features_ = offered;
  accepted_features_ = accepted;
  if (config_.version != kProtocolVersion)
    report(at_ps, "config-version", 0, "config", fmt::format("version {}, the v6 protocol is {}", config_.version,
                                                             kProtocolVersion));
  if (!(offered & kMemoryFeatures)) {
    report(at_ps, "memory-feature-offered", 0, "features", fmt::format("offered {:#x}", offered));
  } else if (!(accepted & kMemoryFeatures)) {  // with none offered, the driver could not comply
    report(at_ps, "memory-feature-negotiated", 0, "features", fmt::format("negotiated {:#x}", accepted));
  }
}

void ConformanceMonitor::on_ring_violation(const tlm_virtio::RingViolation& v) {
  report(v.at_ps, v.rule->id, 0, fmt::format("queue {}", v.queue), v.detail);
}

// Rules only the end of a run shows. §STREAM_DRAIN: "The driver MUST keep
// queueing output resources until it gets the response": a DRAIN still pending
// while the device holds none of the stream's outputs. §STREAM_STOP: a STOP
// still unanswered.
void ConformanceMonitor::on_run_idle(uint64_t at_ps) {
  auto is_output_queue = [](const Pending& q) {
    return q.type == CmdType::ResourceQueue && q.queue == QueueType::Output;
  };
  for (const auto& [id, p] : pending_) {
    if (!alive_.count(p.stream_id)) continue;
    if (p.type == CmdType::StreamStop)  // §STREAM_STOP: "not be dependent on output resources being queued"
      report(at_ps, "stop-not-blocked", p.stream_id, cmd_type_name(*p.type),
             fmt::format("STOP taken at {} ns never answered; nothing is left to happen", p.taken_ps / 1000));
    if (p.type != CmdType::StreamDrain || pending_of(p.stream_id, next_order_, is_output_queue)) continue;
    report(at_ps, "outputs-during-drain", p.stream_id, cmd_type_name(*p.type),
           fmt::format("DRAIN pending since {} ns; the device holds no output of the stream and nothing is left to "
                       "happen",
                       p.taken_ps / 1000));
  }
}

}  // namespace vvsim::virtio_video
