// The v6 monitor's take side: what each command tells and breaks as the device
// takes it, the eventq, features, reset and the end of a run (answers:
// conformance_answers.cpp; the rule table: conformance_rules.cpp).
#include "models/protocols/v6/conformance_monitor.h"

#include <fmt/format.h>

#include <algorithm>

#include "codec/image_layout.h"
#include "models/protocols/v6/command_digest.h"

namespace vvsim::virtio_video {

namespace {

// Whether entries of a backing follow one another in guest memory.
bool physically_contiguous(const std::vector<SgEntry>& entries) {
  for (size_t i = 1; i < entries.size(); ++i)
    if (entries[i - 1].addr + entries[i - 1].length != entries[i].addr) return false;
  return true;
}

size_t response_size(CmdType cmd, uint32_t caps_length) {
  return cmd == CmdType::DeviceQueryCaps ? caps_length : ok_response_size(cmd);
}

}  // namespace

ConformanceMonitor::ConformanceMonitor(uint32_t device_id, const Config& config)
    : log_(conformance_registry()), role_(role_of_device_id(device_id)), config_(config) {}

void ConformanceMonitor::report(uint64_t at_ps, const char* id, uint32_t stream, const std::string& command,
                                const std::string& detail) {
  log_.report(at_ps, id, stream, command, detail);
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
  if (const auto stream_id = digest_command(in).stream_id) take_stream_use(at_ps, p, *stream_id, name);
  if (p.type) {
    const size_t needed = response_size(*p.type, config_.caps_length);
    const uint32_t first = conformance::first_writable_len(chain);
    if (first < needed)
      report(at_ps, "writable-descriptor-size", p.stream_id, name,
             chain.writable.empty() ? "no device-writable descriptor"
                                    : fmt::format("first writable descriptor {} bytes, response needs {}", first, needed));
  }
  auto stream = alive_.find(p.stream_id);
  if (p.type == CmdType::ResourceQueue) {
    take_resource_queue(at_ps, p, in);
  } else if (p.type == CmdType::ResourceAttachBacking) {
    take_attach_backing(at_ps, p, in);
  } else if (p.type == CmdType::StreamStop && stream != alive_.end()) {
    p.drc_count = stream->second.drc_count;
  } else if (p.type == CmdType::StreamSetParam || p.type == CmdType::StreamGetParam) {
    take_param_command(at_ps, p, in, name);
  }
  pending_[chain.id] = p;
}

// Every command but QUERY_CAPS and CREATE names a stream.
void ConformanceMonitor::take_stream_use(uint64_t at_ps, Pending& p, uint32_t stream_id, const std::string& name) {
  p.stream_id = stream_id;
  p.stream_was_closed = closed_.count(p.stream_id) && !alive_.count(p.stream_id);
  if (!created_.count(p.stream_id))
    report(at_ps, "valid-stream-id", p.stream_id, name, fmt::format("stream {} was never created", p.stream_id));
  if (destroyed_.count(p.stream_id))
    report(at_ps, "no-use-after-destroy", p.stream_id, name,
           fmt::format("stream {} was destroyed (its DESTROY answered)", p.stream_id));
}

void ConformanceMonitor::take_resource_queue(uint64_t at_ps, Pending& p, ByteSpan in) {
  const auto cmd = decode_resource_queue(in);
  if (!cmd) return;
  p.queue = queue_type_from_wire(cmd->queue_type);
  p.resource_id = cmd->resource_id;
  check_resource_target(at_ps, p, cmd->queue_type);
  auto stream = alive_.find(p.stream_id);
  if (stream == alive_.end() || !p.queue) return;
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

void ConformanceMonitor::take_attach_backing(uint64_t at_ps, Pending& p, ByteSpan in) {
  const auto h = decode_attach_backing_header(in);
  if (!h) return;
  p.queue = queue_type_from_wire(h->queue_type);
  p.resource_id = h->resource_id;
  check_resource_target(at_ps, p, h->queue_type);
  check_backing(at_ps, p, in);
  auto stream = alive_.find(p.stream_id);
  if (stream != alive_.end() && p.queue) p.attach_out_of_window = !attach_allowed(stream->second, p);
}

void ConformanceMonitor::take_param_command(uint64_t at_ps, Pending& p, ByteSpan in, const std::string& name) {
  const auto cmd = decode_get_param(in);  // SET_PARAM starts with the same fields
  if (!cmd) return;
  p.param_type = cmd->param_type;
  if (!param_of_role(role_, p.param_type).has_value())
    report(at_ps, "param-type-valid", p.stream_id, name,
           fmt::format("parameter {:#x} is not a {} parameter", p.param_type, role_name(role_)));
  const bool output_format = p.param_type == uint32_t(ParamType::DecoderOutputFormat);
  auto stream = alive_.find(p.stream_id);
  if (p.type == CmdType::StreamGetParam && output_format && stream != alive_.end())
    stream->second.format_query_owed = false;
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
           fmt::format("resource {}: the format needs {} backing(s): {}", p.resource_id, buffers, cmd.error().message));
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
  if (queue != image_queue(role_)) return std::vector<uint64_t>{q.bitstream_buffer_size};
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

void ConformanceMonitor::on_ring_violation(const tlm_virtio::RingViolation& v) { log_.report_ring(v); }

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
