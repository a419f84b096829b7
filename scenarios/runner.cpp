#include "scenarios/runner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <stdexcept>
#include <cstdio>
#include <optional>
#include <set>
#include <fstream>

#include "codec/bitstream_reader.h"
#include "codec/checksum.h"
#include "models/platform/video_platform.h"

namespace vvsim::scenarios {

using models::ProfileError;

const char* outcome_name(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::Completed: return "completed";
    case RunOutcome::Deadlock: return "deadlock";
    case RunOutcome::TimeLimit: return "time_limit";
    case RunOutcome::DeviceFailure: return "device_failure";
    case RunOutcome::StreamProblems: return "stream_problems";
    case RunOutcome::ConformanceViolation: return "conformance_violation";
  }
  return "?";
}

namespace {

using models::ns_of;

// The platform's own counters: bus, interrupt line, virtio-mmio, codec engine.
void collect_platform_counters(models::VideoPlatform& p, RunResult& r) {
  const auto& bus = p.system.bus.stats();
  if (bus.size() > 0) r.bus_bytes_cpu = bus[0].bytes, r.bus_busy_cpu_ns = ns_of(bus[0].busy);
  if (bus.size() > 1) r.bus_bytes_device = bus[1].bytes, r.bus_busy_device_ns = ns_of(bus[1].busy);
  sc_core::sc_time contention = sc_core::SC_ZERO_TIME;
  for (const auto& s : bus) contention += s.contention_wait;
  r.bus_contention_ns = ns_of(contention);
  r.interrupts = p.system.irq.interrupts_delivered();
  r.kicks = p.system.mmio.kicks();
  r.queues = p.system.mmio.queue_traffic();
  sc_core::sc_time core_wait = sc_core::SC_ZERO_TIME;
  for (const auto& [owner, s] : p.engine.owner_stats()) core_wait += s.queue_wait_total;
  r.core_wait_ns = ns_of(core_wait);
  for (uint32_t c = 0; c < p.profile().engine.num_cores; ++c)
    r.cores.push_back({ns_of(p.engine.busy_time(c)), p.engine.utilisation(c)});
  for (const auto& diag : p.system.mmio.diagnostics().records()) r.diagnostics.push_back(diag.message);
  r.diagnostics.insert(r.diagnostics.end(), r.device_diagnostics.begin(), r.device_diagnostics.end());
}

// Adds a bus transfer to the utilisation windows it spans.
void add_bus_time(RunResult& r, int initiator, uint64_t start_ps, uint64_t length_ps) {
  if (initiator < 0 || size_t(initiator) >= r.bus_busy_ps.size()) return;
  auto& windows = r.bus_busy_ps[size_t(initiator)];
  while (length_ps > 0) {
    const uint64_t window = start_ps / RunResult::kBusWindowPs;
    const uint64_t part = std::min(length_ps, (window + 1) * RunResult::kBusWindowPs - start_ps);
    if (windows.size() <= window) windows.resize(window + 1, 0);
    windows[window] += part;
    start_ps += part, length_ps -= part;
  }
}

// The platform's analysis records: bus time and codec core occupancy (observed, never fed back).
void record_platform_observations(models::VideoPlatform& p, RunResult& r, const RunOptions& options) {
  RunObserver* observer = options.observer;
  const bool keep_windows = options.keep_bus_windows, keep_slices = options.keep_core_slices;
  if (keep_windows || observer)
    p.system.bus.observe_transfers([&r, observer, keep_windows](int initiator, const sc_core::sc_time& start,
                                                                const sc_core::sc_time& occupancy) {
      if (keep_windows) add_bus_time(r, initiator, start.value(), occupancy.value());
      if (observer) observer->bus_transfer(initiator, start.value(), occupancy.value(), sc_core::sc_time_stamp().value());
    });
  if (!keep_slices && !observer) return;
  p.engine.add_listener([&r, observer, keep_slices](models::CodecEngine::JobEventKind kind,
                                                    const models::CodecEngine::JobRecord& job) {
    if (kind == models::CodecEngine::JobEventKind::Started || job.core == models::CodecEngine::kNoCore) return;
    const CoreSlice slice{job.core, job.owner, job.started.value(), job.finished.value(),
                          kind == models::CodecEngine::JobEventKind::Cancelled};
    if (observer) observer->core_job(slice);
    if (keep_slices) r.core_slices.push_back(slice);
  });
}

// A one-line reason names at most this many streams and counts the rest
// (each stream's state is in summary.json, the full line in reason_detail).
constexpr size_t kStreamsNamedInReason = 8;

// `items`, one per unfinished stream, joined; beyond kStreamsNamedInReason the
// first few and a count. Sets `detail` to the full join when it shortened.
std::string stream_list(const std::vector<std::string>& items, const std::string& separator, std::string& detail) {
  const std::string full = fmt::format("{}", fmt::join(items, separator));
  if (items.size() <= kStreamsNamedInReason) return full;
  detail = full;
  const std::vector<std::string> first(items.begin(), items.begin() + kStreamsNamedInReason);
  return fmt::format("{}{}and {} more", fmt::join(first, separator), separator, items.size() - first.size());
}

std::string deadlock_reason(const RunResult& r, std::string& detail) {
  const std::string head = fmt::format("no activity can make progress at {} ns: commandq {}/{} descriptors in use",
                                       r.simulated_ps / 1000, r.commandq_size - r.commandq_free_at_end, r.commandq_size);
  std::vector<std::string> holders;
  size_t held = 0;
  for (const auto& s : r.streams)
    if (!s.finished) {
      holders.push_back(s.waiting_for.empty()
                            ? fmt::format("stream '{}' holds {} queue commands", s.name, s.commands_pending)
                            : fmt::format("stream '{}' {}", s.name, s.waiting_for));
      held += s.commands_pending;
    }
  std::vector<std::string> parts = {head};
  if (holders.size() > kStreamsNamedInReason)
    parts.push_back(fmt::format("{} streams hold {} queue commands", holders.size(), held));
  if (!holders.empty()) parts.push_back(stream_list(holders, "; ", detail));
  const std::string tail = r.driver_waiting_for_descriptors ? "the driver is waiting for a free commandq descriptor" : "";
  if (!tail.empty()) parts.push_back(tail);
  if (!detail.empty()) detail = fmt::format("{}; {}{}", head, detail, tail.empty() ? "" : "; " + tail);
  return fmt::format("{}", fmt::join(parts, "; "));
}

// The limit ends a run either at the limit itself or, when the next activity
// lies beyond it, at the last activity before it: say which time was reached.
std::string time_limit_reached(const RunResult& r, uint64_t limit_ms) {
  const uint64_t limit_ps = limit_ms * 1'000'000'000ull;
  return r.simulated_ps >= limit_ps
             ? fmt::format("simulated time limit of {} ms reached", limit_ms)
             : fmt::format("stopped at {:.3f} ms: the next activity lies beyond the simulated time limit of {} ms",
                           double(r.simulated_ps) / 1e9, limit_ms);
}

std::string time_limit_reason(const RunResult& r, uint64_t limit_ms, std::string& detail) {
  std::vector<std::string> unfinished;
  for (const auto& s : r.streams)
    if (!s.finished) unfinished.push_back(fmt::format("'{}' ({} of {} units fed)", s.name, s.units_fed, s.units_in));
  const std::string when = time_limit_reached(r, limit_ms);
  const std::string reason = fmt::format("{}; unfinished: {}", when, stream_list(unfinished, ", ", detail));
  if (!detail.empty()) detail = fmt::format("{}; unfinished: {}", when, detail);
  return reason;
}

// The run stopped before the driver had initialised the device: what it was still waiting for.
std::string initialisation_pending(const std::vector<std::string>& unanswered) {
  if (unanswered.empty()) return "the driver was still in the virtio-mmio handshake";
  return fmt::format("the driver was waiting for the answer to {}", fmt::join(unanswered, ", "));
}

}  // namespace

namespace {

// The progress line on stderr, counted from frames leaving the guest's sinks:
// no extra simulation events.
class ProgressLine {
 public:
  ProgressLine(bool enabled, const std::vector<PreparedStream>& streams) : enabled_(enabled) {
    for (const auto& st : streams) total_units_ += st.units ? st.units->size() : 0;
  }
  void frame_out() {
    if (!enabled_ || total_units_ == 0) return;
    const int percent = int(std::min<size_t>(100, 100 * ++frames_seen_ / total_units_));
    if (percent == shown_percent_) return;
    shown_percent_ = percent;
    const int bar = percent / 5;
    std::fprintf(stderr, "\rvvsim [%.*s%*s] %3d%%  %.3f ms simulated", bar, "####################", 20 - bar, "",
                 percent, sc_core::sc_time_stamp().to_seconds() * 1e3);
  }
  void finish() const {
    if (shown_percent_ >= 0) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  size_t total_units_ = 0, frames_seen_ = 0;
  int shown_percent_ = -1;
};

// A bitstream buffer for the stream's coded size (an encoder's picture size, a
// decoder's from its first headers), as a driver computes sizeimage.
uint32_t bitstream_buffer_kib(const PreparedStream& st) {
  const auto size = st.spec.encode ? std::optional(std::pair{st.spec.encode->width, st.spec.encode->height})
                                   : codec::declared_picture_size(st.codec, *st.units);
  const uint32_t bytes = size ? codec::bitstream_buffer_bytes(size->first, size->second) : codec::kMinBitstreamBufferBytes;
  return (bytes + 1023) / 1024;
}

// The protocol's plan of a stream: its application, its units, its initial size.
models::StreamPlan stream_plan(const Scenario& scenario, const PreparedStream& st, size_t index) {
  models::StreamPlan plan;
  plan.name = st.spec.name;
  plan.codec = st.codec;
  plan.application = st.spec;
  plan.units = st.units;
  // The driver's input_unit: the device then closes an access unit at each resource's end.
  const bool nal_codec = st.codec == codec::CodecId::H264 || st.codec == codec::CodecId::HEVC;
  if (st.units && nal_codec && scenario.platform.driver.input_unit == codec::InputUnit::AccessUnit)
    plan.units = std::make_shared<codec::AccessUnitSource>(st.codec, st.units);
  plan.encode = st.spec.encode;
  plan.seed = scenario.seed + index;
  if (!st.spec.encode && scenario.initial_format == InitialFormat::FromStream)
    plan.initial_size = codec::declared_picture_size(st.codec, *st.units);
  if (plan.application.input_buffer_kib == 0) plan.application.input_buffer_kib = bitstream_buffer_kib(st);
  return plan;
}

// One run: the platform, the protocol's applications and monitor, and what they report.
class Run {
 public:
  Run(const Scenario& scenario, const std::vector<PreparedStream>& streams, const RunOptions& options,
      const models::ProtocolBinding& protocol);
  RunResult execute();

 private:
  void open_dump();
  models::RunPlan run_plan();
  void on_violation(const conformance::Violation& v);
  void on_command(models::CommandRecord&& c);
  void collect_streams();
  void decide_outcome();

  const Scenario& scenario_;
  const std::vector<PreparedStream>& streams_;
  const RunOptions& options_;
  models::VideoPlatform platform_;
  RunResult result_;
  std::set<std::string> expected_violations_;
  ProgressLine progress_;
  std::ofstream dump_;
  std::vector<std::unique_ptr<codec::FrameChecksum>> checksums_;
  std::vector<models::DeviceStageMark> stage_marks_;  // kept here while an observer hears them
  std::optional<uint64_t> first_frame_ps_;  // when a decoder stream's application took the run's first frame
  models::RunPlan plan_;
  std::unique_ptr<models::ProtocolRun> protocol_run_;
};

Run::Run(const Scenario& scenario, const std::vector<PreparedStream>& streams, const RunOptions& options,
         const models::ProtocolBinding& protocol)
    : scenario_(scenario),
      streams_(streams),
      options_(options),
      platform_("platform", scenario.platform, protocol, options.timing_only, scenario.ring, options.host_threads),
      expected_violations_(scenario.expect_violations.begin(), scenario.expect_violations.end()),
      progress_(options.progress, streams) {
  result_.timing_only = options.timing_only;
  result_.streams.resize(streams.size());
  open_dump();
  plan_ = run_plan();
  protocol_run_ = protocol.make_run(platform_, plan_);
  if (!protocol_run_)  // a protocol without applications (adding-a-protocol.md)
    throw ProfileError(fmt::format("{}: protocol '{}' has no scenario applications yet", scenario.source,
                                   scenario.protocol));
}

void Run::open_dump() {
  if (options_.dump_frames.empty()) return;
  dump_.open(options_.dump_frames, std::ios::binary | std::ios::trunc);
  if (!dump_) throw std::runtime_error(fmt::format("cannot write {}", options_.dump_frames));
}

// A strict run stops at the first violation the scenario does not expect.
void Run::on_violation(const conformance::Violation& v) {
  if (expected_violations_.count(v.rule) || result_.outcome != RunOutcome::Completed) return;
  result_.outcome = RunOutcome::ConformanceViolation;
  result_.reason = fmt::format("{} side broke '{}' ({}) at {} ns: {}", tlm_virtio::side_name(v.side), v.rule,
                               v.section, v.at_ps / 1000, v.detail);
  sc_core::sc_stop();
}

void Run::on_command(models::CommandRecord&& c) {
  if (options_.observer) options_.observer->command_answered(c);
  const bool any_encoder = std::any_of(streams_.begin(), streams_.end(), [](const auto& s) { return s.spec.encode; });
  if (options_.keep_all_commands || any_encoder || !first_frame_ps_ || c.answered_ps <= *first_frame_ps_)
    result_.commands.push_back(std::move(c));
}

// The guest's plan, stream by stream; each decoded frame goes to the stream's
// checksum (and the first stream's to the dump file).
models::RunPlan Run::run_plan() {
  models::RunPlan plan;
  plan.timing_only = options_.timing_only;
  plan.driver_features = scenario_.driver_features;
  plan.withhold_eventq_us = scenario_.withhold_eventq_us;
  plan.ring_breach = scenario_.ring_breach;
  if (options_.strict) plan.on_violation = [this](const conformance::Violation& v) { on_violation(v); };
  plan.on_command = [this](models::CommandRecord&& c) { on_command(std::move(c)); };
  plan.depth_samples = options_.keep_depth_samples;
  RunObserver* observer = options_.observer;
  if (observer) {
    plan.on_stage_mark = [this, observer](const models::DeviceStageMark& m) {
      observer->stage_mark(m);
      if (options_.keep_frame_records) stage_marks_.push_back(m);
    };
    plan.on_ring_depth = [observer](models::RingQueue q, const models::DepthSample& d) { observer->ring_depth(q, d); };
  }
  for (size_t i = 0; i < streams_.size(); ++i) {
    const PreparedStream& st = streams_[i];
    StreamResult& s = result_.streams[i];
    s.name = st.spec.name;
    s.codec = st.codec;
    s.units_in = st.spec.encode ? st.spec.encode->frames : st.units ? st.units->size() : 0;
    checksums_.push_back(std::make_unique<codec::FrameChecksum>());
    models::StreamPlan stream = stream_plan(scenario_, st, i);
    codec::FrameChecksum* checksum = checksums_.back().get();
    std::ofstream* sink_file = i == 0 && dump_.is_open() ? &dump_ : nullptr;
    stream.keep_frame_records = options_.keep_frame_records;
    if (observer)
      stream.on_queue_depth = [observer, i](const guest::QueueDepthSample& d) { observer->queue_depth(i, d); };
    stream.frame_sink = [checksum, sink_file, observer, i, this](const guest::DecodedFrame& f) {
      progress_.frame_out();
      if (!first_frame_ps_) first_frame_ps_ = f.record.answered.value();
      if (observer) observer->frame_taken(i, f.record, f.queued);
      if (!f.pixels) return;
      f.pixels([&](const uint8_t* data, size_t n) {
        checksum->update(data, n);
        if (sink_file) sink_file->write(reinterpret_cast<const char*>(data), std::streamsize(n));
      });
    };
    plan.streams.push_back(std::move(stream));
  }
  return plan;
}

// Each stream as its application left it, with its checksum.
void Run::collect_streams() {
  std::vector<models::StreamRecord*> records;
  for (auto& s : result_.streams) records.push_back(&s);
  protocol_run_->finish(result_, records);
  if (options_.observer) result_.stage_marks = std::move(stage_marks_);  // the protocol kept none: the observer heard them
  for (size_t i = 0; i < result_.streams.size(); ++i) {
    auto& s = result_.streams[i];
    const bool encoder = streams_[i].spec.encode.has_value();
    if (encoder && s.encode)
      for (const auto& u : s.encode->units) checksums_[i]->update(u.data.data(), u.data.size());
    if (encoder || !options_.timing_only) s.frames_checksum = checksums_[i]->hex();  // no pixels in timing-only
  }
  for (const auto& v : result_.violations) result_.violation_expected.push_back(expected_violations_.count(v.rule) != 0);
}

void Run::decide_outcome() {
  RunResult& r = result_;
  const bool all_done = std::all_of(r.streams.begin(), r.streams.end(), [](auto& s) { return s.finished; });
  if (r.outcome == RunOutcome::ConformanceViolation) return;  // stopped on purpose, reason set
  if (!r.initialised && !r.init_error.empty()) {
    r.outcome = RunOutcome::DeviceFailure;
    r.reason = "device initialisation failed: " + r.init_error;
  } else if (!r.initialised) {  // initialisation never ended
    const std::string pending = initialisation_pending(r.unanswered_commands);
    const bool stuck = !sc_core::sc_pending_activity();
    r.outcome = stuck ? RunOutcome::Deadlock : RunOutcome::TimeLimit;
    r.reason = stuck ? fmt::format("no activity can make progress at {} ns during device initialisation: {}",
                                   r.simulated_ps / 1000, pending)
                     : fmt::format("{}; device initialisation unfinished: {}", time_limit_reached(r, scenario_.time_limit_ms),
                                   pending);
  } else if (!all_done && !sc_core::sc_pending_activity()) {
    r.outcome = RunOutcome::Deadlock;
    r.reason = deadlock_reason(r, r.reason_detail);
  } else if (!all_done) {
    r.outcome = RunOutcome::TimeLimit;
    r.reason = time_limit_reason(r, scenario_.time_limit_ms, r.reason_detail);
  } else {
    for (const auto& s : r.streams) {
      const auto& problems = s.encode ? s.encode->problems : s.report.problems;
      if (problems.empty()) continue;
      r.outcome = RunOutcome::StreamProblems;
      r.reason = fmt::format("stream '{}': {}", s.name, problems.front());
      break;
    }
  }
}

RunResult Run::execute() {
  record_platform_observations(platform_, result_, options_);
  protocol_run_->start();
  // Returns early when nothing is left to happen: finished, or deadlocked.
  sc_core::sc_start(sc_core::sc_time(double(scenario_.time_limit_ms), sc_core::SC_MS), sc_core::SC_EXIT_ON_STARVATION);
  progress_.finish();
  result_.simulated_ps = sc_core::sc_time_stamp().value();
  collect_streams();
  collect_platform_counters(platform_, result_);
  if (dump_.is_open() && !dump_.flush()) throw std::runtime_error(fmt::format("cannot write {}", options_.dump_frames));
  decide_outcome();
  return std::move(result_);
}

}  // namespace

RunResult run_scenario(const Scenario& scenario, const std::vector<PreparedStream>& streams, const RunOptions& options) {
  if (options.timing_only) check_timing_only(scenario, streams, options.cache_dir);
  // An encoder stream's frames come from its units and stage marks after the run (analysis/frame_stages.h).
  if (!options.keep_frame_records && std::any_of(streams.begin(), streams.end(), [](const auto& s) { return s.spec.encode; }))
    throw std::invalid_argument("run_scenario: frame records can be dropped for decoder streams only");
  const models::ProtocolBinding* protocol = models::find_protocol(scenario.protocol);
  if (!protocol) throw ProfileError(fmt::format("{}: protocol '{}' is not known", scenario.source, scenario.protocol));
  return Run(scenario, streams, options, *protocol).execute();
}

}  // namespace vvsim::scenarios
