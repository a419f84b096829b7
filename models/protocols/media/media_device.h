// The virtio-media device (virtio 1.4 §Media Device, device ID 48) as a V4L2
// stateful decoder or encoder (profile key `role`): a commandq served by one worker that answers every chain
// as soon as it has handled it (no chain is held, so the commandq cannot be
// exhausted by queued buffers), an eventq that carries DQBUF, EVENT and
// ERROR, shared memory region 0 for MMAP buffers, and one decode or encode
// thread per session on the shared codec engine. Sessions are named by id only: every
// thread looks its session up again after each wait().
#pragma once

#include <systemc>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/engine/codec_engine.h"
#include "models/engine/stage_marks.h"
#include "models/protocols/media/decoder_session.h"
#include "models/protocols/media/encoder_session.h"
#include "models/protocols/media/media_device_faults.h"
#include "models/protocols/media/media_device_profile.h"
#include "models/protocols/media/media_observer.h"
#include "models/protocols/media/media_shm.h"
#include "tlm_virtio/virtio_device.h"

namespace vvsim::virtio_media {

class MediaDevice : public sc_core::sc_module, public tlm_virtio::VirtioDevice {
 public:
  // `shm_base`: the guest physical address of region 0 (its length is the profile's).
  MediaDevice(sc_core::sc_module_name name, const MediaDeviceProfile& profile, models::CodecEngine& engine,
              uint64_t shm_base, DecoderSession::DecoderFactory decoders);

  // VirtioDevice
  uint32_t device_id() const override { return kDeviceId; }
  uint64_t device_features() const override { return 0; }  // §Feature Bits: none
  unsigned num_queues() const override { return 2; }
  uint16_t queue_max_size(unsigned queue) const override;
  std::vector<uint8_t> config_space() const override;
  std::vector<tlm_virtio::SharedMemoryRegion> shared_memory_regions() const override;
  void attach(tlm_virtio::VirtioController& controller) override { controller_ = &controller; }
  void driver_ok(uint64_t) override {}
  void notify(unsigned queue) override;
  void reset() override;

  struct Stats {
    uint64_t commands = 0, events = 0, errors_returned = 0;
    uint64_t events_waited = 0;  // events that found no eventq buffer
    sc_core::sc_time event_wait_total = sc_core::SC_ZERO_TIME;
    size_t peak_backlog = 0;
    std::map<std::string, uint64_t> commands_by_name;  // "OPEN", "IOCTL G_FMT", ...
  };
  const Stats& stats() const { return stats_; }
  const ShmRegion& shm() const { return shm_; }
  size_t open_sessions() const { return sessions_.size(); }
  const std::vector<std::string>& diagnostics() const { return diagnostics_; }
  // Before the run: faults to inject (media_device_faults.h) and a passive observer (null: none).
  void set_faults(const MediaDeviceFaults& faults) { faults_ = faults; }
  void set_observer(MediaObserver* observer) { observer_ = observer; }
  // Where each frame is on its way (models/engine/stage_marks.h), by session id and
  // buffer timestamp (microseconds): for analysis only.
  void set_probe(models::DeviceProbe probe) { probe_ = std::move(probe); }
  // Before the run: where an encoder session's encoders come from (default: the codec libraries).
  void use_encoders(EncoderSession::EncoderFactory encoders) { encoders_ = std::move(encoders); }

 private:
  void command_worker();
  void event_worker();
  void session_worker(uint32_t id, uint64_t epoch);
  void encoder_worker(uint32_t id, uint64_t epoch);
  // One command: its reply bytes (header and payload) for the chain's writable part.
  Bytes handle(const Bytes& readable);
  Bytes open_session();
  Bytes close_session(const Bytes& readable);
  Bytes ioctl(const Bytes& readable);
  Bytes mmap(const Bytes& readable);
  Bytes munmap(const Bytes& readable);
  void answer(const tlm_virtio::DescriptorChain& chain, const Bytes& reply);
  // Session work; each returns whether it did something (and may have waited).
  bool deliver_frame(uint32_t id, uint64_t epoch);
  bool decode_unit(uint32_t id, uint64_t epoch);
  bool flush_drain(uint32_t id, uint64_t epoch);
  bool deliver_coded(uint32_t id, uint64_t epoch);
  bool encode_frame(uint32_t id, uint64_t epoch);
  bool flush_encoder(uint32_t id, uint64_t epoch);
  // A picture written into its CAPTURE buffer while its job decodes (engine
  // output_write: during_decode): the buffer and the write's bus time still to come.
  struct OverlappedCapture {
    CaptureJob job;
    tlm_virtio::MemoryPort::Posted posted;
  };
  std::optional<OverlappedCapture> start_overlapped_capture(uint32_t id, uint64_t epoch, codec::DecodeResult& result);
  void finish_overlapped_capture(uint32_t id, uint64_t epoch, const OverlappedCapture& capture, bool taken);
  void read_ranges(const GuestRanges& ranges, uint32_t bytes, std::vector<uint8_t>& out);
  void write_frame(const CaptureJob& job);
  void write_ranges(const GuestRanges& ranges, const uint8_t* data, uint32_t bytes, bool timing_only);
  MediaSession* session(uint32_t id, uint64_t epoch);
  DecoderSession* live(uint32_t id, uint64_t epoch);
  EncoderSession* live_encoder(uint32_t id, uint64_t epoch);
  std::string owner(uint32_t id) const;  // the session's name on the codec engine
  void collect_events(MediaSession& s);
  void report(const std::string& message);
  void mark(uint32_t session, uint64_t timestamp_us, models::DeviceStage stage,
            sc_core::sc_time at = sc_core::sc_time_stamp());
  void mark_queued_input(uint32_t session, uint32_t code, const Bytes& payload);
  void mark_returned_output(const Bytes& event);
  void break_reply(uint32_t code, Bytes& payload) const;  // the answer-changing faults
  static Bytes shifted_capture_timestamp(const Bytes& event);
  static Bytes first_frame_flagged_last(const Bytes& event);
  static Bytes overfilled_capture(const Bytes& event);
  static Bytes untyped_coded_frame(const Bytes& event);
  Bytes broken_v4l2_event(const Bytes& event) const;

  MediaDeviceProfile profile_;
  models::CodecEngine& engine_;
  DecoderSession::DecoderFactory decoders_;
  EncoderSession::EncoderFactory encoders_;
  tlm_virtio::VirtioController* controller_ = nullptr;
  ShmRegion shm_;
  std::map<uint32_t, std::unique_ptr<MediaSession>> sessions_;
  uint32_t next_session_id_ = 0;  // monotonic, never recycled (crosvm restarts at 0 after a reset)
  std::deque<Bytes> backlog_;     // events waiting for an eventq buffer, in order
  uint64_t epoch_ = 0;            // bumped by reset: older threads and jobs end
  // Kicks counted, so one that comes while a worker is busy on the bus is not lost.
  uint64_t command_kicks_ = 0, event_kicks_ = 0;
  sc_core::sc_event command_kick_, event_kick_, work_, backlog_added_, backlog_drained_;
  Stats stats_;
  std::vector<std::string> diagnostics_;
  MediaDeviceFaults faults_;
  models::DeviceProbe probe_;
  MediaObserver* observer_ = nullptr;
};

}  // namespace vvsim::virtio_media
