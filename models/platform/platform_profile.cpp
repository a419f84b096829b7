#include "models/platform/platform_profile.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace vvsim::models {

namespace {

YAML::Node parse_document(const std::string& yaml, const std::string& source) {
  try {
    return YAML::Load(yaml);
  } catch (const YAML::ParserException& e) {
    throw ProfileError(fmt::format("{}:{}:{}: not valid YAML: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

}  // namespace

PlatformProfile parse_platform_profile(const std::string& yaml, const std::string& source,
                                       const std::vector<std::string>& overrides) {
  YAML::Node root = parse_document(yaml, source);
  auto applied = std::make_shared<OverrideMap>();
  for (const std::string& assignment : overrides) apply_override(root, assignment, *applied);

  PlatformProfile profile;
  ProfileReader reader(ProfileSection{root, source, "", applied});
  describe_platform(reader, profile);
  reader.finish();
  virtio_video::check_device_profile(profile.device, reader, "device");
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

}  // namespace vvsim::models
