// The guest side of virtio-media, as the Linux virtio-media driver behaves:
// reads the config space and shared memory region 0, sets up the commandq and
// the eventq and keeps the eventq stocked with 16 buffers of 608 bytes, sends
// one command at a time for the whole device (the driver's vlock) and waits
// for its answer at most 5 s, and routes events to sessions (one per open
// file). Descriptors as Linux lays them out: the command header, each payload
// and each SG list in a readable descriptor of its own; the response header
// and each payload in a writable one. Runs on the guest CPU's threads.
#pragma once

#include <systemc>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "models/protocols/media/media_wire.h"
#include "tlm_virtio/guest_allocator.h"
#include "tlm_virtio/interrupt_line.h"
#include "tlm_virtio/memory_port.h"
#include "tlm_virtio/ring_views.h"
#include "tlm_virtio/virtio_mmio_driver.h"
#include "tlm_virtio/virtqueue.h"

namespace vvsim::virtio_media {

struct MediaDriverProfile {
  uint16_t commandq_size = 256;  // asked for; capped by QueueNumMax
  uint16_t eventq_size = 256;
  uint16_t event_buffers = 16;  // VIRTIO_MEDIA_NUM_EVENT_BUFS
  uint64_t command_timeout_ns = 5'000'000'000;  // wait_event_timeout(..., 5 * HZ)
  uint64_t command_submit_ns = 2'000;
  uint64_t interrupt_handle_ns = 5'000;
  uint64_t event_handle_ns = 1'000;  // the event work item: parse one event, wake its session
  bool event_idx = true;
  // A misbehaving-driver policy: post the eventq buffers only this long after DRIVER_OK.
  sc_core::sc_time withhold_eventq = sc_core::SC_ZERO_TIME;
  tlm_virtio::RingLayout ring = tlm_virtio::RingLayout::Split;  // VIRTIO_F_RING_PACKED asked for when packed
};

// An answer: the status and the bytes after the response header (empty after
// a timeout, status ETIMEDOUT); `written` is what the device wrote in all (the
// used length: 0 for CLOSE, which has no response).
struct MediaReply {
  uint32_t status = 0;
  Bytes payload;
  uint32_t written = 0;
};

struct ReceivedMediaEvent {
  Bytes bytes;
  sc_core::sc_time when;
};

// When a command went out and came back, for round-trip counts and traces.
struct MediaCommandRecord {
  std::string name;  // "OPEN", "IOCTL QBUF", ...
  uint32_t session_id = 0;
  uint32_t status = 0;
  sc_core::sc_time submitted, answered;
  size_t descriptors = 0;
};

class MediaDriver {
 public:
  MediaDriver(tlm_virtio::MemoryPort& cpu, uint64_t mmio_base, tlm_virtio::InterruptInput& irq,
              tlm_virtio::GuestAllocator& memory, const MediaDriverProfile& profile = {});

  // Before initialize(): a driver policy for scenarios.
  void withhold_eventq(sc_core::sc_time delay) { profile_.withhold_eventq = delay; }
  // Handshake, config, region 0, queues, event buffers; starts the interrupt thread.
  Status initialize();
  const Config& config() const { return config_; }
  // Writes 0 to Status (virtio 1.4 §2.4, Device Reset): the device drops every session, mapping
  // and event; the rings, the event buffers and every session's events are gone on this side too.
  // Call between commands; initialize() then brings the device up again (§Device Initialization).
  void reset_device();
  const std::optional<tlm_virtio::SharedMemoryRegion>& shm() const { return shm_; }

  // Sends one command (readable parts, then room for `writable` bytes after
  // the response header, in descriptors of these sizes) and waits for it.
  MediaReply command(const std::string& name, uint32_t session_id, const std::vector<Bytes>& readable,
                     const std::vector<uint32_t>& writable);

  Result<uint32_t, WireError> open();  // the session id
  void close(uint32_t session_id);
  // An ioctl: `payload` read by the device (W, WR), `extra` readable parts after
  // it (SG lists), `response` sizes of the payload parts it writes back (R, WR).
  MediaReply ioctl(uint32_t session_id, uint32_t code, const std::vector<Bytes>& payload,
                   const std::vector<uint32_t>& response);
  Result<RespMmap, uint32_t> mmap(uint32_t session_id, uint32_t offset, bool writable);
  uint32_t munmap(uint64_t driver_addr);

  // Events for a session, oldest first; taking removes them. ERROR events
  // also mark the session dead (its ioctls then fail with EIO without a command).
  std::vector<ReceivedMediaEvent> take_events(uint32_t session_id);
  bool session_dead(uint32_t session_id) const { return dead_sessions_.count(session_id) != 0; }
  // The errno of the ERROR event that ended the session; 0 while it lives.
  uint32_t session_error(uint32_t session_id) const {
    const auto it = dead_sessions_.find(session_id);
    return it == dead_sessions_.end() ? 0 : it->second;
  }
  // Activity (an event arrived) as a level, as in the v6 driver: a count the waiter remembers.
  uint64_t activity_count() const { return activity_count_; }
  // Returns when there was activity since `seen`, or once `limit` has passed (none: no limit).
  void wait_for_activity(uint64_t seen, std::optional<sc_core::sc_time> limit = std::nullopt);

  tlm_virtio::MemoryPort& cpu() { return cpu_; }
  tlm_virtio::GuestAllocator& memory() { return memory_; }
  // Hears each answered command as the driver has its answer; the driver keeps
  // no history (the runner keeps what its outputs read, as with v6).
  using CommandListener = std::function<void(const MediaCommandRecord&)>;
  void on_command(CommandListener listener) { command_listener_ = std::move(listener); }
  uint64_t commands_answered() const { return commands_answered_; }
  uint64_t events_received() const { return events_received_; }
  // The most filled eventq buffers one reap found waiting for the driver.
  uint32_t eventq_peak_filled() const { return eventq_peak_filled_; }
  // CPU work of the driver or its application, `ns` long; counted in cpu_time().
  void charge(uint64_t ns_) {
    cpu_time_ += sc_core::sc_time(double(ns_), sc_core::SC_NS);
    sc_core::wait(sc_core::sc_time(double(ns_), sc_core::SC_NS));
  }
  sc_core::sc_time cpu_time() const { return cpu_time_; }
  uint64_t command_timeouts() const { return timeouts_; }
  uint64_t interrupts() const { return interrupts_; }
  // The most commandq descriptors the driver had out at once.
  uint16_t peak_commandq_descriptors() const { return peak_descriptors_; }
  uint16_t commandq_size() const { return commandq_ ? commandq_->size() : 0; }
  uint16_t eventq_size() const { return eventq_ ? eventq_->size() : 0; }
  uint16_t commandq_free() const { return commandq_ ? commandq_->free_descriptors() : 0; }
  // Hears the descriptors in use of a queue (commandq) or the buffers the
  // device holds (eventq) after each change; for analysis only.
  using QueueObserver = std::function<void(sc_core::sc_time, uint32_t queue, uint16_t in_use)>;
  void observe_virtqueues(QueueObserver observer) { queue_observer_ = std::move(observer); }
  // What is unanswered now: the command in flight, if any.
  std::vector<std::string> unanswered_commands() const;

 private:
  struct InFlight {
    tlm_virtio::ChainId id;
    uint64_t response_addr = 0;
    uint32_t response_capacity = 0;
    bool answered = false;
    uint32_t used_len = 0;
    Bytes response;
  };
  void service_interrupts();
  // Takes the used event buffers (inside the handler's batch) and reposts them.
  std::vector<Bytes> reap_events();
  void dispatch(std::vector<Bytes> events);
  bool post_event_buffer(uint64_t addr);
  void stock_eventq();
  void report_depth(uint32_t queue, const tlm_virtio::VirtqueueDriver* ring) const {
    if (queue_observer_ && ring) queue_observer_(sc_core::sc_time_stamp(), queue, uint16_t(ring->size() - ring->free_descriptors()));
  }

  tlm_virtio::MemoryPort& cpu_;
  tlm_virtio::VirtioMmioDriver mmio_;
  tlm_virtio::GuestAllocator& memory_;
  MediaDriverProfile profile_;
  std::unique_ptr<tlm_virtio::VirtqueueDriver> commandq_, eventq_;
  Config config_;
  std::optional<tlm_virtio::SharedMemoryRegion> shm_;
  std::map<tlm_virtio::ChainId, uint64_t> event_buffers_;  // chain -> buffer address
  std::optional<InFlight> in_flight_;
  std::string in_flight_name_;
  std::map<uint32_t, std::deque<ReceivedMediaEvent>> events_;
  std::map<uint32_t, uint32_t> dead_sessions_;  // session -> its ERROR event's errno
  CommandListener command_listener_;
  uint64_t commands_answered_ = 0;
  sc_core::sc_mutex vlock_;  // one command in flight per device
  sc_core::sc_event answered_, activity_;
  uint64_t activity_count_ = 0, events_received_ = 0, timeouts_ = 0, interrupts_ = 0;
  uint64_t generation_ = 0;  // bumped by reset_device(): events reaped before it are dropped
  sc_core::sc_time cpu_time_ = sc_core::SC_ZERO_TIME;
  uint32_t eventq_peak_filled_ = 0;
  uint16_t peak_descriptors_ = 0;
  bool interrupt_thread_started_ = false;
  QueueObserver queue_observer_;
};

}  // namespace vvsim::virtio_media
