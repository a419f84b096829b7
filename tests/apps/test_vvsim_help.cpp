// What vvsim says about itself: --version against the CMake package version
// and pkg-config's versions of the libraries; each command's help lists the
// exit statuses docs/scenarios.md gives and two examples that run as printed.
#define BOOST_TEST_MODULE vvsim_help
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <sys/wait.h>

namespace {

const std::string kBin = std::string(VVSIM_BINARY_DIR) + "/bin/vvsim";
const std::string kSrc = VVSIM_SOURCE_DIR;

// stdout of a shell command, and its exit status.
std::pair<std::string, int> shell(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  BOOST_REQUIRE(p != nullptr);
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int raw = pclose(p);
  return {out, WIFEXITED(raw) ? WEXITSTATUS(raw) : -1};
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The indented lines of `help` under the heading `heading`, up to the next
// line that is not indented (blank lines skipped).
std::vector<std::string> section(const std::string& help, const std::string& heading) {
  std::vector<std::string> lines;
  const size_t at = help.find("\n" + heading + "\n");
  if (at == std::string::npos) return lines;
  std::istringstream in(help.substr(at + heading.size() + 2));
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (line[0] != ' ') break;
    lines.push_back(line);
  }
  return lines;
}

std::set<int> statuses(const std::vector<std::string>& lines) {
  std::set<int> s;
  for (const auto& l : lines) s.insert(std::stoi(l));
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(version_names_the_package_version_and_each_library) {
  const auto [text, status] = shell(kBin + " --version");
  BOOST_CHECK_EQUAL(status, 0);
  const std::string config = file_text(std::string(VVSIM_BINARY_DIR) + "/vvsimConfigVersion.cmake");
  std::smatch m;
  BOOST_REQUIRE(std::regex_search(config, m, std::regex("set\\(PACKAGE_VERSION \"([^\"]+)\"\\)")));
  BOOST_CHECK_MESSAGE(text.find("vvsim " + m[1].str() + "\n") == 0, text);
  for (const auto& [name, module] : {std::pair{"SystemC", "systemc"}, {"libvpx", "vpx"}, {"openh264", "openh264"},
                                  {"libavcodec", "libavcodec"}}) {
    const std::string version = trimmed(shell("pkg-config --modversion " + std::string(module)).first);
    BOOST_REQUIRE(!version.empty());
    const std::regex line("(^|\n)" + std::string(name) + " v?" + std::regex_replace(version, std::regex("\\."), "\\.") +
                          "[-.\\w]*(\n|$)");
    BOOST_CHECK_MESSAGE(std::regex_search(text, line), name << " " << version << " not in:\n" << text);
  }
}

BOOST_AUTO_TEST_CASE(help_of_each_command_lists_exit_statuses_and_two_examples) {
  // docs/scenarios.md: "Exit status: 0 the run completed; 1 bad ...; 3 deadlock ..."
  const std::string docs = file_text(kSrc + "/docs/scenarios.md");
  const size_t from = docs.find("Exit status: "), to = docs.find("`vvsim sweep`", from);
  BOOST_REQUIRE(from != std::string::npos && to != std::string::npos);
  const std::string paragraph = docs.substr(from, to - from);
  std::set<int> documented;
  const std::regex code("(: |; )([0-9]) ");
  for (auto it = std::sregex_iterator(paragraph.begin(), paragraph.end(), code); it != std::sregex_iterator(); ++it)
    documented.insert(std::stoi((*it)[2].str()));
  BOOST_REQUIRE_GE(documented.size(), 5u);

  const std::string run_help = shell(kBin + " run --help").first;
  BOOST_CHECK(statuses(section(run_help, "Exit status:")) == documented);
  const std::string main_help = shell(kBin + " --help").first;
  BOOST_CHECK(statuses(section(main_help, "Exit status of vvsim run:")) == documented);
  const std::string sweep_help = shell(kBin + " sweep --help").first;
  BOOST_CHECK((statuses(section(sweep_help, "Exit status:")) == std::set<int>{0, 1}));
  const std::string compare_help = shell(kBin + " compare --help").first;
  BOOST_CHECK((statuses(section(compare_help, "Exit status:")) == std::set<int>{0, 1}));
  for (const auto& [command, help] :
       {std::pair{"run", run_help}, {"sweep", sweep_help}, {"compare", compare_help}}) {
    const auto examples = section(help, "Examples:");
    BOOST_CHECK_EQUAL(examples.size(), 2u);
    for (const auto& e : examples) BOOST_CHECK_MESSAGE(e.find("  vvsim " + std::string(command) + " ") == 0, e);
  }
}

// Each example, run from a folder that has the shipped scenarios and profiles
// where the examples name them, exits 0.
BOOST_AUTO_TEST_CASE(help_examples_run_as_printed) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(VVSIM_BINARY_DIR) / "help_examples";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::create_directory_symlink(kSrc + "/scenarios", dir / "scenarios");
  fs::create_directory_symlink(kSrc + "/profiles", dir / "profiles");
  for (const std::string command : {"run", "sweep", "compare"}) {
    for (const auto& e : section(shell(kBin + " " + command + " --help").first, "Examples:")) {
      const std::string args = e.substr(e.find("vvsim ") + 6);
      const auto [out, status] = shell("cd " + dir.string() + " && " + kBin + " " + args + " --quiet 2>&1");
      BOOST_CHECK_MESSAGE(status == 0, e << ": exit " << status << "\n" << out);
    }
  }
}
