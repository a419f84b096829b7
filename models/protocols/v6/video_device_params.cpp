// GET_PARAM and SET_PARAM: which parameters the role has, when each may
// change, and the nearest supported value the device takes (§Format
// parameters: "MAY adjust ... to the nearest-supported value", never an error).
#include <algorithm>

#include <fmt/format.h>

#include "models/protocols/v6/video_device.h"

namespace vvsim::virtio_video {

namespace {
bool has_feature(uint64_t features, uint32_t bit) { return (features >> bit) & 1u; }
}  // namespace

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

// A parameter changes while its queue's window is open; the bitrate changes
// mid-stream (the review thread asks for it).
bool VideoDevice::param_changeable(VideoStream& s, ParamType type) const {
  if (faults_.params_change_any_time()) return true;
  const auto queue = param_queue(type);
  return !queue || s.queue(*queue).params_changeable;
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
void VideoDevice::take_driver_image_size(VideoStream& s, const ParamsImageFormat& req) {
  const uint32_t w = std::clamp((req.width + 15) & ~15u, 16u, profile_.max_width);
  const uint32_t h = std::clamp((req.height + 15) & ~15u, 16u, profile_.max_height);
  codec::Rect crop{req.crop.left, req.crop.top, req.crop.width, req.crop.height};
  const bool inside = crop.width >= 2 && crop.height >= 2 && crop.left % 2 == 0 && crop.top % 2 == 0 &&
                      crop.left + crop.width <= w && crop.top + crop.height <= h;
  if (!inside) crop = {0, 0, std::min(req.width ? req.width : w, w), std::min(req.height ? req.height : h, h)};
  s.output_layout =
      codec::default_layout(s.output_layout.format, w, h, profile_.stride_alignment, crop).value();
  s.encoder.reset();
}

void VideoDevice::apply_param(VideoStream& s, ParamType type, const StreamParamValue& requested, Answers& canceled) {
  switch (type) {
    case ParamType::InputResources:
    case ParamType::OutputResources:
      return apply_resources(s, type, std::get<ParamsResources>(requested), canceled);
    case ParamType::DecoderInputFormat:
    case ParamType::EncoderOutputFormat: return apply_bitstream_format(s, std::get<ParamsBitstreamFormat>(requested));
    case ParamType::DecoderOutputFormat:
    case ParamType::EncoderInputFormat: return apply_image_format(s, type, std::get<ParamsImageFormat>(requested));
    case ParamType::EncoderBitrate: {
      const auto& req = std::get<ParamsBitrate>(requested);
      s.bitrate.bitrate = std::clamp(req.bitrate, s.bitrate.min_bitrate, s.bitrate.max_bitrate);
      return;
    }
  }
}

void VideoDevice::apply_resources(VideoStream& s, ParamType type, const ParamsResources& requested,
                                  Answers& canceled) {
  auto& q = type == ParamType::InputResources ? s.input : s.output;
  const auto wanted = clamp_resources(requested, q.params.mem_type);
  // Every queued resource of the queue is canceled before the answer.
  if (type == ParamType::InputResources) {
    withdraw_inputs(s, canceled);
  } else {
    withdraw_outputs(s, canceled);
  }
  q.params = wanted;
  q.resize(wanted.num_resources);
}

void VideoDevice::apply_bitstream_format(VideoStream& s, const ParamsBitstreamFormat& req) {
  auto wanted = codec::codec_from_fourcc(fourcc_string(req.fourcc));
  if (wanted && std::find(profile_.codecs.begin(), profile_.codecs.end(), *wanted) != profile_.codecs.end()) {
    s.codec = *wanted;
    s.bitstream_format.fourcc = req.fourcc;
    s.decoder.reset();  // a new codec starts a new codec instance on the next input
    s.encoder.reset();
  }
  s.bitstream_format.buffer_size =
      std::clamp(req.buffer_size, profile_.min_bitstream_buffer_size, profile_.max_bitstream_buffer_size);
}

// A decoder's coded size and crop follow the bitstream once it has told them;
// before, and for an encoder, the driver's size is taken (nearest supported).
// The driver picks the fourcc (if offered) and may ask for larger strides.
void VideoDevice::apply_image_format(VideoStream& s, ParamType type, const ParamsImageFormat& req) {
  if (type == ParamType::EncoderInputFormat || !s.size_from_bitstream) take_driver_image_size(s, req);
  const std::string fourcc = fourcc_string(req.fourcc);
  const bool offered =
      std::find(profile_.image_formats.begin(), profile_.image_formats.end(), fourcc) != profile_.image_formats.end();
  const auto format = offered ? *codec::image_format_from_fourcc(fourcc) : s.output_layout.format;
  auto fallback = codec::default_layout(format, s.output_layout.coded_width, s.output_layout.coded_height,
                                        profile_.stride_alignment, s.output_layout.crop);
  std::vector<codec::PlaneFormatValues> planes;
  for (uint32_t i = 0; i < codec::plane_count(format); ++i) {
    planes.push_back({req.planes[i].buffer_size, req.planes[i].stride, req.planes[i].offset});
  }
  auto driver = codec::layout_from_driver(format, s.output_layout.coded_width, s.output_layout.coded_height,
                                          s.output_layout.crop, planes);
  s.output_layout = driver.ok() ? *driver : fallback.value();
}

// The stream and parameter a GET/SET_PARAM names; nothing after answering the error.
std::optional<ParamType> VideoDevice::param_target(const char* command, uint32_t stream_id, uint32_t raw_type,
                                                   const PendingCompletion& chain, VideoStream*& stream) {
  stream = find_stream(stream_id, chain);
  if (!stream) return std::nullopt;
  const auto type = param_of_role(profile_.role, raw_type);
  if (!type) {
    answer_result(chain.tag, Result::ErrInvalidArgument,
                  fmt::format("{}: parameter {:#x} not valid for this device", command, raw_type));
  }
  return type;
}

void VideoDevice::on_get_param(ByteSpan bytes, const PendingCompletion& chain) {
  const auto cmd = decode_get_param(bytes);
  if (!cmd) return answer_result(chain.tag, Result::ErrInvalidArgument, cmd.error().message);
  VideoStream* s = nullptr;
  const auto type = param_target("GET_PARAM", cmd->stream_id, cmd->param_type, chain, s);
  if (!type) return;
  answer(chain.tag, to_bytes(ParamResp{Result::Ok, current_param(*s, *type)}));
}

void VideoDevice::on_set_param(ByteSpan bytes, const PendingCompletion& chain) {
  const auto cmd = decode_set_param(bytes);
  if (!cmd) return answer_result(chain.tag, Result::ErrInvalidArgument, cmd.error().message);
  VideoStream* found = nullptr;
  const auto type = param_target("SET_PARAM", cmd->stream_id, cmd->param_type, chain, found);
  if (!type) return;
  VideoStream& s = *found;
  if (!param_changeable(s, *type)) {
    return answer_result(chain.tag, Result::ErrInvalidOperation,
                         fmt::format("SET_PARAM {:#x} on stream {}: resources already queued on that queue",
                                     cmd->param_type, s.id));
  }
  const auto requested = decode_params_union(*type, ByteSpan(cmd->raw_param.data(), cmd->raw_param.size()));
  if (faults_.refuse_adjusted_params() && needs_adjusting(*requested)) {
    return answer_result(chain.tag, Result::ErrInvalidArgument, "SET_PARAM: value out of range refused (fault)");
  }
  Answers canceled;
  apply_param(s, *type, *requested, canceled);
  const auto response = to_bytes(ParamResp{Result::Ok, current_param(s, *type)});
  send(canceled);
  answer(chain.tag, response);
}

}  // namespace vvsim::virtio_video
