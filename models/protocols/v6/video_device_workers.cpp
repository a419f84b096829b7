// The video device's stream workers: one SystemC thread per stream slot
// decodes (or encodes) the stream's queued inputs on the codec engine and
// fills its outputs. Every DMA, engine job and answer waits, and the command
// loop may destroy, stop or fail the stream meanwhile: a worker carries a
// StreamRef (ids and values) across each wait and looks the stream up again
// after it; it never holds a reference into device state across a wait.
#include <algorithm>

#include <fmt/format.h>

#include "models/protocols/v6/video_device.h"

namespace vvsim::virtio_video {

using sc_core::sc_time;
using sc_core::sc_time_stamp;

VideoStream* VideoDevice::stream_in_slot(uint32_t slot) {
  const uint32_t id = slot_stream_[slot];
  auto it = id ? streams_.find(id) : streams_.end();
  return it == streams_.end() ? nullptr : it->second.get();
}

VideoStream* VideoDevice::live(const StreamRef& ref) {
  VideoStream* s = stream_in_slot(ref.slot);
  return s && s->id == ref.id && s->generation == ref.generation ? s : nullptr;
}

void VideoDevice::stream_worker(uint32_t slot) {
  std::optional<sc_time> idle_since;  // waiting for input on a live stream
  for (;;) {
    VideoStream* s = stream_in_slot(slot);
    if (!s || s->work.empty()) {
      if (!s) idle_since.reset();
      else if (!idle_since) idle_since = sc_time_stamp();
      sc_core::wait(*slot_wake_[slot]);
      continue;
    }
    if (idle_since) {
      ++stats_.input_waits;
      stats_.input_wait_time += sc_time_stamp() - *idle_since;
      idle_since.reset();
    }
    const StreamRef ref = ref_of(*s);
    if (s->work.front().is_drain) {
      run_drain(ref);
    } else if (is_encoder()) {
      encode_unit(ref);
    } else {
      decode_unit(ref);
    }
  }
}

// Decodes the input at the front of the work list. Returns false when a
// STOP/DESTROY/error overtook it (its results are dropped).
bool VideoDevice::decode_unit(const StreamRef& ref) {
  VideoStream* s = live(ref);
  const uint32_t input_id = s->work.front().resource_id;
  const Resource& in = s->input.resources[input_id];
  const uint64_t timestamp = in.cmd.timestamp;
  std::vector<uint8_t> data;
  read_backing(in.buffers[0], data, in.cmd.data_sizes[0]);
  if (!(s = live(ref))) return false;
  if (!s->decoder) {
    s->decoder = decoders_(s->codec);
    s->decoder->limit_picture_size({profile_.max_width, profile_.max_height});
  }
  codec::DecodeResult result;
  auto job = engine_.run(
      models::JobKind::Decode, s->codec,
      [&] {
        VideoStream* on_core = live(ref);  // a queued job may start after its stream is gone
        if (on_core && on_core->decoder) result = on_core->decoder->decode(data.data(), data.size(), timestamp);
        return result.work;
      },
      s->owner_name);
  if (job.cancelled || !(s = live(ref))) return false;
  mark_decode(ref.id, result, job);
  // The input is consumed: answer it before its pictures go out.
  s->work.pop_front();
  Resource& consumed = s->input.resources[input_id];
  consumed.queued = false;
  const CommandId command = consumed.command;
  ResourceQueueResp resp;
  resp.timestamp = timestamp;
  const uint64_t about = result.about_timestamp.value_or(timestamp);
  diagnose_unit(ref.id, result, about);
  ++stats_.inputs_consumed;
  const bool injected = ++s->inputs_consumed == profile_.inject_error_after_units;
  answer_queue(command, resp);
  if (result.status == codec::UnitStatus::Unsupported || injected) {
    const bool refused = result.status == codec::UnitStatus::Unsupported;
    diagnose(refused ? fmt::format("stream {}: input ts {} refused: {}", ref.id, about, result.message)
                     : fmt::format("stream {}: unrecoverable: injected host failure", ref.id));
    if (streams_.count(ref.id)) fail_stream(ref.id, refused ? ErrorEventCode::ContentRefused : ErrorEventCode::HostFailure);
    return false;
  }
  return deliver(ref, result);
}

// What a decode result says of its unit when that is not just "decoded": corrupt, or consumed without a picture and why.
void VideoDevice::diagnose_unit(uint32_t id, const codec::DecodeResult& result, uint64_t timestamp) {
  if (result.status == codec::UnitStatus::Corrupt) {
    diagnose(fmt::format("stream {}: input ts {} corrupt: {}", id, timestamp, result.message));
  } else if (!result.message.empty() && result.status == codec::UnitStatus::Ok) {
    diagnose(fmt::format("stream {}: input ts {}: {}", id, timestamp, result.message));
  }
}

void VideoDevice::mark_decode(uint32_t id, const codec::DecodeResult& result, const models::CodecEngine::JobRecord& job) {
  for (const auto& p : result.pictures) {
    mark(id, p.timestamp, DeviceStage::DecodeStarted, job.started);
    mark(id, p.timestamp, DeviceStage::DecodeFinished, job.finished);
  }
}

// The end-of-stream drain: the codec's held pictures (or units) go out, then the DRAIN is answered.
bool VideoDevice::run_drain(const StreamRef& ref) {
  if (!(is_encoder() ? flush_encoder(ref) : flush_decoder(ref))) return false;
  VideoStream* s = live(ref);
  if (!s) return false;
  const CommandId command = s->work.front().drain_command;
  s->work.pop_front();
  s->drain_pending = false;
  answer_result(command, Result::Ok);
  return true;
}

namespace {
bool holds_work(const codec::DecodeResult& flushed) {
  const codec::UnitWork& w = flushed.work;
  return !flushed.pictures.empty() || w.produces_picture || w.macroblocks != 0 || w.bitstream_bytes != 0;
}
}  // namespace

bool VideoDevice::flush_decoder(const StreamRef& ref) {
  VideoStream* s = live(ref);
  // The flush is the host codec's call (no simulated time); the core is
  // charged only when the codec still held work: a decoder that emits every
  // picture as it decodes (VP8, VP9) drains for free.
  codec::DecodeResult result;
  if (s->decoder) result = s->decoder->flush();
  if (result.about_timestamp) diagnose_unit(ref.id, result, *result.about_timestamp);  // the last access unit
  if (holds_work(result)) {
    auto job = engine_.run(models::JobKind::Decode, s->codec, [&] { return result.work; }, s->owner_name);
    if (job.cancelled || !live(ref)) return false;
    mark_decode(ref.id, result, job);
  }
  return deliver(ref, result);
}

bool VideoDevice::flush_encoder(const StreamRef& ref) {
  VideoStream* s = live(ref);
  if (!s->encoder) return true;
  std::vector<codec::EncodedUnit> units;
  auto job = engine_.run(
      models::JobKind::Encode, s->codec,
      [&] {
        VideoStream* on_core = live(ref);
        if (on_core && on_core->encoder) units = on_core->encoder->flush().units;
        return units.empty() ? codec::UnitWork{} : units.front().work;
      },
      s->owner_name);
  return !job.cancelled && live(ref) && deliver_units(ref, units);
}

// Waits until the stream has a queued output; false when the stream went away.
bool VideoDevice::wait_for_output(const StreamRef& ref) {
  const sc_time start = sc_time_stamp();
  bool stalled = false;
  for (;;) {
    VideoStream* s = live(ref);
    if (!s) return false;
    if (!s->ready_outputs.empty()) break;
    stalled = true;
    sc_core::wait(*slot_wake_[ref.slot]);
  }
  if (stalled) {
    ++stats_.output_stalls;
    stats_.output_stall_time += sc_time_stamp() - start;
  }
  return true;
}

// Sends the pictures of one decode result to output resources, in order,
// starting with a DRC if the format changed. Waits for outputs as needed.
bool VideoDevice::deliver(const StreamRef& ref, const codec::DecodeResult& result) {
  if (result.new_format) start_drc(ref, *result.new_format);
  for (const auto& picture : result.pictures) {
    if (!wait_for_output(ref) || !fill_output(ref, picture)) return false;
  }
  return live(ref) != nullptr;
}

// Applies a format the decoder found; a DRC event when the outputs must change.
void VideoDevice::start_drc(const StreamRef& ref, const codec::StreamFormat& format) {
  VideoStream* s = live(ref);
  if (!s) return;
  s->size_from_bitstream = true;
  const auto& cur = s->output_layout;
  const bool same_size = format.coded_width == cur.coded_width && format.coded_height == cur.coded_height;
  const bool fits = format.coded_width <= cur.coded_width && format.coded_height <= cur.coded_height;
  if (same_size || (profile_.drc_only_when_outputs_too_small && fits)) {
    s->output_layout.crop = format.visible;
    return;
  }
  if (fault(DeviceFault::OutputAfterDrc) && !s->ready_outputs.empty()) return late_output_after_drc(ref, format);
  // Every pre-change picture is already out (pictures are delivered in order).
  Answers canceled;
  switch_output_format(*s, format, canceled);
  send(canceled);
  send_event(Event{EventType::Drc, ref.id, static_cast<uint32_t>(QueueType::Output)});
}

// The OutputAfterDrc fault: the event goes out first, then one old output is
// answered OK (with the last picture's timestamp), then the DRC proceeds.
void VideoDevice::late_output_after_drc(const StreamRef& ref, const codec::StreamFormat& format) {
  send_event(Event{EventType::Drc, ref.id, static_cast<uint32_t>(QueueType::Output)});
  sc_core::wait(engine_.cycles_to_time(profile_.firmware_cycles_per_command));  // the event reaches the eventq
  VideoStream* s = live(ref);
  if (!s || s->ready_outputs.empty()) return;
  ResourceQueueResp resp;
  resp.timestamp = s->last_output_timestamp;
  return_output(ref, s->ready_outputs.front(), resp);
  if (!(s = live(ref))) return;
  Answers canceled;
  switch_output_format(*s, format, canceled);
  send(canceled);
}

// Outputs still queued are stopped by the stream event (CANCELED), every
// output backing is detached and the OUTPUT queue takes the new format.
void VideoDevice::switch_output_format(VideoStream& s, const codec::StreamFormat& format, Answers& canceled) {
  withdraw_outputs(s, canceled);
  s.output.detach_all();
  s.output.params_changeable = true;
  s.awaiting_reattach = true;
  s.output_layout = *codec::default_layout(s.output_layout.format, format.coded_width, format.coded_height,
                                           profile_.stride_alignment, format.visible)
                         .layout;
}

bool VideoDevice::fill_output(const StreamRef& ref, const codec::Picture& picture) {
  VideoStream* s = live(ref);
  const uint32_t out_id = s->ready_outputs.front();
  const std::vector<std::vector<SgEntry>> buffers = s->output.resources[out_id].buffers;
  const codec::ImageLayout layout = s->output_layout;  // copies: both may change while the pixels cross the bus
  const bool pixels = picture.has_pixels;  // a timing-only decoder's pictures have none to move
  const auto status = codec::check_picture_fits(picture, layout);
  ResourceQueueResp resp;
  resp.timestamp = picture.timestamp + (fault(DeviceFault::WrongOutputTimestamp) ? kFaultTimestampShift : 0);
  resp.flags = picture.corrupt ? kDequeueFlagErr : 0;
  if (!status.ok()) {
    // A picture that does not match the layout (decoder/format mismatch) is
    // returned flagged rather than dropped.
    diagnose(fmt::format("stream {}: picture ts {} not written: {}", ref.id, picture.timestamp, status.error));
    resp.flags |= kDequeueFlagErr;
  } else {
    mark(ref.id, picture.timestamp, DeviceStage::OutputWriteStarted);
    for (size_t i = 0; i < layout.buffer_sizes.size(); ++i) {
      const auto size = static_cast<uint32_t>(layout.buffer_sizes[i]);
      // The decoder's planes go straight into guest memory in the output layout.
      const auto fill = [&, i](uint64_t at, uint8_t* dst, uint64_t n) {
        codec::write_layout_range(picture, layout, static_cast<uint32_t>(i), at, dst, n);
      };
      write_backing(buffers[i], size, pixels ? DeviceTransport::Fill(fill) : DeviceTransport::Fill());
      if (!live(ref)) return false;
      resp.data_sizes[i] = size;
    }
    mark(ref.id, picture.timestamp, DeviceStage::OutputWriteFinished);
  }
  if (!(s = live(ref))) return false;
  s->last_output_timestamp = picture.timestamp;
  return_output(ref, out_id, resp);
  mark(ref.id, picture.timestamp, DeviceStage::OutputReturned);
  return true;
}

void VideoDevice::return_output(const StreamRef& ref, uint32_t out_id, const ResourceQueueResp& resp) {
  VideoStream* s = live(ref);
  const auto it = s ? std::find(s->ready_outputs.begin(), s->ready_outputs.end(), out_id) : std::deque<uint32_t>::iterator{};
  if (!s || it == s->ready_outputs.end()) {
    diagnose(fmt::format("stream {}: output {} was canceled while being filled; picture ts {} dropped", ref.id,
                         out_id, resp.timestamp));
    return;
  }
  s->ready_outputs.erase(it);
  Resource& r = s->output.resources[out_id];
  r.queued = false;
  ++stats_.outputs_filled;
  answer_queue(r.command, resp);
}

// ---------------------------------------------------------------- encoding

bool VideoDevice::ensure_encoder(VideoStream& s) {
  if (s.encoder) return true;
  if (!encoders_) return false;
  codec::EncoderConfig config;
  config.codec = s.codec;
  config.width = s.output_layout.crop.width;
  config.height = s.output_layout.crop.height;
  config.bitrate_bps = s.bitrate.bitrate;
  s.encoder = encoders_(config);
  s.encoder_bitrate = s.bitrate.bitrate;
  return s.encoder != nullptr;
}

// Encodes the frame at the front of the work list: reads the image out of
// guest memory, runs the encoder on a core, answers the input, then hands
// each produced unit (one frame, or one NAL for H.264) to an output resource.
bool VideoDevice::encode_unit(const StreamRef& ref) {
  VideoStream* s = live(ref);
  const uint32_t input_id = s->work.front().resource_id;
  const std::vector<std::vector<SgEntry>> buffers = s->input.resources[input_id].buffers;
  const ResourceQueueCmd queued = s->input.resources[input_id].cmd;
  const codec::ImageLayout layout = s->output_layout;
  std::vector<std::vector<uint8_t>> images(buffers.size());
  std::vector<codec::ConstByteSpan> spans;
  for (size_t i = 0; i < buffers.size(); ++i) {
    read_backing(buffers[i], images[i], layout.buffer_sizes.at(i));
    if (!live(ref)) return false;
    spans.emplace_back(images[i].data(), images[i].size());
  }
  s = live(ref);
  auto picture = codec::read_picture(layout, spans);
  if (picture.picture) picture.picture->timestamp = queued.timestamp;
  const bool force_key = queued.flags & kEnqueueFlagForceKeyFrame;
  codec::EncodeResult encoded;
  if (!picture.picture || !ensure_encoder(*s)) {
    encoded.status = codec::UnitStatus::Unsupported;
    encoded.message = picture.picture ? "no encoder for this stream's settings" : picture.error;
  } else {
    if (s->encoder_bitrate != s->bitrate.bitrate) {  // SET_PARAM(BITRATE) while streaming
      s->encoder->set_bitrate(s->bitrate.bitrate);
      s->encoder_bitrate = s->bitrate.bitrate;
    }
    const codec::Picture& frame = *picture.picture;
    auto job = engine_.run(
        models::JobKind::Encode, s->codec,
        [&] {
          VideoStream* on_core = live(ref);
          if (on_core && on_core->encoder) encoded = on_core->encoder->encode(frame, force_key);
          return codec::encoded_frame_work(encoded);
        },
        s->owner_name);
    if (job.cancelled || !(s = live(ref))) return false;
    mark(ref.id, queued.timestamp, DeviceStage::DecodeStarted, job.started);  // the frame's encode job
    mark(ref.id, queued.timestamp, DeviceStage::DecodeFinished, job.finished);
  }
  s->work.pop_front();
  Resource& in = s->input.resources[input_id];
  in.queued = false;
  ResourceQueueResp resp;
  resp.timestamp = queued.timestamp;
  ++stats_.inputs_consumed;
  answer_queue(in.command, resp);
  if (encoded.status != codec::UnitStatus::Ok) {
    diagnose(fmt::format("stream {}: unrecoverable encode failure: {}", ref.id, encoded.message));
    if (streams_.count(ref.id)) fail_stream(ref.id);
    return false;
  }
  return deliver_units(ref, encoded.units);
}

bool VideoDevice::deliver_units(const StreamRef& ref, const std::vector<codec::EncodedUnit>& units) {
  for (const auto& unit : units) {
    if (!wait_for_output(ref) || !fill_bitstream_output(ref, unit)) return false;
  }
  return true;
}

bool VideoDevice::fill_bitstream_output(const StreamRef& ref, const codec::EncodedUnit& unit) {
  VideoStream* s = live(ref);
  const uint32_t out_id = s->ready_outputs.front();
  const std::vector<SgEntry> segments = s->output.resources[out_id].buffers[0];
  ResourceQueueResp resp;
  resp.timestamp = unit.timestamp;
  switch (unit.frame_type) {
    case codec::FrameType::Key: resp.flags = kDequeueFlagKeyFrame; break;
    case codec::FrameType::Inter: resp.flags = kDequeueFlagPFrame; break;
    case codec::FrameType::BiPredicted: resp.flags = kDequeueFlagBFrame; break;
    case codec::FrameType::Unknown: break;
  }
  if (fault(DeviceFault::NoEncoderFrameFlag)) resp.flags = 0;
  if (unit.data.size() > total_length(segments)) {
    // Never written past the buffer: the unit is reported, flagged, not dropped silently.
    diagnose(fmt::format("stream {}: encoded unit of {} bytes does not fit output {} ({} bytes)", ref.id,
                         unit.data.size(), out_id, total_length(segments)));
    resp.flags |= kDequeueFlagErr;
  } else {
    mark(ref.id, unit.timestamp, DeviceStage::OutputWriteStarted);
    write_backing(segments, static_cast<uint32_t>(unit.data.size()), [&](uint64_t at, uint8_t* dst, uint64_t n) {
      std::copy_n(unit.data.data() + at, n, dst);
    });
    if (!live(ref)) return false;
    mark(ref.id, unit.timestamp, DeviceStage::OutputWriteFinished);
    resp.data_sizes[0] = static_cast<uint32_t>(unit.data.size());
  }
  return_output(ref, out_id, resp);
  mark(ref.id, unit.timestamp, DeviceStage::OutputReturned);
  return true;
}

}  // namespace vvsim::virtio_video
