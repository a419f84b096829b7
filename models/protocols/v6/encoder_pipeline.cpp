// An encoder stream's work: an image input is read out of guest memory,
// encoded on a codec engine core and answered; each produced unit (one frame,
// or one NAL unit for H.264) goes to a queued output with its frame type.
#include <algorithm>

#include <fmt/format.h>

#include "models/protocols/v6/video_device.h"

namespace vvsim::virtio_video {

vvsim::Status EncoderPipeline::ensure_encoder(VideoStream& s) {
  if (s.encoder) return {};
  if (!dev_.encoders_) return vvsim::Error{"the device has no encoders"};
  codec::EncoderConfig config;
  config.codec = s.codec;
  config.width = s.output_layout.crop.width;
  config.height = s.output_layout.crop.height;
  config.bitrate_bps = s.bitrate.bitrate;
  auto made = dev_.encoders_(config);
  if (!made) return made.error();
  s.encoder = std::move(made).value();
  s.encoder_bitrate = s.bitrate.bitrate;
  return {};
}

std::optional<vvsim::Result<codec::Picture>> EncoderPipeline::read_image(const StreamRef& ref, uint32_t input_id,
                                                                  uint64_t timestamp) {
  const VideoStream* s = dev_.live(ref);
  const std::vector<std::vector<SgEntry>> buffers = s->input.resources[input_id].buffers;
  const codec::ImageLayout layout = s->output_layout;
  std::vector<std::vector<uint8_t>> images(buffers.size());
  std::vector<codec::ConstByteSpan> spans;
  for (size_t i = 0; i < buffers.size(); ++i) {
    dev_.read_backing(buffers[i], images[i], layout.buffer_sizes.at(i));
    if (!dev_.live(ref)) return std::nullopt;
    spans.emplace_back(images[i].data(), images[i].size());
  }
  auto picture = codec::read_picture(layout, spans);
  if (picture.ok()) picture->timestamp = timestamp;
  return picture;
}

// Runs the encoder on a core; `overtaken` when the stream went away meanwhile.
codec::EncodeResult EncoderPipeline::encode(const StreamRef& ref, const vvsim::Result<codec::Picture>& image, bool force_key,
                                            bool& overtaken) {
  VideoStream* s = dev_.live(ref);
  codec::EncodeResult encoded;
  if (!image.ok()) {
    encoded.status = codec::UnitStatus::Unsupported;
    encoded.message = image.error().message;
    return encoded;
  }
  if (auto built = ensure_encoder(*s); !built) {
    encoded.status = codec::UnitStatus::Unsupported;
    encoded.message = "no encoder for this stream's settings: " + built.error().message;
    return encoded;
  }
  if (s->encoder_bitrate != s->bitrate.bitrate) {  // SET_PARAM(BITRATE) while streaming
    s->encoder->set_bitrate(s->bitrate.bitrate);
    s->encoder_bitrate = s->bitrate.bitrate;
  }
  const codec::Picture& frame = *image;
  auto job = dev_.engine_.run(
      models::JobKind::Encode, s->codec,
      [&] {
        VideoStream* on_core = dev_.live(ref);
        if (on_core && on_core->encoder) encoded = on_core->encoder->encode(frame, force_key);
        return codec::encoded_frame_work(encoded);
      },
      s->owner_name);
  overtaken = job.cancelled || !dev_.live(ref);
  if (!overtaken) {  // the frame's encode job, as a decode job is marked
    dev_.mark(ref.id, frame.timestamp, DeviceStage::DecodeStarted, job.started);
    dev_.mark(ref.id, frame.timestamp, DeviceStage::DecodeFinished, job.finished);
  }
  return encoded;
}

bool EncoderPipeline::process_input(const StreamRef& ref) {
  const VideoStream* s = dev_.live(ref);
  const uint32_t input_id = s->work.front().resource_id;
  const ResourceQueueCmd queued = s->input.resources[input_id].cmd;  // a copy: the reads wait
  const auto image = read_image(ref, input_id, queued.timestamp);
  if (!image) return false;
  bool overtaken = false;
  const codec::EncodeResult encoded = encode(ref, *image, queued.flags & kEnqueueFlagForceKeyFrame, overtaken);
  if (overtaken) return false;
  dev_.answer_consumed(*dev_.live(ref), input_id, queued.timestamp);
  if (encoded.status != codec::UnitStatus::Ok) {
    dev_.fail_unrecoverable(ref, "unrecoverable encode failure: " + encoded.message);
    return false;
  }
  return deliver_units(ref, encoded.units);
}

bool EncoderPipeline::flush(const StreamRef& ref) {
  VideoStream* s = dev_.live(ref);
  if (!s->encoder) return true;
  std::vector<codec::EncodedUnit> units;
  auto job = dev_.engine_.run(
      models::JobKind::Encode, s->codec,
      [&] {
        VideoStream* on_core = dev_.live(ref);
        if (on_core && on_core->encoder) units = on_core->encoder->flush().units;
        return units.empty() ? codec::UnitWork{} : units.front().work;
      },
      s->owner_name);
  return !job.cancelled && dev_.live(ref) && deliver_units(ref, units);
}

bool EncoderPipeline::deliver_units(const StreamRef& ref, const std::vector<codec::EncodedUnit>& units) {
  for (const auto& unit : units) {
    if (!dev_.wait_for_output(ref) || !fill_bitstream_output(ref, unit)) return false;
  }
  return true;
}

namespace {
uint32_t frame_type_flags(codec::FrameType type) {
  switch (type) {
    case codec::FrameType::Key: return kDequeueFlagKeyFrame;
    case codec::FrameType::Inter: return kDequeueFlagPFrame;
    case codec::FrameType::BiPredicted: return kDequeueFlagBFrame;
    case codec::FrameType::Unknown: break;
  }
  return 0;
}
}  // namespace

bool EncoderPipeline::fill_bitstream_output(const StreamRef& ref, const codec::EncodedUnit& unit) {
  const VideoStream* s = dev_.live(ref);
  const uint32_t out_id = s->ready_outputs.front();
  const std::vector<SgEntry> segments = s->output.resources[out_id].buffers[0];
  ResourceQueueResp resp;
  resp.timestamp = unit.timestamp;
  resp.flags = dev_.faults_.encoder_output_flags(frame_type_flags(unit.frame_type));
  if (unit.data.size() > total_length(segments)) {
    // Never written past the buffer: the unit is reported, flagged, not dropped silently.
    dev_.diagnose(fmt::format("stream {}: encoded unit of {} bytes does not fit output {} ({} bytes)", ref.id,
                              unit.data.size(), out_id, total_length(segments)));
    resp.flags |= kDequeueFlagErr;
  } else {
    dev_.mark(ref.id, unit.timestamp, DeviceStage::OutputWriteStarted);
    dev_.write_backing(segments, static_cast<uint32_t>(unit.data.size()),
                       [&](uint64_t at, uint8_t* dst, uint64_t n) { std::copy_n(unit.data.data() + at, n, dst); });
    if (!dev_.live(ref)) return false;
    dev_.mark(ref.id, unit.timestamp, DeviceStage::OutputWriteFinished);
    resp.data_sizes[0] = static_cast<uint32_t>(unit.data.size());
  }
  dev_.return_output(ref, out_id, resp);
  dev_.mark(ref.id, unit.timestamp, DeviceStage::OutputReturned);
  return true;
}

}  // namespace vvsim::virtio_video
