#include "models/protocols/v6/wire.h"

#include <fmt/format.h>

namespace vvsim::virtio_video {

namespace {

void put_fourcc(ByteWriter& w, const Fourcc& f) { w.bytes(f.data(), f.size()); }

Fourcc get_fourcc(ByteReader& r, const char* field) {
  Fourcc f{};
  r.bytes(f.data(), f.size(), field);
  return f;
}

// Finishes a decode: the value, or the reader's reason for refusing it.
template <typename T>
Decoded<T> finish(const ByteReader& r, T value) {
  if (r.failed()) return Decoded<T>::fail(r.error());
  return Decoded<T>::ok(std::move(value));
}

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

void read_format_desc(ByteReader& r, FormatDesc& v) {
  v.fourcc = get_fourcc(r, "fourcc");
  r.skip(4, "padding");
  v.compatible_mask = r.le64("compatible_mask");
  v.max_width = r.le32("max_width");
  v.max_height = r.le32("max_height");
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

void write_stream_cmd_header(ByteWriter& w, CmdType cmd, uint32_t stream_id) {
  w.le32(static_cast<uint32_t>(cmd));
  w.le32(stream_id);
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

// ---- Encoders ----

void encode(std::vector<uint8_t>& out, const Config& v) {
  ByteWriter w(out);
  w.le32(v.version);
  w.le32(v.caps_length);
}

void encode(std::vector<uint8_t>& out, const FormatDesc& v) {
  ByteWriter w(out);
  put_fourcc(w, v.fourcc);
  w.zeros(4);
  w.le64(v.compatible_mask);
  w.le32(v.max_width);
  w.le32(v.max_height);
}

void encode(std::vector<uint8_t>& out, const QueryCapsResp& v) {
  ByteWriter w(out);
  w.le32(static_cast<uint32_t>(v.result));
  w.le32(static_cast<uint32_t>(v.bitstream_formats.size()));
  w.le32(static_cast<uint32_t>(v.image_formats.size()));
  for (const auto& d : v.bitstream_formats) encode(out, d);
  for (const auto& d : v.image_formats) encode(out, d);
}

void encode_cmd_header(std::vector<uint8_t>& out, CmdType cmd) { ByteWriter(out).le32(static_cast<uint32_t>(cmd)); }

void encode(std::vector<uint8_t>& out, const StreamCmd& v) {
  ByteWriter w(out);
  write_stream_cmd_header(w, v.cmd, v.stream_id);
}

void encode(std::vector<uint8_t>& out, const StreamCreateResp& v) {
  ByteWriter w(out);
  w.le32(static_cast<uint32_t>(v.result));
  w.le32(v.stream_id);
}

void encode_result(std::vector<uint8_t>& out, Result result) { ByteWriter(out).le32(static_cast<uint32_t>(result)); }

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

void encode(std::vector<uint8_t>& out, const SgEntry& v) {
  ByteWriter w(out);
  w.le64(v.addr);
  w.le32(v.length);
  w.zeros(4);
}

void encode(std::vector<uint8_t>& out, const AttachBackingCmd& v) {
  ByteWriter w(out);
  write_stream_cmd_header(w, CmdType::ResourceAttachBacking, v.header.stream_id);
  w.le32(v.header.queue_type);
  w.le32(v.header.resource_id);
  for (const auto& backing : v.resources) {
    if (const auto* sg = std::get_if<std::vector<SgEntry>>(&backing)) {
      w.le32(static_cast<uint32_t>(sg->size()));
      w.zeros(4);
      for (const auto& e : *sg) encode(out, e);
    } else {
      const auto& uuid = std::get<Uuid>(backing);
      w.bytes(uuid.data(), uuid.size());
    }
  }
}

void encode(std::vector<uint8_t>& out, const ResourceQueueCmd& v) {
  ByteWriter w(out);
  write_stream_cmd_header(w, CmdType::ResourceQueue, v.stream_id);
  w.le32(v.queue_type);
  w.le32(v.resource_id);
  w.le32(v.flags);
  w.zeros(4);
  w.le64(v.timestamp);
  for (uint32_t s : v.data_sizes) w.le32(s);
}

void encode(std::vector<uint8_t>& out, const ResourceQueueResp& v) {
  ByteWriter w(out);
  w.le32(static_cast<uint32_t>(v.result));
  w.le32(v.flags);
  w.le64(v.timestamp);
  for (uint32_t s : v.data_sizes) w.le32(s);
}

void encode(std::vector<uint8_t>& out, const Event& v) {
  ByteWriter w(out);
  w.le32(static_cast<uint32_t>(v.type));
  w.le32(v.stream_id);
  w.le32(v.detail);
  w.zeros(4);
}

// ---- Decoders ----

Decoded<Config> decode_config(ByteSpan in) {
  ByteReader r(in, "virtio_video_config");
  Config v;
  v.version = r.le32("version");
  v.caps_length = r.le32("caps_length");
  return finish(r, v);
}

Decoded<FormatDesc> decode_format_desc(ByteSpan in) {
  ByteReader r(in, "virtio_video_format_desc");
  FormatDesc v;
  read_format_desc(r, v);
  return finish(r, v);
}

Decoded<QueryCapsResp> decode_query_caps_resp(ByteSpan in) {
  ByteReader r(in, "virtio_video_device_query_caps_resp");
  QueryCapsResp v;
  v.result = static_cast<Result>(r.le32("result"));
  const uint32_t nb = r.le32("num_bitstream_formats");
  const uint32_t ni = r.le32("num_image_formats");
  if (r.failed()) return Decoded<QueryCapsResp>::fail(r.error());
  // Check the counts against the bytes present before allocating for them.
  if (!r.require((uint64_t{nb} + ni) * kFormatDescSize, "format descriptors")) {
    return Decoded<QueryCapsResp>::fail(r.error());
  }
  v.bitstream_formats.resize(nb);
  v.image_formats.resize(ni);
  for (auto& d : v.bitstream_formats) read_format_desc(r, d);
  for (auto& d : v.image_formats) read_format_desc(r, d);
  return finish(r, v);
}

Decoded<uint32_t> decode_cmd_type(ByteSpan in) {
  ByteReader r(in, "command header");
  const uint32_t code = r.le32("cmd_type");
  return finish(r, code);
}

Decoded<StreamCmd> decode_stream_cmd(ByteSpan in) {
  ByteReader r(in, "stream command");
  const uint32_t code = r.le32("cmd_type");
  StreamCmd v;
  v.stream_id = r.le32("stream_id");
  if (r.failed()) return Decoded<StreamCmd>::fail(r.error());
  const auto cmd = cmd_type_from_wire(code);
  if (!cmd || (*cmd != CmdType::StreamDestroy && *cmd != CmdType::StreamDrain && *cmd != CmdType::StreamStop)) {
    return Decoded<StreamCmd>::fail(fmt::format("stream command: cmd_type {:#x} is not DESTROY/DRAIN/STOP", code));
  }
  v.cmd = *cmd;
  return Decoded<StreamCmd>::ok(v);
}

Decoded<StreamCreateResp> decode_stream_create_resp(ByteSpan in) {
  ByteReader r(in, "virtio_video_stream_create_resp");
  StreamCreateResp v;
  v.result = static_cast<Result>(r.le32("result"));
  v.stream_id = r.le32("stream_id");
  return finish(r, v);
}

Decoded<Result> decode_result(ByteSpan in) {
  ByteReader r(in, "response");
  const auto result = static_cast<Result>(r.le32("result"));
  return finish(r, result);
}

Decoded<Rect> decode_rect(ByteSpan in) {
  ByteReader r(in, "virtio_video_rect");
  Rect v;
  read_rect(r, v);
  return finish(r, v);
}

Decoded<PlaneFormat> decode_plane_format(ByteSpan in) {
  ByteReader r(in, "virtio_video_plane_format");
  PlaneFormat v;
  read_plane_format(r, v);
  return finish(r, v);
}

Decoded<StreamParamValue> decode_params_union(ParamType type, ByteSpan in) {
  ByteReader r(in, "virtio_video_stream_params");
  auto v = read_params_union(r, type);
  return finish(r, v);
}

Decoded<GetParamCmd> decode_get_param(ByteSpan in) {
  ByteReader r(in, "virtio_video_stream_get_param");
  r.le32("cmd_type");
  GetParamCmd v;
  v.stream_id = r.le32("stream_id");
  v.param_type = r.le32("param_type");
  r.skip(4, "padding");
  return finish(r, v);
}

Decoded<SetParamCmd> decode_set_param(ByteSpan in) {
  ByteReader r(in, "virtio_video_stream_set_param");
  r.le32("cmd_type");
  SetParamCmd v;
  v.stream_id = r.le32("stream_id");
  v.param_type = r.le32("param_type");
  r.skip(4, "padding");
  r.bytes(v.raw_param.data(), v.raw_param.size(), "param");
  return finish(r, v);
}

Decoded<ParamResp> decode_param_resp(ParamType type, ByteSpan in) {
  ByteReader r(in, "virtio_video_stream_param_resp");
  ParamResp v;
  v.result = static_cast<Result>(r.le32("result"));
  v.param = read_params_union(r, type);
  return finish(r, v);
}

uint64_t total_length(const std::vector<SgEntry>& segments) {
  uint64_t n = 0;
  for (const auto& s : segments) n += s.length;
  return n;
}

Decoded<SgEntry> decode_sg_entry(ByteSpan in) {
  ByteReader r(in, "virtio_video_resource_sg_entry");
  SgEntry v;
  v.addr = r.le64("addr");
  v.length = r.le32("length");
  r.skip(4, "padding");
  return finish(r, v);
}

namespace {

AttachBackingHeader read_attach_header(ByteReader& r) {
  r.le32("cmd_type");
  AttachBackingHeader h;
  h.stream_id = r.le32("stream_id");
  h.queue_type = r.le32("queue_type");
  h.resource_id = r.le32("resource_id");
  return h;
}

ResourceBacking read_sg_list(ByteReader& r) {
  const uint32_t n = r.le32("sg_list.num_entries");
  r.skip(4, "sg_list.padding");
  std::vector<SgEntry> entries;
  if (r.failed() || !r.require(uint64_t{n} * kSgEntrySize, "sg_list entries")) return entries;
  entries.resize(n);
  for (auto& e : entries) {
    e.addr = r.le64("sg_entry.addr");
    e.length = r.le32("sg_entry.length");
    r.skip(4, "sg_entry.padding");
  }
  return entries;
}

}  // namespace

Decoded<AttachBackingHeader> decode_attach_backing_header(ByteSpan in) {
  ByteReader r(in, "virtio_video_resource_attach_backing");
  auto h = read_attach_header(r);
  return finish(r, h);
}

Decoded<AttachBackingCmd> decode_attach_backing(ByteSpan in, MemType mem_type, uint32_t num_buffers) {
  ByteReader r(in, "virtio_video_resource_attach_backing");
  AttachBackingCmd v;
  v.header = read_attach_header(r);
  for (uint32_t i = 0; i < num_buffers && !r.failed(); ++i) {
    if (mem_type == MemType::GuestPages) {
      v.resources.push_back(read_sg_list(r));
    } else {
      Uuid uuid{};
      r.bytes(uuid.data(), uuid.size(), "object.uuid");
      v.resources.push_back(uuid);
    }
  }
  if (r.failed()) return Decoded<AttachBackingCmd>::fail(r.error());
  if (r.remaining() != 0) {
    return Decoded<AttachBackingCmd>::fail(
        fmt::format("virtio_video_resource_attach_backing: {} bytes follow the {} backing(s) the format needs",
                    r.remaining(), num_buffers));
  }
  return Decoded<AttachBackingCmd>::ok(std::move(v));
}

Decoded<ResourceQueueCmd> decode_resource_queue(ByteSpan in) {
  ByteReader r(in, "virtio_video_resource_queue");
  r.le32("cmd_type");
  ResourceQueueCmd v;
  v.stream_id = r.le32("stream_id");
  v.queue_type = r.le32("queue_type");
  v.resource_id = r.le32("resource_id");
  v.flags = r.le32("flags");
  r.skip(4, "padding");
  v.timestamp = r.le64("timestamp");
  for (auto& s : v.data_sizes) s = r.le32("data_sizes");
  return finish(r, v);
}

Decoded<ResourceQueueResp> decode_resource_queue_resp(ByteSpan in) {
  ByteReader r(in, "virtio_video_resource_queue_resp");
  ResourceQueueResp v;
  v.result = static_cast<Result>(r.le32("result"));
  v.flags = r.le32("flags");
  v.timestamp = r.le64("timestamp");
  for (auto& s : v.data_sizes) s = r.le32("data_sizes");
  return finish(r, v);
}

Decoded<Event> decode_event(ByteSpan in) {
  ByteReader r(in, "virtio_video_event");
  Event v;
  const uint32_t type = r.le32("event_type");
  v.stream_id = r.le32("stream_id");
  v.detail = r.le32("detail");
  r.skip(4, "padding");
  if (r.failed()) return Decoded<Event>::fail(r.error());
  if (type != static_cast<uint32_t>(EventType::Error) && type != static_cast<uint32_t>(EventType::Drc)) {
    return Decoded<Event>::fail(fmt::format("virtio_video_event: unknown event_type {}", type));
  }
  v.type = static_cast<EventType>(type);
  return Decoded<Event>::ok(v);
}

size_t ok_response_size(CmdType cmd) {
  switch (cmd) {
    case CmdType::DeviceQueryCaps: return kQueryCapsRespHeaderSize;
    case CmdType::StreamCreate: return kStreamCreateRespSize;
    case CmdType::StreamGetParam:
    case CmdType::StreamSetParam: return kParamRespSize;
    case CmdType::ResourceQueue: return kResourceQueueRespSize;
    case CmdType::StreamDestroy:
    case CmdType::StreamDrain:
    case CmdType::StreamStop:
    case CmdType::ResourceAttachBacking: break;
  }
  return kResultOnlyRespSize;
}

}  // namespace vvsim::virtio_video
