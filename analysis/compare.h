// Runs side by side: the same figures read from each run's summary.json
// (per frame where a total would only say the run was longer), which runs
// differ in each, whether every stream gave the same frames, and the
// settings that differ. compare.json is built first; the terminal table and
// compare.html are drawn from it, so the three cannot disagree. Knows no
// protocol: a run is a label and its summary.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace vvsim::analysis {

struct ComparedRun {
  std::string label;                      // e.g. the protocol, or the run directory
  std::string source;                     // where its summary came from
  std::optional<int> exit_status;         // of its `vvsim run`, when this comparison ran it
  std::string error;                      // first error line when it wrote no summary (e.g. a refused key)
  std::optional<nlohmann::json> summary;  // its summary.json
};

// `title`: what was compared (the scenario, or "A vs B").
nlohmann::ordered_json compare_json(const std::string& title, const std::vector<ComparedRun>& runs);
// From compare.json: one row per figure, a '*' before the rows whose runs differ.
std::string compare_table(const nlohmann::json& compare);
std::string compare_html(const nlohmann::json& compare);

}  // namespace vvsim::analysis
