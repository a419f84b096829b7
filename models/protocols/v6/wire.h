// The virtio-video RFC v6 wire structures, each with its size as the spec
// implies it, an explicit little-endian encoder and a decoder that refuses a
// short input with the name of the structure and field.
// Layouts: docs/protocol.md. Defects of the v6 text and their resolution:
// docs/spec-notes.md.
#pragma once

#include <array>
#include <cstdint>
#include <variant>
#include <vector>

#include "common/result.h"
#include "models/protocols/v6/wire_bytes.h"
#include "models/protocols/v6/wire_constants.h"

namespace vvsim::virtio_video {

// ---- Sizes (bytes). Each is the sum of its fields as listed in v6. ----
constexpr size_t kConfigSize = 4 + 4;
constexpr size_t kCmdHeaderSize = 4;                 // le32 cmd_type
constexpr size_t kStreamCmdSize = 4 + 4;             // cmd_type, stream_id
constexpr size_t kResultOnlyRespSize = 4;            // le32 result
constexpr size_t kQueryCapsRespHeaderSize = 4 + 4 + 4;
// The descriptors QUERY_CAPS returns are not declared in v6; vvsim defines them.
constexpr size_t kFormatDescSize = 4 + 4 + 8 + 4 + 4;
constexpr size_t kStreamCreateRespSize = 4 + 4;
constexpr size_t kRectSize = 4 * 4;
constexpr size_t kPlaneFormatSize = 4 + 4 + 4 + 4;
constexpr size_t kParamsResourcesSize = 4 + 4 + 4 + 1 + 3;
constexpr size_t kParamsBitstreamFormatSize = 4 + 4;
constexpr size_t kParamsImageFormatSize = 4 + 4 + 4 + 4 + kRectSize + kMaxPlanes * kPlaneFormatSize;
constexpr size_t kParamsBitrateSize = 4 + 4 + 4 + 4;
// union virtio_video_stream_params: its largest member.
constexpr size_t kStreamParamsSize = kParamsImageFormatSize;
constexpr size_t kGetParamSize = 4 + 4 + 4 + 4;
constexpr size_t kSetParamSize = kGetParamSize + kStreamParamsSize;
constexpr size_t kParamRespSize = 4 + kStreamParamsSize;
constexpr size_t kAttachBackingHeaderSize = 4 + 4 + 4 + 4;
constexpr size_t kSgListHeaderSize = 4 + 4;
constexpr size_t kSgEntrySize = 8 + 4 + 4;
constexpr size_t kObjectSize = 16;
constexpr size_t kResourceQueueSize = 4 + 4 + 4 + 4 + 4 + 4 + 8 + 4 * kMaxPlanes;
constexpr size_t kResourceQueueRespSize = 4 + 4 + 8 + 4 * kMaxPlanes;
// union virtio_video_event is malformed in v6; vvsim's fixed layout:
// le32 event_type, le32 stream_id, 8 bytes of per-type fields.
constexpr size_t kEventSize = 4 + 4 + 8;

static_assert(kConfigSize == 8);
static_assert(kQueryCapsRespHeaderSize == 12);
static_assert(kFormatDescSize == 24);
static_assert(kStreamCreateRespSize == 8);
static_assert(kRectSize == 16);
static_assert(kPlaneFormatSize == 16);
static_assert(kParamsResourcesSize == 16);
static_assert(kParamsBitstreamFormatSize == 8);
// fourcc, width, height, padding (16) + crop rect (16) + 8 plane formats.
static_assert(kParamsImageFormatSize == 16 + 16 + 16 * 8);
static_assert(kParamsImageFormatSize == 160);
static_assert(kParamsBitrateSize == 16);
static_assert(kStreamParamsSize >= kParamsResourcesSize && kStreamParamsSize >= kParamsBitrateSize &&
              kStreamParamsSize >= kParamsBitstreamFormatSize);
static_assert(kGetParamSize == 16);
static_assert(kSetParamSize == 176);
static_assert(kParamRespSize == 164);
static_assert(kAttachBackingHeaderSize == 16);
static_assert(kSgListHeaderSize == 8);
static_assert(kSgEntrySize == 16);
static_assert(kResourceQueueSize == 64);
static_assert(kResourceQueueSize % 8 == 0 && (4 * 6) % 8 == 0, "le64 timestamp must be naturally aligned");
static_assert(kResourceQueueRespSize == 48);
static_assert(kEventSize == 16);

// ---- Structures ----

struct Config {  // struct virtio_video_config
  uint32_t version = kProtocolVersion;
  uint32_t caps_length = 0;
};

// struct virtio_video_bitstream_format_desc / virtio_video_image_format_desc
// (vvsim definition, same layout for both):
//   u8 fourcc[4]; u8 padding[4]; le64 compatible_mask; le32 max_width; le32 max_height
// compatible_mask bit i: entry i of the other array can be used with this
// format (image_formats for a bitstream format and vice versa).
struct FormatDesc {
  Fourcc fourcc{};
  uint64_t compatible_mask = 0;
  uint32_t max_width = 0;
  uint32_t max_height = 0;
};

struct QueryCapsResp {
  Result result = Result::Ok;
  std::vector<FormatDesc> bitstream_formats;
  std::vector<FormatDesc> image_formats;
};
inline size_t query_caps_resp_size(size_t num_bitstream, size_t num_image) {
  return kQueryCapsRespHeaderSize + (num_bitstream + num_image) * kFormatDescSize;
}

// The commands that carry only cmd_type and stream_id: DESTROY, DRAIN, STOP.
struct StreamCmd {
  CmdType cmd = CmdType::StreamDestroy;
  uint32_t stream_id = 0;
};

struct StreamCreateResp {
  Result result = Result::Ok;
  uint32_t stream_id = 0;
};

struct Rect {
  uint32_t left = 0, top = 0, width = 0, height = 0;
};

struct PlaneFormat {
  uint32_t buffer_size = 0;
  uint32_t stride = 0;
  uint32_t offset = 0;
};

struct ParamsResources {
  uint32_t min_resources = 0;
  uint32_t max_resources = 0;
  uint32_t num_resources = 0;
  uint8_t mem_type = static_cast<uint8_t>(MemType::GuestPages);  // raw: the driver may send anything
};

struct ParamsBitstreamFormat {
  Fourcc fourcc{};
  uint32_t buffer_size = 0;
};

struct ParamsImageFormat {
  Fourcc fourcc{};
  uint32_t width = 0;
  uint32_t height = 0;
  Rect crop;
  std::array<PlaneFormat, kMaxPlanes> planes{};
};

struct ParamsBitrate {
  uint32_t min_bitrate = 0;
  uint32_t max_bitrate = 0;
  uint32_t bitrate = 0;
};

// union virtio_video_stream_params: which member is meant follows from the
// param_type of the command.
using StreamParamValue = std::variant<ParamsResources, ParamsBitstreamFormat, ParamsImageFormat, ParamsBitrate>;

// The union member a parameter type uses (an empty value of that member).
StreamParamValue empty_param_value(ParamType type);

struct GetParamCmd {
  uint32_t stream_id = 0;
  uint32_t param_type = 0;  // raw: validated by the device
};

struct SetParamCmd {
  uint32_t stream_id = 0;
  uint32_t param_type = 0;
  std::array<uint8_t, kStreamParamsSize> raw_param{};  // decoded once param_type is known
};

struct ParamResp {
  Result result = Result::Ok;
  StreamParamValue param = ParamsResources{};
};

struct SgEntry {
  uint64_t addr = 0;
  uint32_t length = 0;
};
// The bytes a scatter-gather list describes.
uint64_t total_length(const std::vector<SgEntry>& segments);

using Uuid = std::array<uint8_t, 16>;

// union virtio_video_resource: an sg_list for MEM_TYPE_GUEST_PAGES, an object
// for MEM_TYPE_VIRTIO_OBJECT. The sg_list variant is variable-length, so the
// "array of unions" is laid out as consecutive variants (docs/spec-notes.md).
using ResourceBacking = std::variant<std::vector<SgEntry>, Uuid>;

struct AttachBackingHeader {
  uint32_t stream_id = 0;
  uint32_t queue_type = 0;  // raw
  uint32_t resource_id = 0;
};

struct AttachBackingCmd {
  AttachBackingHeader header;
  std::vector<ResourceBacking> resources;  // one per memory buffer of the format
};

struct ResourceQueueCmd {
  uint32_t stream_id = 0;
  uint32_t queue_type = 0;  // raw
  uint32_t resource_id = 0;
  uint32_t flags = 0;
  uint64_t timestamp = 0;
  std::array<uint32_t, kMaxPlanes> data_sizes{};
};

struct ResourceQueueResp {
  Result result = Result::Ok;
  uint32_t flags = 0;
  uint64_t timestamp = 0;
  std::array<uint32_t, kMaxPlanes> data_sizes{};
};

struct Event {
  EventType type = EventType::Error;
  uint32_t stream_id = 0;
  // ERROR: a device-specific nonzero error code. DRC: the queue whose format
  // changed (QUEUE_TYPE_OUTPUT for a decoder).
  uint32_t detail = 0;
};

// Bytes of a command's OK response (for QUERY_CAPS: its fixed header; the
// whole response is caps_length).
size_t ok_response_size(CmdType cmd);
// The response buffer a command given as raw bytes needs: caps_length (from the
// config space) for QUERY_CAPS, else the largest fixed-size response (a
// GET/SET_PARAM answer), which holds the answer to any other command.
size_t raw_response_capacity(ByteSpan command, uint32_t caps_length);

// ---- Encoders: append the structure's bytes to `out`. ----
void encode(std::vector<uint8_t>& out, const Config& v);
void encode(std::vector<uint8_t>& out, const FormatDesc& v);
void encode(std::vector<uint8_t>& out, const QueryCapsResp& v);
void encode_cmd_header(std::vector<uint8_t>& out, CmdType cmd);  // QUERY_CAPS, STREAM_CREATE
void encode(std::vector<uint8_t>& out, const StreamCmd& v);
void encode(std::vector<uint8_t>& out, const StreamCreateResp& v);
void encode_result(std::vector<uint8_t>& out, Result result);  // DESTROY/DRAIN/STOP/ATTACH responses
void encode(std::vector<uint8_t>& out, const Rect& v);
void encode(std::vector<uint8_t>& out, const PlaneFormat& v);
void encode(std::vector<uint8_t>& out, const ParamsResources& v);
void encode(std::vector<uint8_t>& out, const ParamsBitstreamFormat& v);
void encode(std::vector<uint8_t>& out, const ParamsImageFormat& v);
void encode(std::vector<uint8_t>& out, const ParamsBitrate& v);
// The union: the member, zero-padded to kStreamParamsSize.
void encode_params_union(std::vector<uint8_t>& out, const StreamParamValue& v);
void encode(std::vector<uint8_t>& out, const GetParamCmd& v);
// SET_PARAM from a typed value (driver side).
void encode_set_param(std::vector<uint8_t>& out, uint32_t stream_id, ParamType type, const StreamParamValue& v);
void encode(std::vector<uint8_t>& out, const ParamResp& v);
void encode(std::vector<uint8_t>& out, const SgEntry& v);
void encode(std::vector<uint8_t>& out, const AttachBackingCmd& v);
void encode(std::vector<uint8_t>& out, const ResourceQueueCmd& v);
void encode(std::vector<uint8_t>& out, const ResourceQueueResp& v);
void encode(std::vector<uint8_t>& out, const Event& v);

// Convenience: the encoding of one structure as a fresh vector.
template <typename T>
std::vector<uint8_t> to_bytes(const T& v) {
  constexpr size_t kTypicalMessageBytes = 128;  // commands and responses but QUERY_CAPS: one allocation
  std::vector<uint8_t> out;
  out.reserve(kTypicalMessageBytes);
  encode(out, v);
  return out;
}

// ---- Decoders: the structure, or an Error naming the place a short or
// inconsistent input fell short (structure and field). ----
vvsim::Result<Config> decode_config(ByteSpan in);
vvsim::Result<FormatDesc> decode_format_desc(ByteSpan in);
vvsim::Result<QueryCapsResp> decode_query_caps_resp(ByteSpan in);
// The first le32 of every command; the raw code, validated by the caller.
vvsim::Result<uint32_t> decode_cmd_type(ByteSpan in);
vvsim::Result<StreamCmd> decode_stream_cmd(ByteSpan in);
vvsim::Result<StreamCreateResp> decode_stream_create_resp(ByteSpan in);
vvsim::Result<Result> decode_result(ByteSpan in);
// The result an answer carries, as a driver reads it: an answer that carries
// none (too short, or not a response) reads as ERR_INVALID_COMMAND.
Result result_or_invalid(ByteSpan response);
vvsim::Result<Rect> decode_rect(ByteSpan in);
vvsim::Result<PlaneFormat> decode_plane_format(ByteSpan in);
// The union member selected by `type`.
vvsim::Result<StreamParamValue> decode_params_union(ParamType type, ByteSpan in);
vvsim::Result<GetParamCmd> decode_get_param(ByteSpan in);
vvsim::Result<SetParamCmd> decode_set_param(ByteSpan in);
vvsim::Result<ParamResp> decode_param_resp(ParamType type, ByteSpan in);
vvsim::Result<SgEntry> decode_sg_entry(ByteSpan in);
vvsim::Result<AttachBackingHeader> decode_attach_backing_header(ByteSpan in);
// The whole command: `num_buffers` backings of kind `mem_type` must follow the
// header exactly (fewer is a truncated command, more a count mismatch).
vvsim::Result<AttachBackingCmd> decode_attach_backing(ByteSpan in, MemType mem_type, uint32_t num_buffers);
vvsim::Result<ResourceQueueCmd> decode_resource_queue(ByteSpan in);
vvsim::Result<ResourceQueueResp> decode_resource_queue_resp(ByteSpan in);
vvsim::Result<Event> decode_event(ByteSpan in);

}  // namespace vvsim::virtio_video
