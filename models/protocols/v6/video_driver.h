// The driver side of the v6 protocol on the virtio-mmio transport: brings the
// device up (features, commandq and eventq, config, QUERY_CAPS buffer size),
// sends commands as descriptor chains in guest memory, services the interrupt
// and keeps the eventq stocked. Commands are answered out of order; each has
// a ticket. When the commandq has no free descriptors a sender waits, as a
// real driver must: nothing, not even DESTROY, can be sent until one frees.
#pragma once

#include <systemc>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "models/protocols/v6/command_digest.h"
#include "models/protocols/v6/driver_completion_scheme.h"
#include "models/protocols/v6/wire.h"
#include "tlm_virtio/guest_allocator.h"
#include "tlm_virtio/guest_processors.h"
#include "tlm_virtio/interrupt_line.h"
#include "tlm_virtio/memory_port.h"
#include "tlm_virtio/node_recycler.h"
#include "tlm_virtio/ring_breach.h"
#include "tlm_virtio/ring_views.h"
#include "tlm_virtio/virtio_mmio_driver.h"
#include "tlm_virtio/virtqueue.h"

namespace vvsim::virtio_video {

struct VideoDriverProfile {
  uint16_t commandq_size = 64;       // asked for; capped by QueueNumMax
  uint16_t eventq_size = 16;
  uint16_t eventq_buffers = 8;       // event buffers kept posted
  uint64_t command_submit_ns = 2'000;    // CPU cost to build and post one command
  uint64_t interrupt_handle_ns = 5'000;  // CPU cost of one interrupt
  uint64_t frame_consume_ns = 1'000;     // CPU cost of handing one finished buffer to the application
  uint32_t guest_cpus = 2;  // CPUs the interrupt handler and the application threads contend for
  bool event_idx = true;  // negotiate VIRTIO_F_EVENT_IDX if the device offers it (Linux does)
  // Ask for this ring layout (VIRTIO_F_RING_PACKED for packed); the split ring when the device offers no other.
  tlm_virtio::RingLayout ring = tlm_virtio::RingLayout::Split;
  // A misbehaving-driver policy: post the eventq buffers only this long after
  // DRIVER_OK (0: at once, as §Event Virtqueue requires).
  sc_core::sc_time withhold_eventq = sc_core::SC_ZERO_TIME;
  // A misbehaving-driver policy: the first command after initialisation goes
  // out on a chain that breaks this virtio 1.2 ring rule (none: a sane driver).
  std::optional<tlm_virtio::RingBreach> ring_breach;
};

struct CommandAnswer {
  std::vector<uint8_t> response;  // the bytes the device wrote
  sc_core::sc_time submitted, answered;
  sc_core::sc_time interrupted;  // delivery of the interrupt whose handler reaped the answer
  uint64_t sequence = 0;  // order in which the used ring returned the answers
};

// When a command was posted, answered and announced: handed to the answer
// observer as the driver reaps it (for traces), while the answer's bytes are
// kept only until taken.
struct CommandTiming {
  uint64_t ticket = 0;
  sc_core::sc_time submitted, answered, interrupted;
  CommandDigest digest;  // what it was and its result
};

struct ReceivedEvent {
  Event event;
  sc_core::sc_time when;
};

class VideoDriver {
 public:
  VideoDriver(tlm_virtio::MemoryPort& cpu, uint64_t mmio_base, tlm_virtio::InterruptInput& irq,
              tlm_virtio::GuestAllocator& memory, const VideoDriverProfile& profile = {});
  // Before initialize(): a driver policy for scenarios.
  void withhold_eventq(sc_core::sc_time delay) { profile_.withhold_eventq = delay; }
  void break_ring(std::optional<tlm_virtio::RingBreach> breach) { profile_.ring_breach = breach; }
  // Before initialize(): another completion scheme than v6's (v6-async).
  void use_completion_scheme(DriverCompletionScheme* scheme) { scheme_ = scheme; }
  ~VideoDriver();

  // Handshake, queues, eventq stocking, config. Starts the interrupt thread.
  // Must run inside a SystemC thread.
  Status initialize(uint64_t wanted_features);
  // After reset_device(): the same initialisation with the same wanted features.
  Status reinitialize() { return initialize(wanted_features_); }
  uint64_t features() const { return mmio_.features(); }
  const Config& config() const { return config_; }
  // The device's formats, from QUERY_CAPS during initialize().
  const QueryCapsResp& capabilities() const { return caps_; }
  bool offers_bitstream(const std::string& fourcc) const;
  uint32_t device_id() { return mmio_.read_register(0x008); }

  // Posts a command; waits for free descriptors if the commandq has none.
  // Returns 0 (a ticket never answered) when no commandq is set up.
  uint64_t submit(const std::vector<uint8_t>& command, uint32_t response_capacity);
  // Waits for a ticket's answer; nothing if `limit` of simulated time passes
  // first. A zero limit waits as long as it takes: an answer that never comes
  // then shows as a deadlock (no pending activity). Untimed waits also leave no
  // timeout behind in SystemC's queue of timed notifications, which a timed
  // wait does every time, cancelled or not.
  // The answer is taken (see take_answer).
  std::optional<CommandAnswer> wait(uint64_t ticket, sc_core::sc_time limit = sc_core::SC_ZERO_TIME);
  bool answered(uint64_t ticket) const { return answers_.count(ticket) != 0; }
  const CommandAnswer* answer(uint64_t ticket) const;
  // Removes and returns an answer: the driver keeps answers only until their
  // sender takes them, so memory follows the commands in flight.
  std::optional<CommandAnswer> take_answer(uint64_t ticket);
  // Analysis hook: called with each answered command's timing as it is
  // reaped, in reaping order; the driver keeps no history (it would grow
  // with the run). Observes, changes nothing.
  using AnswerObserver = std::function<void(const CommandTiming&)>;
  void observe_answers(AnswerObserver observer) { answer_observer_ = std::move(observer); }
  // Every event received, in order (for traces); take_events() does not empty it.
  const std::vector<ReceivedEvent>& event_history() const { return event_history_; }
  // The application thread hands one finished buffer on (the dequeue path):
  // guest CPU time.
  void consume_frame() { charge(profile_.frame_consume_ns); }
  // A session re-allocated and queued a stream's outputs after a DRC: under a
  // scheme whose DRC holds the outputs, the command that releases them.
  void outputs_reallocated(uint32_t stream_id);
  // Sends and waits.
  std::vector<uint8_t> call(const std::vector<uint8_t>& command, uint32_t response_capacity);

  // Events received for a stream, oldest first; taking removes them.
  std::vector<ReceivedEvent> take_events(uint32_t stream_id);
  uint64_t events_received() const { return events_received_; }
  // The most filled eventq buffers one reap found waiting for the driver.
  uint32_t eventq_peak_filled() const { return eventq_peak_filled_; }
  // Guest CPU time the driver and its applications booked (threads and the interrupt handler).
  sc_core::sc_time cpu_time() const { return cpus_.booked(); }
  // Activity (an answer or event arrived, or a reset) as a level: a count the
  // waiter remembers, so an arrival while it was busy elsewhere is not lost.
  uint64_t activity_count() const { return activity_count_; }
  // Returns at once if there was activity since the count `seen`; otherwise
  // waits for the next, or until `limit` of simulated time passes (none:
  // without limit). True if there was activity.
  bool wait_for_activity(uint64_t seen, std::optional<sc_core::sc_time> limit = std::nullopt);

  uint16_t commandq_free() const { return commandq_ ? commandq_->free_descriptors() : 0; }
  uint16_t commandq_size() const { return commandq_ ? commandq_->size() : 0; }
  uint16_t eventq_size() const { return eventq_ ? eventq_->size() : 0; }
  // Commands sent and not yet answered.
  size_t commands_in_flight() const { return in_flight_.size() + awaiting_completion_.size(); }
  // Their names (command_label), oldest ticket first: what a stopped run still waits for.
  std::vector<std::string> unanswered_commands() const;
  bool waiting_for_descriptors() const { return waiting_for_descriptors_; }
  uint64_t interrupts() const { return interrupts_; }
  // Analysis hook (before initialize): called with a virtqueue's descriptors
  // in use (commandq: commands in flight; eventq: buffers given to the device)
  // after each change. Observes, changes nothing.
  using QueueObserver = std::function<void(sc_core::sc_time, uint32_t queue, uint16_t in_use)>;
  void observe_virtqueues(QueueObserver observer) { queue_observer_ = std::move(observer); }
  uint64_t kicks() const { return kicks_; }
  // Device reset from the driver side (Status = 0); in-flight commands are lost.
  void reset_device();

  tlm_virtio::MemoryPort& cpu() { return cpu_; }
  tlm_virtio::GuestAllocator& memory() { return memory_; }

 private:
  struct InFlight {
    uint64_t ticket;
    uint64_t command_addr, response_addr;
    uint32_t response_capacity;
    sc_core::sc_time submitted;
    CommandDigest digest;
    std::optional<uint64_t> cookie;  // the completion scheme's: an OK answer only accepts the command
  };
  void service_interrupts();
  // What one interrupt handler run takes from the used rings, read in one batch.
  struct Reaped {
    std::vector<std::pair<InFlight, uint32_t>> commands;  // with the length the device wrote
    std::vector<std::vector<uint8_t>> responses;
    std::vector<std::vector<uint8_t>> events;
    bool events_reposted = false;
    void clear() {  // keeps the lists' capacity
      commands.clear(), responses.clear(), events.clear();
      events_reposted = false;
    }
  };
  Reaped reaped_;  // the interrupt handler's, reused run after run
  void reap_commands(Reaped& reaped);
  void reap_events(Reaped& reaped);
  void record(Reaped& reaped, sc_core::sc_time interrupted);
  void answer_command(const InFlight& f, std::vector<uint8_t> response, sc_core::sc_time interrupted);
  void deliver_event(const std::vector<uint8_t>& bytes, sc_core::sc_time now);
  // A command accepted under the scheme, and a completion event: each waits for the other.
  void await_completion(const InFlight& f, sc_core::sc_time interrupted);
  void take_completion(uint64_t cookie, std::vector<uint8_t> response, sc_core::sc_time interrupted);
  size_t event_bytes() const { return scheme_ ? scheme_->event_size() : kEventSize; }
  void report_depth(uint32_t queue, const tlm_virtio::VirtqueueDriver* ring) const {
    if (queue_observer_ && ring) queue_observer_(sc_core::sc_time_stamp(), queue, uint16_t(ring->size() - ring->free_descriptors()));
  }
  void report_commandq() const { report_depth(kCommandQueue, commandq_.get()); }
  void report_eventq() const { report_depth(kEventQueue, eventq_.get()); }
  bool post_event_buffer(uint64_t addr);
  void stock_eventq();
  Status negotiate_and_set_up_queues();
  Status read_device_config();
  Status query_capabilities();
  // Application-thread CPU time (submit, consume); the handler's goes through cpus_.run_handler.
  void charge(uint64_t ns) { cpus_.run_thread(sc_core::sc_time(double(ns), sc_core::SC_NS)); }

  tlm_virtio::MemoryPort& cpu_;
  tlm_virtio::VirtioMmioDriver mmio_;
  tlm_virtio::GuestAllocator& memory_;
  VideoDriverProfile profile_;
  tlm_virtio::GuestProcessors cpus_;
  std::unique_ptr<tlm_virtio::VirtqueueDriver> commandq_, eventq_;
  Config config_;
  QueryCapsResp caps_;
  std::map<tlm_virtio::ChainId, InFlight> in_flight_;      // by chain id
  tlm_virtio::NodeRecycler<std::map<tlm_virtio::ChainId, InFlight>> in_flight_nodes_;
  std::map<tlm_virtio::ChainId, uint64_t> event_buffers_;  // chain id -> buffer address
  DriverCompletionScheme* scheme_ = nullptr;  // none: v6's
  std::map<uint64_t, InFlight> awaiting_completion_;            // by cookie: accepted, not completed
  std::map<uint64_t, std::vector<uint8_t>> early_completions_;  // by cookie: completed before its OK was reaped
  std::map<uint64_t, CommandAnswer> answers_;   // by ticket, until taken
  tlm_virtio::NodeRecycler<std::map<uint64_t, CommandAnswer>> answer_nodes_;
  // The one readable and one writable descriptor of the command being posted (kept: no allocation per command).
  std::vector<tlm_virtio::Segment> command_segment_ = std::vector<tlm_virtio::Segment>(1),
                                   response_segment_ = std::vector<tlm_virtio::Segment>(1);
  std::vector<ReceivedEvent> events_, event_history_;
  uint64_t next_ticket_ = 1;
  uint64_t answers_seen_ = 0;
  uint64_t events_received_ = 0;
  uint32_t eventq_peak_filled_ = 0;
  uint64_t interrupts_ = 0, kicks_ = 0;
  uint64_t generation_ = 0;  // bumped by each initialisation and reset: stale timers do nothing
  bool interrupt_thread_started_ = false;
  uint64_t wanted_features_ = 0;
  bool waiting_for_descriptors_ = false;
  bool ring_breach_armed_ = false;  // the next command carries profile_.ring_breach
  std::optional<tlm_virtio::ChainId> oldest_in_flight() const;  // the command sent first of those unanswered
  sc_core::sc_event activity_;
  uint64_t activity_count_ = 0;
  void signal_activity() {
    ++activity_count_;
    activity_.notify(sc_core::SC_ZERO_TIME);
  }
  QueueObserver queue_observer_;
  AnswerObserver answer_observer_;
  // Several guest threads send commands; writing a chain and its avail slot spans bus waits.
  sc_core::sc_mutex commandq_lock_;
};

}  // namespace vvsim::virtio_video
