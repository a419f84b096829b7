// Every effective setting of a run: each platform profile value (address map,
// memory, bus, interrupt, engine, driver costs, device) and the driver
// policy, with its default, so summaries and reports show all of them and
// mark what the profile, scenario or --set changed.
#pragma once

#include <string>
#include <vector>

#include "scenarios/scenario.h"

namespace vvsim::analysis {

struct Setting {
  std::string key;    // dotted path as in a profile or scenario: "engine.num_cores", "driver_policy.initial_format"
  std::string value;  // as YAML text: "2", "[VP8, VP9, H264]"
  std::string default_value;
  bool changed() const { return value != default_value; }
};

// In profile order, then the driver policy.
std::vector<Setting> effective_settings(const scenarios::Scenario& scenario);

}  // namespace vvsim::analysis
