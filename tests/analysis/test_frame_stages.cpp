// The stage breakdown and occupancy series of real runs: every frame's stages
// add up to its latency, no stage is negative, the device's command counters
// agree with what the guest application did, and no queue depth leaves
// [0, its size].
#define BOOST_TEST_MODULE frame_stages
#include <boost/test/unit_test.hpp>

#include <numeric>

#include "analysis/frame_stages.h"
#include "analysis/summary.h"

using namespace vvsim;

namespace {

struct Run {
  scenarios::Scenario scenario;
  scenarios::RunResult result;
};

Run run(const std::string& name) {
  Run r{scenarios::load_scenario(std::string(VVSIM_SOURCE_DIR) + "/scenarios/" + name + ".yaml"), {}};
  r.result = scenarios::run_scenario(r.scenario, scenarios::prepare_streams(r.scenario));
  return r;
}

void check_stages_add_up(const Run& r) {
  const auto frames = analysis::frame_stages(r.scenario, r.result);
  size_t decoded = 0;
  for (const auto& s : r.result.streams) decoded += s.report.frames.size();
  BOOST_REQUIRE_EQUAL(frames.size(), decoded);
  // The summary's latency is computed from the session's own records, not from the stages.
  std::vector<double> latencies;
  for (const auto& s : r.result.streams) {
    const auto l = analysis::frame_latencies_ns(s.report);
    latencies.insert(latencies.end(), l.begin(), l.end());
  }
  std::sort(latencies.begin(), latencies.end());
  std::vector<double> from_stages;
  for (const auto& f : frames) {
    BOOST_TEST_CONTEXT("stream " << f.stream << " ts " << f.timestamp) {
      BOOST_CHECK(f.complete);
      for (size_t k = 0; k < analysis::kStageCount; ++k) BOOST_CHECK_GE(f.stage_ns[k], 0.0);
      const double sum = std::accumulate(f.stage_ns.begin(), f.stage_ns.end(), 0.0);
      BOOST_CHECK_SMALL(sum - f.latency_ns(), 1e-3);
      from_stages.push_back(sum);
    }
  }
  std::sort(from_stages.begin(), from_stages.end());
  BOOST_REQUIRE_EQUAL(from_stages.size(), latencies.size());
  for (size_t i = 0; i < latencies.size(); ++i) BOOST_CHECK_SMALL(from_stages[i] - latencies[i], 1e-3);
}

void check_depths_in_bounds(const Run& r) {
  const auto series = analysis::depth_series(r.scenario, r.result);
  BOOST_REQUIRE_EQUAL(series.size(), 2 + 2 * r.result.streams.size());
  BOOST_CHECK_GT(series[0].points.size(), 2u);  // the commandq moved
  BOOST_CHECK_EQUAL(series[1].points.back().value, series[1].limit);  // the driver keeps the eventq stocked
  for (const auto& s : series) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_CHECK_GT(s.limit, 0u);
      BOOST_CHECK_GE(s.points.size(), 1u);  // a stream stuck before queueing anything has only the start
      for (size_t i = 0; i < s.points.size(); ++i) {
        BOOST_CHECK_LE(s.points[i].value, s.limit);  // unsigned: never negative by type; the counts come from
                                                      // pending commands, so a double answer would show as a drop
        if (i > 0) BOOST_CHECK_GE(s.points[i].at_ns, s.points[i - 1].at_ns);
      }
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(stages_add_up_to_latency_with_drc) { check_stages_add_up(run("default")); }
BOOST_AUTO_TEST_CASE(stages_add_up_to_latency_on_four_streams_two_cores) {
  check_stages_add_up(run("four_streams_two_cores"));
}
BOOST_AUTO_TEST_CASE(stages_add_up_to_latency_h264) { check_stages_add_up(run("decode_h264")); }

// Output starvation shows in the wait_output stage: the device's own stall
// clock (started when a picture is ready and no output is queued) and the sum
// of the frames' wait_output stages measure the same waits.
BOOST_AUTO_TEST_CASE(output_starvation_lands_in_wait_output) {
  const auto r = run("output_starvation");
  const auto frames = analysis::frame_stages(r.scenario, r.result);
  double wait_output = 0;
  for (const auto& f : frames) wait_output += f.stage_ns[3];
  BOOST_CHECK_GT(r.result.output_stall_ns, 1e8);  // the scenario starves for hundreds of ms
  BOOST_CHECK_CLOSE(wait_output, r.result.output_stall_ns, 1.0);
}

// The device counted every command the application sent, by type: one
// RESOURCE_QUEUE per unit fed and per output handed out (answered with a
// frame or cancelled), one each of QUERY_CAPS, CREATE, DRAIN and DESTROY.
BOOST_AUTO_TEST_CASE(command_counters_match_what_the_application_did) {
  const auto r = run("default");
  const auto& s = r.result.streams.at(0);
  const auto& by_type = r.result.commands_by_type;
  BOOST_CHECK_EQUAL(by_type.at("RESOURCE_QUEUE"), s.units_fed + s.report.frames.size() + s.report.outputs_canceled);
  BOOST_CHECK_EQUAL(by_type.at("DEVICE_QUERY_CAPS"), 1u);
  BOOST_CHECK_EQUAL(by_type.at("STREAM_CREATE"), 1u);
  BOOST_CHECK_EQUAL(by_type.at("STREAM_DRAIN"), 1u);
  BOOST_CHECK_EQUAL(by_type.at("STREAM_DESTROY"), 1u);
  uint64_t total = 0;
  for (const auto& [type, n] : by_type) total += n;
  BOOST_CHECK_EQUAL(total, r.result.device_commands);
  BOOST_CHECK_EQUAL(total, r.result.commands.size());  // every one answered and reaped by the driver
}

BOOST_AUTO_TEST_CASE(depths_stay_within_queue_sizes) { check_depths_in_bounds(run("four_streams_two_cores")); }
BOOST_AUTO_TEST_CASE(depths_stay_within_queue_sizes_when_commandq_is_exhausted) {
  check_depths_in_bounds(run("commandq_exhaustion"));
}

// The bus windows hold every picosecond the bus carried for each initiator
// (the bus's own totals), and since the bus carries one transfer at a time,
// the two initiators together never fill a window past 100%.
BOOST_AUTO_TEST_CASE(bus_windows_add_up_to_the_bus_busy_time) {
  const Run r = run("four_streams_two_cores");
  const auto& windows = r.result.bus_busy_ps;
  const uint64_t cpu = std::accumulate(windows[0].begin(), windows[0].end(), uint64_t{0});
  const uint64_t dma = std::accumulate(windows[1].begin(), windows[1].end(), uint64_t{0});
  BOOST_CHECK_GT(dma, 0u);
  BOOST_CHECK_CLOSE(double(cpu) / 1000.0, r.result.bus_busy_cpu_ns, 1e-9);
  BOOST_CHECK_CLOSE(double(dma) / 1000.0, r.result.bus_busy_device_ns, 1e-9);
  const size_t n = std::max(windows[0].size(), windows[1].size());
  for (size_t w = 0; w < n; ++w) {
    const uint64_t both = (w < windows[0].size() ? windows[0][w] : 0) + (w < windows[1].size() ? windows[1][w] : 0);
    BOOST_CHECK_LE(both, scenarios::RunResult::kBusWindowPs);
  }
  const auto series = analysis::bus_utilisation(r.result);
  BOOST_REQUIRE_EQUAL(series.size(), 2u);
  for (const auto& u : series)
    for (const auto& p : u.points) BOOST_CHECK(p.percent >= 0.0 && p.percent <= 100.0);
}
