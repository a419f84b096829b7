#include "models/protocols/v6/encode_session.h"

#include <fmt/format.h>

#include <algorithm>

#include "codec/synthetic.h"

namespace vvsim::virtio_video {

namespace {
// The frame type a RESOURCE_QUEUE answer's flags report.
codec::FrameType reported_frame_type(uint32_t flags) {
  if (flags & kDequeueFlagKeyFrame) return codec::FrameType::Key;
  if (flags & kDequeueFlagPFrame) return codec::FrameType::Inter;
  if (flags & kDequeueFlagBFrame) return codec::FrameType::BiPredicted;
  return codec::FrameType::Unknown;
}
}  // namespace

EncodeSession::EncodeSession(VideoDriver& driver, EncodeSessionConfig config)
    : StreamClient(driver), config_(std::move(config)) {}

bool EncodeSession::setup() {
  if (!create_stream()) return false;
  report_.stream_id = id_;
  const auto out_size = set_bitstream_format(ParamType::EncoderOutputFormat, config_.codec, config_.output_buffer_size);
  if (!out_size) return false;
  auto current = get_param(ParamType::EncoderInputFormat);
  if (!current) return false;
  auto image = std::get<ParamsImageFormat>(*current);
  image.width = config_.width;
  image.height = config_.height;
  image.crop = {0, 0, config_.width, config_.height};
  StreamParamValue actual = image;
  if (!ok(set_param(ParamType::EncoderInputFormat, image, &actual), "SET_PARAM input format")) return false;
  auto layout = layout_of(std::get<ParamsImageFormat>(actual));
  if (!layout) return false;
  if (layout->crop.width != config_.width || layout->crop.height != config_.height) {
    problems_.push_back(fmt::format("device set the frame size to {}x{}", layout->crop.width, layout->crop.height));
    return false;
  }
  input_layout_ = *layout;
  if (!set_bitrate(config_.bitrate_bps)) return false;
  const auto n_in = set_resource_count(QueueType::Input, config_.input_resources);
  const auto n_out = set_resource_count(QueueType::Output, config_.output_resources);
  if (!n_in || !n_out) return false;
  for (uint32_t r = 0; r < *n_in; ++r) {
    auto b = attach(QueueType::Input, r, input_layout_.buffer_sizes);
    if (!b) return false;
    inputs_.push_back(std::move(*b));
  }
  input_busy_.assign(inputs_.size(), false);
  for (uint32_t r = 0; r < *n_out; ++r) {
    auto b = attach(QueueType::Output, r, {*out_size});
    if (!b) return false;
    outputs_.push_back(std::move(*b));
    track(queue_resource(QueueType::Output, r), QueueType::Output, r);
  }
  return true;
}

bool EncodeSession::set_bitrate(uint32_t bps) {
  auto current = get_param(ParamType::EncoderBitrate);
  if (!current) return false;
  auto bitrate = std::get<ParamsBitrate>(*current);
  bitrate.bitrate = bps;
  return ok(set_param(ParamType::EncoderBitrate, bitrate, nullptr), "SET_PARAM bitrate");
}

void EncodeSession::feed_frames() {
  const codec::TestPattern pattern(config_.width, config_.height, config_.seed);
  std::vector<std::vector<uint8_t>> staging(input_layout_.buffer_sizes.size());
  for (uint32_t r = 0; r < inputs_.size() && next_frame_ < config_.frames; ++r) {
    if (input_busy_[r]) continue;
    if (feed_time(start_, next_frame_, config_.feed_fps) > sc_core::sc_time_stamp()) break;  // not yet captured
    const uint32_t index = next_frame_++;
    if (auto it = config_.bitrate_at.find(index); it != config_.bitrate_at.end()) set_bitrate(it->second);
    std::vector<codec::ByteSpan> spans;
    for (size_t i = 0; i < staging.size(); ++i) {
      staging[i].assign(input_layout_.buffer_sizes[i], 0);
      spans.push_back({staging[i].data(), staging[i].size()});
    }
    const auto status = codec::write_picture(pattern.frame(index), input_layout_, spans);
    if (!status.ok()) {
      problems_.push_back("frame does not fit the input layout: " + status.error().message);
      continue;
    }
    std::vector<uint32_t> sizes;
    for (size_t i = 0; i < staging.size(); ++i) {
      write_buffer(inputs_[r][i], staging[i].data(), staging[i].size());
      sizes.push_back(uint32_t(staging[i].size()));
    }
    const uint32_t flags = config_.force_key_frames.count(index) ? kEnqueueFlagForceKeyFrame : 0;
    report_.input_queued[index] = sc_core::sc_time_stamp();
    track(queue_resource(QueueType::Input, r, index, sizes, flags), QueueType::Input, r);
    input_busy_[r] = true;
    ++report_.frames_queued;
  }
}

void EncodeSession::handle_answers() {
  for (const auto& a : take_answered()) {
    const uint32_t resource = a.pending.resource;
    if (a.pending.queue == QueueType::Input) {
      input_busy_[resource] = false;
      if (a.result == Result::Ok) ++report_.inputs_consumed;
      else if (a.result != Result::ErrCanceled) ok(a.result, fmt::format("input {} QUEUE", resource));
      continue;
    }
    if (a.result != Result::Ok) {
      if (a.result != Result::ErrCanceled) ok(a.result, fmt::format("output {} QUEUE", resource));
      continue;
    }
    EncodedOutput unit;
    const GuestBuffer& b = outputs_[resource].front();
    unit.data.resize(std::min(a.response->data_sizes[0], b.size));
    read_buffer(b, unit.data.data(), unit.data.size());
    unit.timestamp = a.response->timestamp;
    unit.frame_type = reported_frame_type(a.response->flags);
    unit.error_flag = (a.response->flags & kDequeueFlagErr) != 0;
    unit.answered = sc_core::sc_time_stamp();
    unit.interrupted = a.interrupted;
    unit.reaped = a.reaped;
    report_.units.push_back(std::move(unit));
    driver_.consume_frame();
    track(queue_resource(QueueType::Output, resource), QueueType::Output, resource);
  }
}

EncodeReport EncodeSession::run() {
  if (setup()) {
    start_ = sc_core::sc_time_stamp();
    uint64_t drain = 0;
    for (;;) {
      const uint64_t activity_seen = driver_.activity_count();  // arrivals while busy end the wait below
      handle_answers();
      feed_frames();
      const bool inputs_done = next_frame_ == config_.frames &&
                               std::none_of(input_busy_.begin(), input_busy_.end(), [](bool b) { return b; });
      if (inputs_done && drain == 0) drain = driver_.submit(to_bytes(StreamCmd{CmdType::StreamDrain, id_}), 4);
      if (drain != 0 && driver_.answered(drain)) {
        handle_answers();
        report_.drained = ok(result_of(driver_.take_answer(drain)->response), "DRAIN");
        break;
      }
      const sc_core::sc_time due = feed_time(start_, next_frame_, config_.feed_fps);
      if (next_frame_ < config_.frames && due > sc_core::sc_time_stamp())
        driver_.wait_for_activity(activity_seen, due - sc_core::sc_time_stamp());  // the next frame's capture
      else
        driver_.wait_for_activity(activity_seen);
    }
    report_.destroyed = destroy_stream();
  }
  report_.problems = problems_;
  return report_;
}

}  // namespace vvsim::virtio_video
