// A decoder stream's work: a bitstream input is read out of guest memory,
// decoded on a codec engine core and answered; its pictures go to queued
// outputs in order, after a DRC when the decoder found a new format.
#include <fmt/format.h>

#include "codec/checksum.h"
#include "models/protocols/v6/video_device.h"

namespace vvsim::virtio_video {

namespace {
bool holds_work(const codec::DecodeResult& flushed) {
  const codec::UnitWork& w = flushed.work;
  return !flushed.pictures.empty() || w.produces_picture || w.macroblocks != 0 || w.bitstream_bytes != 0;
}
}  // namespace

bool DecoderPipeline::process_input(const StreamRef& ref) {
  VideoStream* s = dev_.live(ref);
  const uint32_t input_id = s->work.front().resource_id;
  const Resource& in = s->input.resources[input_id];
  const uint64_t timestamp = in.cmd.timestamp;
  const uint64_t ticket = *s->work.front().decode_ticket;
  std::vector<uint8_t> data;
  dev_.read_backing(in.buffers[0], data, in.cmd.data_sizes[0]);
  if (!dev_.live(ref)) return false;
  codec::DecodeResult result;
  std::optional<OverlappedWrite> overlapped;
  const auto take_result = [&] {
    VideoStream* on_core = dev_.live(ref);  // a queued job may start after its stream is gone
    if (on_core && on_core->decoder) result = on_core->decoder->take(ticket);
    return result.work;
  };
  if (!decode_job(ref, result, take_result, overlapped)) return false;
  s = dev_.live(ref);
  check_unchanged(ref, timestamp, data);
  // The input is consumed: answer it before its pictures go out.
  const uint64_t about = result.about_timestamp.value_or(timestamp);
  report_unit(ref.id, about, result);
  const bool injected = dev_.faults_.host_failure_after(++s->inputs_consumed);
  dev_.answer_consumed(*s, input_id, timestamp);
  if (result.status == codec::UnitStatus::Unsupported) {
    dev_.fail_unrecoverable(ref, fmt::format("input ts {} refused: {}", about, result.message),
                            ErrorEventCode::ContentRefused);
    return false;
  }
  if (injected) {
    dev_.fail_unrecoverable(ref, "unrecoverable: injected host failure");
    return false;
  }
  return deliver(ref, result, std::move(overlapped));
}

bool DecoderPipeline::decode_job(const StreamRef& ref, codec::DecodeResult& result,
                                 const std::function<codec::UnitWork()>& work,
                                 std::optional<OverlappedWrite>& overlapped) {
  const VideoStream* s = dev_.live(ref);
  const std::string owner = s->owner_name;  // a copy: the job waits
  const auto job = dev_.engine_.run(models::JobKind::Decode, s->codec, work, owner,
                                    [&] { overlapped = start_overlapped_write(ref, result); });
  if (job.cancelled || !dev_.live(ref)) return false;
  mark_decode(ref.id, result, job);
  return true;
}

// The hardware writes a picture out while it decodes only into an output it
// already holds, and only once the guest knows the picture's format; a picture
// that does not fit the layout is flagged and a bounce copy is the CPU's work:
// those go after the job, as under after_decode.
std::optional<DecoderPipeline::OverlappedWrite> DecoderPipeline::start_overlapped_write(
    const StreamRef& ref, const codec::DecodeResult& result) {
  if (dev_.engine_.profile().output_write != models::OutputWrite::DuringDecode) return std::nullopt;
  const VideoStream* s = dev_.live(ref);
  if (!s || result.pictures.empty() || result.new_format || s->ready_outputs.empty() || s->output_blocked)
    return std::nullopt;
  const codec::Picture& picture = result.pictures.front();
  const uint32_t out_id = s->ready_outputs.front();
  if (!codec::check_picture_fits(picture, s->output_layout).ok() ||
      dev_.bounces_through_cpu(s->output.resources[out_id].buffers))
    return std::nullopt;
  OverlappedWrite write{out_id, picture_answer(picture), {}};
  dev_.mark(ref.id, picture.timestamp, DeviceStage::OutputWriteStarted);
  write.posted = dev_.transport_->post_writes([&] { write_planes(ref, picture, out_id, write.resp); });
  return write;
}

// The decoder had the input's bytes as it was queued; a guest that wrote into
// the buffer since (it is the device's until answered) hears of it.
void DecoderPipeline::check_unchanged(const StreamRef& ref, uint64_t timestamp, const std::vector<uint8_t>& read_now) {
  if (codec::xxh3_64(read_now.data(), read_now.size()) == dev_.live(ref)->work.front().queued_bytes_hash) return;
  dev_.diagnose(fmt::format("stream {}: input ts {} changed while queued; decoded as it was queued", ref.id, timestamp));
}

// What a decode result says of its unit when that is not just "decoded": corrupt,
// or consumed without a picture and why (e.g. waiting for a key frame).
void DecoderPipeline::report_unit(uint32_t id, uint64_t timestamp, const codec::DecodeResult& result) {
  if (result.status == codec::UnitStatus::Corrupt) {
    dev_.diagnose(fmt::format("stream {}: input ts {} corrupt: {}", id, timestamp, result.message));
  } else if (!result.message.empty() && result.status == codec::UnitStatus::Ok) {
    dev_.diagnose(fmt::format("stream {}: input ts {}: {}", id, timestamp, result.message));
  }
}

void DecoderPipeline::mark_decode(uint32_t id, const codec::DecodeResult& result,
                                  const models::CodecEngine::JobRecord& job) {
  for (const auto& p : result.pictures) {
    dev_.mark(id, p.timestamp, DeviceStage::DecodeStarted, job.started);
    dev_.mark(id, p.timestamp, DeviceStage::DecodeFinished, job.finished);
  }
}

bool DecoderPipeline::flush(const StreamRef& ref) {
  VideoStream* s = dev_.live(ref);
  // The flush is the host codec's call (no simulated time); the core is
  // charged only when the codec still held work: a decoder that emits every
  // picture as it decodes (VP8, VP9) drains for free.
  codec::DecodeResult result;
  if (const auto ticket = s->work.front().decode_ticket) result = s->decoder->take(*ticket);
  if (result.about_timestamp) report_unit(ref.id, *result.about_timestamp, result);  // the last access unit
  std::optional<OverlappedWrite> overlapped;
  if (holds_work(result) && !decode_job(ref, result, [&] { return result.work; }, overlapped)) return false;
  return deliver(ref, result, std::move(overlapped));
}

bool DecoderPipeline::deliver(const StreamRef& ref, const codec::DecodeResult& result,
                              std::optional<OverlappedWrite> overlapped) {
  if (result.new_format) start_drc(ref, *result.new_format);
  for (const auto& picture : result.pictures) {
    if (overlapped) {
      if (!finish_overlapped_write(ref, picture, *overlapped)) return false;
      overlapped.reset();
    } else if (!dev_.wait_for_output(ref) || !fill_output(ref, picture)) {
      return false;
    }
  }
  return dev_.live(ref) != nullptr;
}

// The job has ended; the picture is answered once its write has too.
bool DecoderPipeline::finish_overlapped_write(const StreamRef& ref, const codec::Picture& picture,
                                              const OverlappedWrite& write) {
  dev_.transport_->wait_posted(write.posted);
  if (!dev_.live(ref)) return false;
  dev_.mark(ref.id, picture.timestamp, DeviceStage::OutputWriteFinished);
  return return_picture(ref, picture, write.out_id, write.resp);
}

// Applies a format the decoder found; a DRC event when the outputs must change.
void DecoderPipeline::start_drc(const StreamRef& ref, const codec::StreamFormat& format) {
  VideoStream* s = dev_.live(ref);
  if (!s) return;
  s->size_from_bitstream = true;
  const auto& cur = s->output_layout;
  const bool same_size = format.coded_width == cur.coded_width && format.coded_height == cur.coded_height;
  const bool fits = format.coded_width <= cur.coded_width && format.coded_height <= cur.coded_height;
  if (same_size || (dev_.profile_.drc_only_when_outputs_too_small && fits)) {
    s->output_layout.crop = format.visible;
    return;
  }
  if (dev_.faults_.output_after_drc() && !s->ready_outputs.empty()) return late_output_after_drc(ref, format);
  // Every pre-change picture is already out (pictures are delivered in order).
  switch_output_format(*s, format);
  dev_.send_event(Event{EventType::Drc, ref.id, static_cast<uint32_t>(QueueType::Output)});
}

// The OutputAfterDrc fault: the event goes out first, then one old output is
// answered OK (with the last picture's timestamp), then the DRC proceeds.
void DecoderPipeline::late_output_after_drc(const StreamRef& ref, const codec::StreamFormat& format) {
  dev_.send_event(Event{EventType::Drc, ref.id, static_cast<uint32_t>(QueueType::Output)});
  sc_core::wait(dev_.engine_.cycles_to_time(dev_.profile_.firmware_cycles_per_command));  // the event reaches the eventq
  VideoStream* s = dev_.live(ref);
  if (!s || s->ready_outputs.empty()) return;
  ResourceQueueResp resp;
  resp.timestamp = s->last_output_timestamp;
  dev_.return_output(ref, s->ready_outputs.front(), resp);
  if (!(s = dev_.live(ref))) return;
  switch_output_format(*s, format);
}

// Outputs still queued are stopped by the stream event (CANCELED), every
// output backing is detached and the OUTPUT queue takes the new format. The
// cancellations go out once the stream's state is changed.
void DecoderPipeline::switch_output_format(VideoStream& s, const codec::StreamFormat& format) {
  Answers canceled;
  dev_.withdraw_outputs(s, canceled);
  s.output.detach_all();
  s.output.params_changeable = true;
  s.awaiting_reattach = true;
  s.output_blocked = dev_.route_ && dev_.route_->drc_blocks_output();
  s.output_layout = codec::default_layout(s.output_layout.format, format.coded_width, format.coded_height,
                                          dev_.profile_.stride_alignment, format.visible)
                        .value();
  dev_.send(canceled);
}

bool DecoderPipeline::fill_output(const StreamRef& ref, const codec::Picture& picture) {
  const uint32_t out_id = dev_.live(ref)->ready_outputs.front();
  ResourceQueueResp resp = picture_answer(picture);
  if (!write_picture(ref, picture, out_id, resp)) return false;
  return return_picture(ref, picture, out_id, resp);
}

ResourceQueueResp DecoderPipeline::picture_answer(const codec::Picture& picture) {
  ResourceQueueResp resp;
  resp.timestamp = dev_.faults_.output_timestamp(picture.timestamp);
  resp.flags = picture.corrupt ? kDequeueFlagErr : 0;
  return resp;
}

bool DecoderPipeline::return_picture(const StreamRef& ref, const codec::Picture& picture, uint32_t out_id,
                                     const ResourceQueueResp& resp) {
  VideoStream* s = dev_.live(ref);
  if (!s) return false;
  s->last_output_timestamp = picture.timestamp;
  dev_.return_output(ref, out_id, resp);
  dev_.mark(ref.id, picture.timestamp, DeviceStage::OutputReturned);
  return true;
}

// The picture into output `out_id`, waiting for its bus time; false when the
// stream went away meanwhile.
bool DecoderPipeline::write_picture(const StreamRef& ref, const codec::Picture& picture, uint32_t out_id,
                                    ResourceQueueResp& resp) {
  const auto status = codec::check_picture_fits(picture, dev_.live(ref)->output_layout);
  if (!status.ok()) {
    // A picture that does not match the layout (decoder/format mismatch) is
    // returned flagged rather than dropped.
    dev_.diagnose(fmt::format("stream {}: picture ts {} not written: {}", ref.id, picture.timestamp, status.error().message));
    resp.flags |= kDequeueFlagErr;
    return true;
  }
  dev_.mark(ref.id, picture.timestamp, DeviceStage::OutputWriteStarted);
  if (!write_planes(ref, picture, out_id, resp)) return false;
  dev_.mark(ref.id, picture.timestamp, DeviceStage::OutputWriteFinished);
  return true;
}

// The picture's planes into output `out_id`, in the stream's output layout
// (it fits); false when the stream went away meanwhile, which a posted write
// never sees: nothing waits while it is issued.
bool DecoderPipeline::write_planes(const StreamRef& ref, const codec::Picture& picture, uint32_t out_id,
                                   ResourceQueueResp& resp) {
  const VideoStream* s = dev_.live(ref);
  const std::vector<std::vector<SgEntry>> buffers = s->output.resources[out_id].buffers;
  const codec::ImageLayout layout = s->output_layout;  // copies: both may change while the pixels cross the bus
  for (size_t i = 0; i < layout.buffer_sizes.size(); ++i) {
    const auto size = static_cast<uint32_t>(layout.buffer_sizes[i]);
    // The decoder's planes go straight into guest memory in the output layout.
    const auto fill = [&, i](uint64_t at, uint8_t* dst, uint64_t n) {
      codec::write_layout_range(picture, layout, static_cast<uint32_t>(i), at, dst, n);
    };
    // A timing-only decoder's pictures have no pixels to move.
    dev_.write_backing(buffers[i], size, picture.has_pixels ? DeviceTransport::Fill(fill) : DeviceTransport::Fill());
    if (!dev_.live(ref)) return false;
    resp.data_sizes[i] = size;
  }
  return true;
}

}  // namespace vvsim::virtio_video
