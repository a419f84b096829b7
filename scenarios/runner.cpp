#include "scenarios/runner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <fstream>

#include "codec/checksum.h"
#include "codec/scan_decoder.h"
#include "codec/synthetic.h"
#include "models/platform/input_limits.h"
#include "models/platform/video_platform.h"
#include "scenarios/generated_input_cache.h"

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

std::shared_ptr<codec::UnitSource> generated_units(const StreamSpec& spec, uint64_t default_seed,
                                                   const std::string& cache_dir) {
  const GeneratedInput& g = *spec.generate;
  codec::SyntheticStreamConfig config;
  config.codec = *spec.codec;
  config.bitrate_bps = g.bitrate_kbps * 1000;
  config.seed = g.seed != 0 ? g.seed : default_seed;
  config.keyframe_interval = g.key_frame_interval;
  if (g.change_at == 0) {
    config.segments = {{g.width, g.height, g.frames}};
  } else {
    config.segments = {{g.width, g.height, g.change_at}, {g.new_width, g.new_height, g.frames - g.change_at}};
  }
  try {
    return cached_synthetic_units(config, cache_dir);
  } catch (const ProfileError& e) {
    throw ProfileError(fmt::format("stream '{}': {}", spec.name, e.what()));
  }
}

std::shared_ptr<codec::UnitSource> file_units(StreamSpec& spec, codec::CodecId& codec) {
  auto parsed = codec::open_bitstream_file(spec.file);
  if (!parsed.error.empty()) throw ProfileError(fmt::format("stream '{}': {}", spec.name, parsed.error));
  if (parsed.units->size() == 0) throw ProfileError(fmt::format("stream '{}': {} holds no units", spec.name, spec.file));
  if (spec.codec && *spec.codec != parsed.codec)
    throw ProfileError(fmt::format("stream '{}': codec {} does not match {} ({})", spec.name,
                                   codec::fourcc_of(*spec.codec), spec.file, codec::fourcc_of(parsed.codec)));
  codec = parsed.codec;
  return parsed.units;
}

}  // namespace

std::vector<PreparedStream> prepare_streams(const Scenario& scenario, const std::string& input_override,
                                            const std::string& cache_dir) {
  std::vector<PreparedStream> out;
  uint64_t units = 0;  // of the streams so far, against kInputLimits.units_per_run
  for (size_t i = 0; i < scenario.streams.size(); ++i) {
    PreparedStream p;
    p.spec = scenario.streams[i];
    if (i == 0 && !input_override.empty()) {  // --input: the file decides the codec
      if (p.spec.encode)
        throw ProfileError(fmt::format("--input {}: stream '{}' is an encoder stream (it encodes generated frames); "
                                       "--input replaces a decoder stream's bitstream",
                                       input_override, p.spec.name));
      p.spec.file = input_override;
      p.spec.generate.reset();
      p.spec.codec.reset();
    }
    if (p.spec.encode) {
      p.codec = *p.spec.codec;
    } else if (p.spec.generate) {
      p.codec = *p.spec.codec;
      p.units = generated_units(p.spec, scenario.seed + i, generated_input_cache_dir(cache_dir));
    } else {
      p.units = file_units(p.spec, p.codec);
    }
    const uint64_t own = p.units ? p.units->size() : p.spec.encode->frames;
    units += own;
    if (units > models::kInputLimits.units_per_run)
      throw ProfileError(fmt::format("stream '{}': {} units{} (at most {} units per run: docs/scenarios.md, Limits)",
                                     p.spec.name, own, own == units ? "" : fmt::format(", {} with the streams before it", units),
                                     models::kInputLimits.units_per_run));
    out.push_back(std::move(p));
  }
  return out;
}

namespace {

// Nanoseconds from a SystemC time (1 ps resolution): one correctly rounded
// division, so JSON shows at most three decimals, never float noise.
double ns_of(const sc_core::sc_time& t) { return double(t.value()) / 1000.0; }

void collect_counters(models::VideoPlatform& p, RunResult& r) {
  const auto& bus = p.system.bus.stats();
  if (bus.size() > 0) r.bus_bytes_cpu = bus[0].bytes, r.bus_busy_cpu_ns = ns_of(bus[0].busy);
  if (bus.size() > 1) r.bus_bytes_device = bus[1].bytes, r.bus_busy_device_ns = ns_of(bus[1].busy);
  sc_core::sc_time contention = sc_core::SC_ZERO_TIME;
  for (const auto& s : bus) contention += s.contention_wait;
  r.bus_contention_ns = ns_of(contention);
  r.interrupts = p.system.irq.interrupts_delivered();
  r.kicks = p.system.mmio.kicks();
  r.events = p.driver.events_received();
  const auto& d = p.device.stats();
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
  for (const auto& diag : p.device.diagnostics()) r.diagnostics.push_back(diag);
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
void record_observations(models::VideoPlatform& p, RunResult& r) {
  p.system.bus.observe_transfers([&r](int initiator, const sc_core::sc_time& start, const sc_core::sc_time& occupancy) {
    add_bus_time(r, initiator, start.value(), occupancy.value());
  });
  p.device.set_probe([&r](const virtio_video::DeviceStageMark& m) { r.stage_marks.push_back(m); });
  p.driver.observe_virtqueues([&r](sc_core::sc_time at, uint32_t queue, uint16_t in_use) {
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

void check_timing_only(const std::vector<PreparedStream>& streams) {
  for (const auto& st : streams) {
    std::string why;
    if (st.spec.encode) why = "an encoder stream's output sizes come from the real encoder";
    else if (!st.spec.corrupt_units.empty()) why = "what the real decoder makes of a damaged unit cannot be scanned";
    else why = codec::scan_stream_support(st.codec, *st.units);
    if (!why.empty()) throw ProfileError(fmt::format("stream '{}': timing-only mode refused: {}", st.spec.name, why));
  }
}

RunResult run_scenario(const Scenario& scenario, const std::vector<PreparedStream>& streams, const RunOptions& options) {
  if (options.timing_only) check_timing_only(streams);
  virtio_video::DecoderFactory decoders;
  if (options.timing_only) decoders = [](codec::CodecId c) { return codec::make_scan_decoder(c); };
  models::VideoPlatform platform("platform", scenario.platform, scenario.platform.device, std::move(decoders));
  platform.driver.withhold_eventq(sc_core::sc_time(double(scenario.withhold_eventq_us), sc_core::SC_US));
  platform.driver.break_ring(scenario.ring_breach);
  RunResult result;
  result.timing_only = options.timing_only;
  result.streams.resize(streams.size());
  std::vector<std::unique_ptr<codec::FrameChecksum>> checksums;
  const auto config = virtio_video::decode_config(virtio_video::ByteSpan(platform.device.config_space()));
  virtio_video::ConformanceMonitor monitor(platform.device.device_id(), config ? *config : virtio_video::Config{});
  const std::set<std::string> expected(scenario.expect_violations.begin(), scenario.expect_violations.end());
  if (options.strict) {
    monitor.on_violation([&](const virtio_video::Violation& v) {
      if (expected.count(v.rule) || result.outcome != RunOutcome::Completed) return;
      result.outcome = RunOutcome::ConformanceViolation;
      result.reason = fmt::format("{} side broke '{}' ({}) at {} ns: {}", virtio_video::side_name(v.side), v.rule,
                                  v.section, v.at_ps / 1000, v.detail);
      sc_core::sc_stop();
    });
  }
  platform.device.observe_transport(&monitor);
  platform.system.mmio.set_observer(&monitor);
  record_observations(platform, result);
  // Progress counts frames leaving the guest's sinks: no extra simulation events.
  size_t total_units = 0, frames_seen = 0;
  int shown_percent = -1;
  for (const auto& st : streams) total_units += st.units ? st.units->size() : 0;
  auto show_progress = [&] {
    if (!options.progress || total_units == 0) return;
    const int percent = int(std::min<size_t>(100, 100 * ++frames_seen / total_units));
    if (percent == shown_percent) return;
    shown_percent = percent;
    const int bar = percent / 5;
    std::fprintf(stderr, "\rvvsim [%.*s%*s] %3d%%  %.3f ms simulated", bar, "####################", 20 - bar, "",
                 percent, sc_core::sc_time_stamp().to_seconds() * 1e3);
  };
  std::ofstream dump;
  if (!options.dump_frames.empty()) {
    dump.open(options.dump_frames, std::ios::binary | std::ios::trunc);
    if (!dump) throw std::runtime_error(fmt::format("cannot write {}", options.dump_frames));
  }
  std::vector<std::unique_ptr<virtio_video::DecodeSession>> sessions;  // null for encoder streams
  std::vector<std::unique_ptr<virtio_video::EncodeSession>> encoders;  // null for decoder streams
  std::string init_error;
  bool initialised = false;
  for (size_t i = 0; i < streams.size(); ++i) {
    result.streams[i].name = streams[i].spec.name;
    result.streams[i].codec = streams[i].codec;
    result.streams[i].units_in = streams[i].units ? streams[i].units->size() : 0;
    if (const auto& e = streams[i].spec.encode) {
      virtio_video::EncodeSessionConfig ec;
      ec.codec = streams[i].codec;
      ec.width = e->width;
      ec.height = e->height;
      ec.frames = e->frames;
      ec.seed = e->seed != 0 ? e->seed : scenario.seed + i;
      ec.bitrate_bps = e->bitrate_kbps * 1000;
      for (const auto& [at, kbps] : e->bitrate_changes) ec.bitrate_at[at] = kbps * 1000;
      ec.force_key_frames.insert(e->force_key_frames.begin(), e->force_key_frames.end());
      ec.input_resources = streams[i].spec.input_resources;
      ec.output_resources = streams[i].spec.output_resources;
      result.streams[i].units_in = e->frames;
      checksums.push_back(std::make_unique<codec::FrameChecksum>());
      sessions.push_back(nullptr);
      encoders.push_back(std::make_unique<virtio_video::EncodeSession>(platform.driver, std::move(ec)));
      continue;
    }
    encoders.push_back(nullptr);
    virtio_video::DecodeSessionConfig config;
    config.codec = streams[i].codec;
    config.units = streams[i].units;
    config.input_resources = streams[i].spec.input_resources;
    config.output_resources = streams[i].spec.output_resources;
    config.input_buffer_size = streams[i].spec.input_buffer_kib * 1024;
    config.answer_timeout = sc_core::SC_ZERO_TIME;
    config.feed_fps = streams[i].spec.feed_fps;
    config.stop_after_units = streams[i].spec.stop_after_units;
    config.seek_to_unit = streams[i].spec.seek_to_unit;
    config.destroy_after_units = streams[i].spec.destroy_after_units;
    config.reset_after_units = streams[i].spec.reset_after_units;
    config.corrupt_units.insert(streams[i].spec.corrupt_units.begin(), streams[i].spec.corrupt_units.end());
    config.raw_commands = streams[i].spec.raw_commands;
    config.drain_each_frame = streams[i].spec.drain_each_frame;
    config.scatter_buffers = streams[i].spec.scatter_buffers;
    config.no_outputs_during_drain = streams[i].spec.no_outputs_during_drain;
    config.timing_only = options.timing_only;
    config.requeue_before_reattach = streams[i].spec.requeue_before_reattach;
    config.attach_before_format_query = streams[i].spec.attach_before_format_query;
    config.double_drain = streams[i].spec.double_drain;
    config.destroy_during_drain = streams[i].spec.destroy_during_drain;
    config.use_after_destroy = streams[i].spec.use_after_destroy;
    config.undersized_inputs = streams[i].spec.undersized_inputs;
    config.output_hold = sc_core::sc_time(double(streams[i].spec.output_hold_us), sc_core::SC_US);
    if (scenario.initial_format == InitialFormat::FromStream)
      config.stream_size = codec::declared_picture_size(streams[i].codec, *streams[i].units);
    checksums.push_back(std::make_unique<codec::FrameChecksum>());
    codec::FrameChecksum* checksum = checksums.back().get();
    std::ofstream* sink_file = i == 0 && dump.is_open() ? &dump : nullptr;
    config.frame_sink = [checksum, sink_file, &show_progress](const virtio_video::DecodedFrame& f) {
      show_progress();
      if (!f.pixels) return;
      f.pixels([&](const uint8_t* data, size_t n) {
        checksum->update(data, n);
        if (sink_file) sink_file->write(reinterpret_cast<const char*>(data), std::streamsize(n));
      });
    };
    sessions.push_back(std::make_unique<virtio_video::DecodeSession>(platform.driver, std::move(config)));
  }
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) {
    if (!platform.driver.initialize(scenario.driver_features, init_error)) return;
    initialised = true;
    for (size_t i = 0; i < sessions.size(); ++i) {
      sc_core::sc_spawn([&, i] {
        if (encoders[i]) {
          result.streams[i].encode = encoders[i]->run();
        } else {
          result.streams[i].report = sessions[i]->run();
        }
        result.streams[i].finished = true;
      });
    }
  });
  // Returns early when nothing is left to happen: finished, or deadlocked.
  sc_core::sc_start(sc_core::sc_time(double(scenario.time_limit_ms), sc_core::SC_MS), sc_core::SC_EXIT_ON_STARVATION);

  if (shown_percent >= 0) std::fprintf(stderr, "\n");
  if (!sc_core::sc_pending_activity()) monitor.on_run_idle(sc_core::sc_time_stamp().value());
  result.violations = monitor.violations();
  for (const auto& v : result.violations) result.violation_expected.push_back(expected.count(v.rule) != 0);
  result.simulated_ps = sc_core::sc_time_stamp().value();
  collect_counters(platform, result);
  for (const auto& c : platform.driver.history())
    result.commands.push_back({c.ticket, c.submitted.value(), c.answered.value(), c.interrupted.value(), c.digest});
  for (const auto& e : platform.driver.event_history()) result.events_received.push_back({e.when.value(), e.event});
  if (initialised) {
    result.commandq_size = platform.driver.commandq_size();
    result.commandq_free_at_end = platform.driver.commandq_free();
    result.eventq_size = platform.driver.eventq_size();
    result.driver_waiting_for_descriptors = platform.driver.waiting_for_descriptors();
  }
  for (size_t i = 0; i < sessions.size(); ++i) {
    auto& s = result.streams[i];
    if (encoders[i]) {
      if (s.encode) {
        s.units_fed = s.encode->frames_queued;
        for (const auto& u : s.encode->units) checksums[i]->update(u.data.data(), u.data.size());
      }
      s.frames_checksum = checksums[i]->hex();
      continue;
    }
    s.units_fed = sessions[i]->units_fed();
    s.commands_pending = sessions[i]->queue_commands_pending();
    if (!options.timing_only) s.frames_checksum = checksums[i]->hex();
    if (!s.finished) s.report = sessions[i]->progress();
  }
  if (dump.is_open() && !dump.flush()) throw std::runtime_error(fmt::format("cannot write {}", options.dump_frames));
  const bool all_done = std::all_of(result.streams.begin(), result.streams.end(), [](auto& s) { return s.finished; });
  if (result.outcome == RunOutcome::ConformanceViolation) return result;  // stopped on purpose, reason set
  if (!initialised && !init_error.empty()) {
    result.outcome = RunOutcome::DeviceFailure;
    result.reason = "device initialisation failed: " + init_error;
  } else if (!initialised) {  // initialize() never returned
    const std::string pending = initialisation_pending(platform.driver.unanswered_commands());
    const bool stuck = !sc_core::sc_pending_activity();
    result.outcome = stuck ? RunOutcome::Deadlock : RunOutcome::TimeLimit;
    result.reason = stuck ? fmt::format("no activity can make progress at {} ns during device initialisation: {}",
                                        result.simulated_ps / 1000, pending)
                          : fmt::format("{}; device initialisation unfinished: {}",
                                        time_limit_reached(result, scenario.time_limit_ms), pending);
  } else if (!all_done && !sc_core::sc_pending_activity()) {
    result.outcome = RunOutcome::Deadlock;
    result.reason = deadlock_reason(result, result.reason_detail);
  } else if (!all_done) {
    result.outcome = RunOutcome::TimeLimit;
    result.reason = time_limit_reason(result, scenario.time_limit_ms, result.reason_detail);
  } else {
    for (const auto& s : result.streams) {
      const auto& problems = s.encode ? s.encode->problems : s.report.problems;
      if (problems.empty()) continue;
      result.outcome = RunOutcome::StreamProblems;
      result.reason = fmt::format("stream '{}': {}", s.name, problems.front());
      break;
    }
  }
  return result;
}

}  // namespace vvsim::scenarios
