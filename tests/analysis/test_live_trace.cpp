// The trace is written while the run goes (analysis::LiveTrace): checked
// against the records the same run keeps to its end (RunResult: commands,
// core jobs, stage marks, frame records, depth samples, bus windows, events),
// each turned into its expected trace event here, with the units and rules of
// the trace format (microseconds; an interrupt handler run from its delivery
// to its last reaped answer; a counter written where its value changes). The
// trace holds these events and no others.
#define BOOST_TEST_MODULE live_trace
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "analysis/frame_stages.h"
#include "analysis/trace.h"

using namespace vvsim;
using nlohmann::json;

namespace {

double us(uint64_t ps) { return double(ps) / 1e6; }
using Span = std::tuple<int, std::string, double, double>;  // track, name, begin, end or duration

std::multiset<Span> spans_of(const json& events, const std::string& cat) {
  std::map<uint64_t, Span> open;
  std::multiset<Span> out;
  for (const auto& e : events) {
    if (e.value("cat", "") != cat) continue;
    if (e["ph"] == "b") open[e["id"].get<uint64_t>()] = {e["tid"].get<int>(), e["name"].get<std::string>(), e["ts"].get<double>(), 0};
    if (e["ph"] != "e") continue;
    auto it = open.find(e["id"].get<uint64_t>());
    BOOST_TEST_REQUIRE((it != open.end()), cat << " span ends unopened");
    std::get<3>(it->second) = e["ts"].get<double>();
    out.insert(it->second);
    open.erase(it);
  }
  BOOST_TEST(open.empty(), cat << " spans left open");
  return out;
}

std::multiset<Span> slices_of(const json& events, const std::string& cat) {
  std::multiset<Span> out;
  for (const auto& e : events)
    if (e["ph"] == "X" && e["cat"] == cat)
      out.insert({e["tid"].get<int>(), e["name"].get<std::string>(), e["ts"].get<double>(), e["dur"].get<double>()});
  return out;
}

// A series' samples as the trace must write them: its changes only.
std::vector<std::pair<double, double>> changes(const std::vector<std::pair<double, double>>& points) {
  std::vector<std::pair<double, double>> out;
  for (const auto& p : points)
    if (out.empty() || p.second != out.back().second) out.push_back({p.first / 1000.0, p.second});
  return out;
}

std::map<std::string, std::vector<std::pair<double, double>>> expected_counters(const scenarios::Scenario& scenario,
                                                                                const scenarios::RunResult& r) {
  std::map<std::string, std::vector<std::pair<double, double>>> out;
  for (const auto& u : analysis::bus_utilisation(r)) {
    std::vector<std::pair<double, double>> points;
    for (const auto& p : u.points) points.push_back({p.at_ns, p.percent});
    if (!points.empty()) out["bus utilisation " + u.initiator + " (%)"] = changes(points);
  }
  for (const auto& d : analysis::depth_series(scenario, r)) {
    std::vector<std::pair<double, double>> points;
    for (const auto& p : d.points) points.push_back({p.at_ns, double(p.value)});
    out[d.name] = changes(points);
  }
  return out;
}

// Runs `scenario` keeping every record while a LiveTrace hears it; checks the trace against the records.
void check_live_trace(const scenarios::Scenario& scenario) {
  std::string text;
  analysis::LiveTrace live(scenario, [&text](std::string_view piece) { text += piece; });
  scenarios::RunOptions options;
  options.observer = &live;
  const auto r = scenarios::run_scenario(scenario, scenarios::prepare_streams(scenario), options);
  live.finish(r);
  const json events = json::parse(text)["traceEvents"];
  BOOST_TEST_REQUIRE(r.commands.size() > 10u);
  std::multiset<Span> commands, submits, handlers, cores, frames, writes;
  std::map<uint64_t, uint64_t> handler_end;
  for (const auto& c : r.commands) {
    commands.insert({3, c.label, us(c.submitted_ps), us(c.answered_ps)});
    submits.insert({1, c.label, us(c.submitted_ps), 0.001});
    handler_end[c.interrupted_ps] = std::max(handler_end[c.interrupted_ps], c.answered_ps);
  }
  for (const auto& [at, end] : handler_end) handlers.insert({2, "interrupt handler", us(at), us(end - at)});
  for (const auto& j : r.core_slices)
    cores.insert({10 + int(j.core), j.owner + (j.cancelled ? " (cancelled)" : ""), us(j.start_ps), us(j.end_ps - j.start_ps)});
  for (const auto& f : analysis::frame_stages(scenario, r))
    frames.insert({100 + int(f.stream), "frame ts " + std::to_string(f.timestamp), f.queued_ns / 1000, f.taken_ns / 1000});
  std::map<std::pair<uint32_t, uint64_t>, uint64_t> started;
  for (const auto& m : r.stage_marks) {
    if (m.stage == models::DeviceStage::OutputWriteStarted) started[{m.stream_id, m.timestamp}] = m.at.value();
    auto it = started.find({m.stream_id, m.timestamp});
    if (m.stage != models::DeviceStage::OutputWriteFinished || it == started.end()) continue;
    writes.insert({4, "stream " + std::to_string(m.stream_id) + " frame ts " + std::to_string(m.timestamp),
                   us(it->second), us(m.at.value() - it->second)});
    started.erase(it);
  }
  BOOST_TEST_REQUIRE(!frames.empty());
  BOOST_TEST((spans_of(events, "command") == commands));
  BOOST_TEST((slices_of(events, "submit") == submits));
  BOOST_TEST((slices_of(events, "interrupt") == handlers));
  BOOST_TEST((slices_of(events, "codec") == cores));
  BOOST_TEST((spans_of(events, "frame") == frames));
  BOOST_TEST((slices_of(events, "dma") == writes));
  std::map<std::string, std::vector<std::pair<double, double>>> counters;
  size_t instants = 0, flows = 0, metadata = 0;
  for (const auto& e : events) {
    if (e["ph"] == "C") counters[e["name"].get<std::string>()].push_back({e["ts"].get<double>(), e["args"].begin()->get<double>()});
    instants += e["ph"] == "i";
    flows += e["ph"] == "s" || e["ph"] == "f";
    metadata += e["ph"] == "M";
  }
  BOOST_TEST((counters == expected_counters(scenario, r)));
  BOOST_TEST(instants == r.events_received.size());
  BOOST_TEST(flows == 2 * r.commands.size());
  BOOST_TEST(metadata == 6 + scenario.platform.engine.num_cores + scenario.streams.size());
  size_t counted = metadata + instants + flows;
  for (const auto& [name, points] : counters) counted += points.size();
  counted += 2 * (commands.size() + frames.size()) + submits.size() + handlers.size() + cores.size() + writes.size();
  BOOST_TEST(events.size() == counted);  // nothing else
}

scenarios::Scenario shipped(const std::string& name, const std::vector<std::string>& overrides = {}) {
  return scenarios::load_scenario(std::string(VVSIM_SOURCE_DIR) + "/scenarios/" + name + ".yaml", overrides);
}

}  // namespace

// Four streams on two cores, one with a resolution change, paced so that bus windows go idle.
BOOST_AUTO_TEST_CASE(four_streams_with_a_resolution_change) {
  const auto scenario = shipped("four_streams_two_cores", {"streams.0.feed_fps=200", "streams.3.feed_fps=100"});
  BOOST_TEST_REQUIRE(scenario.streams[3].generate->change_at == 15u);  // the DRC the trace must show
  check_live_trace(scenario);
}

BOOST_AUTO_TEST_CASE(virtio_media_streams) { check_live_trace(shipped("four_streams_two_cores", {"protocol=media"})); }

BOOST_AUTO_TEST_CASE(v6_async_device_reset) { check_live_trace(shipped("device_reset", {"protocol=v6-async"})); }

// An encoder stream's frames come from its units after the run.
BOOST_AUTO_TEST_CASE(encoder_stream) { check_live_trace(shipped("encode_bitrate_keyframe")); }
