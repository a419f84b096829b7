// The stream parameters of GET_PARAM and SET_PARAM on the wire: the members of
// union virtio_video_stream_params and the commands and response carrying them.
#include "models/protocols/v6/wire.h"
#include "models/protocols/v6/wire_fields.h"

namespace vvsim::virtio_video {

using namespace wire_fields;  // the field helpers both wire files share

namespace {

void read_rect(ByteReader& r, Rect& v) {
  v.left = r.le32("left");
  v.top = r.le32("top");
  v.width = r.le32("width");
  v.height = r.le32("height");
}

void read_plane_format(ByteReader& r, PlaneFormat& v) {
  v.buffer_size = r.le32("buffer_size");
  v.stride = r.le32("stride");
  v.offset = r.le32("offset");
  r.skip(4, "padding");
}

void read_member(ByteReader& r, ParamsResources& v) {
  v.min_resources = r.le32("min_resources");
  v.max_resources = r.le32("max_resources");
  v.num_resources = r.le32("num_resources");
  v.mem_type = r.u8("mem_type");
  r.skip(3, "padding");
}

void read_member(ByteReader& r, ParamsBitstreamFormat& v) {
  v.fourcc = get_fourcc(r, "fourcc");
  v.buffer_size = r.le32("buffer_size");
}

void read_member(ByteReader& r, ParamsImageFormat& v) {
  v.fourcc = get_fourcc(r, "fourcc");
  v.width = r.le32("width");
  v.height = r.le32("height");
  r.skip(4, "padding");
  read_rect(r, v.crop);
  for (auto& p : v.planes) read_plane_format(r, p);
}

void read_member(ByteReader& r, ParamsBitrate& v) {
  v.min_bitrate = r.le32("min_bitrate");
  v.max_bitrate = r.le32("max_bitrate");
  v.bitrate = r.le32("bitrate");
  r.skip(4, "padding");
}

// Reads the union: the member `type` selects, then the rest of the union.
StreamParamValue read_params_union(ByteReader& r, ParamType type) {
  StreamParamValue value = empty_param_value(type);
  const size_t start = r.offset();
  std::visit([&](auto& member) { read_member(r, member); }, value);
  r.skip(kStreamParamsSize - (r.offset() - start), "union padding");
  return value;
}

}  // namespace

StreamParamValue empty_param_value(ParamType type) {
  switch (type) {
    case ParamType::InputResources:
    case ParamType::OutputResources:
      return ParamsResources{};
    case ParamType::DecoderInputFormat:
    case ParamType::EncoderOutputFormat:
      return ParamsBitstreamFormat{};
    case ParamType::DecoderOutputFormat:
    case ParamType::EncoderInputFormat:
      return ParamsImageFormat{};
    case ParamType::EncoderBitrate:
      return ParamsBitrate{};
  }
  return ParamsResources{};
}

void encode(std::vector<uint8_t>& out, const Rect& v) {
  ByteWriter w(out);
  w.le32(v.left);
  w.le32(v.top);
  w.le32(v.width);
  w.le32(v.height);
}

void encode(std::vector<uint8_t>& out, const PlaneFormat& v) {
  ByteWriter w(out);
  w.le32(v.buffer_size);
  w.le32(v.stride);
  w.le32(v.offset);
  w.zeros(4);
}

void encode(std::vector<uint8_t>& out, const ParamsResources& v) {
  ByteWriter w(out);
  w.le32(v.min_resources);
  w.le32(v.max_resources);
  w.le32(v.num_resources);
  w.u8(v.mem_type);
  w.zeros(3);
}

void encode(std::vector<uint8_t>& out, const ParamsBitstreamFormat& v) {
  ByteWriter w(out);
  put_fourcc(w, v.fourcc);
  w.le32(v.buffer_size);
}

void encode(std::vector<uint8_t>& out, const ParamsImageFormat& v) {
  ByteWriter w(out);
  put_fourcc(w, v.fourcc);
  w.le32(v.width);
  w.le32(v.height);
  w.zeros(4);
  encode(out, v.crop);
  for (const auto& p : v.planes) encode(out, p);
}

void encode(std::vector<uint8_t>& out, const ParamsBitrate& v) {
  ByteWriter w(out);
  w.le32(v.min_bitrate);
  w.le32(v.max_bitrate);
  w.le32(v.bitrate);
  w.zeros(4);
}

void encode_params_union(std::vector<uint8_t>& out, const StreamParamValue& v) {
  const size_t start = out.size();
  std::visit([&](const auto& member) { encode(out, member); }, v);
  out.resize(start + kStreamParamsSize, 0);
}

void encode(std::vector<uint8_t>& out, const GetParamCmd& v) {
  ByteWriter w(out);
  write_stream_cmd_header(w, CmdType::StreamGetParam, v.stream_id);
  w.le32(v.param_type);
  w.zeros(4);
}

void encode_set_param(std::vector<uint8_t>& out, uint32_t stream_id, ParamType type, const StreamParamValue& v) {
  ByteWriter w(out);
  write_stream_cmd_header(w, CmdType::StreamSetParam, stream_id);
  w.le32(static_cast<uint32_t>(type));
  w.zeros(4);
  encode_params_union(out, v);
}

void encode(std::vector<uint8_t>& out, const ParamResp& v) {
  ByteWriter(out).le32(static_cast<uint32_t>(v.result));
  encode_params_union(out, v.param);
}

vvsim::Result<Rect> decode_rect(ByteSpan in) {
  ByteReader r(in, "virtio_video_rect");
  Rect v;
  read_rect(r, v);
  return finish(r, v);
}

vvsim::Result<PlaneFormat> decode_plane_format(ByteSpan in) {
  ByteReader r(in, "virtio_video_plane_format");
  PlaneFormat v;
  read_plane_format(r, v);
  return finish(r, v);
}

vvsim::Result<StreamParamValue> decode_params_union(ParamType type, ByteSpan in) {
  ByteReader r(in, "virtio_video_stream_params");
  auto v = read_params_union(r, type);
  return finish(r, v);
}

vvsim::Result<GetParamCmd> decode_get_param(ByteSpan in) {
  ByteReader r(in, "virtio_video_stream_get_param");
  r.le32("cmd_type");
  GetParamCmd v;
  v.stream_id = r.le32("stream_id");
  v.param_type = r.le32("param_type");
  r.skip(4, "padding");
  return finish(r, v);
}

vvsim::Result<SetParamCmd> decode_set_param(ByteSpan in) {
  ByteReader r(in, "virtio_video_stream_set_param");
  r.le32("cmd_type");
  SetParamCmd v;
  v.stream_id = r.le32("stream_id");
  v.param_type = r.le32("param_type");
  r.skip(4, "padding");
  r.bytes(v.raw_param.data(), v.raw_param.size(), "param");
  return finish(r, v);
}

vvsim::Result<ParamResp> decode_param_resp(ParamType type, ByteSpan in) {
  ByteReader r(in, "virtio_video_stream_param_resp");
  ParamResp v;
  v.result = static_cast<Result>(r.le32("result"));
  v.param = read_params_union(r, type);
  return finish(r, v);
}

}  // namespace vvsim::virtio_video
