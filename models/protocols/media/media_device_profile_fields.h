// The YAML keys of MediaDeviceProfile (a `device:` section under
// `protocol: media`), described once for ProfileReader and ProfileWriter
// (models/platform/profile_reader.h). Ranges of single values are checked
// here; relations between values by validate().
#pragma once

#include <optional>

#include "codec/decoder_caps.h"
#include "models/platform/device_profile.h"
#include "models/platform/platform_profile.h"
#include "models/platform/timing_bounds.h"
#include "models/protocols/media/media_device_profile.h"

namespace vvsim::virtio_media {

const models::NamedValues<EventOverflow>& event_overflow_names();  // "backlog", "block_worker"
const models::NamedValues<MediaRole>& media_role_names();          // "decoder", "encoder"

template <class V, class P>
void describe_device(V& v, P& d) {
  using models::Limits;
  const Limits ns = Limits::between(0, models::TimingBounds::kMaxNs);
  const Limits dimension = Limits::between(16, codec::kMaxCodedDimension);
  v.choice("role", d.role, media_role_names());
  v.field("commandq_size", d.commandq_size, Limits::between(2, 32768));
  v.field("eventq_size", d.eventq_size, Limits::between(1, 32768));
  v.field("shm_bytes", d.shm_bytes, Limits::between(4096, double(1ull << 32)));
  v.field("command_firmware_ns", d.command_firmware_ns, ns);
  v.field("event_firmware_ns", d.event_firmware_ns, ns);
  v.field("max_buffers", d.max_buffers, Limits::between(1, 32));
  v.field("output_buffer_bytes", d.output_buffer_bytes, Limits::between(4096, 1u << 30));
  v.field("placeholder_width", d.placeholder_width, dimension);
  v.field("placeholder_height", d.placeholder_height, dimension);
  v.field("max_width", d.max_width, dimension);
  v.field("max_height", d.max_height, dimension);
  v.choice("event_overflow", d.event_overflow, event_overflow_names());
  v.field("streamoff_output_flushes_backend", d.streamoff_output_flushes_backend);
  v.field("drc_emits_last", d.drc_emits_last);
  v.field("drain_survives_drc", d.drain_survives_drc);
  v.field("card", d.card);
  v.section("decoders", [&](auto& libraries) { libraries.choice("H264", d.h264_decoder, models::h264_decoder_names()); });
  v.field("inject_error_after_units", d.inject_error_after_units);
}

// validate(), its complaint raised as a ProfileError at `key` of `where`.
void check_device_profile(const MediaDeviceProfile& d, const models::ProfileReader& where, const char* key);
// Every delay of the device is a key bounded in describe_device.
inline std::optional<models::DelayOutOfBounds> device_delay_out_of_bounds(const MediaDeviceProfile&, double) {
  return std::nullopt;
}
// Sessions are not limited (each OPEN gets one).
inline std::optional<uint32_t> device_max_streams(const MediaDeviceProfile&) { return std::nullopt; }
inline codec::DecoderBackend device_decoder_backend(const MediaDeviceProfile& d, codec::CodecId codec) {
  return models::decoder_backend_for(codec, d.h264_decoder);
}
// The largest `codec` picture the decoder takes: the profile's limit and its backend's.
inline codec::PictureSizeLimit decoded_picture_limit(const MediaDeviceProfile& d, codec::CodecId codec) {
  return codec::intersect({d.max_width, d.max_height}, codec::decoder_caps(codec, device_decoder_backend(d, codec)));
}

using MediaDeviceSection = models::DeviceProfileOf<MediaDeviceProfile>;
// The virtio-media device values of `platform` (std::logic_error when it holds another protocol's).
const MediaDeviceProfile& media_device_profile(const models::PlatformProfile& platform);

}  // namespace vvsim::virtio_media
