#include "apps/vvsim/sweep_merge.h"

#include <fmt/format.h>

#include <iostream>

#include "analysis/sweep_report.h"
#include "apps/vvsim/output_files.h"
#include "apps/vvsim/sweep_point.h"

namespace vvsim::app {

namespace fs = std::filesystem;

namespace {

std::string values_text(const analysis::SweepPoint& point) {
  std::string out;
  for (const auto& [k, v] : point) out += (out.empty() ? "" : " ") + k + "=" + v;
  return out;
}

}  // namespace

MergedSweep merge_sweep(const SweepPlan& plan) {
  MergedSweep m;
  for (size_t i = 0; i < plan.points.size(); ++i) m.results.push_back(point_result(plan, i));
  m.csv = plan.out / "sweep.csv";
  m.html = plan.out / "sweep.html";
  write_output_file(m.csv.string(), analysis::sweep_csv(plan.params, m.results));
  write_output_file(m.html.string(), analysis::sweep_report_html(plan.scenario, plan.params, m.results));
  return m;
}

void print_merged(const SweepPlan& plan, const MergedSweep& merged) {
  constexpr size_t kListed = 20;  // the rest are in sweep.csv
  size_t completed = 0, not_run = 0, listed = 0;
  std::string failures;
  for (size_t i = 0; i < merged.results.size(); ++i) {
    const auto& r = merged.results[i];
    if (r.ran && r.exit_status == 0) {
      ++completed;
      continue;
    }
    not_run += !r.ran;
    if (listed++ < kListed)
      failures += r.ran ? fmt::format("  point {} ({}): exit {}{}: {}\n", i, values_text(r.point), r.exit_status,
                                      r.attempts > 1 ? fmt::format(" after {} attempts", r.attempts) : "", r.error)
                        : fmt::format("  point {} ({}): not run\n", i, values_text(r.point));
  }
  if (listed > kListed) failures += fmt::format("  ... and {} more (see sweep.csv)\n", listed - kListed);
  std::cout << fmt::format("{}: {} points, {} completed, {} did not, {} not run\n", plan.scenario,
                           merged.results.size(), completed, merged.results.size() - completed - not_run, not_run)
            << failures
            << fmt::format("  table: {}\n  report: {}\n", merged.csv.string(), merged.html.string());
}

}  // namespace vvsim::app
