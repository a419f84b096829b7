// `vvsim compare`: one scenario under several protocols (each its own `vvsim
// run` process, as a sweep's points are), or two finished run directories;
// writes compare.json and compare.html to the output directory and prints
// the table (analysis/compare.h).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace vvsim::app {

struct CompareArgs {
  std::vector<std::string> targets;  // SCENARIO, or RUN_DIR_A RUN_DIR_B
  std::string protocols;             // "v6,media"; empty: every registered protocol
  std::vector<std::string> overrides;
  std::string out = "out/compare";
  unsigned jobs = 2;
  bool timing_only = false, quiet = false;
};

struct CompareCommand {
  CompareArgs args;
  CLI::App* compare = nullptr;
};
void add_compare_command(CLI::App& app, CompareCommand& command);
// 0 once compare.json and compare.html are written (whatever the runs'
// outcomes: they are in the table); throws on bad arguments.
int run_compare_command(const CompareCommand& command);

}  // namespace vvsim::app
