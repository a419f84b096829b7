// What a v6 device's role decides, in one place for the device and the
// conformance monitor: its device ID, the queue that carries images, the
// parameters the role has and the queue each belongs to, and the
// RESOURCE_QUEUE flags each queue takes.
#pragma once

#include <cstdint>
#include <optional>

#include "models/protocols/v6/wire_constants.h"

namespace vvsim::virtio_video {

enum class DeviceRole { Decoder, Encoder };

uint32_t device_id_of(DeviceRole role);
// The role a device ID names: 30 encoder, anything else decoder.
DeviceRole role_of_device_id(uint32_t device_id);
const char* role_name(DeviceRole role);  // "decoder", "encoder"

// The queue that carries images: OUTPUT for a decoder, INPUT for an encoder.
QueueType image_queue(DeviceRole role);
// The other one, which carries the bitstream.
QueueType bitstream_queue(DeviceRole role);

// The parameter a raw param_type names, if it is one the role has.
std::optional<ParamType> param_of_role(DeviceRole role, uint32_t raw_type);
// The queue whose change window a parameter follows; none for the bitrate,
// which changes mid-stream.
std::optional<QueueType> param_queue(ParamType type);

// The RESOURCE_QUEUE flags a queue of the role takes (FORCE_KEY_FRAME on an
// encoder's INPUT, none elsewhere).
uint32_t allowed_queue_flags(DeviceRole role, QueueType queue);

}  // namespace vvsim::virtio_video
