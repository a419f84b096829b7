// Worker threads are spawned per stream slot at elaboration.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "models/protocols/v6/video_device.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace vvsim::virtio_video {

using sc_core::sc_time;
using sc_core::sc_time_stamp;

namespace {

bool has_feature(uint64_t features, uint32_t bit) { return (features >> bit) & 1u; }

codec::ImageFormat image_format_of(const std::string& fourcc) { return *codec::image_format_from_fourcc(fourcc); }

}  // namespace

VideoDevice::VideoDevice(sc_core::sc_module_name name, const VideoDeviceProfile& profile,
                         models::CodecEngine& engine, DecoderFactory decoders, const VirtioObjectRegistry* objects)
    : sc_module(name), profile_(profile), engine_(engine), decoders_(std::move(decoders)), objects_(objects) {
  validate(profile_);
  slot_stream_.assign(profile_.max_streams, 0);
  for (uint32_t i = 0; i < profile_.max_streams; ++i) {
    slot_wake_.push_back(std::make_unique<sc_core::sc_event>());
    sc_core::sc_spawn_options opts;
    sc_core::sc_spawn([this, i] { stream_worker(i); }, sc_core::sc_gen_unique_name("stream_worker"), &opts);
  }
  SC_HAS_PROCESS(VideoDevice);
  SC_THREAD(command_loop);
  SC_THREAD(event_loop);
}

// ---------------------------------------------------------------- device interface

uint32_t VideoDevice::device_id() const {
  return profile_.role == DeviceRole::Decoder ? kDeviceIdDecoder : kDeviceIdEncoder;
}

uint64_t VideoDevice::device_features() const {
  uint64_t f = 1ull << kFeatureResourceGuestPages | 1ull << kFeatureResourceNonContig |
               1ull << kFeatureResourceDynamic;
  if (objects_) f |= 1ull << kFeatureResourceVirtioObject;
  if (fault(DeviceFault::NoMemoryFeatures))
    f &= ~(1ull << kFeatureResourceGuestPages | 1ull << kFeatureResourceVirtioObject);
  return f;
}

uint16_t VideoDevice::queue_max_size(unsigned queue) const {
  if (queue == kCommandQueue) return profile_.commandq_size;
  if (queue == kEventQueue) return profile_.eventq_size;
  return 0;
}

QueryCapsResp VideoDevice::capabilities() const {
  QueryCapsResp caps;
  const uint64_t all_images = profile_.image_formats.size() >= 64 ? ~0ull : (1ull << profile_.image_formats.size()) - 1;
  const uint64_t all_codecs = (1ull << profile_.codecs.size()) - 1;
  for (auto c : profile_.codecs) {
    caps.bitstream_formats.push_back(
        {*fourcc_from_string(codec::fourcc_of(c)), all_images, profile_.max_width, profile_.max_height});
  }
  for (const auto& f : profile_.image_formats) {
    caps.image_formats.push_back({*fourcc_from_string(f), all_codecs, profile_.max_width, profile_.max_height});
  }
  return caps;
}

uint32_t VideoDevice::caps_length() const {
  const auto caps = capabilities();
  const size_t size = query_caps_resp_size(caps.bitstream_formats.size(), caps.image_formats.size());
  return static_cast<uint32_t>(size + (fault(DeviceFault::CapsLengthOverstated) ? kFormatDescSize : 0));
}

std::vector<uint8_t> VideoDevice::config_space() const {
  const uint32_t version = kProtocolVersion + (fault(DeviceFault::WrongConfigVersion) ? 1 : 0);
  return to_bytes(Config{version, caps_length()});
}

void VideoDevice::driver_ok(uint64_t negotiated_features) { features_ = negotiated_features; }

void VideoDevice::notify(unsigned queue) {
  if (queue == kCommandQueue) command_kick_.notify(sc_core::SC_ZERO_TIME);
  if (queue == kEventQueue) event_kick_.notify(sc_core::SC_ZERO_TIME);
}

void VideoDevice::attach(tlm_virtio::VirtioController& controller) {
  mmio_transport_ = std::make_unique<MmioDeviceTransport>(controller, profile_.max_command_bytes,
                                                          fault(DeviceFault::DuplicateUsedEntry));
  mmio_transport_->set_observer(transport_observer_);
  bind_transport(*mmio_transport_);
}

void VideoDevice::reset() {
  // The transport forgets the rings; held chains die with them, unanswered.
  if (mmio_transport_) mmio_transport_->forget_chains();
  engine_.cancel_all();
  for (auto& [id, s] : streams_) {
    s->closed = true;
    ++s->generation;
    slot_wake_[s->slot]->notify(sc_core::SC_ZERO_TIME);
  }
  streams_.clear();
  std::fill(slot_stream_.begin(), slot_stream_.end(), 0);
  pending_events_.clear();
  held_.clear();
  features_ = 0;
}

void VideoDevice::diagnose(const std::string& what) {
  diagnostics_.push_back(fmt::format("{} {}: {}", sc_time_stamp().to_string(), name(), what));
}

// ---------------------------------------------------------------- answers

void VideoDevice::answer(CommandId id, const std::vector<uint8_t>& response) {
  auto it = held_.find(id);
  if (it == held_.end()) {
    // Answering twice would complete whatever command now uses the id.
    diagnose(fmt::format("internal: commandq chain {} answered twice; second answer dropped", id));
    return;
  }
  const HeldChain chain = it->second;  // a copy: the table may change during the DMA
  held_.erase(it);
  const uint32_t n = std::min<uint32_t>(static_cast<uint32_t>(response.size()), chain.response_capacity);
  transport_->dma_write(chain.response_addr, response.data(), n);
  transport_->complete(kCommandQueue, chain.id, n + (fault(DeviceFault::ResponseOverrun) ? kFaultOverrunBytes : 0));
}

void VideoDevice::answer_result(CommandId id, Result result, const std::string& why) {
  if (result == Result::ErrCanceled) ++stats_.canceled;
  if (result != Result::Ok && result != Result::ErrCanceled) {
    ++stats_.errors_returned;
    diagnose(fmt::format("{}: {}", result_name(result), why));
  }
  std::vector<uint8_t> out;
  encode_result(out, result);
  answer(id, out);
}

void VideoDevice::answer_queue(CommandId id, const ResourceQueueResp& resp) {
  if (resp.result == Result::ErrCanceled) ++stats_.canceled;
  answer(id, to_bytes(resp));
}

void VideoDevice::send(const Answers& answers) {
  for (const auto& a : answers) answer(a.id, a.bytes);
}

void VideoDevice::withdraw_resource(Resource& r, Answers& out) {
  if (!r.queued) return;
  r.queued = false;
  ResourceQueueResp resp;
  resp.result = Result::ErrCanceled;
  ++stats_.canceled;
  out.push_back({r.command, to_bytes(resp)});
}

void VideoDevice::withdraw_inputs(VideoStream& s, Answers& out) {
  for (auto& w : s.work) {
    if (w.is_drain) {
      const Result result = fault(DeviceFault::InterruptedDrainOk) ? Result::Ok : Result::ErrCanceled;
      if (result == Result::ErrCanceled) ++stats_.canceled;
      std::vector<uint8_t> bytes;
      encode_result(bytes, result);
      out.push_back({w.drain_command, std::move(bytes)});
    } else {
      withdraw_resource(s.input.resources[w.resource_id], out);
    }
  }
  s.work.clear();
  s.drain_pending = false;
}

void VideoDevice::withdraw_outputs(VideoStream& s, Answers& out) {
  for (uint32_t id : s.ready_outputs) withdraw_resource(s.output.resources[id], out);
  s.ready_outputs.clear();
}

void VideoDevice::close_stream(uint32_t id) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;  // closed meanwhile (an error event, a reset)
  VideoStream& s = *it->second;
  Answers canceled;
  withdraw_inputs(s, canceled);
  withdraw_outputs(s, canceled);
  engine_.cancel(s.owner_name);
  s.closed = true;
  ++s.generation;
  slot_stream_[s.slot] = 0;
  slot_wake_[s.slot]->notify(sc_core::SC_ZERO_TIME);
  streams_.erase(it);
  send(canceled);
}

// ---------------------------------------------------------------- command loop

void VideoDevice::command_loop() {
  for (;;) {
    auto chain = transport_ ? transport_->pop(kCommandQueue, engine_.cycles_to_time(profile_.firmware_cycles_per_command))
                            : std::nullopt;
    if (!chain) {
      sc_core::wait(command_kick_);
      continue;
    }
    ++stats_.commands;
    handle_command(*chain);
  }
}

void VideoDevice::handle_command(const DeviceTransport::Chain& c) {
  const HeldChain chain{c.id, c.first_writable_addr, c.first_writable_len};
  held_[c.id] = chain;
  if (!c.has_writable || c.first_writable_len < kResultOnlyRespSize) {
    // Nowhere to put even a result code: return the chain untouched.
    diagnose(fmt::format("commandq chain {} has no device-writable descriptor of >= 4 bytes; dropped", c.id));
    ++stats_.errors_returned;
    held_.erase(c.id);
    transport_->complete(kCommandQueue, c.id, 0);
    return;
  }
  const ByteSpan bytes(c.readable);
  const auto code = decode_cmd_type(bytes);
  const std::optional<CmdType> cmd = cmd_type_from_wire(code ? *code : 0);  // 0 is no command: a short one is unknown
  ++stats_.commands_by_type[cmd.has_value() ? cmd_type_name(cmd.value()) : "UNKNOWN"];
  if (!cmd.has_value()) {
    answer_result(chain.id, fault(DeviceFault::UnknownCommandWrongError) ? Result::ErrInvalidArgument : Result::ErrInvalidCommand,
                  code ? fmt::format("unknown command code {:#x}", *code) : code.error());
    return;
  }
  const CmdType type = cmd.value();
  if (c.readable_len > c.readable.size()) {  // cut at max_command_bytes: the rest was never read
    answer_result(chain.id, Result::ErrInvalidArgument,
                  fmt::format("{}: command of {} bytes, longer than the device reads (max_command_bytes {})",
                              cmd_type_name(type), c.readable_len, c.readable.size()));
    return;
  }
  if (type != CmdType::DeviceQueryCaps && chain.response_capacity < ok_response_size(type)) {
    answer_result(chain.id, Result::ErrOutOfMemory,
                  fmt::format("{}: response buffer of {} bytes, {} needed", cmd_type_name(type),
                              chain.response_capacity, ok_response_size(type)));
    return;
  }
  auto refuse_truncated = [&](const std::string& why) { answer_result(chain.id, Result::ErrInvalidArgument, why); };
  switch (type) {
    case CmdType::DeviceQueryCaps: return on_query_caps(chain);
    case CmdType::StreamCreate: return on_stream_create(chain);
    case CmdType::StreamDestroy:
    case CmdType::StreamDrain:
    case CmdType::StreamStop: {
      auto d = decode_stream_cmd(bytes);
      if (!d) return refuse_truncated(d.error());
      if (type == CmdType::StreamDestroy) return on_stream_destroy(*d, chain);
      if (type == CmdType::StreamDrain) return on_stream_drain(*d, chain);
      return on_stream_stop(*d, chain);
    }
    case CmdType::StreamGetParam: {
      auto d = decode_get_param(bytes);
      return d ? on_get_param(*d, chain) : refuse_truncated(d.error());
    }
    case CmdType::StreamSetParam: {
      auto d = decode_set_param(bytes);
      return d ? on_set_param(*d, chain) : refuse_truncated(d.error());
    }
    case CmdType::ResourceAttachBacking: return on_attach_backing(bytes, chain);
    case CmdType::ResourceQueue: {
      auto d = decode_resource_queue(bytes);
      if (!d) {
        ResourceQueueResp resp;
        resp.result = Result::ErrInvalidArgument;
        ++stats_.errors_returned;
        diagnose(d.error());
        return answer_queue(chain.id, resp);
      }
      return on_resource_queue(*d, chain);
    }
  }
}

void VideoDevice::on_query_caps(const HeldChain& chain) {
  auto caps = capabilities();
  const size_t need = query_caps_resp_size(caps.bitstream_formats.size(), caps.image_formats.size());
  if (chain.response_capacity < need) {
    return answer_result(chain.id, Result::ErrOutOfMemory,
                         fmt::format("QUERY_CAPS: response buffer of {} bytes, caps_length is {}",
                                     chain.response_capacity, need));
  }
  auto bytes = to_bytes(caps);
  if (fault(DeviceFault::ShortQueryCaps)) bytes.resize(bytes.size() - 4);
  if (fault(DeviceFault::CapsLengthOverstated)) bytes.resize(caps_length(), 0);
  answer(chain.id, bytes);
}

void VideoDevice::on_stream_create(const HeldChain& chain) {
  auto free_slot = std::find(slot_stream_.begin(), slot_stream_.end(), 0u);
  if (free_slot == slot_stream_.end()) {
    std::vector<uint8_t> out = to_bytes(StreamCreateResp{Result::ErrOutOfMemory, 0});
    ++stats_.errors_returned;
    diagnose(fmt::format("STREAM_CREATE: all {} streams in use (profile device.max_streams): ERR_OUT_OF_MEMORY",
                         profile_.max_streams));
    return answer(chain.id, out);
  }
  auto s = std::make_unique<VideoStream>();
  s->id = next_stream_id_++;
  s->slot = static_cast<uint32_t>(free_slot - slot_stream_.begin());
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
  s->bitstream_format = {*fourcc_from_string(codec::fourcc_of(s->codec)), profile_.default_bitstream_buffer_size};
  if (fault(DeviceFault::InvalidDefaultParam)) s->bitstream_format.fourcc = kFaultFourcc;
  s->output_layout = *codec::default_layout(image_format_of(profile_.image_formats.front()), profile_.default_width,
                                            profile_.default_height, profile_.stride_alignment)
                          .layout;
  s->bitrate = {profile_.min_bitrate, profile_.max_bitrate, profile_.default_bitrate};
  *free_slot = s->id;
  const uint32_t id = s->id;
  streams_[id] = std::move(s);
  uint32_t reported = id;
  if (fault(DeviceFault::ReuseStreamId) && streams_.begin()->first != id) reported = streams_.begin()->first;
  answer(chain.id, to_bytes(StreamCreateResp{Result::Ok, reported}));
}

// §Error Event: the stream is closed (pending commands CANCELED), then the event goes out.
void VideoDevice::fail_stream(uint32_t id, ErrorEventCode code) {
  const Event error{EventType::Error, id, static_cast<uint32_t>(code)};
  if (fault(DeviceFault::ErrorEventBeforeCancel)) send_event(error);
  close_stream(id);
  if (!fault(DeviceFault::ErrorEventBeforeCancel)) send_event(error);
}

// The stream a command names, or nothing after answering INVALID_STREAM_ID.
VideoStream* VideoDevice::find_stream(uint32_t id, const HeldChain& chain) {
  auto it = streams_.find(id);
  if (it != streams_.end()) return it->second.get();
  answer_result(chain.id, fault(DeviceFault::GoneStreamWrongError) ? Result::ErrInvalidArgument : Result::ErrInvalidStreamId,
                fmt::format("no stream {}", id));
  return nullptr;
}

void VideoDevice::on_stream_destroy(const StreamCmd& cmd, const HeldChain& chain) {
  if (!find_stream(cmd.stream_id, chain)) return;
  if (fault(DeviceFault::DestroyBeforeCancel)) answer_result(chain.id, Result::Ok);
  close_stream(cmd.stream_id);
  if (!fault(DeviceFault::DestroyBeforeCancel)) answer_result(chain.id, Result::Ok);
}

void VideoDevice::on_stream_drain(const StreamCmd& cmd, const HeldChain& chain) {
  VideoStream* found = find_stream(cmd.stream_id, chain);
  if (!found) return;
  VideoStream& s = *found;
  if (s.drain_pending) {
    const bool wrong = fault(DeviceFault::SecondDrainWrongError);
    return answer_result(chain.id, wrong ? Result::ErrInvalidArgument : Result::ErrInvalidOperation,
                         fmt::format("stream {}: drain in progress", s.id));
  }
  if (fault(DeviceFault::DrainBeforeInputs)) return answer_result(chain.id, Result::Ok);
  s.drain_pending = true;
  InputWork w;
  w.is_drain = true;
  w.drain_command = chain.id;
  s.work.push_back(w);
  slot_wake_[s.slot]->notify(sc_core::SC_ZERO_TIME);
}

void VideoDevice::on_stream_stop(const StreamCmd& cmd, const HeldChain& chain) {
  if (!find_stream(cmd.stream_id, chain)) return;
  if (fault(DeviceFault::StopBeforeCancel)) answer_result(chain.id, Result::Ok);
  auto it = streams_.find(cmd.stream_id);  // looked up again: the answer's DMA waited
  if (it == streams_.end()) return;
  VideoStream& s = *it->second;
  Answers canceled;
  withdraw_inputs(s, canceled);
  if (fault(DeviceFault::StopCancelsOutputs)) withdraw_outputs(s, canceled);
  engine_.cancel(s.owner_name);
  ++s.generation;
  if (s.decoder) s.decoder->reset();
  for (auto& r : s.input.resources) r.attach_allowed = true;
  s.input.params_changeable = true;
  slot_wake_[s.slot]->notify(sc_core::SC_ZERO_TIME);
  const bool held = fault(DeviceFault::StopWaitsForOutput);
  if (held) s.stop_waiting_for_output = chain.id;
  send(canceled);
  if (!held && !fault(DeviceFault::StopBeforeCancel)) answer_result(chain.id, Result::Ok);
}

// ---------------------------------------------------------------- parameters

std::optional<ParamType> VideoDevice::param_for_role(uint32_t raw) const {
  auto t = param_type_from_wire(raw);
  if (!t) return std::nullopt;
  const bool decoder = profile_.role == DeviceRole::Decoder;
  switch (*t) {
    case ParamType::InputResources:
    case ParamType::OutputResources: return t;
    case ParamType::DecoderInputFormat:
    case ParamType::DecoderOutputFormat: return decoder ? t : std::nullopt;
    default: return decoder ? std::nullopt : t;
  }
}

StreamParamValue VideoDevice::current_param(VideoStream& s, ParamType type) const {
  switch (type) {
    case ParamType::InputResources: return s.input.params;
    case ParamType::OutputResources: return s.output.params;
    case ParamType::DecoderInputFormat:
    case ParamType::EncoderOutputFormat: return s.bitstream_format;
    case ParamType::DecoderOutputFormat:
    case ParamType::EncoderInputFormat: return to_params(s.output_layout);
    case ParamType::EncoderBitrate: return s.bitrate;
  }
  return s.input.params;
}

bool VideoDevice::param_changeable(VideoStream& s, ParamType type) const {
  if (fault(DeviceFault::ParamChangeAnyTime)) return true;
  switch (type) {
    case ParamType::InputResources:
    case ParamType::DecoderInputFormat:
    case ParamType::EncoderInputFormat: return s.input.params_changeable;
    case ParamType::OutputResources:
    case ParamType::DecoderOutputFormat:
    case ParamType::EncoderOutputFormat: return s.output.params_changeable;
    case ParamType::EncoderBitrate: break;  // changes mid-stream (the review thread asks for it)
  }
  return true;
}

bool VideoDevice::needs_adjusting(const StreamParamValue& requested) const {
  const auto* r = std::get_if<ParamsResources>(&requested);
  return r && r->num_resources != 0 && (r->num_resources < profile_.min_resources || r->num_resources > profile_.max_resources);
}

ParamsResources VideoDevice::clamp_resources(const ParamsResources& req, uint8_t current_mem) const {
  ParamsResources r{profile_.min_resources, profile_.max_resources, 0, current_mem};
  r.num_resources = req.num_resources == 0 ? 0 : std::clamp(req.num_resources, r.min_resources, r.max_resources);
  const bool pages_ok = has_feature(features_, kFeatureResourceGuestPages);
  const bool objects_ok = objects_ && has_feature(features_, kFeatureResourceVirtioObject);
  if (req.mem_type == static_cast<uint8_t>(MemType::GuestPages) && pages_ok) r.mem_type = req.mem_type;
  if (req.mem_type == static_cast<uint8_t>(MemType::VirtioObject) && objects_ok) r.mem_type = req.mem_type;
  return r;
}

// The frame size an encoder stream, or a decoder stream before its bitstream
// told the size, takes: coded size rounded up to 16 within the device's
// limits, the crop as given when it lies inside (else the whole frame).
// Nearest supported value, never an error (§Format parameters).
void VideoDevice::take_driver_image_size(VideoStream& s, const ParamsImageFormat& req) {
  const uint32_t w = std::clamp((req.width + 15) & ~15u, 16u, profile_.max_width);
  const uint32_t h = std::clamp((req.height + 15) & ~15u, 16u, profile_.max_height);
  codec::Rect crop{req.crop.left, req.crop.top, req.crop.width, req.crop.height};
  const bool inside = crop.width >= 2 && crop.height >= 2 && crop.left % 2 == 0 && crop.top % 2 == 0 &&
                      crop.left + crop.width <= w && crop.top + crop.height <= h;
  if (!inside) crop = {0, 0, std::min(req.width ? req.width : w, w), std::min(req.height ? req.height : h, h)};
  s.output_layout =
      *codec::default_layout(s.output_layout.format, w, h, profile_.stride_alignment, crop).layout;
  s.encoder.reset();
}

void VideoDevice::apply_param(VideoStream& s, ParamType type, const StreamParamValue& requested, Answers& canceled) {
  switch (type) {
    case ParamType::InputResources:
    case ParamType::OutputResources: {
      auto& q = type == ParamType::InputResources ? s.input : s.output;
      const auto wanted = clamp_resources(std::get<ParamsResources>(requested), q.params.mem_type);
      // Every queued resource of the queue is canceled before the answer.
      if (type == ParamType::InputResources) {
        withdraw_inputs(s, canceled);
      } else {
        withdraw_outputs(s, canceled);
      }
      q.params = wanted;
      q.resize(wanted.num_resources);
      return;
    }
    case ParamType::DecoderInputFormat:
    case ParamType::EncoderOutputFormat: {
      const auto& req = std::get<ParamsBitstreamFormat>(requested);
      auto wanted = codec::codec_from_fourcc(fourcc_string(req.fourcc));
      if (wanted && std::find(profile_.codecs.begin(), profile_.codecs.end(), *wanted) != profile_.codecs.end()) {
        s.codec = *wanted;
        s.bitstream_format.fourcc = req.fourcc;
        s.decoder.reset();  // a new codec starts a new codec instance on the next input
        s.encoder.reset();
      }
      s.bitstream_format.buffer_size =
          std::clamp(req.buffer_size, profile_.min_bitstream_buffer_size, profile_.max_bitstream_buffer_size);
      return;
    }
    case ParamType::DecoderOutputFormat:
    case ParamType::EncoderInputFormat: {
      // A decoder's coded size and crop follow the bitstream once it has told
      // them; before, and for an encoder, the driver's size is taken (nearest
      // supported). The driver picks the fourcc (if offered) and may ask for
      // larger strides.
      const auto& req = std::get<ParamsImageFormat>(requested);
      if (type == ParamType::EncoderInputFormat || !s.size_from_bitstream) take_driver_image_size(s, req);
      const std::string fourcc = fourcc_string(req.fourcc);
      const bool offered =
          std::find(profile_.image_formats.begin(), profile_.image_formats.end(), fourcc) !=
          profile_.image_formats.end();
      const auto format = offered ? image_format_of(fourcc) : s.output_layout.format;
      auto fallback = codec::default_layout(format, s.output_layout.coded_width, s.output_layout.coded_height,
                                            profile_.stride_alignment, s.output_layout.crop);
      std::vector<codec::PlaneFormatValues> planes;
      for (uint32_t i = 0; i < codec::plane_count(format); ++i) {
        planes.push_back({req.planes[i].buffer_size, req.planes[i].stride, req.planes[i].offset});
      }
      auto driver = codec::layout_from_driver(format, s.output_layout.coded_width, s.output_layout.coded_height,
                                              s.output_layout.crop, planes);
      s.output_layout = driver.layout ? *driver.layout : *fallback.layout;
      return;
    }
    case ParamType::EncoderBitrate: {
      const auto& req = std::get<ParamsBitrate>(requested);
      s.bitrate.bitrate = std::clamp(req.bitrate, s.bitrate.min_bitrate, s.bitrate.max_bitrate);
      return;
    }
  }
}

// The stream and parameter a GET/SET_PARAM names; nothing after answering the error.
std::optional<ParamType> VideoDevice::param_target(const char* command, uint32_t stream_id, uint32_t raw_type,
                                                   const HeldChain& chain, VideoStream*& stream) {
  stream = find_stream(stream_id, chain);
  if (!stream) return std::nullopt;
  const auto type = param_for_role(raw_type);
  if (!type) {
    answer_result(chain.id, Result::ErrInvalidArgument,
                  fmt::format("{}: parameter {:#x} not valid for this device", command, raw_type));
  }
  return type;
}

void VideoDevice::on_get_param(const GetParamCmd& cmd, const HeldChain& chain) {
  VideoStream* s = nullptr;
  const auto type = param_target("GET_PARAM", cmd.stream_id, cmd.param_type, chain, s);
  if (!type) return;
  answer(chain.id, to_bytes(ParamResp{Result::Ok, current_param(*s, *type)}));
}

void VideoDevice::on_set_param(const SetParamCmd& cmd, const HeldChain& chain) {
  VideoStream* found = nullptr;
  const auto type = param_target("SET_PARAM", cmd.stream_id, cmd.param_type, chain, found);
  if (!type) return;
  VideoStream& s = *found;
  if (!param_changeable(s, *type)) {
    return answer_result(chain.id, Result::ErrInvalidOperation,
                         fmt::format("SET_PARAM {:#x} on stream {}: resources already queued on that queue",
                                     cmd.param_type, s.id));
  }
  const auto requested = decode_params_union(*type, ByteSpan(cmd.raw_param.data(), cmd.raw_param.size()));
  if (fault(DeviceFault::RefuseAdjustedParam) && needs_adjusting(*requested)) {
    return answer_result(chain.id, Result::ErrInvalidArgument, "SET_PARAM: value out of range refused (fault)");
  }
  Answers canceled;
  apply_param(s, *type, *requested, canceled);
  const auto response = to_bytes(ParamResp{Result::Ok, current_param(s, *type)});
  send(canceled);
  answer(chain.id, response);
}

// ---------------------------------------------------------------- resources

std::string VideoDevice::check_segments(const std::vector<SgEntry>& segments) const {
  if (segments.empty()) return "empty scatter-gather list";
  const uint64_t mem = transport_->guest_memory_size();
  for (size_t i = 0; i < segments.size(); ++i) {
    const auto& e = segments[i];
    if (e.length == 0) return fmt::format("sg entry {} has length 0", i);
    if (e.addr > mem || e.length > mem - e.addr) {
      return fmt::format("sg entry {} [{:#x}, +{:#x}) lies outside guest memory ({:#x} bytes)", i, e.addr, e.length,
                         mem);
    }
    if (e.addr % profile_.page_size != 0 && profile_.unaligned_sg == UnalignedSgPolicy::Refuse) {
      return fmt::format("sg entry {} address {:#x} is not aligned to the {}-byte page", i, e.addr,
                         profile_.page_size);
    }
    if (i > 0 && !has_feature(features_, kFeatureResourceNonContig) &&
        segments[i - 1].addr + segments[i - 1].length != e.addr) {
      return fmt::format("sg entry {} at {:#x} is not contiguous with the previous one and RESOURCE_NON_CONTIG "
                         "was not negotiated",
                         i, e.addr);
    }
  }
  return {};
}

uint32_t VideoDevice::buffers_of(const VideoStream& s, QueueType q) const {
  return q == image_queue() ? codec::buffer_count(s.output_layout.format) : 1;
}

std::vector<uint32_t> VideoDevice::buffer_needs(const VideoStream& s, QueueType q) const {
  if (q == image_queue()) return s.output_layout.buffer_sizes;
  return {1};  // any non-empty bitstream buffer: data sizes are checked when used
}

void VideoDevice::on_attach_backing(ByteSpan bytes, const HeldChain& chain) {
  const auto header = decode_attach_backing_header(bytes);
  if (!header) return answer_result(chain.id, Result::ErrInvalidArgument, header.error());
  VideoStream* found = find_stream(header->stream_id, chain);
  if (!found) return;
  VideoStream& s = *found;
  const auto qt = queue_type_from_wire(header->queue_type);
  if (!qt) {
    return answer_result(chain.id, Result::ErrInvalidArgument,
                         fmt::format("ATTACH_BACKING: queue_type {}", header->queue_type));
  }
  auto& q = s.queue(*qt);
  if (header->resource_id >= q.resources.size()) {
    return answer_result(chain.id, Result::ErrInvalidArgument,
                         fmt::format("ATTACH_BACKING: resource_id {} >= num_resources {}", header->resource_id,
                                     q.resources.size()));
  }
  Resource& r = q.resources[header->resource_id];
  const bool dynamic_ok = has_feature(features_, kFeatureResourceDynamic) && !r.queued && !s.awaiting_reattach;
  if (!r.attach_allowed && !dynamic_ok && !fault(DeviceFault::AttachAnyTime)) {
    return answer_result(chain.id, Result::ErrInvalidOperation,
                         fmt::format("ATTACH_BACKING: stream {} resource {} was queued since backing could change",
                                     s.id, header->resource_id));
  }
  const auto mem = static_cast<MemType>(q.params.mem_type);
  const auto cmd = decode_attach_backing(bytes, mem, buffers_of(s, *qt));
  if (!cmd) return answer_result(chain.id, Result::ErrInvalidArgument, cmd.error());
  std::vector<std::vector<SgEntry>> buffers;
  const auto needs = buffer_needs(s, *qt);
  for (size_t i = 0; i < cmd->resources.size(); ++i) {
    std::vector<SgEntry> segments;
    if (const auto* sg = std::get_if<std::vector<SgEntry>>(&cmd->resources[i])) {
      segments = *sg;
    } else {
      auto resolved = objects_ ? objects_->resolve(std::get<Uuid>(cmd->resources[i])) : std::nullopt;
      if (!resolved) {
        return answer_result(chain.id, Result::ErrInvalidArgument,
                             fmt::format("ATTACH_BACKING: buffer {} names an unknown virtio object", i));
      }
      segments = *resolved;
    }
    if (auto why = check_segments(segments); !why.empty()) {
      return answer_result(chain.id, Result::ErrInvalidArgument, fmt::format("ATTACH_BACKING buffer {}: {}", i, why));
    }
    if (total_length(segments) < needs[i]) {
      return answer_result(chain.id, Result::ErrInvalidArgument,
                           fmt::format("ATTACH_BACKING buffer {}: {} bytes, the format needs {}", i,
                                       total_length(segments), needs[i]));
    }
    buffers.push_back(std::move(segments));
  }
  r.buffers = std::move(buffers);
  r.attached = true;
  answer_result(chain.id, Result::Ok);
}

void VideoDevice::on_resource_queue(const ResourceQueueCmd& cmd, const HeldChain& chain) {
  auto refuse = [&](Result result, const std::string& why) {
    ++stats_.errors_returned;
    diagnose(fmt::format("RESOURCE_QUEUE {}: {}", result_name(result), why));
    ResourceQueueResp resp;
    resp.result = result;
    answer_queue(chain.id, resp);
  };
  auto it = streams_.find(cmd.stream_id);
  if (it == streams_.end()) return refuse(Result::ErrInvalidStreamId, fmt::format("no stream {}", cmd.stream_id));
  VideoStream& s = *it->second;
  const auto qt = queue_type_from_wire(cmd.queue_type);
  if (!qt) return refuse(Result::ErrInvalidArgument, fmt::format("queue_type {}", cmd.queue_type));
  auto& q = s.queue(*qt);
  if (cmd.resource_id >= q.resources.size()) {
    return refuse(Result::ErrInvalidArgument,
                  fmt::format("resource_id {} >= num_resources {}", cmd.resource_id, q.resources.size()));
  }
  const uint32_t allowed_flags =
      profile_.role == DeviceRole::Encoder && *qt == QueueType::Input ? kEnqueueFlagsAll : 0;
  if (cmd.flags & ~allowed_flags) return refuse(Result::ErrInvalidArgument, fmt::format("flags {:#x}", cmd.flags));
  Resource& r = q.resources[cmd.resource_id];
  if (!r.attached && s.awaiting_reattach && fault(DeviceFault::AcceptUnattachedOutput)) {
    return answer_queue(chain.id, ResourceQueueResp{});  // OK, nothing written
  }
  if (!r.attached) {
    return refuse(Result::ErrInvalidOperation, fmt::format("stream {} resource {} has no backing attached", s.id,
                                                           cmd.resource_id));
  }
  if (r.queued) {
    return refuse(Result::ErrInvalidOperation, fmt::format("stream {} resource {} is already queued", s.id,
                                                           cmd.resource_id));
  }
  if (*qt != image_queue() && *qt == QueueType::Input && cmd.data_sizes[0] > total_length(r.buffers[0])) {
    return refuse(Result::ErrInvalidArgument, fmt::format("data_sizes[0] {} exceeds the {}-byte backing",
                                                          cmd.data_sizes[0], total_length(r.buffers[0])));
  }
  if (*qt == image_queue()) {
    const auto needs = buffer_needs(s, *qt);
    for (size_t i = 0; i < needs.size(); ++i) {
      if (i >= r.buffers.size() || total_length(r.buffers[i]) < needs[i]) {
        return refuse(Result::ErrInvalidArgument,
                      fmt::format("resource {} buffer {} is smaller than the current image format needs ({})",
                                  cmd.resource_id, i, needs[i]));
      }
    }
  }
  r.queued = true;
  r.attach_allowed = false;
  r.command = chain.id;
  r.cmd = cmd;
  q.params_changeable = false;
  if (*qt == QueueType::Input) {
    mark(s.id, cmd.timestamp, DeviceStage::InputAccepted);
    InputWork w;
    w.resource_id = cmd.resource_id;
    s.work.push_back(w);
  } else {
    s.ready_outputs.push_back(cmd.resource_id);
    s.awaiting_reattach = false;
  }
  slot_wake_[s.slot]->notify(sc_core::SC_ZERO_TIME);
  if (*qt == QueueType::Output && s.stop_waiting_for_output)
    answer_result(*std::exchange(s.stop_waiting_for_output, std::nullopt), Result::Ok);
}

// ---------------------------------------------------------------- data movement

// The bounce copy's loads and stores overlap with its bus transfers (a read
// and a write of every byte): it takes the longer of the CPU's and the bus's time.
void VideoDevice::charge_cpu_copy(const std::vector<SgEntry>& segments, uint32_t len) {
  if (profile_.unaligned_sg != UnalignedSgPolicy::CpuCopy) return;
  const bool aligned = std::all_of(segments.begin(), segments.end(),
                                   [&](const SgEntry& e) { return e.addr % profile_.page_size == 0; });
  if (aligned) return;
  const sc_time start = sc_time_stamp();
  uint32_t done = 0;
  for (const auto& e : segments) {
    if (done == len) break;
    const uint32_t n = std::min(e.length, len - done);
    for (int pass = 0; pass < 2; ++pass) transport_->dma_write_timing(e.addr, n);  // read, then write back
    done += n;
  }
  const uint64_t cpu_cycles = (uint64_t{len} + profile_.cpu_copy_bytes_per_cycle - 1) / profile_.cpu_copy_bytes_per_cycle;
  const sc_time cpu(double(cpu_cycles) / profile_.cpu_copy_clock_mhz, sc_core::SC_US);
  const sc_time bus = sc_time_stamp() - start;
  if (cpu > bus) sc_core::wait(cpu - bus);
}

void VideoDevice::read_backing(std::vector<SgEntry> segments, std::vector<uint8_t>& dst, uint32_t len) {
  dst.resize(len);
  uint32_t done = 0;
  for (const auto& e : segments) {
    if (done == len) break;
    const uint32_t n = std::min(e.length, len - done);
    transport_->dma_read(e.addr, dst.data() + done, n);
    done += n;
  }
  charge_cpu_copy(segments, len);
  stats_.bytes_read += len;
}

void VideoDevice::write_backing(std::vector<SgEntry> segments, uint32_t len, const DeviceTransport::Fill& fill) {
  uint32_t done = 0;
  for (const auto& e : segments) {
    if (done == len) break;
    const uint32_t n = std::min(e.length, len - done);
    if (fill) {
      transport_->dma_write_in_place(e.addr, n, [&](uint64_t at, uint8_t* dst, uint64_t k) { fill(done + at, dst, k); });
    } else {
      transport_->dma_write_timing(e.addr, n);
    }
    done += n;
  }
  charge_cpu_copy(segments, len);
  stats_.bytes_written += len;
}

// ---------------------------------------------------------------- events

void VideoDevice::send_event(const Event& event) {
  pending_events_.push_back({event, sc_time_stamp()});
  event_kick_.notify(sc_core::SC_ZERO_TIME);
}

void VideoDevice::event_loop() {
  for (;;) {
    sc_core::wait(event_kick_);
    while (!pending_events_.empty() && transport_) {
      auto chain = transport_->pop(kEventQueue, sc_core::SC_ZERO_TIME);
      if (!chain) {
        ++stats_.events_held;
        break;  // held until the driver posts an eventq buffer (its kick wakes us)
      }
      const HeldEvent held = pending_events_.front();
      pending_events_.pop_front();
      const auto bytes = to_bytes(held.event);
      if (!chain->has_writable || chain->first_writable_len < kEventSize) {
        diagnose(fmt::format("eventq buffer {} smaller than an event; returned empty", chain->id));
        transport_->complete(kEventQueue, chain->id, 0);
        pending_events_.push_front(held);
        continue;
      }
      transport_->dma_write(chain->first_writable_addr, bytes.data(), static_cast<uint32_t>(bytes.size()));
      const uint32_t claimed = fault(DeviceFault::EventLenOverstated) ? kFaultOverrunBytes : 0;
      transport_->complete(kEventQueue, chain->id, static_cast<uint32_t>(bytes.size()) + claimed);
      const sc_time waited = sc_time_stamp() - held.raised;
      stats_.event_wait_total += waited;
      stats_.event_wait_max = std::max(stats_.event_wait_max, waited);
      ++stats_.events_sent;
    }
  }
}

}  // namespace vvsim::virtio_video
