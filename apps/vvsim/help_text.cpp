#include "apps/vvsim/help_text.h"

#include <fmt/format.h>
#include <systemc>

#include "codec/library_versions.h"
#include "vvsim_version.h"

namespace vvsim::app {

std::string version_text() {
  std::string text = fmt::format("vvsim {}\nSystemC {}\n", kVersion, sc_core::sc_release());
  for (const auto& [library, version] : codec::library_versions()) text += fmt::format("{} {}\n", library, version);
  return text.substr(0, text.size() - 1);  // CLI11 ends the text with its own newline
}

namespace {

// The statuses `vvsim run` returns (apps/vvsim/main.cpp exit_code), one per line.
constexpr const char* kRunStatuses =
    "  0  the run completed\n"
    "  1  bad arguments, scenario or input (one line on stderr names the file, line and key)\n"
    "  3  deadlock: nothing pending can make progress while streams still have work\n"
    "  4  the scenario's simulated time limit was reached\n"
    "  5  the device could not be initialised\n"
    "  6  a stream met a refusal or failure it did not expect\n"
    "  7  a --strict run stopped at a breach of the v6 protocol\n";

constexpr const char* kSweepStatuses =
    "  0  sweep.csv and sweep.html are written (each point's own exit status is in sweep.csv)\n"
    "  1  bad arguments, scenario or --param (no point runs), or no value of --find-min meets --until\n";

constexpr const char* kCompareStatuses =
    "  0  compare.json and compare.html are written (each run's outcome and exit status are in them)\n"
    "  1  bad arguments: an unknown protocol, a scenario that does not load, a directory without summary.json\n";

// Blank lines between examples keep them apart in the man page (help2man fills paragraphs).
constexpr const char* kRunExamples =
    "  vvsim run scenarios/default.yaml --out out/default --report out/default/report.html\n\n"
    "  vvsim run scenarios/default.yaml --timing-only --set cores=1 --out out/one_core\n";

constexpr const char* kSweepExamples =
    "  vvsim sweep scenarios/default.yaml --param cores=1,2 --timing-only --out out/sweep_cores\n\n"
    "  vvsim sweep scenarios/default.yaml --param output_buffers=2,4 --param cores=1,2 --jobs 2 --out out/sweep_grid\n";

constexpr const char* kCompareExamples =
    "  vvsim compare scenarios/commandq_exhaustion.yaml --protocols v6,media --out out/compare_exhaustion\n\n"
    "  vvsim compare scenarios/negotiation_slow_transport.yaml --out out/compare_negotiation\n";

}  // namespace

std::string main_footer() {
  return fmt::format(
      "Exit status of vvsim run:\n{}\nExit status of vvsim sweep:\n{}\nExit status of vvsim compare:\n{}\n"
      "Examples:\n{}\n{}\n{}\n"
      "Each command's options: vvsim run --help, vvsim sweep --help, vvsim compare --help. Documentation: "
      "docs/scenarios.md (scenarios, summary), docs/analysis.md (reports, sweeps, compare), docs/protocols.md.",
      kRunStatuses, kSweepStatuses, kCompareStatuses, kRunExamples, kSweepExamples, kCompareExamples);
}

std::string run_footer() { return fmt::format("Exit status:\n{}\nExamples:\n{}", kRunStatuses, kRunExamples); }

std::string sweep_footer() { return fmt::format("Exit status:\n{}\nExamples:\n{}", kSweepStatuses, kSweepExamples); }

std::string compare_footer() {
  return fmt::format("Exit status:\n{}\nExamples:\n{}", kCompareStatuses, kCompareExamples);
}

}  // namespace vvsim::app
