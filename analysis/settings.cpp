#include "analysis/settings.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace vvsim::analysis {

namespace {

std::string features_text(const std::string& protocol, uint64_t bits) {
  std::vector<std::string> names;
  const models::ProtocolBinding* binding = models::find_protocol(protocol);
  if (!binding) return fmt::format("{:#x}", bits);
  for (const auto& [name, bit] : binding->driver_feature_names())
    if ((bits >> bit) & 1u) names.push_back(name);
  return fmt::format("[{}]", fmt::join(names, ", "));
}

std::string breach_text(const std::optional<tlm_virtio::RingBreach>& breach) {
  return breach ? models::name_of(*breach, tlm_virtio::ring_breach_names()) : "none";
}

std::vector<std::pair<std::string, std::string>> driver_policy_values(const scenarios::Scenario& s) {
  return {{"driver_policy.initial_format", models::name_of(s.initial_format, scenarios::initial_format_names())},
          {"driver_policy.withhold_eventq_us", std::to_string(s.withhold_eventq_us)},
          {"driver_policy.features", features_text(s.protocol, s.driver_features)},
          {"driver_policy.break_ring", breach_text(s.ring_breach)}};
}

// The defaults of a scenario under the same protocol: its driver asks for its own protocol's features.
scenarios::Scenario defaults_for(const scenarios::Scenario& scenario) {
  scenarios::Scenario defaults;
  defaults.protocol = scenario.protocol;
  if (const models::ProtocolBinding* binding = models::find_protocol(scenario.protocol)) {
    defaults.driver_features = binding->default_driver_features();
    defaults.platform.device = models::DeviceSection(binding->make_device_profile());
  }
  return defaults;
}

}  // namespace

std::vector<Setting> effective_settings(const scenarios::Scenario& scenario) {
  const scenarios::Scenario defaults = defaults_for(scenario);
  auto values = models::profile_fields(scenario.platform);
  const auto default_profile = models::profile_fields(defaults.platform);
  const std::map<std::string, std::string> default_of(default_profile.begin(), default_profile.end());
  std::vector<Setting> settings;
  for (const auto& [key, value] : values) settings.push_back({key, value, default_of.at(key)});
  const auto policy = driver_policy_values(scenario), default_policy = driver_policy_values(defaults);
  for (size_t i = 0; i < policy.size(); ++i) settings.push_back({policy[i].first, policy[i].second, default_policy[i].second});
  // Listed only when it is not the default, so that a split-ring run's outputs
  // keep their bytes from before the packed ring existed.
  if (scenario.ring != defaults.ring)
    settings.push_back({"transport.ring", models::name_of(scenario.ring, scenarios::ring_layout_names()),
                        models::name_of(defaults.ring, scenarios::ring_layout_names())});
  return settings;
}

}  // namespace vvsim::analysis
