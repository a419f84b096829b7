// The scenario loader on arbitrary text: anything that is not a valid
// scenario must be refused with a ProfileError naming the place; any other
// exception escaping is a finding.
#include <string>

#include "scenarios/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)vvsim::scenarios::parse_scenario(text, "fuzz.yaml");
  } catch (const vvsim::models::ProfileError&) {
  }
  return 0;
}
