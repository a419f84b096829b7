// vvsim loads libavcodec only for a stream that decodes on it: the binary does
// not link it (ldd), and the dynamic loader's own account of a run
// (LD_DEBUG=files) names it in an H.264 run and not in a VP9 run.
#define BOOST_TEST_MODULE library_loading
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/support/vvsim_command.h"

using namespace vvsim::test;

namespace {

// stdout of a shell command.
std::string shell(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  BOOST_REQUIRE(p != nullptr);
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  pclose(p);
  return out;
}

// What the dynamic loader says it opened during `vvsim run` of the default
// scenario on `fixture` (its log is LD_DEBUG_OUTPUT.PID, one per process).
std::string loader_log_of_run(const std::string& fixture) {
  const std::string tag = "library_loading_" + fixture, log = scratch(tag + ".ld");
  for (const auto& e : std::filesystem::directory_iterator(VVSIM_BINARY_DIR))
    if (e.path().string().rfind(log, 0) == 0) std::filesystem::remove(e.path());
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + scratch(tag) + " --input " + kSrc +
                               "/tests/codec/fixtures/" + fixture,
                           tag, "LD_DEBUG=files LD_DEBUG_OUTPUT=" + log);
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  std::string text;
  for (const auto& e : std::filesystem::directory_iterator(VVSIM_BINARY_DIR))
    if (e.path().string().rfind(log + ".", 0) == 0) text += slurp(e.path().string());
  return text;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_binary_links_neither_libavcodec_nor_libavutil) {
  const std::string linked = shell("ldd " + kBin);
  BOOST_REQUIRE(linked.find("libvpx.so") != std::string::npos);
  BOOST_TEST(linked.find("libavcodec.so") == std::string::npos, linked);
  BOOST_TEST(linked.find("libavutil.so") == std::string::npos, linked);
}

BOOST_AUTO_TEST_CASE(an_h264_run_loads_libavcodec_and_a_vp9_run_does_not) {
  const std::string h264 = loader_log_of_run("h264_x264_high_bframes.h264");
  BOOST_TEST(h264.find("file=libavcodec.so") != std::string::npos, h264);
  const std::string vp9 = loader_log_of_run("vp9_176x144.ivf");
  BOOST_REQUIRE(vp9.find("file=libvpx.so") != std::string::npos);
  BOOST_TEST(vp9.find("libavcodec") == std::string::npos, vp9);
  BOOST_TEST(vp9.find("libavutil") == std::string::npos, vp9);
}
