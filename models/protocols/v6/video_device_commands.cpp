// The commandq: each chain is admitted (room for an answer, a known command,
// read whole, room for its OK response), then handed to its command's handler.
// Stream commands: CREATE, DESTROY, DRAIN, STOP and QUERY_CAPS; parameters and
// resources have their own files.
#include <algorithm>

#include <fmt/format.h>

#include "models/protocols/v6/video_device.h"

namespace vvsim::virtio_video {

namespace {
bool has_feature(uint64_t features, uint32_t bit) { return (features >> bit) & 1u; }
}  // namespace

VideoDevice::Handler VideoDevice::handler_of(CmdType type) {
  switch (type) {
    case CmdType::DeviceQueryCaps: return &VideoDevice::on_query_caps;
    case CmdType::StreamCreate: return &VideoDevice::on_stream_create;
    case CmdType::StreamDestroy: return &VideoDevice::on_stream_destroy;
    case CmdType::StreamDrain: return &VideoDevice::on_stream_drain;
    case CmdType::StreamStop: return &VideoDevice::on_stream_stop;
    case CmdType::StreamGetParam: return &VideoDevice::on_get_param;
    case CmdType::StreamSetParam: return &VideoDevice::on_set_param;
    case CmdType::ResourceAttachBacking: return &VideoDevice::on_attach_backing;
    case CmdType::ResourceQueue: return &VideoDevice::on_resource_queue;
  }
  return nullptr;
}

void VideoDevice::handle_command(const DeviceTransport::Chain& c) {
  if (!c.has_writable || c.first_writable_len < kResultOnlyRespSize) {
    // Nowhere to put even a result code: return the chain untouched.
    diagnose(fmt::format("commandq chain {} has no device-writable descriptor of >= 4 bytes; dropped", c.id));
    ++stats_.errors_returned;
    transport_->complete(kCommandQueue, c.id, 0);
    return;
  }
  const PendingCompletion chain = completions_.hold(c);
  if (!route_) return dispatch(c, chain);
  if (const auto routed = route_->route(c, chain)) {
    dispatch(routed->chain, routed->answer_to);
    route_->dispatched(*routed);
  }
}

void VideoDevice::dispatch(const DeviceTransport::Chain& c, const PendingCompletion& answer_to) {
  if (const auto type = admit(c, answer_to)) (this->*handler_of(*type))(ByteSpan(c.readable), answer_to);
}

// The names are static strings: each is looked up (and its key string made) in
// the map once, not once per command.
uint64_t& VideoDevice::command_count(const char* name) {
  for (const auto& [known, count] : command_counts_)
    if (known == name) return *count;
  uint64_t* count = &stats_.commands_by_type[name];  // map values stay where they are
  command_counts_.push_back({name, count});
  return *count;
}

std::optional<CmdType> VideoDevice::admit(const DeviceTransport::Chain& c, const PendingCompletion& chain) {
  const auto code = decode_cmd_type(ByteSpan(c.readable));
  const std::optional<CmdType> cmd = cmd_type_from_wire(code ? *code : 0);  // 0 is no command: a short one is unknown
  ++command_count(cmd.has_value() ? cmd_type_name(cmd.value()) : "UNKNOWN");
  if (!cmd.has_value()) {
    answer_result(chain.tag, faults_.unknown_command(),
                  code ? fmt::format("unknown command code {:#x}", *code) : code.error().message);
    return std::nullopt;
  }
  const CmdType type = cmd.value();
  if (c.readable_len > c.readable.size()) {  // cut at max_command_bytes: the rest was never read
    answer_result(chain.tag, Result::ErrInvalidArgument,
                  fmt::format("{}: command of {} bytes, longer than the device reads (max_command_bytes {})",
                              cmd_type_name(type), c.readable_len, c.readable.size()));
    return std::nullopt;
  }
  if (type != CmdType::DeviceQueryCaps && chain.response_capacity < ok_response_size(type)) {
    answer_result(chain.tag, Result::ErrOutOfMemory,
                  fmt::format("{}: response buffer of {} bytes, {} needed", cmd_type_name(type),
                              chain.response_capacity, ok_response_size(type)));
    return std::nullopt;
  }
  return type;
}

void VideoDevice::on_query_caps(ByteSpan, const PendingCompletion& chain) {
  auto caps = capabilities();
  const size_t need = query_caps_resp_size(caps.bitstream_formats.size(), caps.image_formats.size());
  if (chain.response_capacity < need) {
    return answer_result(chain.tag, Result::ErrOutOfMemory,
                         fmt::format("QUERY_CAPS: response buffer of {} bytes, caps_length is {}",
                                     chain.response_capacity, need));
  }
  auto bytes = to_bytes(caps);
  faults_.shape_query_caps(bytes, caps_length());
  answer(chain.tag, bytes);
}

std::unique_ptr<VideoStream> VideoDevice::new_stream(uint32_t slot) {
  auto s = std::make_unique<VideoStream>();
  s->id = next_stream_id_++;
  s->slot = slot;
  s->owner_name = fmt::format("{}.stream{}", name(), s->id);
  s->codec = profile_.codecs.front();
  const uint8_t mem = static_cast<uint8_t>(has_feature(features_, kFeatureResourceGuestPages) || !objects_
                                               ? MemType::GuestPages
                                               : MemType::VirtioObject);
  for (auto* q : {&s->input, &s->output}) {
    q->params = {profile_.min_resources, profile_.max_resources, 0, mem};
  }
  s->input.resize(profile_.default_input_resources);
  s->output.resize(profile_.default_output_resources);
  s->bitstream_format = {faults_.default_bitstream_fourcc(*fourcc_from_string(codec::fourcc_of(s->codec))),
                         profile_.default_bitstream_buffer_size};
  const auto image = *codec::image_format_from_fourcc(profile_.image_formats.front());
  s->output_layout =
      codec::default_layout(image, profile_.default_width, profile_.default_height, profile_.stride_alignment).value();
  s->bitrate = {profile_.min_bitrate, profile_.max_bitrate, profile_.default_bitrate};
  return s;
}

void VideoDevice::on_stream_create(ByteSpan, const PendingCompletion& chain) {
  auto free_slot = std::find(slot_stream_.begin(), slot_stream_.end(), 0u);
  if (free_slot == slot_stream_.end()) {
    std::vector<uint8_t> out = to_bytes(StreamCreateResp{Result::ErrOutOfMemory, 0});
    ++stats_.errors_returned;
    diagnose(fmt::format("STREAM_CREATE: all {} streams in use (profile device.max_streams): ERR_OUT_OF_MEMORY",
                         profile_.max_streams));
    return answer(chain.tag, out);
  }
  auto s = new_stream(static_cast<uint32_t>(free_slot - slot_stream_.begin()));
  const uint32_t id = s->id;
  *free_slot = id;
  streams_[id] = std::move(s);
  const uint32_t reported = faults_.reported_stream_id(id, streams_.begin()->first);
  answer(chain.tag, to_bytes(StreamCreateResp{Result::Ok, reported}));
}

VideoStream* VideoDevice::stream_command_target(ByteSpan bytes, const PendingCompletion& chain) {
  const auto cmd = decode_stream_cmd(bytes);
  if (!cmd) {
    answer_result(chain.tag, Result::ErrInvalidArgument, cmd.error().message);
    return nullptr;
  }
  return find_stream(cmd->stream_id, chain);
}

void VideoDevice::on_stream_destroy(ByteSpan bytes, const PendingCompletion& chain) {
  const VideoStream* s = stream_command_target(bytes, chain);
  if (!s) return;
  const uint32_t id = s->id;
  const bool answer_first = faults_.answer_destroy_before_cancel();
  if (answer_first) answer_result(chain.tag, Result::Ok);
  close_stream(id);
  if (!answer_first) answer_result(chain.tag, Result::Ok);
}

void VideoDevice::on_stream_drain(ByteSpan bytes, const PendingCompletion& chain) {
  VideoStream* found = stream_command_target(bytes, chain);
  if (!found) return;
  VideoStream& s = *found;
  if (s.drain_pending) {
    return answer_result(chain.tag, faults_.drain_in_progress(), fmt::format("stream {}: drain in progress", s.id));
  }
  if (faults_.answer_drain_at_once()) return answer_result(chain.tag, Result::Ok);
  s.drain_pending = true;
  InputWork w;
  w.is_drain = true;
  w.drain_command = chain.tag;
  if (s.decoder) w.decode_ticket = s.decoder->submit_flush();
  s.work.push_back(w);
  slot_wake_[s.slot]->notify(sc_core::SC_ZERO_TIME);
}

void VideoDevice::stop_stream(VideoStream& s, Answers& canceled) {
  withdraw_inputs(s, canceled);
  if (faults_.stop_cancels_outputs()) withdraw_outputs(s, canceled);
  engine_.cancel(s.owner_name);
  ++s.generation;
  if (s.decoder) s.decoder->reset();
  for (auto& r : s.input.resources) r.attach_allowed = true;
  s.input.params_changeable = true;
  slot_wake_[s.slot]->notify(sc_core::SC_ZERO_TIME);
}

void VideoDevice::on_stream_stop(ByteSpan bytes, const PendingCompletion& chain) {
  const VideoStream* target = stream_command_target(bytes, chain);
  if (!target) return;
  const uint32_t id = target->id;
  const bool answer_first = faults_.answer_stop_before_cancel();
  if (answer_first) answer_result(chain.tag, Result::Ok);
  auto it = streams_.find(id);  // looked up again: the answer's DMA waited
  if (it == streams_.end()) return;
  VideoStream& s = *it->second;
  Answers canceled;
  stop_stream(s, canceled);
  const bool held = faults_.stop_waits_for_output();
  if (held) s.stop_waiting_for_output = chain.tag;
  send(canceled);
  if (!held && !answer_first) answer_result(chain.tag, Result::Ok);
}

Result VideoDevice::unblock_output(uint32_t stream_id) {
  ++command_count("STREAM_UNBLOCK");
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return Result::ErrInvalidStreamId;
  VideoStream& s = *it->second;
  if (!s.output_blocked) return Result::ErrInvalidOperation;
  s.output_blocked = false;
  slot_wake_[s.slot]->notify(sc_core::SC_ZERO_TIME);
  return Result::Ok;
}

}  // namespace vvsim::virtio_video
