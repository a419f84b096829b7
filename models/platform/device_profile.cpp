#include "models/platform/device_profile.h"

#include <fmt/format.h>

#include "models/platform/protocol.h"
#include "models/platform/timing_bounds.h"

namespace vvsim::models {

DelayOutOfBounds delay_too_long(const std::string& key, const std::string& what, double ps) {
  return {key, fmt::format("{} would take {:.3g} s (at most {:.3g} s: docs/profile.md, value bounds)", what, ps / 1e12,
                           TimingBounds::kMaxDelayPs / 1e12)};
}

const NamedValues<codec::DecoderBackend>& h264_decoder_names() {
  static const NamedValues<codec::DecoderBackend> names = [] {
    NamedValues<codec::DecoderBackend> n;
    for (auto b : codec::decoder_backends(codec::CodecId::H264)) n.emplace_back(codec::backend_name(b), b);
    return n;
  }();
  return names;
}

DecoderMaker taking_input_units(DecoderMaker decoders, codec::InputUnit unit) {
  return [decoders = std::move(decoders), unit](codec::CodecId codec) {
    auto decoder = decoders(codec);
    if (decoder) decoder->take_input_units(unit);
    return decoder;
  };
}

void check_at(const ProfileReader& where, const char* key, const std::function<void()>& validate) {
  try {
    validate();
  } catch (const std::invalid_argument& e) {
    where.fail(key, e.what());
  }
}

DeviceSection::DeviceSection() : profile_(find_protocol(kDefaultProtocol)->make_device_profile()) {}

DeviceSection::DeviceSection(std::unique_ptr<DeviceProfile> profile) : profile_(std::move(profile)) {
  if (!profile_) throw std::logic_error("a device section needs a device profile");
}

}  // namespace vvsim::models
