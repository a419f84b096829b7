#include "models/platform/platform_profile.h"

#include "models/platform/yaml_document.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "codec/image_layout.h"

#include <fstream>
#include <sstream>

namespace vvsim::models {

const NamedValues<CostCombine>& cost_combine_names() {
  static const NamedValues<CostCombine> names = {{"sum", CostCombine::Sum}, {"max", CostCombine::Max}};
  return names;
}

const NamedValues<OutputWrite>& output_write_names() {
  static const NamedValues<OutputWrite> names = {{"after_decode", OutputWrite::AfterDecode},
                                                 {"during_decode", OutputWrite::DuringDecode}};
  return names;
}

const NamedValues<tlm_virtio::BusArbitration>& bus_arbitration_names() {
  static const NamedValues<tlm_virtio::BusArbitration> names = {
      {"round_robin", tlm_virtio::BusArbitration::RoundRobin}, {"fixed_priority", tlm_virtio::BusArbitration::FixedPriority}};
  return names;
}

const NamedValues<codec::InputUnit>& input_unit_names() {
  static const NamedValues<codec::InputUnit> names = {{"nal", codec::InputUnit::Nal},
                                                      {"access_unit", codec::InputUnit::AccessUnit}};
  return names;
}

namespace {

double delay_ps(double cycles, double clock_mhz) { return cycles * 1e6 / clock_mhz; }

}  // namespace

std::optional<DelayOutOfBounds> first_delay_out_of_bounds(const PlatformProfile& profile) {
  const auto& engine = profile.engine;
  constexpr double kMaxMacroblocks = double(codec::kMaxCodedDimension / 16) * (codec::kMaxCodedDimension / 16);
  for (const auto* table : {engine.decode, engine.encode})
    for (size_t i = 0; i < kCodecCount; ++i) {
      const CodecCost& c = table[i];
      const double factor = std::max({c.key_frame_factor, c.inter_frame_factor, c.bipred_frame_factor});
      const double picture = std::max(double(c.cycles_no_picture), double(c.cycles_per_macroblock) * kMaxMacroblocks * factor);
      const double cycles = double(c.cycles_per_unit) + double(c.cycles_per_byte) * double(codec::kMaxUnitBytes) + picture;
      const double ps = delay_ps(cycles, engine.clock_mhz);
      if (ps > TimingBounds::kMaxDelayPs)
        return delay_too_long(fmt::format("engine.{}.{}", table == engine.decode ? "decode" : "encode", kCodecKeys[i]),
                        "the largest unit", ps);
    }
  if (auto device = profile.device.profile().delay_out_of_bounds(engine.clock_mhz)) return device;
  const double beats = std::ceil(double(profile.memory.size_bytes) / profile.bus.bytes_per_cycle);
  if (const double ps = delay_ps(profile.bus.latency_cycles + beats, profile.bus.clock_mhz); ps > TimingBounds::kMaxDelayPs)
    return delay_too_long("bus", "a transfer of the whole guest memory", ps);
  return std::nullopt;
}

void read_device_section(ProfileReader& scenario, PlatformProfile& profile) {
  scenario.section("device", [&](ProfileReader& d) { profile.device.profile().read(d); });
  profile.device.profile().check(scenario, scenario.has("device") ? "device" : "platform");
}

PlatformProfile parse_platform_profile(const std::string& yaml, const std::string& source,
                                       const std::vector<std::string>& overrides) {
  YAML::Node root = parse_yaml_document(yaml, source);
  auto applied = std::make_shared<OverrideMap>();
  for (const std::string& assignment : overrides) apply_override(root, assignment, *applied);

  PlatformProfile profile;
  ProfileReader reader(ProfileSection{root, source, "", applied});
  describe_platform(reader, profile);
  reader.finish();
  profile.device.profile().check(reader, "device");
  if (const auto bound = first_delay_out_of_bounds(profile))
    throw ProfileError(fmt::format("{}: key '{}': {}", source, bound->key, bound->message));
  if (profile.address_map.mmio_base < profile.memory.size_bytes)
    throw ProfileError(fmt::format("{}: key 'address_map.mmio_base': {:#x} lies inside guest memory (memory.size_bytes "
                                   "{:#x}); the register window must sit above it",
                                   source, profile.address_map.mmio_base, profile.memory.size_bytes));
  return profile;
}

PlatformProfile load_platform_profile(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_platform_profile(read_yaml_file(path, "profile"), path, overrides);
}

std::string to_yaml(const PlatformProfile& profile) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  ProfileWriter writer(out);
  describe_platform(writer, profile);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::vector<ProfileField> profile_fields(const PlatformProfile& profile) {
  std::vector<ProfileField> fields;
  ProfileWriter writer(fields);
  describe_platform(writer, profile);
  return fields;
}

}  // namespace vvsim::models
