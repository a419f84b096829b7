#include "models/protocols/v6/video_device_profile_fields.h"

#include <stdexcept>

namespace vvsim::virtio_video {

const models::NamedValues<DeviceRole>& device_role_names() {
  static const models::NamedValues<DeviceRole> names = {{"decoder", DeviceRole::Decoder},
                                                        {"encoder", DeviceRole::Encoder}};
  return names;
}

const models::NamedValues<codec::CodecId>& device_codec_names() {
  static const models::NamedValues<codec::CodecId> names = {
      {"VP8", codec::CodecId::VP8}, {"VP9", codec::CodecId::VP9}, {"H264", codec::CodecId::H264},
      {"HEVC", codec::CodecId::HEVC}, {"MPEG2", codec::CodecId::MPEG2}};
  return names;
}

const models::NamedValues<UnalignedSgPolicy>& unaligned_sg_names() {
  static const models::NamedValues<UnalignedSgPolicy> names = {{"refuse", UnalignedSgPolicy::Refuse},
                                                               {"cpu_copy", UnalignedSgPolicy::CpuCopy}};
  return names;
}

std::optional<models::DelayOutOfBounds> device_delay_out_of_bounds(const VideoDeviceProfile& d, double engine_clock_mhz) {
  const double ps = double(d.firmware_cycles_per_command) * 1e6 / engine_clock_mhz;
  if (ps <= models::TimingBounds::kMaxDelayPs) return std::nullopt;
  return models::delay_too_long("device.firmware_cycles_per_command", "one command", ps);
}

const VideoDeviceProfile& v6_device_profile(const models::PlatformProfile& platform) {
  return platform.device.as<VideoDeviceProfile>();
}

VideoDeviceProfile& v6_device_profile(models::PlatformProfile& platform) { return platform.device.as<VideoDeviceProfile>(); }

void check_device_profile(const VideoDeviceProfile& d, const models::ProfileReader& where, const char* key) {
  models::check_at(where, key, [&] { validate(d); });
}

}  // namespace vvsim::virtio_video
