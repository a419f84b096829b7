#include "apps/vvsim/sweep_plan.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "codec/checksum.h"
#include "models/platform/platform_profile.h"
#include "scenarios/scenario.h"
#include "vvsim_version.h"

namespace vvsim::app {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

constexpr int kManifestFormat = 1;

std::string digest_of(const std::string& bytes) {
  codec::FrameChecksum h;
  h.update(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return h.hex();
}

std::string read_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(fmt::format("{}: cannot read", path.string()));
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Length-prefixed fields: no two different field lists hash the same text.
void append_field(std::string& text, const std::string& field) { text += std::to_string(field.size()) + ":" + field; }

std::string point_id(const SweepPlan& plan, const PlanBase& base, const analysis::SweepPoint& values) {
  std::string text;
  append_field(text, plan.vvsim_version);
  append_field(text, plan.inputs_digest);
  append_field(text, base.timing_only ? "timing_only" : "full");
  append_field(text, base.reports ? "reports" : "");
  for (const auto& o : base.overrides) append_field(text, o);
  for (const auto& [k, v] : values) append_field(text, k + "=" + v);
  return digest_of(text);
}

ordered_json param_json(const analysis::SweepParam& p) {
  if (p.is_range()) return {{"key", p.key}, {"lo", p.lo}, {"hi", p.hi}};
  return {{"key", p.key}, {"values", p.values}};
}

analysis::SweepParam param_from(const nlohmann::json& j) {
  analysis::SweepParam p;
  p.key = j.at("key").get<std::string>();
  if (j.contains("values")) p.values = j.at("values").get<std::vector<std::string>>();
  if (j.contains("lo")) p.lo = j.at("lo").get<std::string>(), p.hi = j.at("hi").get<std::string>();
  return p;
}

}  // namespace

const std::string& vvsim_version() {
  static const std::string version = [] {
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    const std::string build = ec ? "unknown" : digest_of(read_file(exe)).substr(0, 8);
    return fmt::format("{} (build {})", kVersion, build);
  }();
  return version;
}

std::string profile_digest(const std::string& scenario, const std::vector<std::string>& overrides) {
  return digest_of(models::to_yaml(scenarios::load_scenario(scenario, overrides).platform));
}

SweepPlan make_plan(const PlanBase& base, const fs::path& out, std::vector<analysis::SweepParam> params,
                    const std::vector<analysis::SweepPoint>& points) {
  SweepPlan plan;
  plan.scenario = base.scenario;
  plan.out = fs::absolute(out).lexically_normal();
  plan.params = std::move(params);
  plan.vvsim_version = vvsim_version();
  plan.reports = base.reports;
  plan.inputs_digest = digest_of(read_file(base.scenario) + "\n" + profile_digest(base.scenario, base.overrides));
  for (const auto& p : points) add_point(plan, base, p);
  return plan;
}

void add_point(SweepPlan& plan, const PlanBase& base, const analysis::SweepPoint& values) {
  const fs::path dir = point_dir(plan, plan.points.size());
  std::vector<std::string> cmd = {"vvsim", "run", fs::absolute(base.scenario).lexically_normal().string(),
                                  "--quiet", "--out", dir.string()};
  if (base.timing_only) cmd.push_back("--timing-only");
  if (base.host_threads > 0) cmd.insert(cmd.end(), {"--host-threads", std::to_string(base.host_threads)});
  if (base.reports) cmd.insert(cmd.end(), {"--report", (dir / "report.html").string()});
  for (const auto& o : base.overrides) cmd.insert(cmd.end(), {"--set", o});
  for (const auto& o : analysis::point_overrides(values)) cmd.insert(cmd.end(), {"--set", o});
  plan.points.push_back({point_id(plan, base, values), values, std::move(cmd)});
}

fs::path manifest_path(const fs::path& sweep_dir) { return sweep_dir / "points.jsonl"; }

fs::path point_dir(const SweepPlan& plan, size_t index) { return plan.out / "points" / fmt::format("{:04}", index); }

void write_manifest(const SweepPlan& plan, const fs::path& file) {
  ordered_json params = ordered_json::array();
  for (const auto& p : plan.params) params.push_back(param_json(p));
  const ordered_json header = {{"vvsim_sweep_manifest", kManifestFormat}, {"scenario", plan.scenario},
                               {"out", plan.out.string()},  {"vvsim_version", plan.vvsim_version},
                               {"reports", plan.reports},    {"inputs_digest", plan.inputs_digest},
                               {"params", params},           {"points", plan.points.size()}};
  std::string text = header.dump() + "\n";
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const auto& p = plan.points[i];
    text += ordered_json{{"index", i}, {"point_id", p.id}, {"params", p.values}, {"command", p.command}}.dump() + "\n";
  }
  const fs::path temporary = file.string() + ".tmp";  // readers never see half a manifest
  {
    std::ofstream f(temporary, std::ios::binary);
    f << text;
    if (!f.flush()) throw std::runtime_error(fmt::format("{}: cannot write the sweep manifest", temporary.string()));
  }
  std::error_code ec;
  fs::rename(temporary, file, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot write the sweep manifest: {}", file.string(), ec.message()));
}

SweepPlan read_manifest(const fs::path& file) {
  std::istringstream lines(read_file(file));
  std::string line;
  size_t number = 0;
  auto next = [&]() -> nlohmann::json {
    if (!std::getline(lines, line)) throw std::runtime_error(fmt::format("{}:{}: manifest ends early", file.string(), number + 1));
    ++number;
    try {
      return nlohmann::json::parse(line);
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}:{}: not a manifest line: {}", file.string(), number, e.what()));
    }
  };
  try {
    const auto header = next();
    if (header.value("vvsim_sweep_manifest", 0) != kManifestFormat)
      throw std::runtime_error(fmt::format("{}:1: not a vvsim sweep manifest (format {})", file.string(), kManifestFormat));
    SweepPlan plan;
    plan.scenario = header.at("scenario").get<std::string>();
    plan.out = header.at("out").get<std::string>();
    plan.vvsim_version = header.at("vvsim_version").get<std::string>();
    plan.reports = header.at("reports").get<bool>();
    plan.inputs_digest = header.at("inputs_digest").get<std::string>();
    for (const auto& p : header.at("params")) plan.params.push_back(param_from(p));
    const auto count = header.at("points").get<size_t>();
    if (count > analysis::kMaxSweepPoints)
      throw std::runtime_error(fmt::format("{}:1: {} points, more than {}", file.string(), count, analysis::kMaxSweepPoints));
    for (size_t i = 0; i < count; ++i) {
      const auto p = next();
      plan.points.push_back({p.at("point_id").get<std::string>(), p.at("params").get<analysis::SweepPoint>(),
                             p.at("command").get<std::vector<std::string>>()});
    }
    return plan;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}:{}: {}", file.string(), number, e.what()));
  }
}

}  // namespace vvsim::app
