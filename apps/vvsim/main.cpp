// vvsim: run a virtio-video scenario on the simulated platform, or sweep it.
//   vvsim sweep SCENARIO --param KEY=V1,V2,... [--param ...] [--jobs N] [--out DIR] [--set K=V] [--timing-only]
//               [--sample random:N|lhs:N --seed S] [--find-min KEY --until PRED] [--engine local|slurm] ...
//   vvsim sweep run-point MANIFEST INDEX | vvsim sweep merge DIR
//   vvsim run SCENARIO [--input FILE] [--out DIR] [--dump-frames FILE.yuv] [--trace FILE.json] [--csv FILE]
//                      [--vcd FILE] [--report FILE.html] [--timing-only] [--strict]
//                      [--seed N] [--set KEY=VALUE ...] [--timing-only] [--quiet]
// Exit status: 0 completed; 1 bad arguments, scenario or input; 3 deadlock;
// 4 simulated time limit reached; 5 the device could not be initialised;
// 6 a stream met a refusal or failure it did not expect; 7 a --strict run
// stopped at a conformance violation.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <systemc>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <malloc.h>
#include <unistd.h>

#include "analysis/html_report.h"
#include "analysis/summary.h"
#include "analysis/trace.h"
#include "analysis/vcd.h"
#include "apps/vvsim/sweep_command.h"
#include "scenarios/runner.h"

namespace {

using namespace vvsim;

struct RunArgs {
  std::string scenario, input, out = "out", dump_frames, trace, csv, vcd, report;
  std::optional<uint64_t> seed;
  std::vector<std::string> overrides;
  bool quiet = false, timing_only = false, strict = false;
};

int exit_code(scenarios::RunOutcome o) {
  switch (o) {
    case scenarios::RunOutcome::Completed: return 0;
    case scenarios::RunOutcome::Deadlock: return 3;
    case scenarios::RunOutcome::TimeLimit: return 4;
    case scenarios::RunOutcome::DeviceFailure: return 5;
    case scenarios::RunOutcome::StreamProblems: return 6;
    case scenarios::RunOutcome::ConformanceViolation: return 7;
  }
  return 1;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f) throw std::runtime_error(fmt::format("cannot write {}", path.string()));
}

int run(const RunArgs& args) {
  auto scenario = scenarios::load_scenario(args.scenario, args.overrides);
  if (args.seed) scenario.seed = *args.seed;
  const auto streams = scenarios::prepare_streams(scenario, args.input);
  std::filesystem::create_directories(args.out);
  const bool terminal = isatty(STDERR_FILENO) != 0;
  if (args.timing_only && !args.dump_frames.empty())
    throw std::runtime_error("--dump-frames needs pixels: it cannot be combined with --timing-only");
  const auto result =
      scenarios::run_scenario(scenario, streams, {args.dump_frames, terminal && !args.quiet, args.timing_only, args.strict});
  const auto summary = analysis::summary_json(scenario, result);
  const auto summary_path = std::filesystem::path(args.out) / "summary.json";
  write_file(summary_path, summary.dump(2) + "\n");
  if (!args.trace.empty()) write_file(args.trace, analysis::chrome_trace(scenario, result).dump() + "\n");
  if (!args.csv.empty()) write_file(args.csv, analysis::frames_csv(scenario, result));
  if (!args.vcd.empty()) write_file(args.vcd, analysis::run_vcd(scenario, result));
  if (!args.report.empty()) write_file(args.report, analysis::run_report_html(scenario, result));
  if (!args.quiet) {
    std::cout << analysis::human_summary(scenario, result);
    std::cout << "  summary: " << summary_path.string() << "\n";
    if (!args.dump_frames.empty()) std::cout << "  frames of stream 0 (I420): " << args.dump_frames << "\n";
    if (!args.trace.empty()) std::cout << "  trace (ui.perfetto.dev): " << args.trace << "\n";
    if (!args.report.empty()) std::cout << "  report: " << args.report << "\n";
  }
  if (result.outcome != scenarios::RunOutcome::Completed) std::cerr << "vvsim: " << result.reason << "\n";
  return exit_code(result.outcome);
}

int cli(int argc, char** argv) {
  CLI::App app{"vvsim: a SystemC/TLM-2.0 virtual platform of the virtio video device (virtio-video v6)", "vvsim"};
  app.require_subcommand(1);
  RunArgs args;
  auto* run_cmd = app.add_subcommand("run", "Run a scenario and write summary.json to the output directory");
  run_cmd->add_option("scenario", args.scenario, "Scenario file (YAML)")->required()->check(CLI::ExistingFile);
  run_cmd->add_option("--input", args.input, "Replace the first stream's input by this IVF or H.264 Annex B file")
      ->check(CLI::ExistingFile);
  run_cmd->add_option("--out", args.out, "Output directory (default: out)");
  run_cmd->add_option("--dump-frames", args.dump_frames, "Write the first stream's decoded frames as raw I420");
  run_cmd->add_option("--trace", args.trace, "Write a Perfetto/Chrome trace (JSON) of the run to this file");
  run_cmd->add_option("--csv", args.csv, "Write one CSV row per decoded frame (times in ns) to this file");
  run_cmd->add_option("--vcd", args.vcd, "Write a VCD of interrupt, core busy and queue depths (for GTKWave)");
  run_cmd->add_option("--report", args.report, "Write a self-contained HTML report of the run to this file");
  run_cmd->add_option("--seed", args.seed, "Seed for generated content (replaces the scenario's)");
  run_cmd->add_option("--set", args.overrides,
                      "Override a scenario value: key.path=value, e.g. platform.engine.num_cores=1, "
                      "streams.0.output_resources=4, or a short name: output_buffers, input_buffers, cores, clock_mhz");
  run_cmd->add_flag("--timing-only", args.timing_only,
                    "Timing model only: the device scans unit headers instead of decoding; no pixels are decoded "
                    "or moved, every time and counter is the same as a full run");
  run_cmd->add_flag("--strict", args.strict,
                    "Stop at the first breach of a v6 rule the scenario does not expect (exit status 7)");
  run_cmd->add_flag("--quiet", args.quiet, "Print nothing but errors");

  app::SweepCommand sweep;
  app::add_sweep_command(app, sweep);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "vvsim: " << e.what() << " (see vvsim --help)\n";
    return 1;
  }
  if (sweep.sweep->parsed()) return app::run_sweep_command(sweep);
  return run(args);
}

}  // namespace

int sc_main(int argc, char** argv) {
  try {
    return cli(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "vvsim: " << e.what() << "\n";
    return 1;
  }
}

// Our own main: SystemC's banner would otherwise precede every run's output.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  // Frame-sized buffers come and go every frame: keep them in the heap instead
  // of mapping and unmapping (and page-faulting) each one.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  return sc_core::sc_elab_and_sim(argc, argv);
}
