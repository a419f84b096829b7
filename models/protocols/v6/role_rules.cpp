#include "models/protocols/v6/role_rules.h"

namespace vvsim::virtio_video {

uint32_t device_id_of(DeviceRole role) { return role == DeviceRole::Encoder ? kDeviceIdEncoder : kDeviceIdDecoder; }

DeviceRole role_of_device_id(uint32_t device_id) {
  return device_id == kDeviceIdEncoder ? DeviceRole::Encoder : DeviceRole::Decoder;
}

const char* role_name(DeviceRole role) { return role == DeviceRole::Encoder ? "encoder" : "decoder"; }

QueueType image_queue(DeviceRole role) { return role == DeviceRole::Encoder ? QueueType::Input : QueueType::Output; }

QueueType bitstream_queue(DeviceRole role) {
  return role == DeviceRole::Encoder ? QueueType::Output : QueueType::Input;
}

std::optional<ParamType> param_of_role(DeviceRole role, uint32_t raw_type) {
  const auto type = param_type_from_wire(raw_type);
  if (!type) return std::nullopt;
  const bool decoder = role == DeviceRole::Decoder;
  switch (*type) {
    case ParamType::InputResources:
    case ParamType::OutputResources: return type;
    case ParamType::DecoderInputFormat:
    case ParamType::DecoderOutputFormat: return decoder ? type : std::nullopt;
    case ParamType::EncoderInputFormat:
    case ParamType::EncoderOutputFormat:
    case ParamType::EncoderBitrate: return decoder ? std::nullopt : type;
  }
  return std::nullopt;
}

std::optional<QueueType> param_queue(ParamType type) {
  switch (type) {
    case ParamType::InputResources:
    case ParamType::DecoderInputFormat:
    case ParamType::EncoderInputFormat: return QueueType::Input;
    case ParamType::OutputResources:
    case ParamType::DecoderOutputFormat:
    case ParamType::EncoderOutputFormat: return QueueType::Output;
    case ParamType::EncoderBitrate: break;
  }
  return std::nullopt;
}

uint32_t allowed_queue_flags(DeviceRole role, QueueType queue) {
  return role == DeviceRole::Encoder && queue == QueueType::Input ? kEnqueueFlagsAll : 0;
}

}  // namespace vvsim::virtio_video
