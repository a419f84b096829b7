// Where each decoded frame's latency went: the run's observation points
// (driver queueing, device stage marks, interrupt, reaping) turned into
// consecutive stages that add up to the frame's latency exactly. Also the
// depth series behind occupancy plots and waveforms. Observes a finished
// run; changes nothing.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "scenarios/runner.h"

namespace vvsim::analysis {

// In order; each runs from the end of the previous one.
//   submit      driver queues the input .. the device has taken the command in (commandq, firmware)
//   wait_core   .. the core job that produced the picture starts (earlier units, busy cores, reordering)
//   decode      .. that job ends
//   wait_output .. an output buffer is free and the pixels start over the bus
//   write       .. the pixels are in guest memory
//   complete    .. the output's answer is in the used ring
//   interrupt   .. the interrupt reaches the guest (0 when an earlier one's handler picks it up)
//   isr         .. the driver's handler has reaped the answer
//   wake        .. the application has the frame
inline constexpr std::array<const char*, 9> kStageNames = {"submit", "wait_core",  "decode", "wait_output", "write",
                                                           "complete", "interrupt", "isr",   "wake"};
constexpr size_t kStageCount = kStageNames.size();

struct FrameStages {
  size_t stream = 0;  // index into RunResult::streams
  uint64_t timestamp = 0;
  uint32_t width = 0, height = 0;
  bool error_flag = false;
  double queued_ns = 0, taken_ns = 0;  // latency = taken - queued
  double consumed_ns = 0;              // the application is done with it (taken + its output hold)
  // Every observation point was seen (false e.g. for a picture flagged before
  // it was written); only then are the stages meaningful.
  bool complete = false;
  std::array<double, kStageCount> stage_ns{};
  double latency_ns() const { return taken_ns - queued_ns; }
  uint64_t latency_ps = 0;  // a decoded frame's latency to the picosecond (its summary percentiles read it)
};

// The device's marks for one (stream ID, timestamp), per stage, in time order.
struct MarkTimes {
  std::array<std::vector<double>, 6> by_stage;  // ns, indexed by models::DeviceStage
  const std::vector<double>& of(models::DeviceStage s) const { return by_stage[size_t(s)]; }
};
using MarkIndex = std::map<std::pair<uint32_t, uint64_t>, MarkTimes>;  // by (stream ID, timestamp)
void add_mark(MarkIndex& index, const models::DeviceStageMark& mark);
// How long stream `stream`'s application holds each frame (scenario key output_hold_us), in ns.
double output_hold_ns(const scenarios::Scenario& scenario, size_t stream);
// A decoded frame of stream `stream` taken as `record` says, its timestamp
// queued at `queued`, with its stages when the device's marks for it are given.
FrameStages decoded_frame(size_t stream, const guest::FrameRecord& record, const sc_core::sc_time& queued,
                          double hold_ns, const MarkTimes* marks);

// Every decoded frame of every decoder stream, in output order per stream, and
// every encoded frame of every encoder stream (one per timestamp, in output order).
std::vector<FrameStages> frame_stages(const scenarios::Scenario& scenario, const scenarios::RunResult& result);
// The latency of each of stream `stream`'s frames among `frames`, in output order.
std::vector<double> stream_latencies_ns(const std::vector<FrameStages>& frames, size_t stream);
// An encoder stream's key frames: each key-flagged timestamp once (an H.264
// key frame's SPS, PPS and slice units all carry the flag), in output order.
std::vector<uint64_t> key_frame_timestamps(const guest::EncodeReport& report);

// A step series: `value` holds from `at_ns` until the next sample.
struct DepthPoint {
  double at_ns = 0;
  uint32_t value = 0;
};
struct DepthSeries {
  std::string name;   // e.g. "main INPUT held by device", "commandq descriptors in use"
  uint32_t limit = 0;  // the most the series may reach (queue or resource count)
  std::vector<DepthPoint> points;
};
// The commandq's descriptors in use, the eventq buffers the device holds,
// then per decoder stream the INPUT and OUTPUT resources the device holds.
std::vector<DepthSeries> depth_series(const scenarios::Scenario& scenario, const scenarios::RunResult& result);
// The series' names and points, for outputs that draw them as they come.
inline constexpr const char* kCommandqSeries = "commandq descriptors in use";
inline constexpr const char* kEventqSeries = "eventq buffers held by device";
std::string held_series_name(const std::string& stream, guest::BufferQueue queue);
DepthPoint depth_point(const models::DepthSample& sample);
DepthPoint depth_point(const guest::QueueDepthSample& sample);

// The share of each bus window (RunResult::kBusWindowPs) an initiator's
// transfers took, in percent, at each window's start.
struct UtilisationPoint {
  double at_ns = 0;
  double percent = 0;
};
inline constexpr const char* kBusInitiators[] = {"CPU", "DMA"};  // RunResult::bus_busy_ps's order (the bus's bindings)
struct BusUtilisation {
  std::string initiator;  // "CPU" (the guest), "DMA" (the device)
  std::vector<UtilisationPoint> points;
};
std::vector<BusUtilisation> bus_utilisation(const scenarios::RunResult& result);
// Window `window`'s point, when `busy_ps` of an initiator's transfers fell in it.
UtilisationPoint utilisation_point(size_t window, uint64_t busy_ps);

}  // namespace vvsim::analysis
