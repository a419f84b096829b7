// Docs and loaders cannot drift apart: every key the documentation shows (the
// key tables of docs/profile.md and of the model pages, the YAML examples (the
// component pages': component profile files) and
// the `key.path=value` examples of docs/profile.md, docs/scenarios.md and the
// README) is loaded by the real loaders, and every key the profile loader
// knows is documented.
#define BOOST_TEST_MODULE documented_keys
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "models/component/component_profiles.h"
#include "models/platform/platform_profile.h"
#include "models/platform/protocol.h"
#include "scenarios/scenario.h"

using namespace vvsim;

namespace {

const std::string kSource = VVSIM_SOURCE_DIR;
const std::string kMinimal = "streams:\n  - codec: vp8\n    input: {generate: {frames: 5}}\n";

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> doc_pages() {
  std::vector<std::string> pages = {kSource + "/README.md", kSource + "/docs/profile.md",
                                    kSource + "/docs/scenarios.md"};
  for (const auto& e : std::filesystem::directory_iterator(kSource + "/docs/models"))
    if (e.path().extension() == ".md") pages.push_back(e.path().string());
  return pages;
}

// Every leaf key path of the written default profile, with its value as YAML text.
void collect_leaves(const YAML::Node& node, const std::string& path, std::map<std::string, std::string>& leaves) {
  if (node.IsMap()) {
    for (const auto& e : node) collect_leaves(e.second, (path.empty() ? "" : path + ".") + e.first.Scalar(), leaves);
    return;
  }
  YAML::Emitter out;
  out << YAML::Flow << node;
  leaves[path] = out.c_str();
}

const std::map<std::string, std::string>& profile_leaves() {
  static const auto leaves = [] {
    std::map<std::string, std::string> l;
    collect_leaves(YAML::Load(models::to_yaml(models::PlatformProfile{})), "", l);
    return l;
  }();
  return leaves;
}

// The YAML section a heading introduces: "### `bus` (...)" in docs/profile.md,
// "... YAML section `bus`)" on a model page, "" for "YAML root"; none otherwise.
std::optional<std::string> section_of_heading(const std::string& line, bool profile_page) {
  std::smatch m;
  if (std::regex_search(line, std::regex("under protocol `[a-z0-9_]+`"))) return std::nullopt;  // protocol_device_tables
  if (profile_page && std::regex_search(line, m, std::regex("^###+ `([a-z_]+)`"))) return m[1].str();
  if (std::regex_search(line, m, std::regex("YAML section `([a-z_]+)`"))) return m[1].str();
  if (line.find("YAML root") != std::string::npos) return std::string();
  return std::nullopt;
}

// The profile leaves a documented key names: the key itself, every leaf under
// it (a section), or, for a per-codec key like `cycles_per_unit`, every leaf
// of the section ending in it.
std::vector<std::string> leaves_named(const std::string& section, std::string key) {
  key = std::regex_replace(key, std::regex("\\[[a-z]+\\]|\\.\\*$"), "");
  const std::string path = section.empty() ? key : section + "." + key;
  std::vector<std::string> found;
  for (const auto& [leaf, value] : profile_leaves()) {
    const bool inside = leaf.rfind(section.empty() ? "" : section + ".", 0) == 0;
    const bool suffix = leaf.size() > key.size() && leaf.compare(leaf.size() - key.size() - 1, std::string::npos, "." + key) == 0;
    if (leaf == path || leaf.rfind(path + ".", 0) == 0 || (inside && suffix)) found.push_back(leaf);
  }
  return found;
}

// Keys of the key tables (backticked names in a row's first cell) of every page.
std::set<std::string> documented_profile_leaves() {
  std::set<std::string> documented;
  for (const auto& page : doc_pages()) {
    const bool profile_page = page.find("docs/profile.md") != std::string::npos;
    std::optional<std::string> section;
    const auto lines = lines_of(page);
    for (size_t n = 0; n < lines.size(); ++n) {
      const std::string& line = lines[n];
      if (line.rfind("#", 0) == 0) section = section_of_heading(line, profile_page);
      if (!section || line.rfind("| ", 0) != 0) continue;
      const std::string first_cell = line.substr(2, line.find(" |", 1) - 2);
      const std::regex ticked("`([a-z_][a-z0-9_.<>*\\[\\]]*)`");
      for (std::sregex_iterator it(first_cell.begin(), first_cell.end(), ticked), end; it != end; ++it) {
        std::string key = (*it)[1].str();
        std::vector<std::string> expanded;
        if (key.find("<codec>") != std::string::npos) {
          for (const char* c : models::kCodecKeys) expanded.push_back(std::regex_replace(key, std::regex("<codec>"), c));
        } else {
          expanded.push_back(key);
        }
        for (const auto& k : expanded) {
          const auto leaves = leaves_named(*section, k);
          BOOST_CHECK_MESSAGE(!leaves.empty(), page << ":" << n + 1 << ": `" << k << "` (section '" << *section
                                                    << "') is no key of the profile loader");
          documented.insert(leaves.begin(), leaves.end());
        }
      }
    }
  }
  return documented;
}

// The ```yaml blocks of a page.
std::vector<std::pair<size_t, std::string>> yaml_blocks(const std::string& page) {
  std::vector<std::pair<size_t, std::string>> blocks;
  const auto lines = lines_of(page);
  for (size_t n = 0; n < lines.size(); ++n) {
    if (lines[n] != "```yaml") continue;
    std::string text;
    const size_t first = n + 1;
    for (++n; n < lines.size() && lines[n] != "```"; ++n) text += lines[n] + "\n";
    blocks.push_back({first, text});
  }
  return blocks;
}

// `a.b.c=value` (or `--set a.b.c=value`) examples of a page.
std::vector<std::string> override_examples(const std::string& page) {
  std::ifstream in(page);
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  std::vector<std::string> found;
  const std::regex example("`(?:--set )?([a-z_][a-z0-9_]*(?:\\.[a-z0-9_]+)+=[^`]+)`");
  for (std::sregex_iterator it(all.begin(), all.end(), example), end; it != end; ++it)
    if ((*it)[1].str().rfind("key.path=", 0) != 0) found.push_back((*it)[1].str());  // the placeholder itself
  return found;
}

std::string load_error(const std::function<void()>& load) {
  try {
    load();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_key_of_the_key_tables_loads) {
  const auto documented = documented_profile_leaves();
  BOOST_TEST(documented.count("device.codecs") == 1u);  // the table parser found the device page
  BOOST_TEST(documented.count("bus.latency_cycles") == 1u);
  for (const auto& leaf : documented) {
    const std::string assignment = leaf + "=" + profile_leaves().at(leaf);
    const auto profile_error = load_error([&] { models::parse_platform_profile("", "docs", {assignment}); });
    BOOST_CHECK_MESSAGE(profile_error.empty(), assignment << ": " << profile_error);
    const auto scenario_error = load_error([&] { scenarios::parse_scenario(kMinimal, "docs", {"platform." + assignment}); });
    BOOST_CHECK_MESSAGE(scenario_error.empty(), "platform." << assignment << ": " << scenario_error);
  }
  // The other way round: no key of the loader goes undocumented.
  for (const auto& [leaf, value] : profile_leaves())
    BOOST_CHECK_MESSAGE(documented.count(leaf) == 1u, "profile key '" << leaf << "' is in no key table of the docs");
}

// The `device` key tables of another protocol's model pages ("YAML section
// `device` under protocol `media`"): protocol -> (page:line, key) of each row.
std::map<std::string, std::vector<std::pair<std::string, std::string>>> protocol_device_tables() {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> tables;
  for (const auto& page : doc_pages()) {
    std::optional<std::string> protocol;
    const auto lines = lines_of(page);
    for (size_t n = 0; n < lines.size(); ++n) {
      std::smatch m;
      if (lines[n].rfind("#", 0) == 0)
        protocol = std::regex_search(lines[n], m, std::regex("YAML section `device` under protocol `([a-z0-9_]+)`"))
                       ? std::optional<std::string>(m[1].str())
                       : std::nullopt;
      if (!protocol || lines[n].rfind("| ", 0) != 0) continue;
      const std::string first_cell = lines[n].substr(2, lines[n].find(" |", 1) - 2);
      const std::regex ticked("`([a-z_][a-z0-9_]*)`");
      for (std::sregex_iterator it(first_cell.begin(), first_cell.end(), ticked), end; it != end; ++it)
        tables[*protocol].push_back({page + ":" + std::to_string(n + 1), (*it)[1].str()});
    }
  }
  return tables;
}

// Leaf -> value of the `device` section a protocol's device starts from.
std::map<std::string, std::string> protocol_device_leaves(const std::string& protocol) {
  models::PlatformProfile profile;
  profile.device = models::DeviceSection(models::find_protocol(protocol)->make_device_profile());
  std::map<std::string, std::string> leaves;
  collect_leaves(YAML::Load(models::to_yaml(profile))["device"], "device", leaves);
  return leaves;
}

BOOST_AUTO_TEST_CASE(every_key_of_a_protocol_device_table_loads) {
  const auto tables = protocol_device_tables();
  BOOST_REQUIRE(tables.count("media") == 1u);  // the table parser found the virtio-media device page
  for (const auto& [protocol, rows] : tables) {
    const auto leaves = protocol_device_leaves(protocol);
    std::set<std::string> documented;
    for (const auto& [place, key] : rows) {
      std::vector<std::string> found;
      for (const auto& [leaf, value] : leaves)
        if (leaf == "device." + key || leaf.rfind("device." + key + ".", 0) == 0) found.push_back(leaf);
      BOOST_CHECK_MESSAGE(!found.empty(), place << ": `" << key << "` is no device key of protocol " << protocol);
      for (const auto& leaf : found) {
        documented.insert(leaf);
        const std::string assignment = leaf + "=" + leaves.at(leaf);
        const auto error = load_error([&] { scenarios::parse_scenario("protocol: " + protocol + "\n" + kMinimal, "docs", {assignment}); });
        BOOST_CHECK_MESSAGE(error.empty(), protocol << ": " << assignment << ": " << error);
      }
    }
    for (const auto& [leaf, value] : leaves)
      BOOST_CHECK_MESSAGE(documented.count(leaf) == 1u, protocol << " device key '" << leaf << "' is in no key table");
  }
}

BOOST_AUTO_TEST_CASE(every_yaml_example_loads) {
  size_t blocks = 0;
  for (const auto& page : doc_pages()) {
    for (const auto& [line, text] : yaml_blocks(page)) {
      ++blocks;
      // Named as if it sat in scenarios/, so its relative profile path resolves.
      const std::string source = kSource + "/scenarios/" + std::filesystem::path(page).stem().string() + ".yaml";
      const bool profile_example = page.find("docs/profile.md") != std::string::npos;
      const bool device_component = page.find("video_device_component.md") != std::string::npos;
      const bool driver_component = page.find("video_driver_component.md") != std::string::npos;
      const auto error = load_error([&, text = text] {  // each page's examples are files of its own loader
        if (profile_example) models::parse_platform_profile(text, source);
        else if (device_component) models::parse_device_component_profile(text, source);
        else if (driver_component) models::parse_driver_component_profile(text, source);
        else scenarios::parse_scenario(text, source);
      });
      BOOST_CHECK_MESSAGE(error.empty(), page << ":" << line << ": example does not load: " << error);
    }
  }
  BOOST_TEST(blocks >= 4u);
}

BOOST_AUTO_TEST_CASE(every_override_example_loads) {
  size_t examples = 0;
  for (const auto& page : doc_pages()) {
    const bool profile_page = page.find("docs/profile.md") != std::string::npos;
    for (const auto& assignment : override_examples(page)) {
      ++examples;
      const auto error = load_error([&] {
        if (profile_page) models::parse_platform_profile("", "docs", {assignment});
        else scenarios::parse_scenario(kMinimal, "docs", {assignment});
      });
      BOOST_CHECK_MESSAGE(error.empty(), page << ": `" << assignment << "` does not load: " << error);
    }
  }
  BOOST_TEST(examples >= 6u);
}
