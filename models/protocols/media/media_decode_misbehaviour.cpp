#include "models/protocols/media/media_decode_misbehaviour.h"

#include <algorithm>
#include <utility>

namespace vvsim::virtio_media {

MediaDecodeMisbehaviour::MediaDecodeMisbehaviour(guest::Misbehaviour departures)
    : departures_(std::move(departures)), damage_(departures_.corrupt_units) {}

std::vector<std::string> MediaDecodeMisbehaviour::unmodelled(const guest::Misbehaviour& departures) {
  static const char* const kModelled[] = {"corrupt_units", "no_outputs_during_drain"};
  std::vector<std::string> keys = departures.keys_set();
  keys.erase(std::remove_if(keys.begin(), keys.end(),
                            [](const std::string& key) {
                              return std::find(std::begin(kModelled), std::end(kModelled), key) != std::end(kModelled);
                            }),
             keys.end());
  return keys;
}

const std::vector<uint8_t>& MediaDecodeMisbehaviour::unit_bytes(size_t index, const std::vector<uint8_t>& data) {
  return damage_.bytes(index, data);
}

bool MediaDecodeMisbehaviour::withholds_captures(bool draining) const {
  return departures_.no_outputs_during_drain && draining;
}

}  // namespace vvsim::virtio_media
