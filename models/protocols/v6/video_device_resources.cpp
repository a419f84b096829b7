// Backing memory: ATTACH_BACKING (scatter-gather lists or virtio objects,
// checked against guest memory, alignment and the format's buffer sizes),
// RESOURCE_QUEUE, and the DMA that moves a resource's bytes.
#include <algorithm>

#include <fmt/format.h>

#include "codec/checksum.h"
#include "models/protocols/v6/video_device.h"

namespace vvsim::virtio_video {

using sc_core::sc_time;
using sc_core::sc_time_stamp;

namespace {
bool has_feature(uint64_t features, uint32_t bit) { return (features >> bit) & 1u; }
}  // namespace

std::string VideoDevice::check_segments(const std::vector<SgEntry>& segments) const {
  if (segments.empty()) return "empty scatter-gather list";
  const uint64_t mem = transport_->guest_memory_size();
  for (size_t i = 0; i < segments.size(); ++i) {
    const auto& e = segments[i];
    if (e.length == 0) return fmt::format("sg entry {} has length 0", i);
    if (e.addr > mem || e.length > mem - e.addr) {
      return fmt::format("sg entry {} [{:#x}, +{:#x}) lies outside guest memory ({:#x} bytes)", i, e.addr, e.length,
                         mem);
    }
    if (e.addr % profile_.page_size != 0 && profile_.unaligned_sg == UnalignedSgPolicy::Refuse) {
      return fmt::format("sg entry {} address {:#x} is not aligned to the {}-byte page", i, e.addr,
                         profile_.page_size);
    }
    if (i > 0 && !has_feature(features_, kFeatureResourceNonContig) &&
        segments[i - 1].addr + segments[i - 1].length != e.addr) {
      return fmt::format("sg entry {} at {:#x} is not contiguous with the previous one and RESOURCE_NON_CONTIG "
                         "was not negotiated",
                         i, e.addr);
    }
  }
  return {};
}

uint32_t VideoDevice::buffers_of(const VideoStream& s, QueueType q) const {
  return q == image_queue(profile_.role) ? codec::buffer_count(s.output_layout.format) : 1;
}

std::vector<uint32_t> VideoDevice::buffer_needs(const VideoStream& s, QueueType q) const {
  if (q == image_queue(profile_.role)) return s.output_layout.buffer_sizes;
  return {1};  // any non-empty bitstream buffer: data sizes are checked when used
}

// ---------------------------------------------------------------- ATTACH_BACKING

std::optional<Refusal> VideoDevice::attach_refusal(const VideoStream& s, QueueType q,
                                                   const AttachBackingHeader& header) const {
  const auto& queue = s.queue(q);
  if (header.resource_id >= queue.resources.size()) {
    return Refusal{Result::ErrInvalidArgument, fmt::format("ATTACH_BACKING: resource_id {} >= num_resources {}",
                                                           header.resource_id, queue.resources.size())};
  }
  const Resource& r = queue.resources[header.resource_id];
  const bool dynamic_ok = has_feature(features_, kFeatureResourceDynamic) && !r.queued && !s.awaiting_reattach;
  if (!r.attach_allowed && !dynamic_ok && !faults_.attach_any_time()) {
    return Refusal{Result::ErrInvalidOperation,
                   fmt::format("ATTACH_BACKING: stream {} resource {} was queued since backing could change", s.id,
                               header.resource_id)};
  }
  return std::nullopt;
}

vvsim::Result<std::vector<std::vector<SgEntry>>> VideoDevice::attached_buffers(
    const AttachBackingCmd& cmd, const std::vector<uint32_t>& needs) const {
  std::vector<std::vector<SgEntry>> buffers;
  for (size_t i = 0; i < cmd.resources.size(); ++i) {
    std::vector<SgEntry> segments;
    if (const auto* sg = std::get_if<std::vector<SgEntry>>(&cmd.resources[i])) {
      segments = *sg;
    } else {
      auto resolved = objects_ ? objects_->resolve(std::get<Uuid>(cmd.resources[i])) : std::nullopt;
      if (!resolved) return vvsim::Error{fmt::format("ATTACH_BACKING: buffer {} names an unknown virtio object", i)};
      segments = *resolved;
    }
    if (auto why = check_segments(segments); !why.empty()) {
      return vvsim::Error{fmt::format("ATTACH_BACKING buffer {}: {}", i, why)};
    }
    if (total_length(segments) < needs[i]) {
      return vvsim::Error{fmt::format("ATTACH_BACKING buffer {}: {} bytes, the format needs {}", i,
                                      total_length(segments), needs[i])};
    }
    buffers.push_back(std::move(segments));
  }
  return buffers;
}

void VideoDevice::on_attach_backing(ByteSpan bytes, const PendingCompletion& chain) {
  const auto header = decode_attach_backing_header(bytes);
  if (!header) return answer_result(chain.tag, Result::ErrInvalidArgument, header.error().message);
  VideoStream* found = find_stream(header->stream_id, chain);
  if (!found) return;
  VideoStream& s = *found;
  const auto qt = queue_type_from_wire(header->queue_type);
  if (!qt) {
    return answer_result(chain.tag, Result::ErrInvalidArgument,
                         fmt::format("ATTACH_BACKING: queue_type {}", header->queue_type));
  }
  if (auto refused = attach_refusal(s, *qt, *header)) return answer_result(chain.tag, refused->result, refused->why);
  const auto mem = static_cast<MemType>(s.queue(*qt).params.mem_type);
  const auto cmd = decode_attach_backing(bytes, mem, buffers_of(s, *qt));
  if (!cmd) return answer_result(chain.tag, Result::ErrInvalidArgument, cmd.error().message);
  auto buffers = attached_buffers(*cmd, buffer_needs(s, *qt));
  if (!buffers) return answer_result(chain.tag, Result::ErrInvalidArgument, buffers.error().message);
  Resource& r = s.queue(*qt).resources[header->resource_id];
  r.buffers = std::move(*buffers);
  r.attached = true;
  answer_result(chain.tag, Result::Ok);
}

// ---------------------------------------------------------------- RESOURCE_QUEUE

std::optional<Refusal> VideoDevice::queue_target_refusal(const VideoStream& s, QueueType q,
                                                         const ResourceQueueCmd& cmd) const {
  const auto& queue = s.queue(q);
  if (cmd.resource_id >= queue.resources.size()) {
    return Refusal{Result::ErrInvalidArgument,
                   fmt::format("resource_id {} >= num_resources {}", cmd.resource_id, queue.resources.size())};
  }
  if (cmd.flags & ~allowed_queue_flags(profile_.role, q)) {
    return Refusal{Result::ErrInvalidArgument, fmt::format("flags {:#x}", cmd.flags)};
  }
  return std::nullopt;
}

std::optional<Refusal> VideoDevice::queue_resource_refusal(const VideoStream& s, QueueType q,
                                                           const ResourceQueueCmd& cmd) const {
  const Resource& r = s.queue(q).resources[cmd.resource_id];
  if (!r.attached || r.queued) {
    const char* state = !r.attached ? "has no backing attached" : "is already queued";
    return Refusal{Result::ErrInvalidOperation, fmt::format("stream {} resource {} {}", s.id, cmd.resource_id, state)};
  }
  if (auto why = data_size_refusal(r, q, cmd); !why.empty()) return Refusal{Result::ErrInvalidArgument, why};
  if (q != image_queue(profile_.role)) return std::nullopt;
  const auto needs = buffer_needs(s, q);
  for (size_t i = 0; i < needs.size(); ++i) {
    if (i >= r.buffers.size() || total_length(r.buffers[i]) < needs[i]) {
      return Refusal{Result::ErrInvalidArgument,
                     fmt::format("resource {} buffer {} is smaller than the current image format needs ({})",
                                 cmd.resource_id, i, needs[i])};
    }
  }
  return std::nullopt;
}

// data_sizes[i] is the bytes used in memory buffer i of an input: none is set
// past the resource's buffers, and a bitstream's fit in its one buffer.
std::string VideoDevice::data_size_refusal(const Resource& r, QueueType q, const ResourceQueueCmd& cmd) const {
  if (q != QueueType::Input) return {};
  for (size_t i = r.buffers.size(); i < cmd.data_sizes.size(); ++i) {
    if (cmd.data_sizes[i] != 0) {
      return fmt::format("data_sizes[{}] {} set on a resource of {} buffer(s)", i, cmd.data_sizes[i],
                         r.buffers.size());
    }
  }
  if (q != image_queue(profile_.role) && cmd.data_sizes[0] > total_length(r.buffers[0])) {
    return fmt::format("data_sizes[0] {} exceeds the {}-byte backing", cmd.data_sizes[0], total_length(r.buffers[0]));
  }
  return {};
}

void VideoDevice::take_queued(VideoStream& s, QueueType q, const ResourceQueueCmd& cmd, CompletionTag tag) {
  Resource& r = s.queue(q).resources[cmd.resource_id];
  r.queued = true;
  r.attach_allowed = false;
  r.command = tag;
  r.cmd = cmd;
  s.queue(q).params_changeable = false;
  if (q == QueueType::Input) {
    mark(s.id, cmd.timestamp, DeviceStage::InputAccepted);
    InputWork w;
    w.resource_id = cmd.resource_id;
    if (profile_.role == DeviceRole::Decoder) submit_decode(s, w);
    s.work.push_back(w);
  } else {
    s.ready_outputs.push_back(cmd.resource_id);
    s.awaiting_reattach = false;
  }
  slot_wake_[s.slot]->notify(sc_core::SC_ZERO_TIME);
}

void VideoDevice::on_resource_queue(ByteSpan bytes, const PendingCompletion& chain) {
  const auto cmd = decode_resource_queue(bytes);
  if (!cmd) {
    ++stats_.errors_returned;
    diagnose(cmd.error().message);
    ResourceQueueResp resp;
    resp.result = Result::ErrInvalidArgument;
    return answer_queue(chain.tag, resp);
  }
  auto it = streams_.find(cmd->stream_id);
  if (it == streams_.end()) return refuse_queue(chain.tag, Result::ErrInvalidStreamId, fmt::format("no stream {}", cmd->stream_id));
  VideoStream& s = *it->second;
  const auto qt = queue_type_from_wire(cmd->queue_type);
  if (!qt) return refuse_queue(chain.tag, Result::ErrInvalidArgument, fmt::format("queue_type {}", cmd->queue_type));
  if (auto refused = queue_target_refusal(s, *qt, *cmd)) return refuse_queue(chain.tag, refused->result, refused->why);
  const Resource& r = s.queue(*qt).resources[cmd->resource_id];
  if (!r.attached && s.awaiting_reattach && faults_.accept_unattached_output_after_drc()) {
    return answer_queue(chain.tag, ResourceQueueResp{});  // OK, nothing written
  }
  if (auto refused = queue_resource_refusal(s, *qt, *cmd)) return refuse_queue(chain.tag, refused->result, refused->why);
  take_queued(s, *qt, *cmd, chain.tag);
  if (*qt == QueueType::Output && s.stop_waiting_for_output)
    answer_result(*std::exchange(s.stop_waiting_for_output, std::nullopt), Result::Ok);
}

// ---------------------------------------------------------------- data movement

// The bounce copy's loads and stores overlap with its bus transfers (a read
// and a write of every byte): it takes the longer of the CPU's and the bus's time.
bool VideoDevice::bounces_through_cpu(const std::vector<SgEntry>& segments) const {
  if (profile_.unaligned_sg != UnalignedSgPolicy::CpuCopy) return false;
  return !std::all_of(segments.begin(), segments.end(), [&](const SgEntry& e) { return e.addr % profile_.page_size == 0; });
}

bool VideoDevice::bounces_through_cpu(const std::vector<std::vector<SgEntry>>& buffers) const {
  return std::any_of(buffers.begin(), buffers.end(), [&](const auto& segments) { return bounces_through_cpu(segments); });
}

void VideoDevice::charge_cpu_copy(const std::vector<SgEntry>& segments, uint32_t len) {
  if (!bounces_through_cpu(segments)) return;
  const sc_time start = sc_time_stamp();
  uint32_t done = 0;
  for (const auto& e : segments) {
    if (done == len) break;
    const uint32_t n = std::min(e.length, len - done);
    for (int pass = 0; pass < 2; ++pass) transport_->dma_write_timing(e.addr, n);  // read, then write back
    done += n;
  }
  const uint64_t cpu_cycles = (uint64_t{len} + profile_.cpu_copy_bytes_per_cycle - 1) / profile_.cpu_copy_bytes_per_cycle;
  const sc_time cpu(double(cpu_cycles) / profile_.cpu_copy_clock_mhz, sc_core::SC_US);
  const sc_time bus = sc_time_stamp() - start;
  if (cpu > bus) sc_core::wait(cpu - bus);
}

void VideoDevice::read_backing(std::vector<SgEntry> segments, std::vector<uint8_t>& dst, uint32_t len) {
  dst.resize(len);
  uint32_t done = 0;
  for (const auto& e : segments) {
    if (done == len) break;
    const uint32_t n = std::min(e.length, len - done);
    transport_->dma_read(e.addr, dst.data() + done, n);
    done += n;
  }
  charge_cpu_copy(segments, len);
  stats_.bytes_read += len;
}

std::vector<uint8_t> VideoDevice::peek_backing(const std::vector<SgEntry>& segments, uint32_t len) {
  std::vector<uint8_t> bytes(len);
  uint32_t done = 0;
  for (const auto& e : segments) {
    if (done == len) break;
    const uint32_t n = std::min(e.length, len - done);
    if (!transport_->dma_peek(e.addr, bytes.data() + done, n)) std::fill_n(bytes.data() + done, n, uint8_t{0});
    done += n;
  }
  return bytes;
}

// The bytes are taken as the input is queued, when the buffer is the
// device's until answered: a decode ahead of the simulation sees what the
// device's timed read at the unit's turn sees (DecoderPipeline checks).
void VideoDevice::submit_decode(VideoStream& s, InputWork& w) {
  if (!s.decoder) {
    auto decoder = decoders_(s.codec);
    decoder->limit_picture_size(picture_limit(s.codec));
    s.decoder = std::make_unique<codec::DecodeAhead>(std::move(decoder), *decode_workers_);
  }
  const Resource& in = s.input.resources[w.resource_id];
  std::vector<uint8_t> bytes = peek_backing(in.buffers[0], in.cmd.data_sizes[0]);
  w.queued_bytes_hash = codec::xxh3_64(bytes.data(), bytes.size());
  w.decode_ticket = s.decoder->submit_decode(std::move(bytes), in.cmd.timestamp);
}

void VideoDevice::write_backing(std::vector<SgEntry> segments, uint32_t len, const DeviceTransport::Fill& fill) {
  uint32_t done = 0;
  for (const auto& e : segments) {
    if (done == len) break;
    const uint32_t n = std::min(e.length, len - done);
    if (fill) {
      transport_->dma_write_in_place(e.addr, n, [&](uint64_t at, uint8_t* dst, uint64_t k) { fill(done + at, dst, k); });
    } else {
      transport_->dma_write_timing(e.addr, n);
    }
    done += n;
  }
  charge_cpu_copy(segments, len);
  stats_.bytes_written += len;
}

}  // namespace vvsim::virtio_video
