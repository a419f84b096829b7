#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "models/component/video_device_component.h"

namespace vvsim::models {

namespace {
virtio_video::DecoderFactory real_decoders_unless(virtio_video::DecoderFactory decoders) {
  if (decoders) return decoders;
  return [](codec::CodecId c) { return codec::make_decoder(c); };
}
}  // namespace

VideoDeviceComponent::VideoDeviceComponent(sc_core::sc_module_name name, const DeviceComponentProfile& profile,
                                           virtio_video::DecoderFactory decoders)
    : sc_module(name),
      mmio("mmio"),
      shm("shm"),
      dma("dma"),
      irq("irq"),
      reset("reset"),
      profile_(profile),
      engine_("engine", profile.engine),
      device_("video", profile.device, engine_, real_decoders_unless(std::move(decoders))),
      transport_("transport", device_, profile.dma_window_bytes) {
  device_.use_encoders([](const codec::EncoderConfig& c) { return codec::make_encoder(c); });
  mmio.bind(transport_.registers);
  transport_.dma_port.socket.bind(dma);
  transport_.dma_port.schedule_through(dmi_timing_, 0);
  transport_.irq.bind(*this);
  shm.register_b_transport(this, &VideoDeviceComponent::shm_access);
  spawn_processes();
}

void VideoDeviceComponent::spawn_processes() {
  sc_core::sc_spawn_options on_reset;
  on_reset.spawn_method();
  on_reset.set_sensitivity(&reset.pos());
  on_reset.dont_initialize();
  sc_core::sc_spawn([this] { transport_.reset(); }, "reset_line", &on_reset);
  sc_core::sc_spawn_options on_level;
  on_level.spawn_method();
  on_level.set_sensitivity(&irq_changed_);
  sc_core::sc_spawn([this] { irq.write(irq_level_); }, "irq_driver", &on_level);
}

void VideoDeviceComponent::set_level(bool level) {
  irq_level_ = level;
  irq_changed_.notify(sc_core::SC_ZERO_TIME);
}

void VideoDeviceComponent::shm_access(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);  // v6 offers no shared memory region
}

}  // namespace vvsim::models
