#include "models/protocols/media/media_device_profile_fields.h"

#include <stdexcept>

namespace vvsim::virtio_media {

const models::NamedValues<EventOverflow>& event_overflow_names() {
  static const models::NamedValues<EventOverflow> names = {{"backlog", EventOverflow::Backlog},
                                                           {"block_worker", EventOverflow::BlockWorker}};
  return names;
}

const models::NamedValues<MediaRole>& media_role_names() {
  static const models::NamedValues<MediaRole> names = {{"decoder", MediaRole::Decoder}, {"encoder", MediaRole::Encoder}};
  return names;
}

void check_device_profile(const MediaDeviceProfile& d, const models::ProfileReader& where, const char* key) {
  models::check_at(where, key, [&] { validate(d); });
}

const MediaDeviceProfile& media_device_profile(const models::PlatformProfile& platform) {
  return platform.device.as<MediaDeviceProfile>();
}

}  // namespace vvsim::virtio_media
