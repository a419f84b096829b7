#include "models/protocols/v6/stream_client.h"

#include <fmt/format.h>

#include <algorithm>

namespace vvsim::virtio_video {

namespace {
constexpr uint32_t kPage = 4096;
}  // namespace

bool StreamClient::create_stream() {
  std::vector<uint8_t> create;
  encode_cmd_header(create, CmdType::StreamCreate);
  const auto resp = decode_stream_create_resp(ByteSpan(driver_.call(create, kStreamCreateRespSize)));
  if (!resp || !ok(resp->result, "STREAM_CREATE")) return false;
  id_ = resp->stream_id;
  return true;
}

Result StreamClient::result_of(const std::vector<uint8_t>& response) { return result_or_invalid(ByteSpan(response)); }

bool StreamClient::ok(Result r, const std::string& what) {
  if (r == Result::Ok) return true;
  problems_.push_back(fmt::format("{}: {}", what, result_name(r)));
  return false;
}

std::optional<StreamParamValue> StreamClient::get_param(ParamType type) {
  const auto bytes = driver_.call(to_bytes(GetParamCmd{id_, static_cast<uint32_t>(type)}), kParamRespSize);
  const auto resp = decode_param_resp(type, ByteSpan(bytes));
  if (!resp || resp->result != Result::Ok) {
    problems_.push_back(fmt::format("GET_PARAM {:#x} refused", uint32_t(type)));
    return std::nullopt;
  }
  return resp->param;
}

Result StreamClient::set_param(ParamType type, const StreamParamValue& value, StreamParamValue* actual) {
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
std::optional<uint32_t> StreamClient::set_resource_count(QueueType queue, uint32_t wanted) {
  const ParamType type = queue == QueueType::Input ? ParamType::InputResources : ParamType::OutputResources;
  auto current = get_param(type);
  if (!current) return std::nullopt;
  auto res = std::get<ParamsResources>(*current);
  res.num_resources = std::clamp(wanted, res.min_resources, res.max_resources);
  StreamParamValue actual = res;
  if (!ok(set_param(type, res, &actual), "SET_PARAM resources")) return std::nullopt;
  return std::get<ParamsResources>(actual).num_resources;
}

std::optional<uint32_t> StreamClient::set_bitstream_format(ParamType type, codec::CodecId codec, uint32_t buffer_size) {
  auto current = get_param(type);
  if (!current) return std::nullopt;
  auto format = std::get<ParamsBitstreamFormat>(*current);
  format.fourcc = *fourcc_from_string(codec::fourcc_of(codec));
  format.buffer_size = buffer_size;
  StreamParamValue actual = format;
  if (!ok(set_param(type, format, &actual), "SET_PARAM bitstream format")) return std::nullopt;
  const auto& got = std::get<ParamsBitstreamFormat>(actual);
  if (got.fourcc != format.fourcc) {
    problems_.push_back("device does not handle " + codec::fourcc_of(codec));
    return std::nullopt;
  }
  return got.buffer_size;
}

std::optional<codec::ImageLayout> StreamClient::layout_of(const ParamsImageFormat& f) {
  const auto image = codec::image_format_from_fourcc(fourcc_string(f.fourcc));
  if (!image) {
    problems_.push_back("unknown image format " + fourcc_string(f.fourcc));
    return std::nullopt;
  }
  std::vector<codec::PlaneFormatValues> planes;
  for (uint32_t p = 0; p < codec::plane_count(*image); ++p)
    planes.push_back({f.planes[p].buffer_size, f.planes[p].stride, f.planes[p].offset});
  auto layout = codec::layout_from_driver(*image, f.width, f.height,
                                          codec::Rect{f.crop.left, f.crop.top, f.crop.width, f.crop.height}, planes);
  if (!layout.ok()) {
    problems_.push_back("device image format unusable: " + layout.error().message);
    return std::nullopt;
  }
  return *layout;
}

std::optional<GuestBuffer> StreamClient::allocate(uint32_t size) {
  GuestBuffer b;
  b.size = size;
  if (!scatter_) {
    const auto addr = driver_.memory().allocate(size, kPage);
    if (!addr) return std::nullopt;
    b.segments.push_back({*addr, size});
    return b;
  }
  // One page per segment with a page-sized hole after each, so no two are adjacent.
  std::vector<uint64_t> holes;
  for (uint32_t done = 0; done < size; done += kPage) {
    const auto page = driver_.memory().allocate(kPage, kPage);
    const auto hole = driver_.memory().allocate(kPage, kPage);
    if (page) b.segments.push_back({*page, std::min(kPage, size - done)});
    if (hole) holes.push_back(*hole);
    if (!page || !hole) break;
  }
  for (uint64_t h : holes) driver_.memory().release(h);
  uint64_t total = 0;
  for (const auto& e : b.segments) total += e.length;
  if (total == size) return b;
  std::vector<GuestBuffer> partial{b};
  release(partial);
  return std::nullopt;
}

std::optional<std::vector<GuestBuffer>> StreamClient::attach(QueueType queue, uint32_t resource,
                                                             const std::vector<uint32_t>& sizes) {
  std::vector<GuestBuffer> buffers;
  AttachBackingCmd cmd;
  cmd.header = {id_, static_cast<uint32_t>(queue), resource};
  for (uint32_t size : sizes) {
    auto b = allocate(size);
    if (!b) {
      release(buffers);
      ok(Result::ErrOutOfMemory, "guest memory for buffers");
      return std::nullopt;
    }
    cmd.resources.push_back(b->segments);
    buffers.push_back(std::move(*b));
  }
  if (!ok(result_of(driver_.call(to_bytes(cmd), 4)), "ATTACH_BACKING")) {
    release(buffers);
    return std::nullopt;
  }
  return buffers;
}

void StreamClient::release(std::vector<GuestBuffer>& buffers) {
  for (const auto& b : buffers)
    for (const auto& e : b.segments) driver_.memory().release(e.addr);
  buffers.clear();
}

namespace {

// Calls access(addr, offset, n) for each piece of the first `size` bytes of `b`.
template <typename Access>
void each_piece(const GuestBuffer& b, size_t size, Access access) {
  size_t done = 0;
  for (const auto& e : b.segments) {
    if (done == size) break;
    const size_t n = std::min<size_t>(e.length, size - done);
    access(e.addr, done, n);
    done += n;
  }
}

}  // namespace

void StreamClient::write_buffer(const GuestBuffer& b, const uint8_t* data, size_t size) {
  each_piece(b, size, [&](uint64_t addr, size_t at, size_t n) { driver_.cpu().write(addr, data + at, n); });
}

void StreamClient::read_buffer(const GuestBuffer& b, uint8_t* data, size_t size) {
  each_piece(b, size, [&](uint64_t addr, size_t at, size_t n) { driver_.cpu().read(addr, data + at, n); });
}

void StreamClient::read_buffer_in_place(const GuestBuffer& b, size_t size, codec::BufferPieces& pieces) {
  each_piece(b, size, [&](uint64_t addr, size_t, size_t n) {
    driver_.cpu().read_in_place(addr, n, [&](uint64_t, const uint8_t* src, uint64_t k) { pieces.emplace_back(src, k); });
  });
}

void StreamClient::touch_buffer(const GuestBuffer& b, size_t size) {
  each_piece(b, size, [&](uint64_t addr, size_t, size_t n) { driver_.cpu().touch(addr, n); });
}

uint64_t StreamClient::queue_resource(QueueType queue, uint32_t resource, uint64_t timestamp,
                                      const std::vector<uint32_t>& data_sizes, uint32_t flags) {
  ResourceQueueCmd cmd;
  cmd.stream_id = id_;
  cmd.queue_type = static_cast<uint32_t>(queue);
  cmd.resource_id = resource;
  cmd.timestamp = timestamp;
  cmd.flags = flags;
  for (size_t i = 0; i < data_sizes.size() && i < cmd.data_sizes.size(); ++i) cmd.data_sizes[i] = data_sizes[i];
  return driver_.submit(to_bytes(cmd), kResourceQueueRespSize);
}

void StreamClient::sample_depth(QueueType queue) {
  if (!keep_depth_samples_ && !depth_observer_) return;
  uint32_t held = 0;
  for (const auto& [ticket, p] : pending_) held += p.queue == queue;
  const QueueDepthSample sample{sc_core::sc_time_stamp(),
                                queue == QueueType::Input ? guest::BufferQueue::Input : guest::BufferQueue::Output, held};
  if (keep_depth_samples_) depth_samples_.push_back(sample);
  if (depth_observer_) depth_observer_(sample);
}

std::vector<StreamClient::AnsweredQueue> StreamClient::take_answered() {
  std::vector<std::pair<uint64_t, uint64_t>> done;  // sequence, ticket
  for (const auto& [ticket, p] : pending_)
    if (const auto* a = driver_.answer(ticket)) done.push_back({a->sequence, ticket});
  std::sort(done.begin(), done.end());
  std::vector<AnsweredQueue> out;
  for (const auto& [sequence, ticket] : done) {
    // An error answer may carry only the result (§Command Virtqueue: the rest is invalid).
    const CommandAnswer answer = *driver_.take_answer(ticket);
    const auto& bytes = answer.response;
    AnsweredQueue a{pending_.at(ticket), result_of(bytes), std::nullopt, answer.interrupted, answer.answered};
    if (auto resp = decode_resource_queue_resp(ByteSpan(bytes))) a.response = *resp;
    if (a.result == Result::Ok && !a.response) {
      problems_.push_back(fmt::format("QUEUE answer of {} bytes is too short", bytes.size()));
      a.result = Result::ErrInvalidCommand;
    }
    const QueueType queue = a.pending.queue;
    pending_.erase(ticket);
    sample_depth(queue);
    out.push_back(a);
  }
  return out;
}

bool StreamClient::queue_pending(QueueType queue) const {
  for (const auto& [ticket, p] : pending_)
    if (p.queue == queue) return true;
  return false;
}

bool StreamClient::destroy_stream() {
  return ok(result_of(driver_.call(to_bytes(StreamCmd{CmdType::StreamDestroy, id_}), 4)), "DESTROY");
}

}  // namespace vvsim::virtio_video
