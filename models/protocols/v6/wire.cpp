// The v6 wire structures but the stream parameters (wire_params.cpp).
#include "models/protocols/v6/wire.h"

#include <algorithm>

#include <fmt/format.h>

#include "models/protocols/v6/wire_fields.h"

namespace vvsim::virtio_video {

using namespace wire_fields;  // the field helpers both wire files share

namespace {

void read_format_desc(ByteReader& r, FormatDesc& v) {
  v.fourcc = get_fourcc(r, "fourcc");
  r.skip(4, "padding");
  v.compatible_mask = r.le64("compatible_mask");
  v.max_width = r.le32("max_width");
  v.max_height = r.le32("max_height");
}

}  // namespace

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

vvsim::Result<Config> decode_config(ByteSpan in) {
  ByteReader r(in, "virtio_video_config");
  Config v;
  v.version = r.le32("version");
  v.caps_length = r.le32("caps_length");
  return finish(r, v);
}

vvsim::Result<FormatDesc> decode_format_desc(ByteSpan in) {
  ByteReader r(in, "virtio_video_format_desc");
  FormatDesc v;
  read_format_desc(r, v);
  return finish(r, v);
}

vvsim::Result<QueryCapsResp> decode_query_caps_resp(ByteSpan in) {
  ByteReader r(in, "virtio_video_device_query_caps_resp");
  QueryCapsResp v;
  v.result = static_cast<Result>(r.le32("result"));
  const uint32_t nb = r.le32("num_bitstream_formats");
  const uint32_t ni = r.le32("num_image_formats");
  if (r.failed()) return vvsim::Error{r.error()};
  // Check the counts against the bytes present before allocating for them.
  if (!r.require((uint64_t{nb} + ni) * kFormatDescSize, "format descriptors")) {
    return vvsim::Error{r.error()};
  }
  v.bitstream_formats.resize(nb);
  v.image_formats.resize(ni);
  for (auto& d : v.bitstream_formats) read_format_desc(r, d);
  for (auto& d : v.image_formats) read_format_desc(r, d);
  return finish(r, v);
}

vvsim::Result<uint32_t> decode_cmd_type(ByteSpan in) {
  ByteReader r(in, "command header");
  const uint32_t code = r.le32("cmd_type");
  return finish(r, code);
}

vvsim::Result<StreamCmd> decode_stream_cmd(ByteSpan in) {
  ByteReader r(in, "stream command");
  const uint32_t code = r.le32("cmd_type");
  StreamCmd v;
  v.stream_id = r.le32("stream_id");
  if (r.failed()) return vvsim::Error{r.error()};
  const auto cmd = cmd_type_from_wire(code);
  if (!cmd || (*cmd != CmdType::StreamDestroy && *cmd != CmdType::StreamDrain && *cmd != CmdType::StreamStop)) {
    return vvsim::Error{fmt::format("stream command: cmd_type {:#x} is not DESTROY/DRAIN/STOP", code)};
  }
  v.cmd = *cmd;
  return v;
}

vvsim::Result<StreamCreateResp> decode_stream_create_resp(ByteSpan in) {
  ByteReader r(in, "virtio_video_stream_create_resp");
  StreamCreateResp v;
  v.result = static_cast<Result>(r.le32("result"));
  v.stream_id = r.le32("stream_id");
  return finish(r, v);
}

vvsim::Result<Result> decode_result(ByteSpan in) {
  ByteReader r(in, "response");
  const auto result = static_cast<Result>(r.le32("result"));
  return finish(r, result);
}

Result result_or_invalid(ByteSpan response) {
  const auto r = decode_result(response);
  return r ? *r : Result::ErrInvalidCommand;
}

uint64_t total_length(const std::vector<SgEntry>& segments) {
  uint64_t n = 0;
  for (const auto& s : segments) n += s.length;
  return n;
}

vvsim::Result<SgEntry> decode_sg_entry(ByteSpan in) {
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

vvsim::Result<AttachBackingHeader> decode_attach_backing_header(ByteSpan in) {
  ByteReader r(in, "virtio_video_resource_attach_backing");
  auto h = read_attach_header(r);
  return finish(r, h);
}

vvsim::Result<AttachBackingCmd> decode_attach_backing(ByteSpan in, MemType mem_type, uint32_t num_buffers) {
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
  if (r.failed()) return vvsim::Error{r.error()};
  if (r.remaining() != 0) {
    return vvsim::Error{
        fmt::format("virtio_video_resource_attach_backing: {} bytes follow the {} backing(s) the format needs",
                    r.remaining(), num_buffers)};
  }
  return v;
}

vvsim::Result<ResourceQueueCmd> decode_resource_queue(ByteSpan in) {
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

vvsim::Result<ResourceQueueResp> decode_resource_queue_resp(ByteSpan in) {
  ByteReader r(in, "virtio_video_resource_queue_resp");
  ResourceQueueResp v;
  v.result = static_cast<Result>(r.le32("result"));
  v.flags = r.le32("flags");
  v.timestamp = r.le64("timestamp");
  for (auto& s : v.data_sizes) s = r.le32("data_sizes");
  return finish(r, v);
}

vvsim::Result<Event> decode_event(ByteSpan in) {
  ByteReader r(in, "virtio_video_event");
  Event v;
  const uint32_t type = r.le32("event_type");
  v.stream_id = r.le32("stream_id");
  v.detail = r.le32("detail");
  r.skip(4, "padding");
  if (r.failed()) return vvsim::Error{r.error()};
  if (type != static_cast<uint32_t>(EventType::Error) && type != static_cast<uint32_t>(EventType::Drc)) {
    return vvsim::Error{fmt::format("virtio_video_event: unknown event_type {}", type)};
  }
  v.type = static_cast<EventType>(type);
  return v;
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

size_t raw_response_capacity(ByteSpan command, uint32_t caps_length) {
  const auto code = decode_cmd_type(command);
  const bool query_caps = code && cmd_type_from_wire(*code) == CmdType::DeviceQueryCaps;
  return query_caps ? std::max<size_t>(caps_length, kParamRespSize) : kParamRespSize;
}

}  // namespace vvsim::virtio_video
