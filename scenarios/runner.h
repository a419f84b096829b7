// Runs a scenario: prepares each stream's units (file or generated), builds
// the platform, lets the guest decode every stream concurrently, and reports
// what happened. A run that cannot progress while work remains is stopped and
// reported as a deadlock, never left hanging. SystemC elaborates once per
// process: call run_scenario once per process.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "codec/bitstream_reader.h"
#include "models/platform/protocol_run.h"
#include "scenarios/scenario.h"
#include "tlm_virtio/queue_traffic.h"

namespace vvsim::scenarios {

struct PreparedStream {
  StreamSpec spec;
  codec::CodecId codec = codec::CodecId::VP8;
  std::shared_ptr<codec::UnitSource> units;  // handed to the session (null for encoder streams)
};

// Reads or generates every stream's units; throws models::ProfileError naming
// the stream on unreadable files or a codec that disagrees with the file.
// Generated input comes from the cache in `cache_dir` (empty: the default of
// generated_input_cache_dir), encoded there first if it is not yet.
std::vector<PreparedStream> prepare_streams(const Scenario& scenario, const std::string& input_override = "",
                                            const std::string& cache_dir = "");

// StreamProblems: the run ended, but a stream met a refusal or failure it did
// not expect (listed in its problems).
// ConformanceViolation: a --strict run stopped at the first unexpected violation.
enum class RunOutcome { Completed, Deadlock, TimeLimit, DeviceFailure, StreamProblems, ConformanceViolation };
const char* outcome_name(RunOutcome outcome);

// A stream as its application left it (models::StreamRecord), with what the runner knows of it.
struct StreamResult : models::StreamRecord {
  std::string name;
  codec::CodecId codec = codec::CodecId::VP8;
  size_t units_in = 0;
  // XXH3-64 of the frames in output order (xxhsum -H3 of a dump); for an
  // encoder stream, of the bitstream units in output order. Empty in a
  // timing-only run (no pixels).
  std::string frames_checksum;
};

// What happened when, for traces (observed, never fed back into the run).
struct CoreSlice {
  uint32_t core = 0;
  std::string owner;  // the stream's module name
  uint64_t start_ps = 0, end_ps = 0;
  bool cancelled = false;
};

struct CoreUsage {
  double busy_ns = 0, utilisation = 0;
};

// A run: what the protocol's device, driver and monitor saw (models::RunRecords),
// the platform's counters and the outcome.
struct RunResult : models::RunRecords {
  RunOutcome outcome = RunOutcome::Completed;
  bool timing_only = false;
  std::string reason;  // one line: why a run did not complete
  // The reason in full when `reason` names only the first few streams (many
  // unfinished streams); empty otherwise.
  std::string reason_detail;
  uint64_t simulated_ps = 0;
  std::vector<StreamResult> streams;
  // Platform counters.
  uint64_t interrupts = 0, kicks = 0;
  std::vector<tlm_virtio::QueueTraffic> queues;  // each virtqueue's traffic, by index (the transport's count)
  uint64_t bus_bytes_cpu = 0, bus_bytes_device = 0;
  double bus_busy_cpu_ns = 0, bus_busy_device_ns = 0;  // time the bus carried each initiator's transfers
  double bus_contention_ns = 0;
  std::vector<CoreUsage> cores;
  std::vector<std::string> diagnostics;  // transport and device diagnostics, in order
  std::vector<CoreSlice> core_slices;     // codec core occupancy, in completion order
  // Bus time carried for each initiator (0: guest CPU, 1: device DMA) in
  // consecutive windows of kBusWindowPs from time 0, for utilisation over time.
  static constexpr uint64_t kBusWindowPs = 100'000'000;  // 100 us
  std::array<std::vector<uint64_t>, 2> bus_busy_ps;
  // Whether the scenario declared each violation's rule as expected.
  std::vector<bool> violation_expected;
  double core_wait_ns = 0;
};

// Hears a run's records as the run makes them, for outputs that fold or
// stream them instead of keeping them to the end (they grow with the run's
// length). Observes only; each hook is called on the simulation thread, in
// simulated-time order of the records it hears.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void stage_mark(const models::DeviceStageMark&) {}
  // Decoder stream `stream`'s application took a frame whose timestamp's first unit it queued at `queued` (none: never).
  virtual void frame_taken(size_t /*stream*/, const guest::FrameRecord&, const std::optional<sc_core::sc_time>& /*queued*/) {}
  virtual void command_answered(const models::CommandRecord&) {}
  virtual void core_job(const CoreSlice&) {}
  // A bus transfer of `initiator` (0: guest CPU, 1: device DMA), booked at `now_ps`
  // to occupy the data path from `start_ps` (never before `now_ps`) for `length_ps`.
  virtual void bus_transfer(int /*initiator*/, uint64_t /*start_ps*/, uint64_t /*length_ps*/, uint64_t /*now_ps*/) {}
  virtual void ring_depth(models::RingQueue, const models::DepthSample&) {}
  // The resources decoder stream `stream`'s device holds changed.
  virtual void queue_depth(size_t /*stream*/, const guest::QueueDepthSample&) {}
};

struct RunOptions {
  std::string dump_frames;  // file for the first stream's frames as raw I420; empty: none
  bool progress = false;    // draw a progress line on stderr (for terminals)
  // The device decodes with codec::make_scan_decoder: headers only, no pixels
  // decoded or moved; timing identical to a full run (see docs/performance.md).
  bool timing_only = false;
  // Stop the run at the first conformance violation the scenario does not expect.
  bool strict = false;
  // Host threads the device decodes on (models::DeviceParts); outputs are the same for every count.
  unsigned host_threads = 1;
  // Where a timing-only run's scan verdicts are kept (empty: generated_input_cache_dir's default).
  std::string cache_dir;
  // Records that grow with the run and that only some outputs read. Without
  // all commands RunResult::commands holds those answered up to the first
  // frame (what the summary's first-frame figures read; every command of a run
  // with an encoder stream); the trace and the VCD need them all. The depth
  // series feed the VCD and the HTML report's plots.
  bool keep_all_commands = true;
  bool keep_depth_samples = true;
  // The codec core occupancy (RunResult::core_slices, one per job) the trace and the VCD draw.
  bool keep_core_slices = true;
  // The bus time per window (RunResult::bus_busy_ps) the trace and the report draw; grows with simulated time.
  bool keep_bus_windows = true;
  // When set, hears the run's records as they come (RunObserver).
  RunObserver* observer = nullptr;
  // False: the result keeps no stage mark, frame record or queueing time of a
  // taken frame (the frame counts stay); an observer folds them instead.
  // Decoder streams only: run_scenario refuses it for a scenario with an encoder stream.
  bool keep_frame_records = true;
};

// Throws models::ProfileError when a timing-only run cannot reproduce the
// full run's timing for these streams (encoder streams, units the application
// damages, streams the scan does not model, files the real decoder reads
// differently from the scan: see scan_verdict_cache.h), naming the stream and
// the reason. Verdicts are cached in `cache_dir` (as prepare_streams's).
void check_timing_only(const Scenario& scenario, const std::vector<PreparedStream>& streams,
                       const std::string& cache_dir = "");

// Throws std::runtime_error when the dump file cannot be written.
RunResult run_scenario(const Scenario& scenario, const std::vector<PreparedStream>& streams,
                       const RunOptions& options = {});

}  // namespace vvsim::scenarios
