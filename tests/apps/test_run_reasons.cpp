// Why a run stopped, as the user reads it: a time limit during device start-up
// names what the driver still waited for, and a run with many unfinished
// streams gets a one-line reason that counts them and names the first few,
// with every stream in summary.json.
#define BOOST_TEST_MODULE run_reasons
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "tests/support/vvsim_command.h"

namespace {

using vvsim::test::kSrc;
using vvsim::test::run_vvsim;
using vvsim::test::scratch;
using vvsim::test::slurp;

nlohmann::json summary(const std::string& dir) { return nlohmann::json::parse(slurp(dir + "/summary.json")); }

// A scenario of `streams` VP8 streams of one generated frame, each pre-queueing
// six output buffers (two descriptors per command).
std::string many_streams_scenario(const std::string& name, int streams, int commandq_size) {
  const std::string path = scratch(name + ".yaml");
  std::ofstream f(path);
  f << "description: " << streams << " streams\nprofile: " << kSrc << "/profiles/default.yaml\n"
    << "device:\n  commandq_size: " << commandq_size << "\n  max_streams: " << streams << "\nstreams:\n";
  for (int i = 0; i < streams; ++i)
    f << "  - {name: s" << i << ", codec: vp8, input: {generate: {frames: 1, width: 64, height: 64}}, output_resources: 6}\n";
  return path;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

// The first command of a v6 driver is QUERY_CAPS (§Device Initialization 5); a
// firmware cost of 10^12 cycles per command puts its answer far beyond the limit.
BOOST_AUTO_TEST_CASE(time_limit_during_start_up_names_what_was_pending) {
  const std::string dir = scratch("startup_limit");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir +
                               " --set device.firmware_cycles_per_command=1000000000000",
                           "startup_limit");
  BOOST_CHECK_EQUAL(r.status, 4);
  const auto s = summary(dir);
  BOOST_CHECK_EQUAL(s["outcome"], "time_limit");
  const std::string reason = s["reason"];
  BOOST_CHECK_NE(reason.find("device initialisation unfinished"), std::string::npos);
  BOOST_CHECK_NE(reason.find("QUERY_CAPS"), std::string::npos);
  BOOST_CHECK_NE(r.err.find(reason), std::string::npos);
}

// 1000 streams deadlock on a 16-descriptor commandq: 8 commands fill it.
BOOST_AUTO_TEST_CASE(deadlock_of_many_streams_is_summarised_with_detail_in_summary) {
  const int streams = 1000;
  const std::string dir = scratch("many_deadlock");
  const auto r = run_vvsim("run " + many_streams_scenario("many_deadlock", streams, 16) + " --quiet --timing-only --out " + dir,
                           "many_deadlock");
  BOOST_CHECK_EQUAL(r.status, 3);
  const auto s = summary(dir);
  BOOST_REQUIRE_EQUAL(s["streams"].size(), size_t(streams));
  uint64_t held = 0;
  for (const auto& st : s["streams"]) held += st["queue_commands_unanswered"].get<uint64_t>();
  // Two descriptors a command: at most 8 of the 16 are QUEUEs (how many
  // depends on where the streams' set-up stood when the ring filled).
  BOOST_CHECK_GE(held, 1u);
  BOOST_CHECK_LE(held, 8u);
  const std::string reason = s["reason"], detail = s["reason_detail"];
  BOOST_CHECK_LT(reason.size(), 1000u);
  BOOST_CHECK_NE(reason.find("16/16 descriptors in use"), std::string::npos);
  BOOST_CHECK_NE(reason.find("1000 streams hold " + std::to_string(held) + " queue commands"), std::string::npos);
  BOOST_CHECK_NE(reason.find("stream 's0' holds"), std::string::npos);
  BOOST_CHECK_NE(reason.find("and 992 more"), std::string::npos);
  BOOST_CHECK_EQUAL(count_of(reason, "stream 's"), 8u);
  BOOST_CHECK_EQUAL(count_of(detail, "stream 's"), size_t(streams));
  BOOST_CHECK_NE(detail.find("stream 's999' holds"), std::string::npos);
  BOOST_CHECK_NE(r.err.find(reason), std::string::npos);
  BOOST_CHECK_EQUAL(r.err.find("s999"), std::string::npos);
}

// A few unfinished streams keep the full one-line reason and no detail key.
BOOST_AUTO_TEST_CASE(deadlock_of_few_streams_names_each) {
  const std::string dir = scratch("few_deadlock");
  const auto r = run_vvsim("run " + kSrc + "/scenarios/commandq_exhaustion.yaml --quiet --out " + dir, "few_deadlock");
  BOOST_CHECK_EQUAL(r.status, 3);
  const auto s = summary(dir);
  const std::string reason = s["reason"];
  BOOST_CHECK_NE(reason.find("stream 'a' holds 4 queue commands; stream 'b' holds 4 queue commands"), std::string::npos);
  BOOST_CHECK(!s.contains("reason_detail"));
}
