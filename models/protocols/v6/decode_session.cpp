#include "models/protocols/v6/decode_session.h"

#include <fmt/format.h>

#include <algorithm>

namespace vvsim::virtio_video {

DecodeSession::DecodeSession(VideoDriver& driver, DecodeSessionConfig config)
    : StreamClient(driver), config_(std::move(config)), misbehaviour_(config_.misbehaviour) {
  scatter_buffers(config_.scatter_buffers);
  keep_depth_samples(config_.depth_samples);
  observe_depth(config_.on_queue_depth);
}

bool DecodeSession::setup() {
  if (!driver_.offers_bitstream(codec::fourcc_of(config_.codec))) {
    problems_.push_back("QUERY_CAPS lists no " + codec::fourcc_of(config_.codec) + " bitstream format");
    return false;
  }
  if (!create_stream()) return false;
  report_.stream_id = id_;
  const auto buffer_size =
      set_bitstream_format(ParamType::DecoderInputFormat, config_.codec, config_.input_buffer_size);
  if (!buffer_size) return false;
  config_.input_buffer_size = *buffer_size;
  const auto inputs = set_resource_count(QueueType::Input, config_.input_resources);
  if (!inputs) return false;
  inputs_.resize(*inputs);
  report_.input_resources = std::max(report_.input_resources, *inputs);
  input_busy_.assign(*inputs, false);
  if (config_.stream_size && !set_output_size(config_.stream_size->first, config_.stream_size->second)) return false;
  return attach_inputs() && attach_outputs();
}

// The coded size and crop of the output format, read first and then changed
// (§Parameters); the device may adjust them, and attach_outputs() reads back
// what it chose.
bool DecodeSession::set_output_size(uint32_t width, uint32_t height) {
  auto current = get_param(ParamType::DecoderOutputFormat);
  if (!current) return false;
  auto format = std::get<ParamsImageFormat>(*current);
  format.width = width;
  format.height = height;
  format.crop = {0, 0, width, height};
  for (auto& plane : format.planes) plane = {};  // the device's layout for the new size
  return ok(set_param(ParamType::DecoderOutputFormat, format, nullptr), "SET_PARAM output format");
}

bool DecodeSession::attach_inputs() {
  const uint32_t size = misbehaviour_.input_buffer_size(config_.input_buffer_size);
  for (uint32_t r = 0; r < inputs_.size(); ++r) {
    auto buffers = attach(QueueType::Input, r, {size});
    if (!buffers) return false;
    inputs_[r] = buffers->front();
  }
  return true;
}

bool DecodeSession::read_output_format() {
  auto format = get_param(ParamType::DecoderOutputFormat);
  if (!format) return false;
  auto layout = layout_of(std::get<ParamsImageFormat>(*format));
  if (!layout) return false;
  output_layout_ = *layout;
  return true;
}

// Sizes, attaches and queues every output for the format the device reports now.
bool DecodeSession::attach_outputs() {
  const auto outputs = set_resource_count(QueueType::Output, config_.output_resources);
  if (!outputs) return false;
  const bool attach_first = misbehaviour_.attaches_before_format_query(report_.drc_events > 0);
  if (!attach_first && !read_output_format()) return false;
  outputs_.assign(*outputs, {});
  report_.output_resources = std::max(report_.output_resources, *outputs);
  for (uint32_t r = 0; r < outputs_.size(); ++r) {
    auto buffers = attach(QueueType::Output, r, output_layout_.buffer_sizes);
    if (!buffers) return false;
    outputs_[r] = std::move(*buffers);
  }
  if (attach_first && !read_output_format()) return false;
  for (uint32_t r = 0; r < outputs_.size(); ++r) track(queue_resource(QueueType::Output, r), QueueType::Output, r);
  return true;
}

void DecodeSession::release_outputs() {
  for (auto& resource : outputs_) release(resource);
  outputs_.clear();
}

// A frame's NAL units go out together at its tick: the SPS, PPS and SEI ahead
// of an IDR wait for no tick of their own.
sc_core::sc_time DecodeSession::next_feed_time() const {
  return feed_time(start_, access_units_queued_, config_.feed_fps);
}

std::optional<sc_core::sc_time> DecodeSession::requeue_held_outputs() {
  if (misbehaviour_.withholds_outputs(drain_ticket_ != 0)) return std::nullopt;  // until the drain's answer
  while (!held_outputs_.empty() && held_outputs_.begin()->first <= sc_core::sc_time_stamp()) {
    const uint32_t resource = held_outputs_.begin()->second;
    held_outputs_.erase(held_outputs_.begin());
    if (!drc_pending_) track(queue_resource(QueueType::Output, resource), QueueType::Output, resource);
  }
  if (held_outputs_.empty()) return std::nullopt;
  return held_outputs_.begin()->first;
}

bool DecodeSession::feed_inputs() {
  bool fed = false;
  if (frame_drain_ticket_ != 0) {
    if (!driver_.answered(frame_drain_ticket_)) return false;
    ok(result_of(driver_.take_answer(frame_drain_ticket_)->response), "per-frame DRAIN");
    frame_drain_ticket_ = 0;
  }
  for (uint32_t r = 0; r < inputs_.size() && next_unit_ < config_.units->size(); ++r) {
    if (input_busy_[r]) continue;
    if (next_feed_time() > sc_core::sc_time_stamp()) break;
    const auto& unit = config_.units->unit(next_unit_++);
    access_units_queued_ += unit.ends_frame;
    if (unit.data.size() > inputs_[r].size) {
      problems_.push_back(fmt::format("unit {} of {} bytes exceeds the {}-byte input buffers; skipped",
                                             next_unit_ - 1, unit.data.size(), inputs_[r].size));
      continue;
    }
    const auto& bytes = misbehaviour_.unit_bytes(next_unit_ - 1, unit.data);
    write_buffer(inputs_[r], bytes.data(), bytes.size());
    report_.input_queued.emplace(unit.timestamp, sc_core::sc_time_stamp());
    track(queue_resource(QueueType::Input, r, unit.timestamp, {uint32_t(unit.data.size())}), QueueType::Input, r);
    input_busy_[r] = true;
    fed = true;
    if (config_.drain_each_frame && unit.ends_frame && next_unit_ < config_.units->size()) {
      frame_drain_ticket_ = driver_.submit(to_bytes(StreamCmd{CmdType::StreamDrain, id_}), 4);
      ++report_.frame_drains;
      break;
    }
  }
  return fed;
}

// The frame the answer brings, with when its timestamp was queued (that entry
// forgotten when the sink folds the records instead of the report keeping them).
DecodedFrame DecodeSession::answered_frame(const AnsweredQueue& a) {
  DecodedFrame frame;
  frame.record = {id_, output_layout_.crop.width, output_layout_.crop.height, a.response->timestamp,
                  (a.response->flags & kDequeueFlagErr) != 0, sc_core::sc_time_stamp(), a.interrupted, a.reaped};
  frame.queued = guest::queued_time(report_.input_queued, frame.record.timestamp, !config_.keep_frame_records);
  return frame;
}

void DecodeSession::take_output(const AnsweredQueue& a) {
  const uint32_t resource = a.pending.resource;
  if (config_.timing_only) {  // the device moved no pixels: read for the bus time only
    for (const GuestBuffer& b : outputs_[resource]) touch_buffer(b, b.size);
    const DecodedFrame frame = answered_frame(a);
    if (config_.frame_sink) config_.frame_sink(frame);
    frame_taken(frame.record);
    return;
  }
  auto& pieces = readback_;
  pieces.resize(outputs_[resource].size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    const GuestBuffer& b = outputs_[resource][i];
    pieces[i].clear();
    read_buffer_in_place(b, b.size, pieces[i]);
  }
  const auto status = codec::check_readable(output_layout_, pieces);
  if (!status.ok()) {
    problems_.push_back("output unreadable: " + status.error().message);
    return;
  }
  DecodedFrame frame = answered_frame(a);
  if (config_.frame_sink) {
    // stream_i420 makes only check_readable's checks, passed above.
    frame.pixels = [&](const codec::PixelSink& out) { (void)codec::stream_i420(output_layout_, pieces, out, picture_); };
    config_.frame_sink(frame);
  }
  frame_taken(frame.record);
}

// The application has the frame: counted, its record kept unless the sink folds it, its buffer handed back.
void DecodeSession::frame_taken(const FrameRecord& record) {
  report_.frame_counts.count(record.answered, record.error_flag);
  if (config_.keep_frame_records) report_.frames.push_back(record);
  driver_.consume_frame();
}

void DecodeSession::handle_answers() {
  for (const auto& a : take_answered()) {
    const uint32_t resource = a.pending.resource;
    if (a.pending.queue == QueueType::Input) {
      input_busy_[resource] = false;
      if (a.result == Result::Ok) ++report_.inputs_consumed;
      else if (a.result == Result::ErrCanceled) ++report_.inputs_canceled;
      else if (const auto what = fmt::format("input {} QUEUE", resource); !explained_by_event(a, what)) ok(a.result, what);
      continue;
    }
    if (a.result == Result::Ok) {
      if (report_.stopped && !report_.first_timestamp_after_stop) report_.first_timestamp_after_stop = a.response->timestamp;
      if (report_.resets > 0 && !report_.first_timestamp_after_reset)
        report_.first_timestamp_after_reset = a.response->timestamp;
      take_output(a);
      if (!drc_pending_) held_outputs_.emplace(sc_core::sc_time_stamp() + config_.output_hold, resource);
    } else if (a.result == Result::ErrCanceled) {
      ++report_.outputs_canceled;
    } else if (const auto what = fmt::format("output {} QUEUE", resource); !explained_by_event(a, what)) {
      ok(a.result, what);
    }
  }
}

void DecodeSession::handle_events() {
  for (const auto& e : driver_.take_events(id_)) {
    if (e.event.type == EventType::Drc) {
      ++report_.drc_events;
      drc_pending_ = true;
    } else {
      ++report_.error_events;
      report_.error_code = e.event.detail;
      if (e.event.detail == static_cast<uint32_t>(ErrorEventCode::ContentRefused))
        problems_.push_back(fmt::format("the device refused the stream's content as unsupported or above its limits "
                                        "(error event, code {}; its diagnostic names why)",
                                        e.event.detail));
    }
    const Result explained = e.event.type == EventType::Drc ? Result::ErrInvalidOperation : Result::ErrInvalidStreamId;
    awaiting_event_.erase(std::remove_if(awaiting_event_.begin(), awaiting_event_.end(),
                                         [&](const auto& refusal) { return refusal.first == explained; }),
                          awaiting_event_.end());
  }
}

// v6 orders nothing across the two virtqueues: a QUEUE sent after the device
// detached the outputs for a DRC (INVALID_OPERATION) or closed the stream on an
// error (INVALID_STREAM_ID) can be answered before the event is seen. Such a
// refusal is explained by the event once it has come, and waits for it before.
bool DecodeSession::explained_by_event(const AnsweredQueue& a, const std::string& what) {
  const bool detached = a.pending.queue == QueueType::Output && a.result == Result::ErrInvalidOperation;
  const bool closed = a.result == Result::ErrInvalidStreamId;
  if ((detached && drc_pending_) || (closed && report_.error_events > 0)) return true;
  if (!detached && !closed) return false;
  awaiting_event_.emplace_back(a.result, what + ": " + result_name(a.result));
  return true;
}

// §STREAM_STOP: pending inputs are answered CANCELED before the STOP answer;
// outputs stay queued. Feeding then resumes at the seek target.
void DecodeSession::stop_and_seek() {
  report_.stopped = ok(result_of(driver_.call(to_bytes(StreamCmd{CmdType::StreamStop, id_}), 4)), "STOP");
  handle_answers();
  next_unit_ = std::min<size_t>(config_.seek_to_unit, config_.units->size());
}

// Status = 0 mid-stream: every ring, stream and attached buffer is gone on the
// device side. The driver re-initialises the device from scratch and the
// application opens a new stream that continues with the next unit (units
// queued before the reset are lost; the decoder waits for a key frame).
bool DecodeSession::reset_and_restart() {
  driver_.reset_device();
  forget_pending();
  release(inputs_);
  release_outputs();
  held_outputs_.clear();
  drc_pending_ = false;
  ++report_.resets;
  if (auto again = driver_.reinitialize(); !again) {
    problems_.push_back("re-initialisation after reset failed: " + again.error().message);
    return false;
  }
  return setup();
}

bool DecodeSession::finish_drc() {
  if (queue_pending(QueueType::Output)) return true;  // outputs of the old format still to come back
  if (!outputs_.empty()) {
    // Output 0 goes back with its detached old backing; the device must refuse
    // it (ERR_INVALID_OPERATION, tolerated below).
    misbehaviour_.before_reattach([this] {
      const uint64_t ticket = queue_resource(QueueType::Output, 0);
      if (!driver_.wait(ticket)) problems_.push_back("queue of an unattached output was never answered");
    });
  }
  drc_pending_ = false;
  held_outputs_.clear();  // their buffers are released with the old format
  release_outputs();
  if (!attach_outputs()) return false;
  driver_.outputs_reallocated(id_);
  return true;
}

DecodeReport DecodeSession::run() {
  start_ = sc_core::sc_time_stamp();
  if (!setup()) return progress();
  misbehaviour_.after_setup(driver_, report_.raw_answers);
  for (;;) {
    // Whatever arrives from here on, even while this thread is busy charging a
    // submit or reading a frame, ends the wait below at once.
    const uint64_t activity_seen = driver_.activity_count();
    handle_answers();
    handle_events();
    if (report_.error_events > 0) break;
    if (drc_pending_ && !finish_drc()) break;
    feed_inputs();
    if (config_.stop_after_units && !report_.stopped && next_unit_ >= *config_.stop_after_units) {
      stop_and_seek();
      continue;
    }
    if (config_.reset_after_units && report_.resets == 0 && next_unit_ >= *config_.reset_after_units) {
      if (!reset_and_restart()) break;
      continue;
    }
    if (config_.destroy_after_units && next_unit_ >= *config_.destroy_after_units) {
      report_.destroyed_mid_stream = true;
      break;
    }
    const bool all_queued = next_unit_ == config_.units->size();
    const bool inputs_done =
        all_queued && std::none_of(input_busy_.begin(), input_busy_.end(), [](bool b) { return b; });
    if (inputs_done && !config_.drain_at_end) break;
    // End of stream: DRAIN right after the last unit is queued, as a driver does;
    // the answer comes once every earlier input is processed and its frames returned.
    if (all_queued && config_.drain_at_end && drain_ticket_ == 0) {
      report_.drain_sent = sc_core::sc_time_stamp();
      drain_ticket_ = driver_.submit(to_bytes(StreamCmd{CmdType::StreamDrain, id_}), 4);
      if (misbehaviour_.after_drain_submitted(driver_, id_)) break;
    }
    if (drain_ticket_ != 0 && driver_.answered(drain_ticket_)) {
      handle_answers();  // outputs answered together with the drain
      const auto drain = driver_.take_answer(drain_ticket_);
      report_.drained = ok(result_of(drain->response), "DRAIN");
      report_.drain_answered = drain->answered;
      // Every unit went in and the drain is done: a stream that gave no picture at all is broken.
      if (report_.drained && report_.frame_counts.taken == 0 && next_unit_ > 0)
        problems_.push_back(fmt::format("no picture came out of any of the {} units (see the device diagnostics)",
                                        next_unit_));
      break;
    }
    // Wake for the device, a held output coming free, or the next unit's feed time.
    std::optional<sc_core::sc_time> wake = requeue_held_outputs();
    if (next_unit_ < config_.units->size() && next_feed_time() > sc_core::sc_time_stamp())
      wake = wake ? std::min(*wake, next_feed_time()) : next_feed_time();
    if (wake) {
      driver_.wait_for_activity(activity_seen, *wake - sc_core::sc_time_stamp());
      continue;
    }
    if (config_.answer_timeout == sc_core::SC_ZERO_TIME) {
      driver_.wait_for_activity(activity_seen);
      continue;
    }
    if (!driver_.wait_for_activity(activity_seen, config_.answer_timeout)) {
      problems_.push_back(fmt::format("no answer from the device for {}", config_.answer_timeout.to_string()));
      break;
    }
  }
  // After an error event the stream is gone: DESTROY is still sent and must
  // come back INVALID_STREAM_ID (§Error Event), which is not a problem then.
  const Result destroyed = result_of(driver_.call(to_bytes(StreamCmd{CmdType::StreamDestroy, id_}), 4));
  report_.destroy_result = result_name(destroyed);
  report_.destroyed = destroyed == Result::Ok;
  if (!(report_.destroyed || (report_.error_events > 0 && destroyed == Result::ErrInvalidStreamId)))
    ok(destroyed, "DESTROY");
  misbehaviour_.after_destroy(driver_, id_, report_.raw_answers);
  handle_answers();
  for (const auto& refusal : awaiting_event_) problems_.push_back(refusal.second);  // no event came to explain them
  awaiting_event_.clear();
  return progress();
}

}  // namespace vvsim::virtio_video
