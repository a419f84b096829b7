// A scenario's run as a protocol carries it: what the runner asks of the
// guest (RunPlan, one StreamPlan per stream, in protocol-neutral terms) and
// what the protocol reports back (RunRecords, StreamRecord). A protocol's
// binding builds a ProtocolRun on a platform it built; the protocol's
// applications turn each plan into its own commands, and its monitor judges
// them. The runner and analysis see only the types here.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "codec/bitstream_reader.h"
#include "models/conformance/conformance_frame.h"
#include "models/engine/stage_marks.h"
#include "models/guest/misbehaviour.h"
#include "models/guest/stream_report.h"
#include "tlm_virtio/ring_breach.h"

namespace vvsim::models {

// An encoder stream: generated frames in, bitstream units out.
struct EncodeSpec {
  uint32_t width = 176, height = 144;
  uint32_t frames = 30;
  uint32_t bitrate_kbps = 500;
  uint64_t seed = 0;  // 0: the scenario's seed plus the stream's index
  std::vector<std::pair<uint32_t, uint32_t>> bitrate_changes;  // frame index, kbps
  std::vector<uint32_t> force_key_frames;                       // frame indices
  // Frame indices the encoder Reset sequence (dev-encoder Reset: drain, STREAMOFF and STREAMON of
  // CAPTURE) comes before, so a new standalone stream starts there; a V4L2 sequence (protocol: media).
  std::vector<uint32_t> restart_capture_at;
};

// How a stream's application behaves: its buffers, pacing, actions and the
// misbehaviours it commits on purpose. Actions count units queued so far.
struct StreamApplication {
  uint32_t input_resources = 4;
  uint32_t output_resources = 8;
  uint32_t input_buffer_kib = 0;  // 0: sized from the stream's coded size (codec::bitstream_buffer_bytes)
  double feed_fps = 0;           // queue units in real time at this rate (0: as fast as queues allow)
  uint64_t output_hold_us = 0;   // the application holds each frame this long before re-queueing its buffer
  std::optional<uint32_t> stop_after_units;  // stop once this many units are queued ...
  uint32_t seek_to_unit = 0;                 // ... then resume feeding from this unit (a seek)
  std::optional<uint32_t> destroy_after_units;  // destroy the stream mid-stream once this many are queued
  std::optional<uint32_t> reset_after_units;    // device reset (Status = 0) once this many are queued
  bool drain_each_frame = false;                // low-latency policy: drain after every frame
  bool scatter_buffers = false;                 // buffers as scattered pages
  guest::Misbehaviour misbehaviour;  // departures from the driver rules, on purpose
};

struct StreamPlan {
  std::string name;
  codec::CodecId codec = codec::CodecId::VP8;
  StreamApplication application;
  std::shared_ptr<codec::UnitSource> units;  // a decoder stream's input (null for an encoder stream)
  std::optional<EncodeSpec> encode;          // an encoder stream
  uint64_t seed = 1;                         // of an encoder's generated frames, when its spec has none
  // The size set on the output before streaming (the driver policy
  // initial_format: from_stream); none: the device's default until the first DRC.
  std::optional<std::pair<uint32_t, uint32_t>> initial_size;
  guest::FrameSink frame_sink;  // each decoded frame as the application takes it
  // Keep each taken frame's record (DecodeReport::frames and its queueing
  // time); false when the frame sink folds them as they come (they grow with the run).
  bool keep_frame_records = true;
  // Hears each sample of the resources the device holds (DecodeReport::queue_depth's),
  // whether or not RunPlan::depth_samples keeps them; a decoder stream's only.
  std::function<void(const guest::QueueDepthSample&)> on_queue_depth;
};

// A command the driver sent, with its answer, in the protocol's own words.
struct CommandRecord {
  uint64_t ticket = 0;
  uint64_t submitted_ps = 0, answered_ps = 0;
  uint64_t interrupted_ps = 0;  // the interrupt whose handler reaped the answer
  std::string label;            // e.g. "RESOURCE_QUEUE OUTPUT #3"
  std::string result;           // e.g. "OK", "ERR_CANCELED", "no response"
  std::optional<uint32_t> stream_id;
};

struct DepthSample {
  uint64_t at_ps = 0;
  uint32_t depth = 0;
};
enum class RingQueue { Commandq, Eventq };

struct RunPlan {
  std::vector<StreamPlan> streams;
  bool timing_only = false;          // the device scans headers only: no pixels
  uint64_t driver_features = 0;      // the protocol's feature bits the driver asks for
  uint64_t withhold_eventq_us = 0;   // driver policy: post eventq buffers this late (0: at once)
  std::optional<tlm_virtio::RingBreach> ring_breach;  // the first command goes out on a chain breaking this rule
  // Hears each conformance violation as the monitor finds it (e.g. to stop a strict run).
  std::function<void(const conformance::Violation&)> on_violation;
  // Hears each answered command as the driver reaps it, in reaping order. The
  // protocol keeps none itself: RunRecords::commands holds what the listener kept.
  std::function<void(CommandRecord&&)> on_command;
  // Record the depth series (RunRecords::commandq_depth, eventq_depth and each
  // stream's DecodeReport::queue_depth). They grow with every queue change and
  // only waveforms and plots read them.
  bool depth_samples = true;
  // Hears each change of the commandq's descriptors in use and of the eventq
  // buffers the device holds, whether or not depth_samples keeps them.
  std::function<void(RingQueue, const DepthSample&)> on_ring_depth;
  // Hears each device stage mark as the device makes it; when set, the
  // protocol keeps none (RunRecords::stage_marks stays empty).
  std::function<void(const DeviceStageMark&)> on_stage_mark;
};

// A stream as its application left it.
struct StreamRecord {
  size_t units_fed = 0;
  size_t commands_pending = 0;  // queue commands without an answer at the end
  // An unfinished stream: what its application waits for, in the protocol's words
  // (e.g. "waits for the LAST buffer of its drain ..."); empty: its queue commands say it.
  std::string waiting_for;
  guest::DecodeReport report;
  std::optional<guest::EncodeReport> encode;  // encoder streams
  bool finished = false;
};

enum class EventKind { Error, ResolutionChange };
struct EventRecord {
  uint64_t received_ps = 0;  // when the driver's handler had it
  EventKind kind = EventKind::Error;
  uint32_t stream_id = 0;
  uint32_t detail = 0;  // an error's code; a resolution change's queue
};

// A record's nanoseconds from a SystemC time (1 ps resolution): one correctly rounded
// division, so JSON shows at most three decimals, never float noise.
inline double ns_of(const sc_core::sc_time& t) { return double(t.value()) / 1000.0; }

// What the protocol's device, driver and monitor saw over the run.
struct RunRecords {
  bool initialised = false;     // the driver finished initialising the device
  std::string init_error;       // why initialisation failed; empty when it did not
  std::vector<std::string> unanswered_commands;  // during initialisation, when it never ended
  uint64_t events = 0;          // events the driver received
  double guest_cpu_ns = 0;      // guest CPU time the driver and applications booked (threads and handlers)
  uint32_t eventq_peak_filled = 0;  // the most filled eventq buffers waiting for the driver at one reap
  uint64_t device_commands = 0, device_canceled = 0, device_errors = 0, events_held = 0;
  uint64_t output_stalls = 0;
  double output_stall_ns = 0;
  double event_wait_max_ns = 0, event_wait_total_ns = 0;
  uint64_t input_waits = 0;
  double input_wait_ns = 0;
  std::map<std::string, uint64_t> commands_by_type;
  std::vector<std::string> device_diagnostics;
  std::vector<CommandRecord> commands;       // answered commands in reaping order (RunPlan::on_command)
  std::vector<EventRecord> events_received;  // every event, in order
  std::vector<DeviceStageMark> stage_marks;  // in time order
  std::vector<DepthSample> commandq_depth;   // descriptors in use after each change
  std::vector<DepthSample> eventq_depth;     // event buffers the device has, after each change
  uint32_t commandq_size = 0, commandq_free_at_end = 0, eventq_size = 0;
  bool driver_waiting_for_descriptors = false;
  std::vector<conformance::Violation> violations;  // in time order
  size_t rules_checked = 0;                         // the rules the monitor knows
};

class ProtocolRun {
 public:
  virtual ~ProtocolRun() = default;
  // Before the simulation starts: the observers, the applications and the
  // guest's program (initialise the device, then run every stream).
  virtual void start() = 0;
  // After it stopped: what was seen, and each stream as its application left it.
  virtual void finish(RunRecords& records, std::vector<StreamRecord*> streams) = 0;
};

}  // namespace vvsim::models
