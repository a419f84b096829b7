// The `device:` section of a profile or scenario belongs to the protocol: its
// binding makes the profile type (ProtocolBinding::make_device_profile) and
// the type reads, checks and writes its own keys. The platform holds it as a
// DeviceSection and names no protocol type.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <typeinfo>

#include "codec/codec.h"
#include "models/platform/profile_reader.h"

namespace vvsim::models {

// The protocol a scenario without `protocol:` runs; a profile file's
// `device:` section describes that protocol's device.
inline const std::string kDefaultProtocol = "v6";

// A delay a profile's values would make that is longer than
// TimingBounds::kMaxDelayPs.
struct DelayOutOfBounds {
  std::string key;  // dotted path of the values that make it
  std::string message;
};
// The message for `what` taking `ps` picoseconds, against the bound.
DelayOutOfBounds delay_too_long(const std::string& key, const std::string& what, double ps);

// The libraries H.264 can be decoded on ("libavcodec", "openh264"): the
// `decoders: {H264: ...}` key of every protocol's device section.
const NamedValues<codec::DecoderBackend>& h264_decoder_names();
// The backend `codec` is decoded on when H.264's is `h264` (the others have one each).
inline codec::DecoderBackend decoder_backend_for(codec::CodecId codec, codec::DecoderBackend h264) {
  return codec == codec::CodecId::H264 ? h264 : codec::decoder_backends(codec).front();
}

// What a device builds its decoders with, by codec.
using DecoderMaker = std::function<std::unique_ptr<codec::Decoder>(codec::CodecId)>;
// `decoders` whose every decoder takes H.264/HEVC units as `unit` says (the
// driver's `input_unit`, which both protocols' devices follow).
DecoderMaker taking_input_units(DecoderMaker decoders, codec::InputUnit unit);

// Runs `validate` (which throws std::invalid_argument on a bad relation
// between values); its complaint is raised as a ProfileError at `key` of `where`.
void check_at(const ProfileReader& where, const char* key, const std::function<void()>& validate);

// A protocol's device values, as the platform holds them.
class DeviceProfile {
 public:
  virtual ~DeviceProfile() = default;
  virtual std::unique_ptr<DeviceProfile> clone() const = 0;
  // Reads the section's keys over the values held; an unknown key is an error
  // naming it (ProfileReader::section finishes the section).
  virtual void read(ProfileReader& section) = 0;
  virtual void write(ProfileWriter& section) const = 0;
  // Relations between values, raised as a ProfileError at `key` of `where`.
  virtual void check(const ProfileReader& where, const char* key) const = 0;
  // The first device delay longer than the bound at the engine's clock.
  virtual std::optional<DelayOutOfBounds> delay_out_of_bounds(double engine_clock_mhz) const = 0;
  // Streams the device takes at once; none: no limit.
  virtual std::optional<uint32_t> max_streams() const = 0;
  // The library the device decodes `codec` on.
  virtual codec::DecoderBackend decoder_backend(codec::CodecId codec) const = 0;
};

// A protocol's values struct T as a DeviceProfile. Found by argument-dependent
// lookup in T's namespace: describe_device(V&, T&) (ProfileReader and
// ProfileWriter), check_device_profile(const T&, const ProfileReader&, const
// char*), device_delay_out_of_bounds(const T&, double), device_max_streams(const T&),
// device_decoder_backend(const T&, codec::CodecId).
template <class T>
class DeviceProfileOf final : public DeviceProfile {
 public:
  explicit DeviceProfileOf(T v = T{}) : values(std::move(v)) {}
  std::unique_ptr<DeviceProfile> clone() const override { return std::make_unique<DeviceProfileOf>(values); }
  void read(ProfileReader& section) override { describe_device(section, values); }
  void write(ProfileWriter& section) const override { describe_device(section, values); }
  void check(const ProfileReader& where, const char* key) const override { check_device_profile(values, where, key); }
  std::optional<DelayOutOfBounds> delay_out_of_bounds(double engine_clock_mhz) const override {
    return device_delay_out_of_bounds(values, engine_clock_mhz);
  }
  std::optional<uint32_t> max_streams() const override { return device_max_streams(values); }
  codec::DecoderBackend decoder_backend(codec::CodecId codec) const override {
    return device_decoder_backend(values, codec);
  }

  T values;
};

// The device values of a platform profile: copied with the profile.
class DeviceSection {
 public:
  // The default protocol's device with its defaults.
  DeviceSection();
  explicit DeviceSection(std::unique_ptr<DeviceProfile> profile);
  DeviceSection(const DeviceSection& other) : profile_(other.profile_->clone()) {}
  DeviceSection& operator=(const DeviceSection& other) {
    if (this != &other) profile_ = other.profile_->clone();
    return *this;
  }
  DeviceSection(DeviceSection&&) = default;
  DeviceSection& operator=(DeviceSection&&) = default;

  DeviceProfile& profile() { return *profile_; }
  const DeviceProfile& profile() const { return *profile_; }

  // The protocol's values struct; std::logic_error when the section holds
  // another protocol's. Call it where T's describe functions are visible.
  template <class T>
  const T& as() const {
    if (const auto* p = dynamic_cast<const DeviceProfileOf<T>*>(profile_.get())) return p->values;
    throw std::logic_error(std::string("the device section holds another protocol's values than ") + typeid(T).name());
  }
  template <class T>
  T& as() {
    return const_cast<T&>(static_cast<const DeviceSection&>(*this).as<T>());
  }

 private:
  std::unique_ptr<DeviceProfile> profile_;
};

// The `device` section's description for ProfileReader and ProfileWriter.
inline void describe_device_section(ProfileReader& section, DeviceSection& device) { device.profile().read(section); }
inline void describe_device_section(ProfileWriter& section, const DeviceSection& device) {
  device.profile().write(section);
}

}  // namespace vvsim::models
