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
#include "models/protocols/v6/decode_session.h"
#include "models/protocols/v6/conformance_monitor.h"
#include "models/protocols/v6/encode_session.h"
#include "models/protocols/v6/video_device.h"
#include "scenarios/scenario.h"

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

struct StreamResult {
  std::string name;
  codec::CodecId codec = codec::CodecId::VP8;
  size_t units_in = 0;
  size_t units_fed = 0;
  size_t commands_pending = 0;  // queue commands without an answer at the end
  virtio_video::DecodeReport report;
  std::optional<virtio_video::EncodeReport> encode;  // encoder streams
  // XXH3-64 of the frames in output order (xxhsum -H3 of a dump); for an
  // encoder stream, of the bitstream units in output order. Empty in a
  // timing-only run (no pixels).
  std::string frames_checksum;
  bool finished = false;
};

// What happened when, for traces (observed, never fed back into the run).
struct CoreSlice {
  uint32_t core = 0;
  std::string owner;  // the stream's module name
  uint64_t start_ps = 0, end_ps = 0;
  bool cancelled = false;
};
struct CommandSlice {
  uint64_t ticket = 0;
  uint64_t submitted_ps = 0, answered_ps = 0;
  uint64_t interrupted_ps = 0;  // the interrupt whose handler reaped the answer
  virtio_video::CommandDigest digest;
};
struct EventRecord {
  uint64_t received_ps = 0;  // when the driver's handler had it
  virtio_video::Event event;
};

struct CoreUsage {
  double busy_ns = 0, utilisation = 0;
};

struct RunResult {
  RunOutcome outcome = RunOutcome::Completed;
  bool timing_only = false;
  std::string reason;  // one line: why a run did not complete
  // The reason in full when `reason` names only the first few streams (many
  // unfinished streams); empty otherwise.
  std::string reason_detail;
  uint64_t simulated_ps = 0;
  std::vector<StreamResult> streams;
  // Platform counters.
  uint64_t interrupts = 0, kicks = 0, events = 0;
  uint64_t bus_bytes_cpu = 0, bus_bytes_device = 0;
  double bus_busy_cpu_ns = 0, bus_busy_device_ns = 0;  // time the bus carried each initiator's transfers
  double bus_contention_ns = 0;
  uint64_t device_commands = 0, device_canceled = 0, device_errors = 0, events_held = 0;
  uint64_t output_stalls = 0;
  double output_stall_ns = 0;
  double event_wait_max_ns = 0;
  std::vector<CoreUsage> cores;
  uint32_t commandq_size = 0, commandq_free_at_end = 0, eventq_size = 0;
  bool driver_waiting_for_descriptors = false;
  std::vector<std::string> diagnostics;  // transport and device diagnostics, in order
  std::vector<CoreSlice> core_slices;     // codec core occupancy, in completion order
  std::vector<CommandSlice> commands;     // every answered command, by ticket
  std::vector<EventRecord> events_received;  // every eventq event, in order
  // For stage breakdowns and occupancy plots (observed, never fed back).
  std::vector<virtio_video::DeviceStageMark> stage_marks;  // in time order
  struct DepthSample {
    uint64_t at_ps = 0;
    uint32_t depth = 0;
  };
  std::vector<DepthSample> commandq_depth;  // descriptors in use after each change
  std::vector<DepthSample> eventq_depth;    // event buffers the device has, after each change
  // Bus time carried for each initiator (0: guest CPU, 1: device DMA) in
  // consecutive windows of kBusWindowPs from time 0, for utilisation over time.
  static constexpr uint64_t kBusWindowPs = 100'000'000;  // 100 us
  std::array<std::vector<uint64_t>, 2> bus_busy_ps;
  std::map<std::string, uint64_t> commands_by_type;
  // Breaches of the v6 rules seen by the conformance monitor, in time order,
  // and whether the scenario declared each one's rule as expected.
  std::vector<virtio_video::Violation> violations;
  std::vector<bool> violation_expected;
  uint64_t input_waits = 0;
  double input_wait_ns = 0, core_wait_ns = 0, event_wait_total_ns = 0;
};

struct RunOptions {
  std::string dump_frames;  // file for the first stream's frames as raw I420; empty: none
  bool progress = false;    // draw a progress line on stderr (for terminals)
  // The device decodes with codec::make_scan_decoder: headers only, no pixels
  // decoded or moved; timing identical to a full run (see docs/performance.md).
  bool timing_only = false;
  // Stop the run at the first conformance violation the scenario does not expect.
  bool strict = false;
};

// Throws models::ProfileError when a timing-only run cannot reproduce the
// full run's timing for these streams (encoder streams, damaged units,
// H.264 with B slices), naming the stream and the reason.
void check_timing_only(const std::vector<PreparedStream>& streams);

// Throws std::runtime_error when the dump file cannot be written.
RunResult run_scenario(const Scenario& scenario, const std::vector<PreparedStream>& streams,
                       const RunOptions& options = {});

}  // namespace vvsim::scenarios
