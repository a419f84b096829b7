// The v6 monitor's answer side: what each response, as the device returned
// it, tells and breaks (the take side and events: conformance_monitor.cpp).
#include <algorithm>

#include <fmt/format.h>

#include "models/protocols/v6/conformance_monitor.h"

namespace vvsim::virtio_video {

namespace {

bool lists_fourcc(const std::vector<FormatDesc>& formats, const Fourcc& fourcc) {
  return std::any_of(formats.begin(), formats.end(), [&](const FormatDesc& f) { return f.fourcc == fourcc; });
}

}  // namespace

void ConformanceMonitor::on_chain_returned(uint64_t at_ps, uint32_t queue, const tlm_virtio::DescriptorChain& chain,
                                           uint32_t written, const std::vector<uint8_t>& response) {
  if (queue == kEventQueue) return take_event(at_ps, response);
  auto it = pending_.find(chain.id);
  if (it == pending_.end()) return;  // the transport returns only chains it holds
  const Pending p = it->second;
  pending_.erase(it);
  const uint32_t first = conformance::first_writable_len(chain);
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
    s.params(image_queue(role_)).image_format = *image;
  } else if (const auto* bitstream = std::get_if<ParamsBitstreamFormat>(&value)) {
    s.params(bitstream_queue(role_)).bitstream_buffer_size =
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
  if (!type || !param_of_role(role_, p.param_type).has_value() || s == alive_.end()) return;
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
  if (result == Result::ErrInvalidArgument && param_of_role(role_, p.param_type).has_value()) {
    report(at_ps, "set-param-no-error", p.stream_id, name,
           fmt::format("parameter {:#x} refused with ERR_INVALID_ARGUMENT", p.param_type));
  }
  auto s = alive_.find(p.stream_id);
  if (result != Result::Ok || s == alive_.end() || !param_of_role(role_, p.param_type).has_value()) return;
  s->second.params_set.insert(p.param_type);
  if (const auto resp = decode_param_resp(*param_type_from_wire(p.param_type), ByteSpan(response)))
    learn_param(s->second, p.param_type, resp->param);
  const auto type = param_type_from_wire(p.param_type);
  const auto queue = type ? param_queue(*type) : std::nullopt;
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
  if (!s->second.input_timestamps.contains(resp->timestamp)) {
    report(at_ps, "output-timestamp-copied", p.stream_id, name,
           fmt::format("output {} carries timestamp {}, which no input had", p.resource_id, resp->timestamp));
  }
  const uint32_t kinds = resp->flags & (kDequeueFlagKeyFrame | kDequeueFlagPFrame | kDequeueFlagBFrame);
  if (role_ == DeviceRole::Encoder && (kinds == 0 || (kinds & (kinds - 1)) != 0)) {
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

}  // namespace vvsim::virtio_video
