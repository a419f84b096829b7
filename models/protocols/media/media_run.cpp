#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn
#include "models/protocols/media/media_run.h"

#include <fmt/format.h>

#include <utility>

#include "models/platform/profile_reader.h"
#include "models/protocols/media/media_binding.h"

namespace vvsim::virtio_media {

namespace {

using models::ns_of;

// The stream keys with no virtio-media meaning yet: named in the refusal.
void refuse_unmodelled(const models::StreamPlan& st) {
  const models::StreamApplication& a = st.application;
  std::vector<std::string> keys;
  if (a.scatter_buffers) keys.emplace_back("scatter_buffers");
  // The decode client resets and sends raw commands; the encode client does neither yet.
  if (st.encode && a.reset_after_units) keys.emplace_back("reset_after_units");
  if (st.encode && !a.misbehaviour.raw_commands.empty()) keys.emplace_back("raw_commands");
  for (auto& key : MediaDecodeMisbehaviour::unmodelled(a.misbehaviour)) keys.push_back(std::move(key));
  if (!keys.empty())
    throw models::ProfileError(
        fmt::format("stream '{}': key '{}' has no virtio-media model yet (protocol: media)", st.name, keys.front()));
  // The driver always gives the 8-byte response header a descriptor of its own (as Linux lays chains out).
  if (const auto room = a.misbehaviour.raw_response_bytes; room && *room < kRespHeaderSize)
    throw models::ProfileError(fmt::format("stream '{}': key 'raw_response_bytes': {} is below the {}-byte "
                                           "virtio_media_resp_header (protocol: media)",
                                           st.name, *room, kRespHeaderSize));
}

MediaDecodeConfig client_config(const models::StreamPlan& st, bool timing_only, bool depth_samples) {
  const models::StreamApplication& a = st.application;
  MediaDecodeConfig c;
  c.codec = st.codec;
  c.units = st.units;
  c.output_buffers = a.input_resources;    // V4L2 OUTPUT carries the bitstream
  c.capture_buffers = a.output_resources;  // and CAPTURE the frames
  c.output_buffer_bytes = a.input_buffer_kib * 1024;
  c.read_frames = !timing_only;
  c.feed_fps = a.feed_fps;
  c.output_hold = sc_core::sc_time(double(a.output_hold_us), sc_core::SC_US);
  if (a.stop_after_units) c.seek_after_units = *a.stop_after_units, c.seek_to_unit = a.seek_to_unit;
  c.close_after_units = a.destroy_after_units;
  c.reset_after_units = a.reset_after_units;
  c.drain_each_frame = a.drain_each_frame;
  c.misbehaviour = a.misbehaviour;
  c.keep_frame_records = st.keep_frame_records;
  c.depth_samples = depth_samples;
  c.on_queue_depth = st.on_queue_depth;
  if (st.frame_sink) {
    const guest::FrameSink sink = st.frame_sink;
    c.frame_sink = [sink, timing_only](const MediaFrame& f) {
      guest::DecodedFrame d;
      d.record.width = f.width, d.record.height = f.height, d.record.timestamp = f.timestamp;
      d.record.error_flag = f.error, d.record.answered = d.record.interrupted = d.record.reaped = f.at;
      d.record.stream_id = f.session_id;
      d.queued = f.queued;
      if (!timing_only) d.pixels = [&f](const codec::PixelSink& out) { out(f.i420.data(), f.i420.size()); };
      sink(d);
    };
  }
  return c;
}

// The encode stream's settings, as v6's encode_config reads them.
MediaEncodeConfig encoder_config(const models::StreamPlan& st) {
  const models::EncodeSpec& e = *st.encode;
  MediaEncodeConfig c;
  c.codec = st.codec;
  c.width = e.width, c.height = e.height, c.frames = e.frames;
  c.seed = e.seed != 0 ? e.seed : st.seed;
  c.bitrate_bps = e.bitrate_kbps * 1000;
  for (const auto& [at, kbps] : e.bitrate_changes) c.bitrate_at[at] = kbps * 1000;
  c.force_key_frames.insert(e.force_key_frames.begin(), e.force_key_frames.end());
  c.restart_capture_at.insert(e.restart_capture_at.begin(), e.restart_capture_at.end());
  c.output_buffers = st.application.input_resources;  // V4L2 OUTPUT carries the raw frames
  c.capture_buffers = st.application.output_resources;
  c.feed_fps = st.application.feed_fps;
  return c;
}

// The client's report in the protocol-neutral form the runner and analysis read.
void fill_stream(const MediaDecodeReport& m, models::StreamRecord& s) {
  for (const auto& f : m.frames) {
    guest::FrameRecord r;
    r.stream_id = m.session_id;
    r.width = f.width, r.height = f.height, r.timestamp = f.timestamp, r.error_flag = f.error;
    r.answered = r.interrupted = r.reaped = f.at;
    s.report.frames.push_back(r);
  }
  s.report.frame_counts = m.frame_counts;
  s.report.stream_id = m.session_id;
  s.report.input_queued = m.input_queued;
  s.report.queue_depth = m.queue_depth;
  s.report.input_resources = m.output_buffers;  // V4L2 OUTPUT carries the bitstream, CAPTURE the frames
  s.report.output_resources = m.capture_buffers;
  s.report.drc_events = m.source_changes;
  s.report.error_events = m.error_events;
  s.report.inputs_consumed = m.inputs_consumed;
  s.report.drained = m.drained;
  s.report.destroyed = m.closed;
  s.report.destroyed_mid_stream = m.closed_mid_stream;
  s.report.stopped = m.seeked;
  s.report.frame_drains = m.frame_drains;
  s.report.resets = m.resets;
  s.report.first_timestamp_after_reset = m.first_timestamp_after_reset;
  s.report.raw_answers = m.raw_answers;
  s.report.device_profiles = m.device_profiles;
  s.report.problems = m.problems;
  s.units_fed = m.units_fed;
}

}  // namespace

MediaRun::MediaRun(models::VideoPlatform& platform, const models::RunPlan& plan)
    : platform_(platform),
      plan_(plan),
      device_(media_device(platform)),
      driver_(media_driver(platform)),
      monitor_(device_.shm().length()),
      streams_(plan.streams.size()) {
  for (const auto& st : plan.streams) refuse_unmodelled(st);
  if (plan.ring_breach) throw models::ProfileError("key 'ring_breach' has no virtio-media model yet (protocol: media)");
  driver_.withhold_eventq(sc_core::sc_time(double(plan.withhold_eventq_us), sc_core::SC_US));
}

void MediaRun::start() {
  if (plan_.on_violation) monitor_.on_violation(plan_.on_violation);
  device_.set_observer(&monitor_);
  if (plan_.on_command)
    driver_.on_command([this](const MediaCommandRecord& c) {
      plan_.on_command({driver_.commands_answered(), c.submitted.value(), c.answered.value(), c.answered.value(), c.name,
                        c.status == 0 ? "OK" : fmt::format("errno {}", c.status), c.session_id});
    });
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
  for (const auto& st : plan_.streams) {
    encoders_.push_back(st.encode ? std::make_unique<MediaEncodeClient>(driver_, encoder_config(st)) : nullptr);
    clients_.push_back(st.encode ? nullptr
                                 : std::make_unique<MediaDecodeClient>(
                                       driver_, client_config(st, plan_.timing_only, plan_.depth_samples)));
  }
  platform_.system.cpu.set_program([this](tlm_virtio::GuestCpu&) {
    if (auto up = driver_.initialize(); !up) return void(init_error_ = up.error().message);
    initialised_ = true;
    for (size_t i = 0; i < clients_.size(); ++i)
      sc_core::sc_spawn([this, i] {
        if (encoders_[i]) streams_[i].encode = encoders_[i]->run(), streams_[i].units_fed = streams_[i].encode->frames_queued;
        else fill_stream(clients_[i]->run(), streams_[i]);
        streams_[i].finished = true;
      });
  });
}

void MediaRun::collect_counters(models::RunRecords& r) const {
  r.events = driver_.events_received();
  r.guest_cpu_ns = ns_of(driver_.cpu_time());
  r.eventq_peak_filled = driver_.eventq_peak_filled();
  const auto& d = device_.stats();
  r.device_commands = d.commands;
  r.device_errors = d.errors_returned;
  r.event_wait_total_ns = ns_of(d.event_wait_total);
  r.commands_by_type = d.commands_by_name;
  r.device_diagnostics = device_.diagnostics();
}

void MediaRun::finish(models::RunRecords& r, std::vector<models::StreamRecord*> streams) {
  if (!sc_core::sc_pending_activity()) monitor_.on_run_idle(sc_core::sc_time_stamp().value());
  r.violations = monitor_.violations();
  r.rules_checked = media_rules().size();
  collect_counters(r);
  r.initialised = initialised_;
  r.init_error = init_error_;
  if (!initialised_) r.unanswered_commands = driver_.unanswered_commands();
  if (initialised_) r.commandq_size = driver_.commandq_size(), r.commandq_free_at_end = driver_.commandq_free();
  if (initialised_) r.eventq_size = driver_.eventq_size();
  r.stage_marks = std::move(stage_marks_);
  r.commandq_depth = std::move(commandq_depth_);
  r.eventq_depth = std::move(eventq_depth_);
  for (size_t i = 0; i < streams.size() && i < streams_.size(); ++i) {
    if (!streams_[i].finished && encoders_[i]) {  // what it did so far
      streams_[i].encode = encoders_[i]->progress();
    } else if (!streams_[i].finished) {
      fill_stream(clients_[i]->progress(), streams_[i]);
      streams_[i].waiting_for = clients_[i]->waiting_for();
    }
    *streams[i] = std::move(streams_[i]);
  }
}

}  // namespace vvsim::virtio_media
