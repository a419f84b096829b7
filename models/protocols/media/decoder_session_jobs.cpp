// The decoder session's work: OUTPUT buffers to decode, pictures and LAST
// buffers for CAPTURE, the drain's flush, and the events each raises
// (dev-decoder.rst: Decoding, Dynamic Resolution Change, Drain).
#include <algorithm>

#include "models/protocols/media/decoder_session.h"
#include "models/protocols/media/media_device_profile_fields.h"
#include "models/protocols/media/v4l2_constants.h"

namespace vvsim::virtio_media {

using v4l2::micros_of;

void DecoderSession::apply_format(const codec::StreamFormat& f) {
  capture_fmt_ = capture_layout(f.coded_width, f.coded_height);
  visible_ = f.visible;
  controls_.update(v4l2::kCidMinBuffersForCapture, int32_t(std::max<uint32_t>(1, f.min_output_buffers)));
  raise_event(v4l2::kEventSourceChange, v4l2::kEventSrcChResolution);
}

std::optional<OutputJob> DecoderSession::take_output_job() {
  if (error_ || !output_.streaming || (output_stopped_ && !decode_after_drain_) || output_.ready.empty()) return std::nullopt;
  // One decoded picture ahead of the CAPTURE queue at most: decoding waits for frame buffers.
  const bool picture_waiting = std::any_of(pending_.begin(), pending_.end(), [](const Pending& p) { return !p.last; });
  if (picture_waiting) return std::nullopt;
  const uint32_t index = output_.ready.front();
  MediaBuffer& b = output_.buffers[index];
  if (drain_until_ && b.queued_seq > *drain_until_) return std::nullopt;  // queued after STOP: waits (Drain 3)
  output_.ready.pop_front();
  return OutputJob{index, output_.generation, b.ranges, b.queued_as.bytesused, micros_of(b.queued_as.timestamp)};
}

codec::DecodeResult DecoderSession::decode(const OutputJob& job, const std::vector<uint8_t>& data) {
  if (!decoder_) {
    decoder_ = decoders_(codec_);
    decoder_->limit_picture_size(decoded_picture_limit(profile_, codec_));
  }
  return decoder_->decode(data.data(), data.size(), job.timestamp_us);
}

bool DecoderSession::output_done(const OutputJob& job, codec::DecodeResult result) {
  if (job.generation != output_.generation) return false;  // STREAMOFF returned the buffer meanwhile (a seek)
  output_.buffers[job.index].queued = false;
  const bool failed = result.status != codec::UnitStatus::Ok;
  dequeue_event(output_, job.index, job.bytes, failed ? v4l2::kBufFlagError : 0, job.timestamp_us);
  if (result.status == codec::UnitStatus::Unsupported || ++units_decoded_ == profile_.inject_error_after_units) {
    // Decoding: fatal -> EIO (the injected fault too); content the device
    // cannot carry -> EOPNOTSUPP, so the client can say why (docs/spec-notes.md).
    fail(result.status == codec::UnitStatus::Unsupported ? v4l2::kEopnotsupp : v4l2::kEio);
    return false;
  }
  if (result.new_format) {
    const bool capture_in_use = header_seen_ && !capture_.buffers.empty();
    if (capture_in_use) {  // a DRC: the change takes effect once the earlier pictures are out
      Pending change;
      change.new_format = *result.new_format;
      change.last = profile_.drc_emits_last;
      pending_.push_back(std::move(change));
    } else {
      apply_format(*result.new_format);
    }
    header_seen_ = true;
  }
  for (auto& picture : result.pictures) {
    Pending p;
    p.picture = std::move(picture);
    pending_.push_back(std::move(p));
  }
  return true;
}

bool DecoderSession::take_drain_flush() {
  if (!drain_until_ || drain_flushed_ || error_) return false;
  const bool earlier_left = std::any_of(output_.ready.begin(), output_.ready.end(),
                                        [&](uint32_t i) { return output_.buffers[i].queued_seq <= *drain_until_; });
  if (earlier_left) return false;
  drain_flushed_ = true;
  return true;
}

void DecoderSession::flush_done(codec::DecodeResult result) {
  if (!drain_until_) return;  // aborted by a STREAMOFF meanwhile
  for (auto& picture : result.pictures) {
    Pending p;
    p.picture = std::move(picture);
    pending_.push_back(std::move(p));
  }
  Pending end;
  end.last = end.eos = true;
  pending_.push_back(std::move(end));
}

codec::DecodeResult DecoderSession::flush() {
  return decoder_ ? decoder_->flush() : codec::DecodeResult{};
}

std::optional<CaptureJob> DecoderSession::take_capture_job() {
  while (!pending_.empty() && !error_) {
    Pending& p = pending_.front();
    if (p.new_format && !p.announced) {  // every pre-change picture is out: the queries now show the new stream
      apply_format(*p.new_format);
      p.announced = true;
    }
    if (!p.picture && !p.last) {  // a DRC without LAST (drc_emits_last: false)
      pending_.pop_front();
      continue;
    }
    if (!capture_.streaming || capture_stopped_ || capture_.ready.empty()) return std::nullopt;
    CaptureJob job = next_capture_buffer();
    job.ends_drain = p.eos;
    if (p.picture) job.picture = std::move(*p.picture);
    pending_.pop_front();
    return job;
  }
  return std::nullopt;
}

std::optional<CaptureJob> DecoderSession::take_capture_now(codec::Picture& picture) {
  if (!pending_.empty() || error_ || !capture_.streaming || capture_stopped_ || capture_.ready.empty()) return std::nullopt;
  CaptureJob job = next_capture_buffer();
  job.picture = std::move(picture);
  return job;
}

void DecoderSession::give_back(const CaptureJob& job) {
  if (job.generation == capture_.generation) capture_.ready.push_front(job.index);
}

CaptureJob DecoderSession::next_capture_buffer() {
  CaptureJob job;
  job.index = capture_.ready.front();
  capture_.ready.pop_front();
  const MediaBuffer& b = capture_.buffers[job.index];
  job.generation = capture_.generation, job.ranges = b.ranges, job.length = b.length, job.format = capture_fmt_;
  return job;
}

void DecoderSession::capture_done(const CaptureJob& job) {
  if (job.generation != capture_.generation) return;  // STREAMOFF(CAPTURE) returned it meanwhile
  capture_.buffers[job.index].queued = false;
  if (!job.picture) {
    dequeue_event(capture_, job.index, 0, v4l2::kBufFlagLast, micros_of(capture_.buffers[job.index].queued_as.timestamp));
    capture_stopped_ = true;  // until DEC_CMD_START or a CAPTURE restart (DRC, Drain)
    if (job.ends_drain) {
      drain_until_.reset();
      output_stopped_ = true;
      raise_event(v4l2::kEventEos, 0);
    }
    return;
  }
  const uint32_t size = job.format.planes[0].sizeimage;
  const bool fits = size <= job.length && job.picture->width <= job.format.width && job.picture->height <= job.format.height;
  const uint32_t flags = (job.picture->corrupt || !fits ? v4l2::kBufFlagError : 0);
  dequeue_event(capture_, job.index, fits ? size : 0, flags, job.picture->timestamp);
}

}  // namespace vvsim::virtio_media
