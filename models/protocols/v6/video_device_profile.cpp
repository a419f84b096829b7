#include "models/protocols/v6/video_device_profile.h"

#include <stdexcept>

#include "codec/image_layout.h"
#include "models/protocols/v6/wire.h"

namespace vvsim::virtio_video {

namespace {
void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("VideoDeviceProfile: ") + what);
}
}  // namespace

void validate(const VideoDeviceProfile& p) {
  require(!p.codecs.empty(), "codecs must not be empty");
  require(!p.image_formats.empty() && p.image_formats.size() <= 64, "image_formats must hold 1..64 entries");
  for (const auto& f : p.image_formats) {
    require(codec::image_format_from_fourcc(f).has_value(), "image_formats holds an unknown fourcc");
  }
  require(p.codecs.size() <= 64, "codecs must hold at most 64 entries");
  const auto h264 = codec::decoder_backends(codec::CodecId::H264);
  require(std::find(h264.begin(), h264.end(), p.h264_decoder) != h264.end(), "h264_decoder does not decode H.264");
  require(p.max_streams >= 1, "max_streams must be >= 1");
  require(p.commandq_size >= 2 && (p.commandq_size & (p.commandq_size - 1)) == 0,
          "commandq_size must be a power of two >= 2");
  require(p.eventq_size >= 1 && (p.eventq_size & (p.eventq_size - 1)) == 0, "eventq_size must be a power of two");
  require(p.min_resources >= 1 && p.min_resources <= p.max_resources, "min_resources must be in 1..max_resources");
  require(p.default_input_resources >= p.min_resources && p.default_input_resources <= p.max_resources,
          "default_input_resources out of [min_resources, max_resources]");
  require(p.default_output_resources >= p.min_resources && p.default_output_resources <= p.max_resources,
          "default_output_resources out of [min_resources, max_resources]");
  require(p.min_bitstream_buffer_size <= p.default_bitstream_buffer_size &&
              p.default_bitstream_buffer_size <= p.max_bitstream_buffer_size,
          "default_bitstream_buffer_size out of its bounds");
  require(p.default_width >= 1 && p.default_width <= p.max_width && p.default_height >= 1 &&
              p.default_height <= p.max_height && p.max_width <= codec::kMaxCodedDimension &&
              p.max_height <= codec::kMaxCodedDimension,
          "default/max size out of range");
  require(p.stride_alignment >= 1 && (p.stride_alignment & (p.stride_alignment - 1)) == 0,
          "stride_alignment must be a power of two");
  require(p.max_command_bytes >= kSetParamSize, "max_command_bytes must hold the largest fixed-size command (SET_PARAM)");
  require(p.page_size >= 1 && (p.page_size & (p.page_size - 1)) == 0, "page_size must be a power of two");
  require(p.cpu_copy_bytes_per_cycle >= 1, "cpu_copy_bytes_per_cycle must be >= 1");
  require(p.cpu_copy_clock_mhz > 0, "cpu_copy_clock_mhz must be > 0");
  require(p.min_bitrate <= p.default_bitrate && p.default_bitrate <= p.max_bitrate, "bitrate bounds");
}

const std::vector<std::pair<const char*, DeviceFault>>& device_fault_names() {
  static const std::vector<std::pair<const char*, DeviceFault>> names = {
      {"response_overrun", DeviceFault::ResponseOverrun},
      {"short_query_caps", DeviceFault::ShortQueryCaps},
      {"reuse_stream_id", DeviceFault::ReuseStreamId},
      {"destroy_before_cancel", DeviceFault::DestroyBeforeCancel},
      {"drain_before_inputs", DeviceFault::DrainBeforeInputs},
      {"stop_before_cancel", DeviceFault::StopBeforeCancel},
      {"param_change_any_time", DeviceFault::ParamChangeAnyTime},
      {"refuse_adjusted_param", DeviceFault::RefuseAdjustedParam},
      {"output_after_drc", DeviceFault::OutputAfterDrc},
      {"accept_unattached_output", DeviceFault::AcceptUnattachedOutput},
      {"wrong_output_timestamp", DeviceFault::WrongOutputTimestamp},
      {"no_encoder_frame_flag", DeviceFault::NoEncoderFrameFlag},
      {"unknown_command_wrong_error", DeviceFault::UnknownCommandWrongError},
      {"gone_stream_wrong_error", DeviceFault::GoneStreamWrongError},
      {"no_memory_features", DeviceFault::NoMemoryFeatures},
      {"wrong_config_version", DeviceFault::WrongConfigVersion},
      {"caps_length_overstated", DeviceFault::CapsLengthOverstated},
      {"second_drain_wrong_error", DeviceFault::SecondDrainWrongError},
      {"interrupted_drain_ok", DeviceFault::InterruptedDrainOk},
      {"invalid_default_param", DeviceFault::InvalidDefaultParam},
      {"duplicate_used_entry", DeviceFault::DuplicateUsedEntry},
      {"event_len_overstated", DeviceFault::EventLenOverstated},
      {"stop_cancels_outputs", DeviceFault::StopCancelsOutputs},
      {"attach_any_time", DeviceFault::AttachAnyTime},
      {"stop_waits_for_output", DeviceFault::StopWaitsForOutput},
      {"error_event_before_cancel", DeviceFault::ErrorEventBeforeCancel},
  };
  return names;
}

}  // namespace vvsim::virtio_video
