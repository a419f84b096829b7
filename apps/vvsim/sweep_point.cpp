#include "apps/vvsim/sweep_point.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "apps/vvsim/output_files.h"
#include "apps/vvsim/sweep_process.h"

namespace vvsim::app {

namespace fs = std::filesystem;

namespace {

constexpr int kFirstSignalStatus = 128;  // 128 + N: killed by signal N (the shell's convention)

void write_json(const fs::path& path, const nlohmann::ordered_json& j) {
  const fs::path temporary = path.string() + ".tmp";  // a killed task leaves no half-written result
  {
    std::ofstream f(temporary, std::ios::binary);
    f << j.dump(2) << "\n";
    if (!f.flush()) throw std::runtime_error(fmt::format("{}: cannot write", temporary.string()));
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot write: {}", path.string(), ec.message()));
}

nlohmann::ordered_json point_json(const SweepPlan& plan, size_t index, const std::string& digest) {
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (const auto& [k, v] : plan.points[index].values) params[k] = v;
  return {{"index", index},
          {"point_id", plan.points[index].id},
          {"params", params},
          {"vvsim_version", plan.vvsim_version},
          {"profile_digest", digest}};
}

// The point's own profile digest; empty when its values are refused (its run says why).
std::string point_profile_digest(const PlannedPoint& p) {
  std::vector<std::string> overrides;
  for (size_t i = 0; i + 1 < p.command.size(); ++i)
    if (p.command[i] == "--set") overrides.push_back(p.command[i + 1]);
  try {
    return profile_digest(p.command.at(2), overrides);
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace

int run_points(const fs::path& manifest, const std::vector<size_t>& indices) {
  const auto plan = read_manifest(manifest);
  for (size_t index : indices)
    if (index >= plan.points.size())
      throw std::runtime_error(fmt::format("{}: no point {} (the manifest has {})", manifest.string(), index,
                                           plan.points.size()));
  if (plan.vvsim_version != vvsim_version())
    throw std::runtime_error(fmt::format("{}: planned by vvsim {}, this is vvsim {}: plan the sweep again",
                                         manifest.string(), plan.vvsim_version, vvsim_version()));
  for (size_t index : indices)
    if (!point_done(plan, index)) run_point(plan, index);
  return 0;
}

void run_point(const SweepPlan& plan, size_t index) {
  const auto& point = plan.points[index];
  const fs::path dir = point_dir(plan, index);
  const auto earlier = read_json_file(dir / "result.json");  // a run of this point that was killed
  const int attempt = earlier && earlier->value("point_id", "") == point.id ? earlier->value("attempts", 0) + 1 : 1;
  fs::create_directories(dir);
  fs::remove(dir / "summary.json");  // an earlier record stays until this run's replaces it
  auto argv = point.command;
  argv[0] = self_executable();
  const int status = run_process(argv, dir / "stdout.txt", dir / "stderr.txt");
  const auto sweep_point = point_json(plan, index, point_profile_digest(point));
  if (read_json_file(dir / "summary.json")) {  // the summary's own key order is kept
    auto summary = nlohmann::ordered_json::parse(read_text_file(dir / "summary.json"));
    summary["sweep_point"] = sweep_point;
    write_json(dir / "summary.json", summary);
  }
  auto result = sweep_point;
  result["exit_status"] = status;
  std::string error = status == 0 ? "" : first_error_line(read_text_file(dir / "stderr.txt"));
  if (status >= kFirstSignalStatus && error.empty()) error = fmt::format("killed by signal {}", status - kFirstSignalStatus);
  result["error"] = error;
  result["attempts"] = attempt;
  write_json(dir / "result.json", result);
}

bool point_done(const SweepPlan& plan, size_t index) {
  const auto r = read_json_file(point_dir(plan, index) / "result.json");
  return r && r->value("point_id", "") == plan.points[index].id && r->value("exit_status", -1) >= 0 &&
         r->value("exit_status", -1) < kFirstSignalStatus;
}

std::vector<size_t> pending_points(const SweepPlan& plan) {
  std::vector<size_t> out;
  for (size_t i = 0; i < plan.points.size(); ++i)
    if (!point_done(plan, i)) out.push_back(i);
  return out;
}

analysis::SweepPointResult point_result(const SweepPlan& plan, size_t index) {
  analysis::SweepPointResult r;
  r.point = plan.points[index].values;
  r.provenance.point_id = plan.points[index].id;
  const fs::path dir = point_dir(plan, index);
  const auto stored = read_json_file(dir / "result.json");
  if (!stored || stored->value("point_id", "") != plan.points[index].id) {
    r.ran = false;
    r.error = "not run (no result stored for this point id)";
    return r;
  }
  r.exit_status = stored->value("exit_status", -1);
  r.error = stored->value("error", "");
  r.attempts = stored->value("attempts", 1u);
  r.provenance.vvsim_version = stored->value("vvsim_version", "");
  r.provenance.profile_digest = stored->value("profile_digest", "");
  r.summary = read_json_file(dir / "summary.json");
  if (plan.reports && fs::exists(dir / "report.html")) r.report = fmt::format("points/{:04}/report.html", index);
  return r;
}

}  // namespace vvsim::app
