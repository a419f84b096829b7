#include "models/protocols/v6/wire_constants.h"

namespace vvsim::virtio_video {

std::optional<CmdType> cmd_type_from_wire(uint32_t code) {
  switch (static_cast<CmdType>(code)) {
    case CmdType::DeviceQueryCaps:
    case CmdType::StreamCreate:
    case CmdType::StreamDestroy:
    case CmdType::StreamDrain:
    case CmdType::StreamStop:
    case CmdType::StreamGetParam:
    case CmdType::StreamSetParam:
    case CmdType::ResourceAttachBacking:
    case CmdType::ResourceQueue:
      return static_cast<CmdType>(code);
  }
  return std::nullopt;
}

const char* cmd_type_name(CmdType cmd) {
  switch (cmd) {
    case CmdType::DeviceQueryCaps: return "DEVICE_QUERY_CAPS";
    case CmdType::StreamCreate: return "STREAM_CREATE";
    case CmdType::StreamDestroy: return "STREAM_DESTROY";
    case CmdType::StreamDrain: return "STREAM_DRAIN";
    case CmdType::StreamStop: return "STREAM_STOP";
    case CmdType::StreamGetParam: return "STREAM_GET_PARAM";
    case CmdType::StreamSetParam: return "STREAM_SET_PARAM";
    case CmdType::ResourceAttachBacking: return "RESOURCE_ATTACH_BACKING";
    case CmdType::ResourceQueue: return "RESOURCE_QUEUE";
  }
  return "?";
}

const char* result_name(Result result) {
  switch (result) {
    case Result::Ok: return "OK";
    case Result::ErrInvalidCommand: return "ERR_INVALID_COMMAND";
    case Result::ErrInvalidOperation: return "ERR_INVALID_OPERATION";
    case Result::ErrInvalidStreamId: return "ERR_INVALID_STREAM_ID";
    case Result::ErrInvalidResourceId: return "ERR_INVALID_RESOURCE_ID";
    case Result::ErrInvalidArgument: return "ERR_INVALID_ARGUMENT";
    case Result::ErrCanceled: return "ERR_CANCELED";
    case Result::ErrOutOfMemory: return "ERR_OUT_OF_MEMORY";
  }
  return "?";
}

std::optional<ParamType> param_type_from_wire(uint32_t code) {
  switch (static_cast<ParamType>(code)) {
    case ParamType::InputResources:
    case ParamType::OutputResources:
    case ParamType::DecoderInputFormat:
    case ParamType::DecoderOutputFormat:
    case ParamType::EncoderInputFormat:
    case ParamType::EncoderOutputFormat:
    case ParamType::EncoderBitrate:
      return static_cast<ParamType>(code);
  }
  return std::nullopt;
}

std::string fourcc_string(const Fourcc& f) {
  std::string s;
  for (uint8_t c : f) s.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  return s;
}

std::optional<Fourcc> fourcc_from_string(const std::string& s) {
  if (s.size() != 4) return std::nullopt;
  return Fourcc{static_cast<uint8_t>(s[0]), static_cast<uint8_t>(s[1]), static_cast<uint8_t>(s[2]),
                static_cast<uint8_t>(s[3])};
}

std::optional<ImageFormatShape> image_format_shape(const Fourcc& fourcc) {
  if (fourcc == kFourccRgb3) return ImageFormatShape{1, 1};
  if (fourcc == kFourccNv12) return ImageFormatShape{2, 1};
  if (fourcc == kFourccNm12) return ImageFormatShape{2, 2};
  if (fourcc == kFourccYu12) return ImageFormatShape{3, 1};
  if (fourcc == kFourccYm12) return ImageFormatShape{3, 3};
  return std::nullopt;
}

bool is_bitstream_format(const Fourcc& fourcc) {
  return fourcc == kFourccMpeg2 || fourcc == kFourccH264 || fourcc == kFourccHevc || fourcc == kFourccVp8 ||
         fourcc == kFourccVp9;
}

std::optional<QueueType> queue_type_from_wire(uint32_t raw) {
  if (raw == static_cast<uint32_t>(QueueType::Input)) return QueueType::Input;
  if (raw == static_cast<uint32_t>(QueueType::Output)) return QueueType::Output;
  return std::nullopt;
}

}  // namespace vvsim::virtio_video
