// The media device's session threads: decode OUTPUT buffers on the codec
// engine, write pictures into CAPTURE buffers, run a drain's flush. Each
// looks its session up again after every wait (close and reset end it).
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "models/protocols/media/media_device.h"

namespace vvsim::virtio_media {

MediaSession* MediaDevice::session(uint32_t id, uint64_t epoch) {
  if (epoch != epoch_) return nullptr;
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

DecoderSession* MediaDevice::live(uint32_t id, uint64_t epoch) { return dynamic_cast<DecoderSession*>(session(id, epoch)); }

void MediaDevice::session_worker(uint32_t id, uint64_t epoch) {
  while (live(id, epoch)) {
    if (deliver_frame(id, epoch) || decode_unit(id, epoch) || flush_drain(id, epoch)) continue;
    sc_core::wait(work_);
  }
}

bool MediaDevice::deliver_frame(uint32_t id, uint64_t epoch) {
  DecoderSession* s = live(id, epoch);
  auto job = s->take_capture_job();
  collect_events(*s);  // a DRC's SOURCE_CHANGE once its earlier pictures are out
  if (!job) return false;
  const std::optional<uint64_t> picture = job->picture ? std::optional<uint64_t>(job->picture->timestamp) : std::nullopt;
  if (picture) mark(id, *picture, models::DeviceStage::OutputWriteStarted);
  write_frame(*job);
  if (picture) mark(id, *picture, models::DeviceStage::OutputWriteFinished);
  if ((s = live(id, epoch))) {
    s->capture_done(*job);
    collect_events(*s);
  }
  return true;
}

bool MediaDevice::decode_unit(uint32_t id, uint64_t epoch) {
  DecoderSession* s = live(id, epoch);
  const auto job = s->take_output_job();
  if (!job) return false;
  const codec::CodecId codec = s->codec();
  std::vector<uint8_t> data;
  read_ranges(job->ranges, job->bytes, data);
  codec::DecodeResult result;
  std::optional<OverlappedCapture> overlapped;
  const auto record = engine_.run(
      models::JobKind::Decode, codec,
      [&]() -> codec::UnitWork {
        DecoderSession* now = live(id, epoch);
        if (!now) return {};
        result = now->decode(*job, data);
        return result.work;
      },
      owner(id), [&] { overlapped = start_overlapped_capture(id, epoch, result); });
  if (record.cancelled || !(s = live(id, epoch))) return true;
  std::vector<uint64_t> decoded;  // the job that produced each picture (reordered ones come later)
  if (overlapped) decoded.push_back(overlapped->job.picture->timestamp);
  for (const auto& p : result.pictures) decoded.push_back(p.timestamp);
  for (uint64_t timestamp : decoded) {
    mark(id, timestamp, models::DeviceStage::DecodeStarted, record.started);
    mark(id, timestamp, models::DeviceStage::DecodeFinished, record.finished);
  }
  if (result.status != codec::UnitStatus::Ok)  // the codec's reason, as v6's device gives it
    report(fmt::format("session {}: input ts {}{}: {}", id, job->timestamp_us,
                       result.status == codec::UnitStatus::Corrupt ? " corrupt" : "", result.message));
  const bool taken = s->output_done(*job, std::move(result));
  collect_events(*s);
  if (overlapped) finish_overlapped_capture(id, epoch, *overlapped, taken);
  return true;
}

// Under engine output_write: during_decode, the result's first picture goes
// into a CAPTURE buffer as its job starts, if one is queued and nothing waits
// before it (no earlier picture, LAST or format change; docs/timing.md).
std::optional<MediaDevice::OverlappedCapture> MediaDevice::start_overlapped_capture(uint32_t id, uint64_t epoch,
                                                                                     codec::DecodeResult& result) {
  DecoderSession* s = live(id, epoch);
  const bool may_overlap = engine_.profile().output_write == models::OutputWrite::DuringDecode &&
                           result.status == codec::UnitStatus::Ok && !result.new_format && !result.pictures.empty();
  if (!s || !may_overlap) return std::nullopt;
  auto job = s->take_capture_now(result.pictures.front());
  if (!job) return std::nullopt;
  result.pictures.erase(result.pictures.begin());
  mark(id, job->picture->timestamp, models::DeviceStage::OutputWriteStarted);
  OverlappedCapture capture{std::move(*job), {}};
  capture.posted = controller_->dma().post([&] { write_frame(capture.job); });
  return capture;
}

// The job has ended and its OUTPUT buffer is answered; the picture is answered
// once its write has ended too, or its buffer goes back when the result was dropped.
void MediaDevice::finish_overlapped_capture(uint32_t id, uint64_t epoch, const OverlappedCapture& capture, bool taken) {
  controller_->dma().wait_for(capture.posted);
  DecoderSession* s = live(id, epoch);
  if (!s) return;
  if (!taken) return s->give_back(capture.job);
  mark(id, capture.job.picture->timestamp, models::DeviceStage::OutputWriteFinished);
  s->capture_done(capture.job);
  collect_events(*s);
}

bool MediaDevice::flush_drain(uint32_t id, uint64_t epoch) {
  DecoderSession* s = live(id, epoch);
  if (!s->take_drain_flush()) return false;
  s->flush_done(s->flush());
  collect_events(*s);
  return true;
}

void MediaDevice::read_ranges(const GuestRanges& ranges, uint32_t bytes, std::vector<uint8_t>& out) {
  out.resize(bytes);
  uint32_t done = 0;
  for (const auto& r : ranges) {
    if (done == bytes) break;
    const uint32_t n = std::min(r.len, bytes - done);
    if (controller_->dma().read(r.start, out.data() + done, n) != tlm_virtio::AccessStatus::Ok)
      report(fmt::format("bitstream read [{:#x}, +{}) failed", r.start, n));
    done += n;
  }
}

void MediaDevice::write_ranges(const GuestRanges& ranges, const uint8_t* data, uint32_t bytes, bool timing_only) {
  uint32_t done = 0;
  for (const auto& r : ranges) {
    if (done == bytes) break;
    const uint32_t n = std::min(r.len, bytes - done);
    const auto status = timing_only ? controller_->dma().touch(r.start, n) : controller_->dma().write(r.start, data + done, n);
    if (status != tlm_virtio::AccessStatus::Ok) report(fmt::format("frame write [{:#x}, +{}) failed", r.start, n));
    done += n;
  }
}

// A picture in the CAPTURE layout: I420 planes at the coded width, one after the other.
void MediaDevice::write_frame(const CaptureJob& job) {
  if (!job.picture) return;  // an empty LAST buffer
  const codec::Picture& p = *job.picture;
  const v4l2::Format& f = job.format;
  const uint32_t size = f.planes[0].sizeimage;
  if (size > job.length || p.width > f.width || p.height > f.height) return;  // flagged ERROR by capture_done
  if (!p.has_pixels) return write_ranges(job.ranges, nullptr, size, true);
  std::vector<uint8_t> frame(size, 0);
  const uint32_t chroma_stride = (f.width + 1) / 2, chroma_rows = (f.height + 1) / 2;
  const size_t plane_at[3] = {0, size_t{f.width} * f.height, size_t{f.width} * f.height + size_t{chroma_stride} * chroma_rows};
  const uint32_t stride[3] = {f.width, chroma_stride, chroma_stride};
  for (uint32_t plane = 0; plane < 3; ++plane) {
    const uint32_t rows = plane == 0 ? p.height : (p.height + 1) / 2;
    const uint32_t row_bytes = plane == 0 ? p.width : (p.width + 1) / 2;
    for (uint32_t row = 0; row < rows; ++row)
      std::memcpy(frame.data() + plane_at[plane] + size_t{row} * stride[plane], p.plane_row(plane, row), row_bytes);
  }
  write_ranges(job.ranges, frame.data(), size, false);
}

}  // namespace vvsim::virtio_media
