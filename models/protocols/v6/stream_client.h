// What every guest application stream does over the v6 driver, whatever it
// decodes or encodes: create the stream, read parameters before changing them
// and obey the device's answer, allocate and attach guest buffers, queue
// resources, destroy. Problems (refusals) are collected for the report.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codec/image_layout.h"
#include "models/guest/feed_time.h"
#include "models/guest/stream_report.h"
#include "models/protocols/v6/video_driver.h"

namespace vvsim::virtio_video {

using guest::QueueDepthSample;

// A buffer in guest memory: one segment, or several non-adjacent pages when
// the application scatters its buffers (RESOURCE_NON_CONTIG).
struct GuestBuffer {
  std::vector<SgEntry> segments;
  uint32_t size = 0;
};

using guest::feed_time;

class StreamClient {
 protected:
  explicit StreamClient(VideoDriver& driver) : driver_(driver) {}

  // Allocate buffers as separate, non-adjacent pages (needs RESOURCE_NON_CONTIG).
  void scatter_buffers(bool scatter) { scatter_ = scatter; }
  // Record the resources the device holds after each change (depth_samples_).
  void keep_depth_samples(bool keep) { keep_depth_samples_ = keep; }
  // Hears each sample, kept or not.
  void observe_depth(std::function<void(const QueueDepthSample&)> observer) { depth_observer_ = std::move(observer); }
  void write_buffer(const GuestBuffer& b, const uint8_t* data, size_t size);
  void read_buffer(const GuestBuffer& b, uint8_t* data, size_t size);
  // A read of `size` bytes that leaves them where they lie in guest memory:
  // appends the pieces of memory that hold them, in order, to `pieces`.
  void read_buffer_in_place(const GuestBuffer& b, size_t size, codec::BufferPieces& pieces);
  // A read of `size` bytes that takes its bus time but moves no data (timing-only runs).
  void touch_buffer(const GuestBuffer& b, size_t size);

  bool create_stream();
  Result result_of(const std::vector<uint8_t>& response);
  // True for OK; otherwise records "what: RESULT" as a problem.
  bool ok(Result r, const std::string& what);
  std::optional<StreamParamValue> get_param(ParamType type);
  Result set_param(ParamType type, const StreamParamValue& value, StreamParamValue* actual);
  // GET then SET of a queue's resource count; the count the device granted, or nothing.
  std::optional<uint32_t> set_resource_count(QueueType queue, uint32_t wanted);
  // Sets the bitstream format (codec fourcc, buffer size) of `type`; the granted buffer size.
  std::optional<uint32_t> set_bitstream_format(ParamType type, codec::CodecId codec, uint32_t buffer_size);
  // The layout an image format parameter describes.
  std::optional<codec::ImageLayout> layout_of(const ParamsImageFormat& format);
  // Allocates page-aligned guest buffers of `sizes` and attaches them to a resource.
  std::optional<std::vector<GuestBuffer>> attach(QueueType queue, uint32_t resource, const std::vector<uint32_t>& sizes);
  void release(std::vector<GuestBuffer>& buffers);
  std::optional<GuestBuffer> allocate(uint32_t size);
  uint64_t queue_resource(QueueType queue, uint32_t resource, uint64_t timestamp = 0,
                          const std::vector<uint32_t>& data_sizes = {}, uint32_t flags = 0);
  bool destroy_stream();

  // Queue commands sent and not yet answered, by ticket.
  struct PendingQueue {
    QueueType queue;
    uint32_t resource;
  };
  struct AnsweredQueue {
    PendingQueue pending;
    Result result;
    std::optional<ResourceQueueResp> response;  // the full response, when the device wrote one
    sc_core::sc_time interrupted, reaped;        // the driver's interrupt and reaping of the answer
  };
  void track(uint64_t ticket, QueueType queue, uint32_t resource) {
    pending_[ticket] = {queue, resource};
    sample_depth(queue);
  }
  // Removes and returns the answered ones, in the order the device answered
  // them (the used ring's order), not the order they were sent.
  std::vector<AnsweredQueue> take_answered();
  bool queue_pending(QueueType queue) const;
  // After a device reset no pending command will ever be answered.
  void forget_pending() {
    pending_.clear();
    sample_depth(QueueType::Input);
    sample_depth(QueueType::Output);
  }
  void sample_depth(QueueType queue);

  VideoDriver& driver_;
  uint32_t id_ = 0;
  std::vector<std::string> problems_;
  std::map<uint64_t, PendingQueue> pending_;
  bool scatter_ = false;
  bool keep_depth_samples_ = true;
  std::vector<QueueDepthSample> depth_samples_;
  std::function<void(const QueueDepthSample&)> depth_observer_;
};

}  // namespace vvsim::virtio_video
