// The video device as one component for any SystemC/TLM-2.0 platform: the
// v6 device model on real codecs, its codec engine and its virtio-mmio
// transport, behind standard sockets and wires. The host binds
//   mmio  (target)    its bus's route to the virtio-mmio register window (0x200 bytes, offset 0 = MagicValue)
//   shm   (target)    the shared-memory aperture (virtio-media); v6 has no shared memory region,
//                     so every access is answered TLM_ADDRESS_ERROR_RESPONSE and SHMLen reads all ones
//   dma   (initiator) into the host's memory: rings and buffers, DMI used where the host grants it
//   irq   (sc_out)    the device's interrupt, high while InterruptStatus has a cause
//   reset (sc_in)     a rising edge resets the device as a driver's Status = 0 write does
// LT timing: targets annotate and never wait; the device's own threads wait
// out every DMA transfer's annotated time, so they never run ahead of the host.
// Page: docs/models/video_device_component.md.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "models/engine/codec_engine.h"
#include "models/component/component_profiles.h"
#include "models/component/host_dmi_timing.h"
#include "models/protocols/v6/video_device.h"
#include "tlm_virtio/virtio_mmio.h"

namespace vvsim::models {

class VideoDeviceComponent : public sc_core::sc_module, public tlm_virtio::InterruptSignalIf {
 public:
  tlm::tlm_target_socket<> mmio;
  tlm_utils::simple_target_socket<VideoDeviceComponent> shm;
  tlm::tlm_initiator_socket<> dma;
  sc_core::sc_out<bool> irq;
  sc_core::sc_in<bool> reset;

  // `decoders` empty: the real codec backends (codec::make_decoder).
  VideoDeviceComponent(sc_core::sc_module_name name, const DeviceComponentProfile& profile = {},
                       virtio_video::DecoderFactory decoders = {});

  const DeviceComponentProfile& profile() const { return profile_; }
  virtio_video::VideoDevice& device() { return device_; }
  tlm_virtio::VirtioMmio& transport() { return transport_; }
  CodecEngine& engine() { return engine_; }

  // InterruptSignalIf: the transport's interrupt level, from whichever
  // process changed it (a register access, a device thread, the reset).
  void set_level(bool level) override;

 private:
  void shm_access(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void spawn_processes();

  DeviceComponentProfile profile_;
  CodecEngine engine_;
  virtio_video::VideoDevice device_;
  tlm_virtio::VirtioMmio transport_;
  HostDmiTiming dmi_timing_;
  // A signal has one writer: the level goes onto `irq` from one process of ours, a delta cycle later.
  bool irq_level_ = false;
  sc_core::sc_event irq_changed_;
};

}  // namespace vvsim::models
