#include "models/virtio_video/decode_session.h"

#include <fmt/format.h>

#include <algorithm>

namespace vvsim::virtio_video {

namespace {
constexpr uint32_t kPage = 4096;
}  // namespace

DecodeSession::DecodeSession(VideoDriver& driver, DecodeSessionConfig config)
    : driver_(driver), config_(std::move(config)) {}

Result DecodeSession::result_of(const std::vector<uint8_t>& response) {
  const auto r = decode_result(ByteSpan(response));
  return r ? *r : Result::ErrInvalidCommand;
}

bool DecodeSession::ok(Result r, const std::string& what) {
  if (r == Result::Ok) return true;
  report_.problems.push_back(fmt::format("{}: {}", what, result_name(r)));
  return false;
}

std::optional<StreamParamValue> DecodeSession::get_param(ParamType type) {
  const auto bytes = driver_.call(to_bytes(GetParamCmd{id_, static_cast<uint32_t>(type)}), kParamRespSize);
  const auto resp = decode_param_resp(type, ByteSpan(bytes));
  if (!resp || resp->result != Result::Ok) {
    report_.problems.push_back(fmt::format("GET_PARAM {:#x} refused", uint32_t(type)));
    return std::nullopt;
  }
  return resp->param;
}

Result DecodeSession::set_param(ParamType type, const StreamParamValue& value, StreamParamValue* actual) {
  std::vector<uint8_t> cmd;
  encode_set_param(cmd, id_, type, value);
  const auto bytes = driver_.call(cmd, kParamRespSize);
  const Result r = result_of(bytes);
  if (r == Result::Ok && actual) {
    if (auto resp = decode_param_resp(type, ByteSpan(bytes))) *actual = resp->param;
  }
  return r;
}

// Every parameter is read before it is changed, and the device's answer obeyed (§Parameters).
bool DecodeSession::set_resources(QueueType queue, uint32_t wanted) {
  const ParamType type = queue == QueueType::Input ? ParamType::InputResources : ParamType::OutputResources;
  auto current = get_param(type);
  if (!current) return false;
  auto res = std::get<ParamsResources>(*current);
  res.num_resources = std::clamp(wanted, res.min_resources, res.max_resources);
  StreamParamValue actual = res;
  if (!ok(set_param(type, res, &actual), "SET_PARAM resources")) return false;
  const uint32_t n = std::get<ParamsResources>(actual).num_resources;
  if (queue == QueueType::Input) {
    inputs_.resize(n);
    input_busy_.assign(n, false);
  } else {
    outputs_.resize(n);
  }
  return true;
}

bool DecodeSession::setup() {
  std::vector<uint8_t> create;
  encode_cmd_header(create, CmdType::StreamCreate);
  const auto resp = decode_stream_create_resp(ByteSpan(driver_.call(create, kStreamCreateRespSize)));
  if (!resp || !ok(resp->result, "STREAM_CREATE")) return false;
  id_ = report_.stream_id = resp->stream_id;

  auto in_format = get_param(ParamType::DecoderInputFormat);
  if (!in_format) return false;
  auto bitstream = std::get<ParamsBitstreamFormat>(*in_format);
  bitstream.fourcc = *fourcc_from_string(codec::fourcc_of(config_.codec));
  bitstream.buffer_size = config_.input_buffer_size;
  StreamParamValue actual = bitstream;
  if (!ok(set_param(ParamType::DecoderInputFormat, bitstream, &actual), "SET_PARAM input format")) return false;
  const auto& got = std::get<ParamsBitstreamFormat>(actual);
  if (got.fourcc != bitstream.fourcc) {
    report_.problems.push_back("device does not decode " + codec::fourcc_of(config_.codec));
    return false;
  }
  config_.input_buffer_size = got.buffer_size;
  return set_resources(QueueType::Input, config_.input_resources) && attach_inputs() &&
         set_resources(QueueType::Output, config_.output_resources) && attach_outputs();
}

bool DecodeSession::attach_inputs() {
  for (uint32_t r = 0; r < inputs_.size(); ++r) {
    const auto addr = driver_.memory().allocate(config_.input_buffer_size, kPage);
    if (!addr) return ok(Result::ErrOutOfMemory, "guest memory for input buffers");
    inputs_[r] = {*addr, config_.input_buffer_size};
    AttachBackingCmd cmd;
    cmd.header = {id_, static_cast<uint32_t>(QueueType::Input), r};
    cmd.resources.push_back(std::vector<SgEntry>{{*addr, config_.input_buffer_size}});
    if (!ok(result_of(driver_.call(to_bytes(cmd), 4)), "ATTACH_BACKING input")) return false;
  }
  return true;
}

bool DecodeSession::attach_outputs() {
  auto format_param = get_param(ParamType::DecoderOutputFormat);
  if (!format_param) return false;
  const auto& f = std::get<ParamsImageFormat>(*format_param);
  const auto image = codec::image_format_from_fourcc(fourcc_string(f.fourcc));
  if (!image) return ok(Result::ErrInvalidArgument, "output format " + fourcc_string(f.fourcc));
  std::vector<codec::PlaneFormatValues> planes;
  for (uint32_t p = 0; p < codec::plane_count(*image); ++p)
    planes.push_back({f.planes[p].buffer_size, f.planes[p].stride, f.planes[p].offset});
  const auto layout = codec::layout_from_driver(*image, f.width, f.height,
                                                codec::Rect{f.crop.left, f.crop.top, f.crop.width, f.crop.height}, planes);
  if (!layout.layout) {
    report_.problems.push_back("device output format unusable: " + layout.error);
    return false;
  }
  output_layout_ = *layout.layout;
  for (uint32_t r = 0; r < outputs_.size(); ++r) {
    AttachBackingCmd cmd;
    cmd.header = {id_, static_cast<uint32_t>(QueueType::Output), r};
    outputs_[r].clear();
    for (uint32_t size : output_layout_.buffer_sizes) {
      const auto addr = driver_.memory().allocate(size, kPage);
      if (!addr) return ok(Result::ErrOutOfMemory, "guest memory for output buffers");
      outputs_[r].push_back({*addr, size});
      cmd.resources.push_back(std::vector<SgEntry>{{*addr, size}});
    }
    if (!ok(result_of(driver_.call(to_bytes(cmd), 4)), "ATTACH_BACKING output")) return false;
  }
  for (uint32_t r = 0; r < outputs_.size(); ++r)
    if (!queue_output(r)) return false;
  return true;
}

void DecodeSession::release_outputs() {
  for (auto& resource : outputs_)
    for (const auto& b : resource) driver_.memory().release(b.addr);
  outputs_.clear();
}

bool DecodeSession::queue_output(uint32_t resource) {
  ResourceQueueCmd cmd;
  cmd.stream_id = id_;
  cmd.queue_type = static_cast<uint32_t>(QueueType::Output);
  cmd.resource_id = resource;
  pending_[driver_.submit(to_bytes(cmd), kResourceQueueRespSize)] = {QueueType::Output, resource};
  return true;
}

bool DecodeSession::feed_inputs() {
  bool fed = false;
  for (uint32_t r = 0; r < inputs_.size() && next_unit_ < config_.units.size(); ++r) {
    if (input_busy_[r]) continue;
    const auto& unit = config_.units[next_unit_++];
    if (unit.data.size() > inputs_[r].size) {
      report_.problems.push_back(fmt::format("unit {} of {} bytes exceeds the {}-byte input buffers; skipped",
                                             next_unit_ - 1, unit.data.size(), inputs_[r].size));
      continue;
    }
    driver_.cpu().write(inputs_[r].addr, unit.data.data(), unit.data.size());
    ResourceQueueCmd cmd;
    cmd.stream_id = id_;
    cmd.queue_type = static_cast<uint32_t>(QueueType::Input);
    cmd.resource_id = r;
    cmd.timestamp = unit.timestamp;
    cmd.data_sizes[0] = static_cast<uint32_t>(unit.data.size());
    report_.input_queued.emplace(unit.timestamp, sc_core::sc_time_stamp());
    pending_[driver_.submit(to_bytes(cmd), kResourceQueueRespSize)] = {QueueType::Input, r};
    input_busy_[r] = true;
    fed = true;
  }
  return fed;
}

void DecodeSession::take_output(const ResourceQueueResp& resp, uint32_t resource) {
  auto& bytes = readback_;
  bytes.resize(outputs_[resource].size());
  std::vector<codec::ConstByteSpan> spans;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const Buffer& b = outputs_[resource][i];
    bytes[i].resize(b.size);
    driver_.cpu().read(b.addr, bytes[i].data(), b.size);
    spans.emplace_back(bytes[i].data(), b.size);
  }
  auto picture = codec::read_picture(output_layout_, spans);
  if (!picture.picture) {
    report_.problems.push_back("output unreadable: " + picture.error);
    return;
  }
  DecodedFrame frame;
  const auto& p = *picture.picture;
  frame.record = {p.width, p.height, resp.timestamp, (resp.flags & kDequeueFlagErr) != 0, sc_core::sc_time_stamp()};
  if (config_.frame_sink) {
    frame.i420.reserve(p.y.size() + p.u.size() + p.v.size());
    frame.i420.insert(frame.i420.end(), p.y.begin(), p.y.end());
    frame.i420.insert(frame.i420.end(), p.u.begin(), p.u.end());
    frame.i420.insert(frame.i420.end(), p.v.begin(), p.v.end());
    config_.frame_sink(frame);
  }
  report_.frames.push_back(frame.record);
}

void DecodeSession::handle_answers() {
  // In the order the device answered (the used ring's order), not the order sent.
  std::vector<std::pair<uint64_t, uint64_t>> done;  // sequence, ticket
  for (const auto& [ticket, p] : pending_)
    if (const auto* a = driver_.answer(ticket)) done.push_back({a->sequence, ticket});
  std::sort(done.begin(), done.end());
  for (const auto& [sequence, ticket] : done) {
    const Pending p = pending_.at(ticket);
    pending_.erase(ticket);
    // An error answer may carry only the result (§Command Virtqueue: the rest is invalid).
    const auto& bytes = driver_.answer(ticket)->response;
    const Result r = result_of(bytes);
    const auto resp = decode_resource_queue_resp(ByteSpan(bytes));
    if (r == Result::Ok && !resp) {
      report_.problems.push_back(fmt::format("QUEUE answer of {} bytes is too short", bytes.size()));
      continue;
    }
    if (p.queue == QueueType::Input) {
      input_busy_[p.resource] = false;
      if (r == Result::Ok) ++report_.inputs_consumed;
      else if (r != Result::ErrCanceled) ok(r, fmt::format("input {} QUEUE", p.resource));
      continue;
    }
    if (r == Result::Ok) {
      take_output(*resp, p.resource);
      if (!drc_pending_) queue_output(p.resource);
    } else if (r == Result::ErrCanceled) {
      ++report_.outputs_canceled;
    } else if (!(drc_pending_ && r == Result::ErrInvalidOperation)) {
      ok(r, fmt::format("output {} QUEUE", p.resource));
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
      report_.problems.push_back(fmt::format("device error event on stream {} (code {})", id_, e.event.detail));
    }
  }
}

bool DecodeSession::finish_drc() {
  for (const auto& [ticket, p] : pending_)
    if (p.queue == QueueType::Output) return true;  // outputs of the old format still to come back
  drc_pending_ = false;
  release_outputs();
  return set_resources(QueueType::Output, config_.output_resources) && attach_outputs();
}

DecodeReport DecodeSession::run() {
  if (!setup()) return report_;
  for (;;) {
    handle_answers();
    handle_events();
    if (report_.error_events > 0) break;
    if (drc_pending_ && !finish_drc()) break;
    feed_inputs();
    const bool inputs_done = next_unit_ == config_.units.size() &&
                             std::none_of(input_busy_.begin(), input_busy_.end(), [](bool b) { return b; });
    if (inputs_done && !config_.drain_at_end) break;
    if (inputs_done && drain_ticket_ == 0) drain_ticket_ = driver_.submit(to_bytes(StreamCmd{CmdType::StreamDrain, id_}), 4);
    if (drain_ticket_ != 0 && driver_.answered(drain_ticket_)) {
      handle_answers();  // outputs answered together with the drain
      report_.drained = ok(result_of(driver_.answer(drain_ticket_)->response), "DRAIN");
      break;
    }
    if (config_.answer_timeout == sc_core::SC_ZERO_TIME) {
      sc_core::wait(driver_.activity());
      continue;
    }
    const sc_core::sc_time before = sc_core::sc_time_stamp();
    sc_core::wait(config_.answer_timeout, driver_.activity());
    if (sc_core::sc_time_stamp() - before >= config_.answer_timeout) {
      report_.problems.push_back(fmt::format("no answer from the device for {}", config_.answer_timeout.to_string()));
      break;
    }
  }
  report_.destroyed = ok(result_of(driver_.call(to_bytes(StreamCmd{CmdType::StreamDestroy, id_}), 4)), "DESTROY");
  handle_answers();
  return report_;
}

}  // namespace vvsim::virtio_video
