// The device proper: construction, the virtio device interface, reset, and
// the command and event loops. Commands: video_device_commands.cpp;
// parameters: video_device_params.cpp; backing memory and RESOURCE_QUEUE:
// video_device_resources.cpp; answers: video_device_answers.cpp; the stream
// workers: video_device_workers.cpp with decoder_pipeline.cpp and
// encoder_pipeline.cpp.
#define SC_INCLUDE_DYNAMIC_PROCESSES  // the processes are spawned at elaboration
#include "models/protocols/v6/video_device.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "codec/decoder_caps.h"
#include "models/protocols/v6/video_device_profile_fields.h"

namespace vvsim::virtio_video {

using sc_core::sc_time;
using sc_core::sc_time_stamp;

VideoDevice::VideoDevice(sc_core::sc_module_name name, const VideoDeviceProfile& profile,
                         models::CodecEngine& engine, DecoderFactory decoders, const VirtioObjectRegistry* objects)
    : sc_module(name),
      profile_(profile),
      faults_(profile_),
      engine_(engine),
      decoders_(std::move(decoders)),
      pipeline_(make_pipeline(profile_.role, *this)),
      objects_(objects) {
  validate(profile_);
  slot_stream_.assign(profile_.max_streams, 0);
  for (uint32_t i = 0; i < profile_.max_streams; ++i) {
    slot_wake_.push_back(std::make_unique<sc_core::sc_event>());
    sc_core::sc_spawn([this, i] { stream_worker(i); }, sc_core::sc_gen_unique_name("stream_worker"));
  }
  sc_core::sc_spawn([this] { command_loop(); }, "command_loop");
  sc_core::sc_spawn([this] { event_loop(); }, "event_loop");
}

// ---------------------------------------------------------------- device interface

uint32_t VideoDevice::device_id() const { return device_id_of(profile_.role); }

uint64_t VideoDevice::device_features() const {
  uint64_t f = 1ull << kFeatureResourceGuestPages | 1ull << kFeatureResourceNonContig |
               1ull << kFeatureResourceDynamic;
  if (objects_) f |= 1ull << kFeatureResourceVirtioObject;
  return faults_.offered_features(f);
}

uint16_t VideoDevice::queue_max_size(unsigned queue) const {
  if (queue == kCommandQueue) return profile_.commandq_size;
  if (queue == kEventQueue) return profile_.eventq_size;
  return 0;
}

QueryCapsResp VideoDevice::capabilities() const {
  QueryCapsResp caps;
  const uint64_t all_images = profile_.image_formats.size() >= 64 ? ~0ull : (1ull << profile_.image_formats.size()) - 1;
  const uint64_t all_codecs = (1ull << profile_.codecs.size()) - 1;
  for (auto c : profile_.codecs) {
    const codec::PictureSizeLimit limit = picture_limit(c);
    caps.bitstream_formats.push_back({*fourcc_from_string(codec::fourcc_of(c)), all_images, limit.max_width, limit.max_height});
  }
  for (const auto& f : profile_.image_formats) {
    caps.image_formats.push_back({*fourcc_from_string(f), all_codecs, profile_.max_width, profile_.max_height});
  }
  return caps;
}

codec::PictureSizeLimit VideoDevice::picture_limit(codec::CodecId codec) const {
  const codec::PictureSizeLimit device{profile_.max_width, profile_.max_height};
  if (profile_.role != DeviceRole::Decoder) return device;
  return codec::intersect(device, codec::decoder_caps(codec, device_decoder_backend(profile_, codec)));
}

uint32_t VideoDevice::caps_length() const {
  const auto caps = capabilities();
  const size_t size = query_caps_resp_size(caps.bitstream_formats.size(), caps.image_formats.size());
  return faults_.caps_length(static_cast<uint32_t>(size));
}

std::vector<uint8_t> VideoDevice::config_space() const {
  return to_bytes(Config{faults_.config_version(), caps_length()});
}

void VideoDevice::driver_ok(uint64_t negotiated_features) { features_ = negotiated_features; }

void VideoDevice::notify(unsigned queue) {
  if (queue == kCommandQueue) command_kick_.notify(sc_core::SC_ZERO_TIME);
  if (queue == kEventQueue) event_kick_.notify(sc_core::SC_ZERO_TIME);
}

void VideoDevice::attach(tlm_virtio::VirtioController& controller) {
  mmio_transport_ = std::make_unique<MmioDeviceTransport>(controller, profile_.max_command_bytes,
                                                          faults_.duplicate_first_used_entry());
  mmio_transport_->set_observer(transport_observer_);
  bind_transport(*mmio_transport_);
}

void VideoDevice::reset() {
  // The transport forgets the rings; held chains die with them, unanswered.
  if (mmio_transport_) mmio_transport_->forget_chains();
  engine_.cancel_all();
  for (auto& [id, s] : streams_) {
    s->closed = true;
    ++s->generation;
    slot_wake_[s->slot]->notify(sc_core::SC_ZERO_TIME);
  }
  streams_.clear();
  std::fill(slot_stream_.begin(), slot_stream_.end(), 0);
  pending_events_.clear();
  completions_.clear();
  if (route_) route_->reset();
  features_ = 0;
}

void VideoDevice::diagnose(const std::string& what) {
  diagnostics_.push_back(fmt::format("{} {}: {}", sc_time_stamp().to_string(), name(), what));
}

// ---------------------------------------------------------------- command loop

void VideoDevice::command_loop() {
  for (;;) {
    auto chain = transport_ ? transport_->pop(kCommandQueue, engine_.cycles_to_time(profile_.firmware_cycles_per_command))
                            : std::nullopt;
    if (!chain) {
      sc_core::wait(command_kick_);
      continue;
    }
    ++stats_.commands;
    handle_command(*chain);
  }
}

// ---------------------------------------------------------------- events

void VideoDevice::send_event(const Event& event) { send_event_bytes(route_ ? route_->encode_event(event) : to_bytes(event)); }

void VideoDevice::send_event_bytes(std::vector<uint8_t> bytes) {
  pending_events_.push_back({std::move(bytes), sc_time_stamp()});
  event_kick_.notify(sc_core::SC_ZERO_TIME);
}

void VideoDevice::event_loop() {
  for (;;) {
    sc_core::wait(event_kick_);
    while (!pending_events_.empty() && transport_) {
      auto chain = transport_->pop(kEventQueue, sc_core::SC_ZERO_TIME);
      if (!chain) {
        ++stats_.events_held;
        break;  // held until the driver posts an eventq buffer (its kick wakes us)
      }
      const HeldEvent held = pending_events_.front();
      pending_events_.pop_front();
      const auto& bytes = held.bytes;
      if (!chain->has_writable || chain->first_writable_len < bytes.size()) {
        diagnose(fmt::format("eventq buffer {} smaller than an event; returned empty", chain->id));
        transport_->complete(kEventQueue, chain->id, 0);
        pending_events_.push_front(held);
        continue;
      }
      transport_->dma_write(chain->first_writable_addr, bytes.data(), static_cast<uint32_t>(bytes.size()));
      transport_->complete(kEventQueue, chain->id, faults_.event_used_len(static_cast<uint32_t>(bytes.size())));
      const sc_time waited = sc_time_stamp() - held.raised;
      stats_.event_wait_total += waited;
      stats_.event_wait_max = std::max(stats_.event_wait_max, waited);
      ++stats_.events_sent;
    }
  }
}

}  // namespace vvsim::virtio_video
