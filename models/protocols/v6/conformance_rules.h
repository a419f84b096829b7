// The v6 protocol's conformance rules, registered with the transport's ring
// rules in the conformance frame's registry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/conformance/conformance_frame.h"
#include "models/protocols/v6/wire_constants.h"

namespace vvsim::virtio_video {

using conformance::ConformanceRule;
using conformance::Side;
using conformance::Violation;
using tlm_virtio::side_name;

// The v6 feature bits that give resources memory (§Feature bits).
constexpr uint64_t kMemoryFeatures = 1ull << kFeatureResourceGuestPages | 1ull << kFeatureResourceVirtioObject;

// A command as violations name it: its v6 name, or "command 0x..." for an unknown code.
std::string command_name(const std::optional<CmdType>& type, uint32_t raw);

// The v6 rules, then the transport's ring rules.
const conformance::RuleRegistry& conformance_registry();
// Every rule the v6 monitor checks (the registry's list).
const std::vector<ConformanceRule>& conformance_rules();

}  // namespace vvsim::virtio_video
