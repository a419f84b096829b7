#include "scenarios/runner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <fstream>

#include "codec/checksum.h"
#include "models/platform/video_platform.h"
#include "models/protocols/v6/v6_binding.h"

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

// Nanoseconds from a SystemC time (1 ps resolution): one correctly rounded
// division, so JSON shows at most three decimals, never float noise.
double ns_of(const sc_core::sc_time& t) { return double(t.value()) / 1000.0; }

void collect_counters(models::VideoPlatform& p, virtio_video::VideoDevice& device, virtio_video::VideoDriver& driver,
                      RunResult& r) {
  const auto& bus = p.system.bus.stats();
  if (bus.size() > 0) r.bus_bytes_cpu = bus[0].bytes, r.bus_busy_cpu_ns = ns_of(bus[0].busy);
  if (bus.size() > 1) r.bus_bytes_device = bus[1].bytes, r.bus_busy_device_ns = ns_of(bus[1].busy);
  sc_core::sc_time contention = sc_core::SC_ZERO_TIME;
  for (const auto& s : bus) contention += s.contention_wait;
  r.bus_contention_ns = ns_of(contention);
  r.interrupts = p.system.irq.interrupts_delivered();
  r.kicks = p.system.mmio.kicks();
  r.events = driver.events_received();
  const auto& d = device.stats();
  r.device_commands = d.commands;
  r.device_canceled = d.canceled;
  r.device_errors = d.errors_returned;
  r.events_held = d.events_held;
  r.output_stalls = d.output_stalls;
  r.output_stall_ns = ns_of(d.output_stall_time);
  r.event_wait_max_ns = ns_of(d.event_wait_max);
  r.event_wait_total_ns = ns_of(d.event_wait_total);
  r.input_waits = d.input_waits;
  r.input_wait_ns = ns_of(d.input_wait_time);
  r.commands_by_type = d.commands_by_type;
  sc_core::sc_time core_wait = sc_core::SC_ZERO_TIME;
  for (const auto& [owner, s] : p.engine.owner_stats()) core_wait += s.queue_wait_total;
  r.core_wait_ns = ns_of(core_wait);
  for (uint32_t c = 0; c < p.profile().engine.num_cores; ++c)
    r.cores.push_back({ns_of(p.engine.busy_time(c)), p.engine.utilisation(c)});
  for (const auto& diag : p.system.mmio.diagnostics().records()) r.diagnostics.push_back(diag.message);
  for (const auto& diag : device.diagnostics()) r.diagnostics.push_back(diag);
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

// The analysis records: device stage marks, virtqueue depths and bus time (observed, never fed back).
void record_observations(models::VideoPlatform& p, virtio_video::VideoDevice& device, virtio_video::VideoDriver& driver,
                         RunResult& r) {
  p.system.bus.observe_transfers([&r](int initiator, const sc_core::sc_time& start, const sc_core::sc_time& occupancy) {
    add_bus_time(r, initiator, start.value(), occupancy.value());
  });
  device.set_probe([&r](const virtio_video::DeviceStageMark& m) { r.stage_marks.push_back(m); });
  driver.observe_virtqueues([&r](sc_core::sc_time at, uint32_t queue, uint16_t in_use) {
    (queue == virtio_video::kCommandQueue ? r.commandq_depth : r.eventq_depth).push_back({at.value(), in_use});
  });
  p.engine.add_listener([&r](models::CodecEngine::JobEventKind kind, const models::CodecEngine::JobRecord& job) {
    if (kind == models::CodecEngine::JobEventKind::Started || job.core == models::CodecEngine::kNoCore) return;
    r.core_slices.push_back({job.core, job.owner, job.started.value(), job.finished.value(),
                             kind == models::CodecEngine::JobEventKind::Cancelled});
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
      holders.push_back(fmt::format("stream '{}' holds {} queue commands", s.name, s.commands_pending));
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

virtio_video::EncodeSessionConfig encode_config(const PreparedStream& st, uint64_t seed) {
  const EncodeSpec& e = *st.spec.encode;
  virtio_video::EncodeSessionConfig ec;
  ec.codec = st.codec;
  ec.width = e.width;
  ec.height = e.height;
  ec.frames = e.frames;
  ec.seed = e.seed != 0 ? e.seed : seed;
  ec.bitrate_bps = e.bitrate_kbps * 1000;
  for (const auto& [at, kbps] : e.bitrate_changes) ec.bitrate_at[at] = kbps * 1000;
  ec.force_key_frames.insert(e.force_key_frames.begin(), e.force_key_frames.end());
  ec.input_resources = st.spec.input_resources;
  ec.output_resources = st.spec.output_resources;
  ec.feed_fps = st.spec.feed_fps;
  return ec;
}

// The application's buffers, pacing and actions from the stream's spec; the frame sink is the caller's.
virtio_video::DecodeSessionConfig decode_config(const Scenario& scenario, const PreparedStream& st, bool timing_only) {
  const StreamSpec& spec = st.spec;
  virtio_video::DecodeSessionConfig config;
  config.codec = st.codec;
  config.units = st.units;
  config.input_resources = spec.input_resources;
  config.output_resources = spec.output_resources;
  config.input_buffer_size = spec.input_buffer_kib * 1024;
  config.answer_timeout = sc_core::SC_ZERO_TIME;
  config.feed_fps = spec.feed_fps;
  config.stop_after_units = spec.stop_after_units;
  config.seek_to_unit = spec.seek_to_unit;
  config.destroy_after_units = spec.destroy_after_units;
  config.reset_after_units = spec.reset_after_units;
  config.corrupt_units.insert(spec.corrupt_units.begin(), spec.corrupt_units.end());
  config.raw_commands = spec.raw_commands;
  config.raw_response_bytes = spec.raw_response_bytes;
  config.drain_each_frame = spec.drain_each_frame;
  config.scatter_buffers = spec.scatter_buffers;
  config.no_outputs_during_drain = spec.no_outputs_during_drain;
  config.timing_only = timing_only;
  config.requeue_before_reattach = spec.requeue_before_reattach;
  config.attach_before_format_query = spec.attach_before_format_query;
  config.double_drain = spec.double_drain;
  config.destroy_during_drain = spec.destroy_during_drain;
  config.use_after_destroy = spec.use_after_destroy;
  config.undersized_inputs = spec.undersized_inputs;
  config.output_hold = sc_core::sc_time(double(spec.output_hold_us), sc_core::SC_US);
  if (scenario.initial_format == InitialFormat::FromStream)
    config.stream_size = codec::declared_picture_size(st.codec, *st.units);
  return config;
}

// One run: the platform, the monitor, the guest's applications and what they report.
class Run {
 public:
  Run(const Scenario& scenario, const std::vector<PreparedStream>& streams, const RunOptions& options,
      const models::ProtocolBinding& protocol);
  RunResult execute();

 private:
  void watch_conformance();
  void open_dump();
  void build_applications();
  void start_guest();
  void collect_records();
  void collect_streams();
  void decide_outcome();

  const Scenario& scenario_;
  const std::vector<PreparedStream>& streams_;
  const RunOptions& options_;
  models::VideoPlatform platform_;
  virtio_video::VideoDevice& device_;
  virtio_video::VideoDriver& driver_;
  RunResult result_;
  virtio_video::ConformanceMonitor monitor_;
  std::set<std::string> expected_violations_;
  ProgressLine progress_;
  std::ofstream dump_;
  std::vector<std::unique_ptr<codec::FrameChecksum>> checksums_;
  std::vector<std::unique_ptr<virtio_video::DecodeSession>> decoders_;  // null for encoder streams
  std::vector<std::unique_ptr<virtio_video::EncodeSession>> encoders_;  // null for decoder streams
  std::string init_error_;
  bool initialised_ = false;
};

virtio_video::Config device_config(virtio_video::VideoDevice& device) {
  const auto config = virtio_video::decode_config(virtio_video::ByteSpan(device.config_space()));
  return config ? *config : virtio_video::Config{};
}

Run::Run(const Scenario& scenario, const std::vector<PreparedStream>& streams, const RunOptions& options,
         const models::ProtocolBinding& protocol)
    : scenario_(scenario),
      streams_(streams),
      options_(options),
      platform_("platform", scenario.platform, protocol, options.timing_only),
      device_(virtio_video::v6_device(platform_)),
      driver_(virtio_video::v6_driver(platform_)),
      monitor_(device_.device_id(), device_config(device_)),
      expected_violations_(scenario.expect_violations.begin(), scenario.expect_violations.end()),
      progress_(options.progress, streams) {
  driver_.withhold_eventq(sc_core::sc_time(double(scenario.withhold_eventq_us), sc_core::SC_US));
  driver_.break_ring(scenario.ring_breach);
  result_.timing_only = options.timing_only;
  result_.streams.resize(streams.size());
}

void Run::watch_conformance() {
  if (options_.strict) {
    monitor_.on_violation([this](const virtio_video::Violation& v) {
      if (expected_violations_.count(v.rule) || result_.outcome != RunOutcome::Completed) return;
      result_.outcome = RunOutcome::ConformanceViolation;
      result_.reason = fmt::format("{} side broke '{}' ({}) at {} ns: {}", virtio_video::side_name(v.side), v.rule,
                                   v.section, v.at_ps / 1000, v.detail);
      sc_core::sc_stop();
    });
  }
  device_.observe_transport(&monitor_);
  platform_.system.mmio.set_observer(&monitor_);
}

void Run::open_dump() {
  if (options_.dump_frames.empty()) return;
  dump_.open(options_.dump_frames, std::ios::binary | std::ios::trunc);
  if (!dump_) throw std::runtime_error(fmt::format("cannot write {}", options_.dump_frames));
}

void Run::build_applications() {
  for (size_t i = 0; i < streams_.size(); ++i) {
    const PreparedStream& st = streams_[i];
    StreamResult& s = result_.streams[i];
    s.name = st.spec.name;
    s.codec = st.codec;
    s.units_in = st.units ? st.units->size() : 0;
    checksums_.push_back(std::make_unique<codec::FrameChecksum>());
    if (st.spec.encode) {
      s.units_in = st.spec.encode->frames;
      decoders_.push_back(nullptr);
      encoders_.push_back(std::make_unique<virtio_video::EncodeSession>(driver_, encode_config(st, scenario_.seed + i)));
      continue;
    }
    encoders_.push_back(nullptr);
    auto config = decode_config(scenario_, st, options_.timing_only);
    codec::FrameChecksum* checksum = checksums_.back().get();
    std::ofstream* sink_file = i == 0 && dump_.is_open() ? &dump_ : nullptr;
    config.frame_sink = [checksum, sink_file, this](const virtio_video::DecodedFrame& f) {
      progress_.frame_out();
      if (!f.pixels) return;
      f.pixels([&](const uint8_t* data, size_t n) {
        checksum->update(data, n);
        if (sink_file) sink_file->write(reinterpret_cast<const char*>(data), std::streamsize(n));
      });
    };
    decoders_.push_back(std::make_unique<virtio_video::DecodeSession>(driver_, std::move(config)));
  }
}

// The guest's program: initialise the device, then run every stream's application concurrently.
void Run::start_guest() {
  platform_.system.cpu.set_program([this](tlm_virtio::GuestCpu&) {
    if (!driver_.initialize(scenario_.driver_features, init_error_)) return;
    initialised_ = true;
    for (size_t i = 0; i < decoders_.size(); ++i) {
      sc_core::sc_spawn([this, i] {
        if (encoders_[i]) {
          result_.streams[i].encode = encoders_[i]->run();
        } else {
          result_.streams[i].report = decoders_[i]->run();
        }
        result_.streams[i].finished = true;
      });
    }
  });
}

// After the run: the monitor's verdicts, the platform's counters, the driver's command and event records.
void Run::collect_records() {
  if (!sc_core::sc_pending_activity()) monitor_.on_run_idle(sc_core::sc_time_stamp().value());
  result_.violations = monitor_.violations();
  for (const auto& v : result_.violations) result_.violation_expected.push_back(expected_violations_.count(v.rule) != 0);
  result_.simulated_ps = sc_core::sc_time_stamp().value();
  collect_counters(platform_, device_, driver_, result_);
  for (const auto& c : driver_.history())
    result_.commands.push_back({c.ticket, c.submitted.value(), c.answered.value(), c.interrupted.value(), c.digest});
  for (const auto& e : driver_.event_history()) result_.events_received.push_back({e.when.value(), e.event});
  if (initialised_) {
    result_.commandq_size = driver_.commandq_size();
    result_.commandq_free_at_end = driver_.commandq_free();
    result_.eventq_size = driver_.eventq_size();
    result_.driver_waiting_for_descriptors = driver_.waiting_for_descriptors();
  }
}

void Run::collect_streams() {
  for (size_t i = 0; i < decoders_.size(); ++i) {
    auto& s = result_.streams[i];
    if (encoders_[i]) {
      if (s.encode) {
        s.units_fed = s.encode->frames_queued;
        for (const auto& u : s.encode->units) checksums_[i]->update(u.data.data(), u.data.size());
      }
      s.frames_checksum = checksums_[i]->hex();
      continue;
    }
    s.units_fed = decoders_[i]->units_fed();
    s.commands_pending = decoders_[i]->queue_commands_pending();
    if (!options_.timing_only) s.frames_checksum = checksums_[i]->hex();
    if (!s.finished) s.report = decoders_[i]->progress();
  }
}

void Run::decide_outcome() {
  RunResult& r = result_;
  const bool all_done = std::all_of(r.streams.begin(), r.streams.end(), [](auto& s) { return s.finished; });
  if (r.outcome == RunOutcome::ConformanceViolation) return;  // stopped on purpose, reason set
  if (!initialised_ && !init_error_.empty()) {
    r.outcome = RunOutcome::DeviceFailure;
    r.reason = "device initialisation failed: " + init_error_;
  } else if (!initialised_) {  // initialize() never returned
    const std::string pending = initialisation_pending(driver_.unanswered_commands());
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
  watch_conformance();
  record_observations(platform_, device_, driver_, result_);
  open_dump();
  build_applications();
  start_guest();
  // Returns early when nothing is left to happen: finished, or deadlocked.
  sc_core::sc_start(sc_core::sc_time(double(scenario_.time_limit_ms), sc_core::SC_MS), sc_core::SC_EXIT_ON_STARVATION);
  progress_.finish();
  collect_records();
  collect_streams();
  if (dump_.is_open() && !dump_.flush()) throw std::runtime_error(fmt::format("cannot write {}", options_.dump_frames));
  decide_outcome();
  return std::move(result_);
}

}  // namespace

RunResult run_scenario(const Scenario& scenario, const std::vector<PreparedStream>& streams, const RunOptions& options) {
  if (options.timing_only) check_timing_only(streams);
  const models::ProtocolBinding* protocol = models::find_protocol(scenario.protocol);
  if (!protocol) throw ProfileError(fmt::format("{}: protocol '{}' is not known", scenario.source, scenario.protocol));
  if (protocol->name() != models::kDefaultProtocol)  // the runner builds v6's applications only (adding-a-protocol.md, step 8)
    throw ProfileError(fmt::format("{}: protocol '{}' has no scenario applications in the runner yet", scenario.source,
                                   scenario.protocol));
  return Run(scenario, streams, options, *protocol).execute();
}

}  // namespace vvsim::scenarios
