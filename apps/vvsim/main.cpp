// vvsim: run a virtio-video scenario on the simulated platform, or sweep it.
//   vvsim sweep SCENARIO --param KEY=V1,V2,... [--param ...] [--jobs N] [--out DIR] [--set K=V] [--timing-only]
//               [--sample random:N|lhs:N --seed S] [--find-min KEY --until PRED] [--engine local|slurm] ...
//   vvsim sweep run-point MANIFEST INDEX | vvsim sweep merge DIR
//   vvsim compare SCENARIO [--protocols P1,P2,...] [--set K=V] [--out DIR] | vvsim compare RUN_DIR_A RUN_DIR_B
//   vvsim run SCENARIO [--input FILE] [--out DIR] [--dump-frames FILE.yuv] [--trace FILE.json] [--csv FILE]
//                      [--vcd FILE] [--report FILE.html] [--timing-only] [--strict]
//                      [--seed N] [--set KEY=VALUE ...] [--timing-only] [--quiet]
// Exit status: 0 completed; 1 bad arguments, scenario or input, or an output
// file that could not be written; 3 deadlock;
// 4 simulated time limit reached; 5 the device could not be initialised;
// 6 a stream met a refusal or failure it did not expect; 7 a --strict run
// stopped at a conformance violation.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <systemc>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <malloc.h>
#include <thread>
#include <unistd.h>

#include "analysis/html_report.h"
#include "analysis/summary.h"
#include "analysis/vcd.h"
#include "apps/vvsim/compare_command.h"
#include "apps/vvsim/help_text.h"
#include "apps/vvsim/live_outputs.h"
#include "apps/vvsim/output_files.h"
#include "apps/vvsim/sweep_command.h"
#include "scenarios/runner.h"

namespace {

using namespace vvsim;

struct RunArgs {
  std::string scenario, input, out = "out", dump_frames, trace, csv, vcd, report, cache_dir;
  std::optional<std::string> seed;  // parsed by parse_seed: CLI11 would wrap "-1" and saturate 2^64
  std::vector<std::string> overrides;
  bool quiet = false, timing_only = false, strict = false;
  unsigned host_threads = std::max(1u, std::thread::hardware_concurrency());
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

uint64_t parse_seed(const std::string& text) {
  uint64_t seed = 0;
  const char* end = text.data() + text.size();
  const auto parsed = std::from_chars(text.data(), end, seed);
  if (text.empty() || parsed.ec != std::errc() || parsed.ptr != end)
    throw std::runtime_error(fmt::format("--seed '{}': expected an integer from 0 to {}", text, UINT64_MAX));
  return seed;
}

// Every file the run writes, checked before anything is simulated.
void check_outputs(const RunArgs& args, const std::string& summary_path) {
  app::make_output_directory("--out", args.out);
  const std::pair<const char*, const std::string*> files[] = {
      {"--out", &summary_path}, {"--dump-frames", &args.dump_frames}, {"--trace", &args.trace},
      {"--csv", &args.csv},     {"--vcd", &args.vcd},                 {"--report", &args.report}};
  for (const auto& [option, path] : files)
    if (!path->empty()) app::check_output_file(option, *path);
}

int run(const RunArgs& args) {
  auto scenario = scenarios::load_scenario(args.scenario, args.overrides);
  if (args.seed) scenario.seed = parse_seed(*args.seed);
  if (args.timing_only && !args.dump_frames.empty())
    throw std::runtime_error("--dump-frames needs pixels: it cannot be combined with --timing-only");
  const std::string summary_path = (std::filesystem::path(args.out) / "summary.json").string();
  check_outputs(args, summary_path);
  const auto streams = scenarios::prepare_streams(scenario, args.input, args.cache_dir);
  const bool terminal = isatty(STDERR_FILENO) != 0;
  // Only the records the requested outputs read after the run are kept (they
  // grow with the run); the trace hears the run as it goes.
  const bool vcd = !args.vcd.empty(), report = !args.report.empty();
  scenarios::RunOptions options{args.dump_frames,  terminal && !args.quiet,
                                args.timing_only,  args.strict,
                                args.host_threads, args.cache_dir,
                                vcd,               vcd || report};
  options.keep_core_slices = vcd;
  options.keep_bus_windows = report;
  app::LiveOutputs live(scenario, streams, args.trace, args.csv, report);
  options.observer = live.observer();
  options.keep_frame_records = !live.folds_frames();
  const auto result = scenarios::run_scenario(scenario, streams, options);
  // A failed write is reported after the terminal summary, which it must not cost.
  std::vector<std::string> write_errors;
  live.finish(result, write_errors);
  const auto write_streamed = [&write_errors](const std::string& path,
                                              const std::function<void(const analysis::TextSink&)>& produce) {
    if (path.empty()) return;
    try {
      app::write_output_file(path, produce);
    } catch (const std::exception& e) {
      write_errors.push_back(e.what());
    }
  };
  const auto write = [&](const std::string& path, const std::function<std::string()>& text) {
    write_streamed(path, [&](const analysis::TextSink& out) { out(text()); });
  };
  // The frames folded once for the summary and the terminal: as the run went, or now from its records.
  const analysis::RunFold kept = live.fold() ? analysis::RunFold{} : analysis::fold_records(scenario, result);
  const analysis::RunFold* fold = live.fold() ? live.fold() : &kept;
  write(summary_path, [&] { return analysis::summary_json(scenario, result, fold).dump(2) + "\n"; });
  if (!live.writes_csv()) write(args.csv, [&] { return analysis::frames_csv(scenario, result); });
  write_streamed(args.vcd, [&](const analysis::TextSink& out) { analysis::write_run_vcd(scenario, result, out); });
  write(args.report, [&] { return analysis::run_report_html(scenario, result); });
  if (!args.quiet) {
    std::cout << analysis::human_summary(scenario, result, fold);
    std::cout << "  summary: " << summary_path << "\n";
    if (!args.dump_frames.empty()) std::cout << "  frames of stream 0 (I420): " << args.dump_frames << "\n";
    if (!args.trace.empty()) std::cout << "  trace (ui.perfetto.dev): " << args.trace << "\n";
    if (!args.report.empty()) std::cout << "  report: " << args.report << "\n";
  }
  if (result.outcome != scenarios::RunOutcome::Completed) std::cerr << "vvsim: " << result.reason << "\n";
  for (const auto& e : write_errors) std::cerr << "vvsim: " << e << "\n";
  return write_errors.empty() ? exit_code(result.outcome) : 1;
}

int cli(int argc, char** argv) {
  CLI::App app{"vvsim: a SystemC/TLM-2.0 virtual platform of the virtio video device (virtio-video v6)", "vvsim"};
  app.require_subcommand(1);
  app.set_version_flag("--version", app::version_text, "Print the versions of vvsim, SystemC and the codec libraries");
  app.footer(app::main_footer());
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
  run_cmd->add_option("--cache-dir", args.cache_dir,
                      "Directory of encoded generated inputs and timing-only scan verdicts, reused by later runs "
                      "(default: $VVSIM_CACHE_DIR, else "
                      "$XDG_CACHE_HOME/vvsim, else ~/.cache/vvsim)");
  run_cmd->add_option("--seed", args.seed, "Seed for generated content (replaces the scenario's)");
  run_cmd->add_option("--set", args.overrides,
                      "Override a scenario value: key.path=value, e.g. platform.engine.num_cores=1, "
                      "streams.0.output_resources=4, or a short name: output_buffers, input_buffers, cores, clock_mhz");
  run_cmd->add_flag("--timing-only", args.timing_only,
                    "Timing model only: the device scans unit headers instead of decoding; no pixels are decoded "
                    "or moved, every time and counter is the same as a full run");
  run_cmd->add_flag("--strict", args.strict,
                    "Stop at the first breach of a v6 rule the scenario does not expect (exit status 7)");
  run_cmd->add_option("--host-threads", args.host_threads,
                      "Host threads to decode on, ahead of the simulation (default: the number of cores); every "
                      "output is the same for every count")
      ->check(CLI::Range(1u, 256u));
  run_cmd->add_flag("--quiet", args.quiet, "Print nothing but errors");
  run_cmd->footer(app::run_footer());

  app::SweepCommand sweep;
  app::add_sweep_command(app, sweep);
  sweep.sweep->footer(app::sweep_footer());
  app::CompareCommand compare;
  app::add_compare_command(app, compare);
  compare.compare->footer(app::compare_footer());
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "vvsim: " << e.what() << " (see vvsim --help)\n";
    return 1;
  }
  if (sweep.sweep->parsed()) return app::run_sweep_command(sweep);
  if (compare.compare->parsed()) return app::run_compare_command(compare);
  return run(args);
}

}  // namespace

int sc_main(int argc, char** argv) {
  try {
    return cli(argc, argv);
  } catch (const sc_core::sc_report& e) {  // an exception out of a model's process, wrapped by SystemC
    std::cerr << "vvsim: " << e.get_msg() << "\n";
    return 1;
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
