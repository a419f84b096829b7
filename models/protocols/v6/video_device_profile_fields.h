// The YAML keys of VideoDeviceProfile (a profile's or scenario's `device:`
// section), described once for ProfileReader and ProfileWriter
// (models/platform/profile_reader.h). Ranges of single values are checked
// here; relations between values (defaults inside their bounds, powers of
// two) by validate() once every section has been read.
#pragma once

#include <optional>

#include "codec/image_layout.h"
#include "models/platform/device_profile.h"
#include "models/platform/platform_profile.h"
#include "models/platform/profile_reader.h"
#include "models/platform/timing_bounds.h"
#include "models/protocols/v6/video_device_profile.h"
#include "models/protocols/v6/wire.h"

namespace vvsim::virtio_video {

const models::NamedValues<DeviceRole>& device_role_names();
const models::NamedValues<codec::CodecId>& device_codec_names();  // "VP8", "VP9", "H264", "HEVC", "MPEG2"
const models::NamedValues<UnalignedSgPolicy>& unaligned_sg_names();
using models::h264_decoder_names;

template <class V, class P>
void describe_device_limits(V& v, P& d) {
  using models::Limits;
  const Limits dimension = Limits::between(1, codec::kMaxCodedDimension);
  const Limits resources = Limits::between(1, 1024);
  const Limits buffer_bytes = Limits::between(1, 1u << 30);
  v.field("max_width", d.max_width, dimension);
  v.field("max_height", d.max_height, dimension);
  v.field("max_streams", d.max_streams, Limits::between(1, 1024));
  v.field("commandq_size", d.commandq_size, Limits::between(2, 32768));
  v.field("eventq_size", d.eventq_size, Limits::between(1, 32768));
  v.field("min_resources", d.min_resources, resources);
  v.field("max_resources", d.max_resources, resources);
  v.field("default_input_resources", d.default_input_resources, resources);
  v.field("default_output_resources", d.default_output_resources, resources);
  v.field("default_bitstream_buffer_size", d.default_bitstream_buffer_size, buffer_bytes);
  v.field("min_bitstream_buffer_size", d.min_bitstream_buffer_size, buffer_bytes);
  v.field("max_bitstream_buffer_size", d.max_bitstream_buffer_size, buffer_bytes);
  v.field("default_width", d.default_width, dimension);
  v.field("default_height", d.default_height, dimension);
  v.field("stride_alignment", d.stride_alignment, Limits::between(1, 4096));
}

template <class V, class P>
void describe_device(V& v, P& d) {
  using models::Limits;
  v.choice("role", d.role, device_role_names());
  v.choices("codecs", d.codecs, device_codec_names());
  // `decoders: {H264: openh264}`: the library a codec is decoded on, for the codecs with a choice.
  v.section("decoders", [&](auto& libraries) { libraries.choice("H264", d.h264_decoder, h264_decoder_names()); });
  v.field("image_formats", d.image_formats);
  describe_device_limits(v, d);
  v.field("firmware_cycles_per_command", d.firmware_cycles_per_command,
          models::Limits::between(0, models::TimingBounds::kMaxCycles));
  v.field("max_command_bytes", d.max_command_bytes, Limits::between(kSetParamSize, 1u << 30));
  v.field("page_size", d.page_size, Limits::between(1, 1u << 20));
  v.choice("unaligned_sg", d.unaligned_sg, unaligned_sg_names());
  v.field("cpu_copy_bytes_per_cycle", d.cpu_copy_bytes_per_cycle, Limits::between(1, 1u << 20));
  v.field("cpu_copy_clock_mhz", d.cpu_copy_clock_mhz, Limits::exclusive_between(0.0, 100'000.0));
  v.field("drc_only_when_outputs_too_small", d.drc_only_when_outputs_too_small);
  v.field("inject_error_after_units", d.inject_error_after_units);
  v.choices("faults", d.faults, device_fault_names());
  v.field("default_bitrate", d.default_bitrate);
  v.field("min_bitrate", d.min_bitrate);
  v.field("max_bitrate", d.max_bitrate);
}

// validate(), its complaint raised as a ProfileError at `key` of `where`.
void check_device_profile(const VideoDeviceProfile& d, const models::ProfileReader& where, const char* key);
// The firmware time of one command at the engine clock, against the bound.
std::optional<models::DelayOutOfBounds> device_delay_out_of_bounds(const VideoDeviceProfile& d, double engine_clock_mhz);
inline std::optional<uint32_t> device_max_streams(const VideoDeviceProfile& d) { return d.max_streams; }
inline codec::DecoderBackend device_decoder_backend(const VideoDeviceProfile& d, codec::CodecId codec) {
  return models::decoder_backend_for(codec, d.h264_decoder);
}

// v6's device values as a platform profile holds them.
using V6DeviceProfile = models::DeviceProfileOf<VideoDeviceProfile>;
// The v6 device values of `platform` (std::logic_error when it holds another protocol's).
const VideoDeviceProfile& v6_device_profile(const models::PlatformProfile& platform);
VideoDeviceProfile& v6_device_profile(models::PlatformProfile& platform);

}  // namespace vvsim::virtio_video
