#include "models/protocols/v6/v6_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "models/platform/profile_reader.h"
#include "models/protocols/v6/v6_binding.h"
#include "tlm_virtio/ring_rules.h"
#include "tlm_virtio/virtio_device.h"

namespace vvsim::virtio_video {

namespace {

using models::ns_of;

Config device_config(VideoDevice& device) {
  const auto config = decode_config(ByteSpan(device.config_space()));
  return config ? *config : Config{};
}

EncodeSessionConfig encode_config(const models::StreamPlan& st) {
  const models::EncodeSpec& e = *st.encode;
  EncodeSessionConfig ec;
  ec.codec = st.codec;
  ec.width = e.width;
  ec.height = e.height;
  ec.frames = e.frames;
  ec.seed = e.seed != 0 ? e.seed : st.seed;
  ec.bitrate_bps = e.bitrate_kbps * 1000;
  for (const auto& [at, kbps] : e.bitrate_changes) ec.bitrate_at[at] = kbps * 1000;
  ec.force_key_frames.insert(e.force_key_frames.begin(), e.force_key_frames.end());
  ec.input_resources = st.application.input_resources;
  ec.output_resources = st.application.output_resources;
  ec.feed_fps = st.application.feed_fps;
  return ec;
}

// The application's buffers, pacing, actions and misbehaviours from the stream's plan.
DecodeSessionConfig decode_config(const models::StreamPlan& st, const models::RunPlan& plan) {
  const models::StreamApplication& app = st.application;
  DecodeSessionConfig config;
  config.codec = st.codec;
  config.units = st.units;
  config.input_resources = app.input_resources;
  config.output_resources = app.output_resources;
  config.input_buffer_size = app.input_buffer_kib * 1024;
  config.answer_timeout = sc_core::SC_ZERO_TIME;
  config.feed_fps = app.feed_fps;
  config.stop_after_units = app.stop_after_units;
  config.seek_to_unit = app.seek_to_unit;
  config.destroy_after_units = app.destroy_after_units;
  config.reset_after_units = app.reset_after_units;
  config.drain_each_frame = app.drain_each_frame;
  config.scatter_buffers = app.scatter_buffers;
  config.timing_only = plan.timing_only;
  config.depth_samples = plan.depth_samples;
  config.on_queue_depth = st.on_queue_depth;
  config.misbehaviour = app.misbehaviour;
  config.output_hold = sc_core::sc_time(double(app.output_hold_us), sc_core::SC_US);
  config.stream_size = st.initial_size;
  config.frame_sink = st.frame_sink;
  config.keep_frame_records = st.keep_frame_records;
  return config;
}

models::EventRecord event_record(const ReceivedEvent& e) {
  const auto kind = e.event.type == EventType::Drc ? models::EventKind::ResolutionChange : models::EventKind::Error;
  return {e.when.value(), kind, e.event.stream_id, e.event.detail};
}

}  // namespace

V6Run::V6Run(models::VideoPlatform& platform, const models::RunPlan& plan)
    : platform_(platform),
      plan_(plan),
      device_(v6_device(platform)),
      monitor_(device_.device_id(), device_config(device_)),
      driver_(v6_driver(platform)),
      streams_(plan.streams.size()) {
  for (const auto& st : plan.streams)
    if (st.encode && !st.encode->restart_capture_at.empty())  // STREAMOFF/STREAMON(CAPTURE) is V4L2's
      throw models::ProfileError(fmt::format(
          "stream '{}': key 'restart_capture_at' has no virtio-video model (protocol: media only)", st.name));
  driver_.withhold_eventq(sc_core::sc_time(double(plan.withhold_eventq_us), sc_core::SC_US));
  driver_.break_ring(plan.ring_breach);
}

void V6Run::attach_monitor() {
  if (plan_.on_violation) monitor_.on_violation(plan_.on_violation);
  device_.observe_transport(&monitor_);
  platform_.system.mmio.set_observer(&monitor_);
}

void V6Run::report_monitor(models::RunRecords& r) {
  if (!sc_core::sc_pending_activity()) monitor_.on_run_idle(sc_core::sc_time_stamp().value());
  r.violations = monitor_.violations();
  // The ring rules of the ring the driver negotiated only (the split ring's or the packed ring's).
  const bool packed = platform_.system.mmio.negotiated_features() & tlm_virtio::VIRTIO_F_RING_PACKED;
  const auto& rules = conformance_rules();
  r.rules_checked = size_t(std::count_if(rules.begin(), rules.end(), [&](const auto& rule) {
    return tlm_virtio::rule_checked_on_ring(rule.id, packed);
  }));
}

void V6Run::observe() {
  attach_monitor();
  if (plan_.on_stage_mark) device_.set_probe(plan_.on_stage_mark);
  else device_.set_probe([this](const models::DeviceStageMark& m) { stage_marks_.push_back(m); });
  if (plan_.depth_samples || plan_.on_ring_depth)
    driver_.observe_virtqueues([this](sc_core::sc_time at, uint32_t queue, uint16_t in_use) {
      const models::DepthSample sample{at.value(), in_use};
      const bool commandq = queue == kCommandQueue;
      if (plan_.depth_samples) (commandq ? commandq_depth_ : eventq_depth_).push_back(sample);
      if (plan_.on_ring_depth)
        plan_.on_ring_depth(commandq ? models::RingQueue::Commandq : models::RingQueue::Eventq, sample);
    });
  if (plan_.on_command)
    driver_.observe_answers([this](const CommandTiming& c) {
      plan_.on_command({c.ticket, c.submitted.value(), c.answered.value(), c.interrupted.value(),
                        command_label(c.digest), result_label(c.digest), c.digest.stream_id});
    });
}

void V6Run::build_applications() {
  for (const auto& st : plan_.streams) {
    if (st.encode) {
      decoders_.push_back(nullptr);
      encoders_.push_back(std::make_unique<EncodeSession>(driver_, encode_config(st)));
    } else {
      encoders_.push_back(nullptr);
      decoders_.push_back(std::make_unique<DecodeSession>(driver_, decode_config(st, plan_)));
    }
  }
}

// The guest's program: initialise the device, then run every stream's application concurrently.
void V6Run::start() {
  observe();
  build_applications();
  platform_.system.cpu.set_program([this](tlm_virtio::GuestCpu&) {
    if (auto up = driver_.initialize(plan_.driver_features); !up) return void(init_error_ = up.error().message);
    initialised_ = true;
    for (size_t i = 0; i < decoders_.size(); ++i) {
      sc_core::sc_spawn([this, i] {
        if (encoders_[i]) {
          streams_[i].encode = encoders_[i]->run();
        } else {
          streams_[i].report = decoders_[i]->run();
        }
        streams_[i].finished = true;
      });
    }
  });
}

void V6Run::collect_counters(models::RunRecords& r) const {
  r.events = driver_.events_received();
  r.guest_cpu_ns = ns_of(driver_.cpu_time());
  r.eventq_peak_filled = driver_.eventq_peak_filled();
  const auto& d = device_.stats();
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
  r.device_diagnostics = device_.diagnostics();
}

void V6Run::collect_history(models::RunRecords& r) {
  for (const auto& e : driver_.event_history()) r.events_received.push_back(event_record(e));
  r.stage_marks = std::move(stage_marks_);
  r.commandq_depth = std::move(commandq_depth_);
  r.eventq_depth = std::move(eventq_depth_);
}

void V6Run::finish(models::RunRecords& r, std::vector<models::StreamRecord*> streams) {
  report_monitor(r);
  collect_counters(r);
  collect_history(r);
  r.initialised = initialised_;
  r.init_error = init_error_;
  if (initialised_) {
    r.commandq_size = driver_.commandq_size();
    r.commandq_free_at_end = driver_.commandq_free();
    r.eventq_size = driver_.eventq_size();
    r.driver_waiting_for_descriptors = driver_.waiting_for_descriptors();
  } else {
    r.unanswered_commands = driver_.unanswered_commands();
  }
  for (size_t i = 0; i < streams.size() && i < streams_.size(); ++i) {
    models::StreamRecord& s = *streams[i];
    s = std::move(streams_[i]);
    if (encoders_[i]) {
      if (s.encode) s.units_fed = s.encode->frames_queued;
      continue;
    }
    s.units_fed = decoders_[i]->units_fed();
    s.commands_pending = decoders_[i]->queue_commands_pending();
    if (!s.finished) s.report = decoders_[i]->progress();
  }
}

}  // namespace vvsim::virtio_video
