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

const models::NamedValues<codec::DecoderBackend>& h264_decoder_names() {
  static const models::NamedValues<codec::DecoderBackend> names = [] {
    models::NamedValues<codec::DecoderBackend> n;
    for (auto b : codec::decoder_backends(codec::CodecId::H264)) n.emplace_back(codec::backend_name(b), b);
    return n;
  }();
  return names;
}

const models::NamedValues<UnalignedSgPolicy>& unaligned_sg_names() {
  static const models::NamedValues<UnalignedSgPolicy> names = {{"refuse", UnalignedSgPolicy::Refuse},
                                                               {"cpu_copy", UnalignedSgPolicy::CpuCopy}};
  return names;
}

void check_device_profile(const VideoDeviceProfile& d, const models::ProfileReader& where, const char* key) {
  try {
    validate(d);
  } catch (const std::invalid_argument& e) {
    where.fail(key, e.what());
  }
}

}  // namespace vvsim::virtio_video
