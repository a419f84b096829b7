#include "apps/vvsim/sweep_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>

#include "apps/vvsim/output_files.h"
#include "apps/vvsim/sweep_merge.h"
#include "apps/vvsim/sweep_plan.h"
#include "apps/vvsim/sweep_point.h"
#include "apps/vvsim/sweep_sampling.h"
#include "apps/vvsim/sweep_search.h"
#include "scenarios/scenario.h"

namespace vvsim::app {

namespace fs = std::filesystem;

namespace {

// Local points running in parallel already fill the cores: one decoding
// thread each, unless the user says otherwise. A Slurm point has its node.
unsigned point_host_threads(const SweepArgs& a) {
  if (a.host_threads > 0) return a.host_threads;
  return a.engine.engine == "local" && a.engine.jobs > 1 ? 1 : 0;
}

PlanBase plan_base(const SweepArgs& a) {
  return {a.scenario, a.overrides, a.timing_only, a.reports, point_host_threads(a)};
}

// A key given twice (or under two names, e.g. cores and
// platform.engine.num_cores) is refused: merging would run values that were
// never asked for together.
void check_distinct_keys(const std::vector<analysis::SweepParam>& params, size_t streams) {
  std::map<std::string, std::string> claimed;  // full path -> the --param key that sets it
  for (const auto& p : params) {
    for (auto path : scenarios::expand_short_names({p.key + "=0"}, streams)) {
      path.resize(path.size() - 2);
      const auto [it, fresh] = claimed.emplace(path, p.key);
      if (fresh) continue;
      if (it->second == p.key)
        throw std::invalid_argument(fmt::format("--param '{}' is given twice: give all its values in one --param "
                                                "(repeated keys are refused, not merged)", p.key));
      throw std::invalid_argument(fmt::format("--param '{}' and --param '{}' both set {}: give its values once "
                                              "(repeated keys are refused, not merged)", it->second, p.key, path));
    }
  }
}

// Before any point runs: every key must take at least one of its values (a
// misspelt key takes none). A value refused alone fails only its points.
void check_keys_against_scenario(const SweepArgs& a, const std::vector<analysis::SweepParam>& params) {
  for (const auto& p : params) {
    const std::vector<std::string> values = p.is_range() ? std::vector<std::string>{p.lo, p.hi} : p.values;
    std::string first_error;
    bool taken = false;
    for (const auto& v : values) {
      auto overrides = a.overrides;
      overrides.push_back(p.key + "=" + v);
      try {
        scenarios::load_scenario(a.scenario, overrides);
        taken = true;
        break;
      } catch (const std::exception& e) {
        if (first_error.empty()) first_error = e.what();
      }
    }
    if (!taken)
      throw std::invalid_argument(fmt::format("--param '{}': the scenario takes none of its values: {}", p.key,
                                              first_error));
  }
}

std::vector<analysis::SweepPoint> plan_points(const SweepArgs& a, const std::vector<analysis::SweepParam>& params) {
  if (!a.sample.empty()) {
    const auto spec = parse_sample(a.sample);
    if (spec.count > analysis::kMaxSweepPoints)
      throw std::invalid_argument(fmt::format("--sample {}: more than {} points (the sweep limit)", a.sample,
                                              analysis::kMaxSweepPoints));
    return sample_points(params, spec, a.seed);
  }
  double product = 1;
  for (const auto& p : params) {
    if (p.is_range())
      throw std::invalid_argument(fmt::format("--param {}={}..{}: a range needs --sample random:N or lhs:N (or "
                                              "--find-min)", p.key, p.lo, p.hi));
    product *= double(p.values.size());
  }
  if (analysis::cross_product_size(params) > analysis::kMaxSweepPoints)
    throw std::invalid_argument(fmt::format("sweep: {:.0f} points, more than {} (the sweep limit): fewer values, "
                                            "or --sample", product, analysis::kMaxSweepPoints));
  return analysis::sweep_points(params);
}

// Runs what is not done yet, then up to `retries` more passes over points
// left without a result (killed, preempted). False: submitted, not waited for.
bool run_pending(const SweepPlan& plan, const SweepArgs& a) {
  auto pending = pending_points(plan);
  if (!a.quiet && pending.size() < plan.points.size())
    std::cout << fmt::format("resuming: {} of {} points already done\n", plan.points.size() - pending.size(),
                             plan.points.size());
  for (unsigned pass = 0; pass <= a.retries && !pending.empty(); ++pass) {
    if (!run_engine(plan, pending, a.engine)) return false;
    pending = pending_points(plan);
  }
  return true;
}

int find_min(const SweepArgs& a, const std::vector<analysis::SweepParam>& params);

int run_sweep(const SweepArgs& a) {
  if (a.scenario.empty()) throw std::invalid_argument("sweep: give a scenario (vvsim sweep SCENARIO --param ...)");
  std::vector<analysis::SweepParam> params;
  for (const auto& spec : a.params) params.push_back(analysis::parse_sweep_param(spec));
  if (params.empty()) throw std::invalid_argument("sweep: give at least one --param KEY=V1,V2,...");
  check_distinct_keys(params, scenarios::load_scenario(a.scenario, a.overrides).streams.size());
  if (!a.find_min.empty()) return find_min(a, params);
  const auto points = plan_points(a, params);
  if (a.dry_run) {
    std::cout << fmt::format("{} points\n", points.size());
    return 0;
  }
  check_keys_against_scenario(a, params);
  const auto plan = make_plan(plan_base(a), a.out, params, points);
  make_output_directory("--out", plan.out.string());
  for (const char* table : {"sweep.csv", "sweep.html"}) check_output_file("--out", (plan.out / table).string());
  write_manifest(plan, manifest_path(plan.out));
  if (!a.emit_points.empty()) {
    if (fs::absolute(a.emit_points) != manifest_path(plan.out)) write_manifest(plan, a.emit_points);
    std::cout << fmt::format("{} points in {}\n  run point I (0..{}): vvsim sweep run-point {} I\n  then: vvsim "
                             "sweep merge {}\n", plan.points.size(), a.emit_points, plan.points.size() - 1,
                             a.emit_points, plan.out.string());
    return 0;
  }
  if (!run_pending(plan, a)) return 0;
  const auto merged = merge_sweep(plan);
  if (!a.quiet) print_merged(plan, merged);
  return 0;
}

// Bisection: the answer is the first candidate that meets the predicate.
int find_min(const SweepArgs& a, const std::vector<analysis::SweepParam>& params) {
  if (params.size() != 1 || params[0].key != a.find_min)
    throw std::invalid_argument(fmt::format("--find-min {0}: give its values as the only --param, e.g. --param "
                                            "{0}=LO..HI (other values with --set)", a.find_min));
  if (a.until.empty()) throw std::invalid_argument("--find-min needs --until PREDICATE, e.g. outcome=completed");
  const auto predicate = parse_predicate(a.until);
  const auto candidates = search_domain(params[0], [&](int64_t v) {
    auto overrides = a.overrides;
    overrides.push_back(fmt::format("{}={}", a.find_min, v));
    try {
      scenarios::load_scenario(a.scenario, overrides);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  });
  size_t steps = 1;
  while ((size_t(1) << (steps - 1)) < candidates.size()) ++steps;
  if (a.dry_run) {
    std::cout << fmt::format("{} candidate values of {}: at most {} points\n", candidates.size(), a.find_min, steps);
    return 0;
  }
  auto plan = make_plan(plan_base(a), a.out, params, {});
  fs::create_directories(plan.out);
  auto evaluate = [&](size_t c) {
    add_point(plan, plan_base(a), {{a.find_min, std::to_string(candidates[c])}});
    write_manifest(plan, manifest_path(plan.out));
    const size_t index = plan.points.size() - 1;
    if (!point_done(plan, index)) run_engine(plan, {index}, a.engine);
    const auto r = point_result(plan, index);
    const bool ok = meets(predicate, r);
    const auto m = analysis::sweep_metrics(r);
    std::cout << fmt::format("{} = {}: {} (exit {}) -> {}\n", a.find_min, candidates[c], m ? m->outcome : "failed",
                             r.ran ? std::to_string(r.exit_status) : "none", ok ? "meets" : "does not meet")
              << std::flush;
    return ok;
  };
  size_t lo = 0, hi = candidates.size() - 1;  // the answer, if any, is in [lo, hi]
  const bool any = evaluate(hi);
  while (any && lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (evaluate(mid)) hi = mid;
    else lo = mid + 1;
  }
  const auto merged = merge_sweep(plan);
  if (!a.quiet) std::cout << fmt::format("  table: {}\n  report: {}\n", merged.csv.string(), merged.html.string());
  if (!any) {
    std::cerr << fmt::format("vvsim: no value of {} in {}..{} meets '{}'\n", a.find_min, candidates.front(),
                             candidates.back(), a.until);
    return 1;
  }
  std::cout << fmt::format("{} = {}\n", a.find_min, candidates[lo]);
  return 0;
}

}  // namespace

void add_sweep_command(CLI::App& app, SweepCommand& c) {
  auto& a = c.args;
  c.sweep = app.add_subcommand(
      "sweep", "Run a scenario at many points (cross product, sample or search), one process per point, on this "
               "machine or a Slurm cluster; write sweep.csv and sweep.html to the output directory");
  auto* s = c.sweep;
  s->add_option("scenario", a.scenario, "Scenario file (YAML)")->check(CLI::ExistingFile);
  s->add_option("--param", a.params,
                "KEY=V1,V2,... or KEY=LO..HI (with --sample or --find-min): a scenario or profile value path, or a "
                "short name (output_buffers, input_buffers, cores, clock_mhz / device.clock_mhz); repeat for more "
                "parameters (a key once)");
  s->add_option("--jobs", a.engine.jobs, "Points run at once (default 2; Slurm: the array's concurrency cap)")
      ->check(CLI::Range(1u, 100000u));
  s->add_option("--host-threads", a.host_threads,
                "Host threads each point decodes on (default: 1 when local points run in parallel, else the "
                "run's default); changes no result")
      ->check(CLI::Range(1u, 256u));
  s->add_option("--out", a.out, "Output directory (default: out/sweep); rerunning resumes it");
  s->add_option("--set", a.overrides, "Override a value at every point: key.path=value");
  s->add_flag("--timing-only", a.timing_only, "Run every point in timing-only mode");
  s->add_flag("--reports", a.reports, "Each point also writes its HTML report, linked from the sweep page");
  s->add_flag("--dry-run", a.dry_run, "Print the number of points and stop");
  s->add_option("--sample", a.sample, "random:N or lhs:N (Latin hypercube): N points over the --param ranges");
  s->add_option("--seed", a.seed, "Seed of --sample (default 1)");
  s->add_option("--emit-points", a.emit_points, "Write the point manifest (JSON lines) to this file and stop");
  s->add_option("--retries", a.retries, "Run points left without a result (killed, preempted) up to N more times")
      ->check(CLI::Range(0u, 100u));
  s->add_option("--find-min", a.find_min, "Bisect this integer --param to its smallest value meeting --until");
  s->add_option("--until", a.until, "Predicate of --find-min: COLUMN OP VALUE[,...], e.g. outcome=completed");
  s->add_option("--engine", a.engine.engine, "local (default) or slurm (an sbatch job array)")
      ->check(CLI::IsMember({"local", "slurm"}));
  s->add_option("--partition", a.engine.slurm.partition, "Slurm partition");
  s->add_option("--time", a.engine.slurm.time_limit, "Slurm time limit per point (sbatch --time)");
  s->add_option("--account", a.engine.slurm.account, "Slurm account");
  s->add_option("--sbatch-arg", a.engine.slurm.sbatch_args, "Pass this option to sbatch (repeatable)");
  s->add_option("--points-per-task", a.engine.slurm.points_per_task,
                "Slurm: points run one after another by each array task (default 1; more for short points)")
      ->check(CLI::Range(1u, 100000u));
  s->add_flag("--no-wait{false}", a.engine.slurm.wait, "Slurm: submit and return; merge later with vvsim sweep merge");
  s->add_flag("--quiet", a.quiet, "Print nothing but errors");
  c.run_point = s->add_subcommand("run-point", "Run points of a manifest by index (e.g. $SLURM_ARRAY_TASK_ID)");
  c.run_point->add_option("manifest", c.manifest, "The sweep's points.jsonl")->required()->check(CLI::ExistingFile);
  c.run_point->add_option("index", c.indices, "Point indices, from 0")->required();
  c.merge = s->add_subcommand("merge", "Build sweep.csv and sweep.html from the points a sweep directory holds");
  c.merge->add_option("dir", c.merge_dir, "Sweep directory (holds points.jsonl)")->required()->check(CLI::ExistingDirectory);
}

int run_sweep_command(const SweepCommand& c) {
  if (c.run_point->parsed()) return run_points(c.manifest, c.indices);
  if (c.merge->parsed()) {
    auto plan = read_manifest(manifest_path(c.merge_dir));
    plan.out = fs::absolute(c.merge_dir).lexically_normal();  // the directory may have moved since
    print_merged(plan, merge_sweep(plan));
    return 0;
  }
  auto args = c.args;
  args.engine.progress = !args.quiet && isatty(STDERR_FILENO) != 0;
  return run_sweep(args);
}

}  // namespace vvsim::app
