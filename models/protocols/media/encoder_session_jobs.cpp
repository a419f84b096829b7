// The encoder session's work: raw OUTPUT frames to encode, coded frames and
// the drain's LAST for CAPTURE, and the events each raises (dev-encoder.rst:
// Encoding, Drain).
#include <algorithm>

#include "models/protocols/media/encoder_session.h"
#include "models/protocols/media/v4l2_constants.h"

namespace vvsim::virtio_media {

using v4l2::micros_of;

namespace {

uint32_t frame_type_flag(codec::FrameType type) {
  switch (type) {
    case codec::FrameType::Key: return v4l2::kBufFlagKeyframe;
    case codec::FrameType::Inter: return v4l2::kBufFlagPframe;
    case codec::FrameType::BiPredicted: return v4l2::kBufFlagBframe;
    case codec::FrameType::Unknown: break;
  }
  return 0;
}

}  // namespace

codec::EncoderConfig EncoderSession::encoder_config() const {
  codec::EncoderConfig c;
  c.codec = codec_;
  c.width = raw_fmt_.width, c.height = raw_fmt_.height;
  c.bitrate_bps = bitrate_bps_;
  c.framerate = framerate_;
  c.keyframe_interval = gop_size_;
  return c;
}

// Initialization 8: encoding starts once both queues stream. One coded frame
// waits for a CAPTURE buffer at most: encoding waits for buffers to put it in.
std::optional<RawFrameJob> EncoderSession::take_raw_job() {
  if (error_ || !output_.streaming || !capture_takes_frames() || output_stopped_ || output_.ready.empty()) return std::nullopt;
  if (!pending_.empty()) return std::nullopt;
  const uint32_t index = output_.ready.front();
  const MediaBuffer& b = output_.buffers[index];
  if (drain_until_ && b.queued_seq > *drain_until_) return std::nullopt;  // queued after STOP: waits (Drain 3)
  output_.ready.pop_front();
  const bool forced = forced_seqs_.erase(b.queued_seq) > 0;
  return RawFrameJob{index, output_.generation, b.ranges, raw_fmt_.planes[0].sizeimage, micros_of(b.queued_as.timestamp),
                     forced, capture_.generation};
}

codec::EncodeResult EncoderSession::encode(const RawFrameJob& job, const std::vector<uint8_t>& image) {
  if (!encoder_) {
    auto made = encoders_(encoder_config());
    if (!made) {
      codec::EncodeResult refused;
      refused.status = codec::UnitStatus::Unsupported;
      refused.message = made.error().message;
      return refused;
    }
    encoder_ = std::move(made).value();
    encoder_bitrate_ = bitrate_bps_;
  }
  if (encoder_bitrate_ != bitrate_bps_) encoder_->set_bitrate(bitrate_bps_), encoder_bitrate_ = bitrate_bps_;
  const size_t luma = size_t{raw_fmt_.width} * raw_fmt_.height;
  const size_t chroma = size_t{(raw_fmt_.width + 1) / 2} * ((raw_fmt_.height + 1) / 2);
  if (image.size() < luma + 2 * chroma) {  // the device reads the whole image; a short one is a model error
    codec::EncodeResult short_image;
    short_image.status = codec::UnitStatus::Corrupt;
    short_image.message = "raw frame shorter than the OUTPUT format's image";
    return short_image;
  }
  codec::Picture picture;
  picture.width = raw_fmt_.width, picture.height = raw_fmt_.height;
  picture.timestamp = job.timestamp_us;
  picture.y.assign(image.begin(), image.begin() + long(luma));
  picture.u.assign(image.begin() + long(luma), image.begin() + long(luma + chroma));
  picture.v.assign(image.begin() + long(luma + chroma), image.begin() + long(luma + 2 * chroma));
  return encoder_->encode(picture, job.force_key_frame);
}

// The units of one encode call go into one CAPTURE buffer (V4L2: a buffer per
// coded frame), flagged with the type of the unit that codes the picture.
void EncoderSession::pend_units(std::vector<codec::EncodedUnit> units) {
  if (units.empty()) return;
  Pending p;
  p.timestamp_us = units.front().timestamp;
  for (const auto& u : units) {
    p.data.insert(p.data.end(), u.data.begin(), u.data.end());
    if (!p.flags) p.flags = frame_type_flag(u.frame_type);
  }
  pending_.push_back(std::move(p));
}

void EncoderSession::raw_done(const RawFrameJob& job, codec::EncodeResult result) {
  if (job.generation != output_.generation) return;  // STREAMOFF(OUTPUT) returned the buffer meanwhile
  output_.buffers[job.index].queued = false;
  const bool failed = result.status != codec::UnitStatus::Ok;
  dequeue_event(output_, job.index, job.bytes, failed ? v4l2::kBufFlagError : 0, job.timestamp_us);
  if (failed) return fail(v4l2::kEio);  // the encoder refused its configuration or the frame
  // A frame encoded for the CAPTURE stream before a restart belongs to no stream now (Reset 3).
  if (capture_takes_frames() && job.capture_generation == capture_.generation) pend_units(std::move(result.units));
}

bool EncoderSession::take_drain_flush() {
  if (!drain_until_ || drain_flushed_ || error_ || !pending_.empty()) return false;
  if (qbuf_seq_ < *drain_until_) return false;  // fault drain_waits_for_output: its extra buffer is still to come
  const bool earlier_left = std::any_of(output_.ready.begin(), output_.ready.end(),
                                        [&](uint32_t i) { return output_.buffers[i].queued_seq <= *drain_until_; });
  if (earlier_left) return false;
  drain_flushed_ = true;
  return true;
}

codec::EncodeResult EncoderSession::flush() { return encoder_ ? encoder_->flush() : codec::EncodeResult{}; }

void EncoderSession::flush_done(codec::EncodeResult result) {
  if (!drain_until_) return;  // aborted by STREAMOFF(CAPTURE) meanwhile
  pend_units(std::move(result.units));
  Pending end;
  end.last = true;
  pending_.push_back(std::move(end));
}

std::optional<CodedFrameJob> EncoderSession::take_coded_job() {
  if (pending_.empty() || error_ || !capture_takes_frames() || capture_stopped_ || capture_.ready.empty()) return std::nullopt;
  Pending& p = pending_.front();
  const uint32_t index = capture_.ready.front();
  capture_.ready.pop_front();
  const MediaBuffer& b = capture_.buffers[index];
  CodedFrameJob job;
  job.index = index, job.generation = capture_.generation, job.ranges = b.ranges, job.length = b.length;
  job.data = std::move(p.data), job.flags = p.flags | (p.last ? v4l2::kBufFlagLast : 0);
  job.timestamp_us = p.last ? micros_of(b.queued_as.timestamp) : p.timestamp_us;
  job.ends_drain = p.last;
  pending_.pop_front();
  return job;
}

// A coded frame larger than the buffer is not written: the buffer comes back empty, flagged ERROR.
void EncoderSession::coded_done(const CodedFrameJob& job) {
  if (job.generation != capture_.generation) return;  // STREAMOFF(CAPTURE) returned it meanwhile
  capture_.buffers[job.index].queued = false;
  const bool fits = job.data.size() <= job.length;
  dequeue_event(capture_, job.index, fits ? uint32_t(job.data.size()) : 0, job.flags | (fits ? 0 : v4l2::kBufFlagError),
                job.timestamp_us);
  if (!job.ends_drain) return;
  capture_stopped_ = output_stopped_ = true;  // Drain 4: until ENC_CMD_START or a CAPTURE restart
  drain_until_.reset();
  raise_event(v4l2::kEventEos, 0);
}

}  // namespace vvsim::virtio_media
