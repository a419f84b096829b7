// The comparison scenarios against the closed forms docs/protocols.md states,
// computed here from the scenarios' own values.
#define BOOST_TEST_MODULE protocol_comparisons
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "tests/support/vvsim_command.h"

namespace {

using namespace vvsim::test;
using nlohmann::json;
namespace fs = std::filesystem;

// The sweep's outcome per point, keyed "Q,C".
std::map<std::string, std::string> sweep_outcomes(const std::string& protocol, const std::string& qs,
                                                  const std::string& cs) {
  const std::string dir = scratch("exhaustion_sweep_" + protocol);
  fs::remove_all(dir);
  const auto r = run_vvsim("sweep " + kSrc + "/scenarios/commandq_exhaustion.yaml --param device.commandq_size=" + qs +
                               " --param output_buffers=" + cs + " --set protocol=" + protocol + " --timing-only --quiet --out " + dir,
                           "exhaustion_sweep_" + protocol);
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  std::map<std::string, std::string> out;
  for (const auto& row : read_csv(slurp(dir + "/sweep.csv")))
    out[row.at("device.commandq_size") + "," + row.at("output_buffers")] = row.at("outcome");
  return out;
}

}  // namespace

// S = 2 streams, C outputs each, pre-queued; every RESOURCE_QUEUE holds two
// descriptors until its frame is decoded, which needs input the driver can no
// longer send once the outputs hold the whole commandq: v6 deadlocks exactly
// when 2*S*C >= Q. virtio-media completes at every point. (One output per
// stream meets a second hazard first, the held inputs and DRAINs: not swept.)
BOOST_AUTO_TEST_CASE(v6_deadlocks_exactly_when_the_outputs_fill_the_commandq) {
  const int streams = 2;
  const std::vector<int> qs = {8, 16, 32, 64}, cs = {3, 4, 7, 8};
  std::string q_list, c_list;
  for (int q : qs) q_list += (q_list.empty() ? "" : ",") + std::to_string(q);
  for (int c : cs) c_list += (c_list.empty() ? "" : ",") + std::to_string(c);
  const auto v6 = sweep_outcomes("v6", q_list, c_list);
  const auto media = sweep_outcomes("media", q_list, c_list);
  for (int q : qs)
    for (int c : cs) {
      const std::string point = std::to_string(q) + "," + std::to_string(c);
      const bool deadlock = 2 * streams * c >= q;
      BOOST_TEST_CONTEXT("Q=" << q << " C=" << c) {
        BOOST_CHECK_EQUAL(v6.at(point), deadlock ? "deadlock" : "completed");
        BOOST_CHECK_EQUAL(media.at(point), "completed");
      }
    }
}

// Over a transport whose interrupts take 1 ms, each round trip to the first
// frame costs at least that millisecond; virtio-media's enumeration needs more
// of them than v6's QUERY_CAPABILITY.
BOOST_AUTO_TEST_CASE(negotiation_costs_a_millisecond_per_round_trip) {
  const std::string dir = scratch("negotiation");
  fs::remove_all(dir);
  const auto r = run_vvsim("compare " + kSrc + "/scenarios/negotiation_slow_transport.yaml --protocols v6,media --quiet "
                           "--out " + dir, "negotiation");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const double delivery_ms = 1.0;  // the scenario's interrupt.delivery_latency_ns
  std::map<std::string, json> first;
  for (const std::string p : {"v6", "media"}) {
    const json s = json::parse(slurp(dir + "/" + p + "/summary.json"));
    BOOST_REQUIRE_EQUAL(s["outcome"], "completed");
    BOOST_REQUIRE_EQUAL(s["settings"]["interrupt.delivery_latency_ns"], "1000000");
    first[p] = s["traffic"]["first_frame"];
    BOOST_CHECK_GE(first[p]["time_ns"].get<double>() / 1e6, first[p]["round_trips"].get<double>() * delivery_ms);
  }
  BOOST_CHECK_LT(first["v6"]["round_trips"].get<int>(), first["media"]["round_trips"].get<int>());
  BOOST_CHECK_LT(first["v6"]["time_ns"].get<double>(), first["media"]["time_ns"].get<double>());
}
