// The scenario loader on arbitrary text, with `--set` overrides: the input is
// YAML text, optionally followed by a NUL byte and one override per line
// (key.path=value, short names included). Anything that is not a valid
// scenario, including text past the input limits (size, nesting, list
// lengths, streams, raw commands, invalid UTF-8, duplicate keys), must be
// refused with a ProfileError naming the place; any other exception
// escaping is a finding.
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "models/platform/input_limits.h"
#include "scenarios/scenario.h"

namespace {

std::vector<std::string> override_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\0');
  const std::string yaml = input.substr(0, split);
  const auto overrides = split == std::string::npos ? std::vector<std::string>{} : override_lines(input.substr(split + 1));
  try {
    const auto scenario = vvsim::scenarios::parse_scenario(
        yaml, "fuzz.yaml", vvsim::scenarios::expand_short_names(overrides, 4));
    // An accepted scenario, overrides applied, is within the documented limits.
    const auto& limits = vvsim::models::kInputLimits;
    if (scenario.streams.empty() || scenario.streams.size() > limits.streams) std::abort();
    uint64_t frames = 0;
    for (const auto& s : scenario.streams) {
      frames += s.generate ? s.generate->frames : s.encode ? s.encode->frames : 0;
      if (s.misbehaviour.raw_commands.size() > limits.raw_commands) std::abort();
      for (const auto& raw : s.misbehaviour.raw_commands)
        if (raw.size() > limits.raw_command_bytes) std::abort();
    }
    if (frames > limits.units_per_run) std::abort();
  } catch (const vvsim::models::ProfileError&) {
  }
  return 0;
}
