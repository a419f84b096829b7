// The media device's encoder session threads: read each raw OUTPUT frame,
// encode it on the codec engine, write the coded frame into a CAPTURE buffer,
// run a drain's flush. As the decode threads, each looks its session up again
// after every wait (close and reset end it).
#include <fmt/format.h>

#include "models/protocols/media/media_device.h"

namespace vvsim::virtio_media {

EncoderSession* MediaDevice::live_encoder(uint32_t id, uint64_t epoch) {
  return dynamic_cast<EncoderSession*>(session(id, epoch));
}

void MediaDevice::encoder_worker(uint32_t id, uint64_t epoch) {
  while (live_encoder(id, epoch)) {
    if (deliver_coded(id, epoch) || encode_frame(id, epoch) || flush_encoder(id, epoch)) continue;
    sc_core::wait(work_);
  }
}

bool MediaDevice::deliver_coded(uint32_t id, uint64_t epoch) {
  EncoderSession* s = live_encoder(id, epoch);
  const auto job = s->take_coded_job();
  if (!job) return false;
  const bool fits = !job->data.empty() && job->data.size() <= job->length;
  if (fits) {
    mark(id, job->timestamp_us, models::DeviceStage::OutputWriteStarted);
    write_ranges(job->ranges, job->data.data(), uint32_t(job->data.size()), false);
    mark(id, job->timestamp_us, models::DeviceStage::OutputWriteFinished);
  }
  if ((s = live_encoder(id, epoch))) {
    s->coded_done(*job);
    collect_events(*s);
  }
  return true;
}

bool MediaDevice::encode_frame(uint32_t id, uint64_t epoch) {
  EncoderSession* s = live_encoder(id, epoch);
  const auto job = s->take_raw_job();
  if (!job) return false;
  const codec::CodecId codec = s->codec();
  std::vector<uint8_t> image;
  read_ranges(job->ranges, job->bytes, image);
  codec::EncodeResult result;
  const auto record = engine_.run(
      models::JobKind::Encode, codec,
      [&]() -> codec::UnitWork {
        EncoderSession* now = live_encoder(id, epoch);
        if (!now) return {};
        result = now->encode(*job, image);
        return codec::encoded_frame_work(result);
      },
      owner(id));
  if (record.cancelled || !(s = live_encoder(id, epoch))) return true;
  mark(id, job->timestamp_us, models::DeviceStage::DecodeStarted, record.started);  // the frame's encode job
  mark(id, job->timestamp_us, models::DeviceStage::DecodeFinished, record.finished);
  if (result.status != codec::UnitStatus::Ok) report(fmt::format("session {}: encode failed: {}", id, result.message));
  s->raw_done(*job, std::move(result));
  collect_events(*s);
  return true;
}

// The encoders hold no frames (no lag), but a drain still asks: a library that
// did would hand them out here, before the LAST.
bool MediaDevice::flush_encoder(uint32_t id, uint64_t epoch) {
  EncoderSession* s = live_encoder(id, epoch);
  if (!s->take_drain_flush()) return false;
  s->flush_done(s->flush());
  collect_events(*s);
  return true;
}

}  // namespace vvsim::virtio_media
