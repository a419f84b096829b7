// The layers the architecture promises (docs/architecture.md): the runner,
// the run result and analysis name no protocol, and neither do the parts of
// models/ every protocol reuses. Read from the sources themselves: every
// #include of a protocol header (models/protocols/...) in those directories
// is a failure naming the file and line.
#define BOOST_TEST_MODULE layering
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// "file:line: text" of every line including a protocol header under `dir`.
std::vector<std::string> protocol_includes(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(VVSIM_SOURCE_DIR) / dir)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".h" && ext != ".cpp")) continue;
    std::ifstream in(entry.path());
    std::string line;
    for (size_t n = 1; std::getline(in, line); ++n)
      if (line.rfind("#include", 0) == 0 && line.find("\"models/protocols/") != std::string::npos)
        found.push_back(dir + "/" + entry.path().filename().string() + ":" + std::to_string(n) + ": " + line);
  }
  return found;
}

void check_no_protocol(const std::string& dir) {
  const auto found = protocol_includes(dir);
  for (const auto& f : found) BOOST_ERROR(f);
  BOOST_TEST_MESSAGE(dir << ": " << found.size() << " protocol includes");
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_scan_finds_a_protocol_include_where_there_is_one) {
  // The v6 binding includes v6 headers: the scan must see them, or it proves nothing.
  BOOST_TEST(!protocol_includes("models/protocols/v6").empty());
}

BOOST_AUTO_TEST_CASE(scenarios_include_no_protocol_header) { check_no_protocol("scenarios"); }
BOOST_AUTO_TEST_CASE(analysis_includes_no_protocol_header) { check_no_protocol("analysis"); }
BOOST_AUTO_TEST_CASE(apps_include_no_protocol_header) { check_no_protocol("apps"); }

BOOST_AUTO_TEST_CASE(shared_model_parts_include_no_protocol_header) {
  for (const char* dir : {"models/engine", "models/guest", "models/conformance", "models/virtio_host", "models/platform"})
    check_no_protocol(dir);
}
