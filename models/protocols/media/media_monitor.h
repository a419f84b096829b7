// The conformance monitor of virtio-media: the spec's normative statements
// (Media Device / Device and Driver Conformance) and the stateful decoder's
// rules vvsim checks, on the protocol-neutral frame (models/conformance).
// It watches the device's commands, replies and events; it never changes them.
// Rules and what breaks each: docs/conformance.md (virtio-media).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "models/conformance/conformance_frame.h"
#include "models/protocols/media/media_observer.h"

namespace vvsim::virtio_media {

// The rule table (ids as in the virtio-media brief: vm-*, dec-*, enc-*).
const std::vector<tlm_virtio::ConformanceRule>& media_rules();

class MediaMonitor : public MediaObserver {
 public:
  // `shm_length`: the length of the device's SHM region 0, which bounds every mapping.
  explicit MediaMonitor(uint64_t shm_length);
  void on_violation(std::function<void(const conformance::Violation&)> callback) {
    log_.on_violation(std::move(callback));
  }
  const std::vector<conformance::Violation>& violations() const { return log_.violations(); }

  void on_command(uint64_t at_ps, const Bytes& readable, const Bytes& reply) override;
  void on_event(uint64_t at_ps, const Bytes& event) override;
  void on_reset(uint64_t at_ps) override;
  // The run ended with nothing left to happen: rules only an end can show.
  void on_run_idle(uint64_t at_ps);

 private:
  struct Session {
    std::set<uint32_t> subscribed;                   // event types
    std::set<std::pair<uint32_t, uint32_t>> queued;  // (buffer type, index) queued and not returned
    bool source_change_seen = false;
    bool encoder = false;  // S_FMT(CAPTURE) answered a coded format: an encoder session
    std::set<uint64_t> output_timestamps;                         // of every OUTPUT QBUF (microseconds)
    std::optional<std::pair<uint32_t, uint32_t>> capture_size;  // the last G_FMT/S_FMT(CAPTURE) answer
    std::map<uint32_t, uint32_t> buffers;                         // REQBUFS count by buffer type
    uint32_t reqbufs_epoch = 0;                                   // successful REQBUFS so far: a new set of buffers
    std::set<uint32_t> streaming;                                 // buffer types after STREAMON, until STREAMOFF
    bool draining = false;         // DEC_CMD_STOP taken with both queues streaming, until LAST or a STREAMOFF
    bool capture_stopped = false;  // a CAPTURE buffer came back LAST, until DEC_CMD_START or a STREAMON
    bool output_stopped = false;   // a drain ended (its LAST came back), until DEC_CMD_START or a STREAMON
    std::set<uint32_t> queued_after_drain;  // OUTPUT indices queued while output_stopped
    bool source_change_since_stop = false;  // a DRC's LAST may end the pictures before the drain's own
    bool eos_owed = false;                   // a drain's LAST came back, EOS subscribed, no EOS event yet
    std::optional<uint32_t> event_sequence;  // of the session's last EVT_EVENT
    // Encoder sessions (dev-encoder.rst):
    bool both_streamed = false;    // both queues streamed at once since CAPTURE's last STREAMOFF (Initialization 8)
    bool key_frame_owed = false;   // CAPTURE restarted: its first coded buffer begins a standalone stream (Reset 3)
    std::map<uint32_t, int32_t> set_while_streaming;  // control id -> the value a set answered while a queue streamed
    // OUTPUT timestamps the encoder returned without ERROR whose coded CAPTURE buffer (same
    // timestamp, dev-encoder Encoding) has not come back: frames still pending inside it.
    std::set<uint64_t> coding;
    bool idle_drain = false;  // STOP taken with nothing pending: the next CAPTURE buffer is its empty LAST
  };
  // A live mapping of SHM region 0: whose buffer it is, until MUNMAP.
  struct Mapping {
    uint64_t len = 0;
    uint32_t session = 0, reqbufs_epoch = 0;
    uint64_t mem_offset = 0;
    uint32_t count = 0;  // MMAPs of the same buffer, each undone by one MUNMAP
  };
  // A command naming `id`: the driver must have it from OPEN and not have closed it.
  bool check_session(uint64_t at, uint32_t id, const char* command);
  void on_open(uint64_t at, const Bytes& reply);
  void on_ioctl(uint64_t at, const Bytes& readable, const Bytes& reply);
  void check_request(uint64_t at, uint32_t id, const std::string& name, uint32_t code, const Bytes& in, uint32_t status);
  void check_userptr_echo(uint64_t at, uint32_t id, const std::string& name, const Bytes& in, const Bytes& out);
  void on_mmap(uint64_t at, const Bytes& readable, const Bytes& reply);
  void on_munmap(const Bytes& readable, const Bytes& reply);
  void check_sg_cover(uint64_t at, uint32_t id, const std::string& name, const Bytes& in);
  void check_dequeued(uint64_t at, uint32_t id, Session& s, const EventDqbuf& e);
  static void resume(Session& s);
  void check_answer(uint64_t at, uint32_t id, const std::string& name, uint32_t code, const Bytes& in, const Bytes& out);
  void track_ioctl(Session& s, uint32_t code, const Bytes& payload, const Bytes& reply_payload);
  static void track_stream(Session& s, bool on, uint32_t type);
  // The encoder rules (media_monitor_encoder.cpp).
  void check_coded(uint64_t at, uint32_t id, Session& s, const EventDqbuf& e);
  static bool starts_idle_drain(const Session& s);
  static void track_coding(Session& s, const EventDqbuf& e);
  void check_controls(uint64_t at, uint32_t id, const std::string& name, Session& s, uint32_t code, const Bytes& out);
  void check_drains_ended(uint64_t at);
  void on_dqbuf(uint64_t at, const Bytes& event);

  conformance::RuleRegistry rules_;
  conformance::ViolationLog log_;
  std::map<uint32_t, Session> open_;
  std::set<uint32_t> closed_, errored_;
  std::map<uint64_t, uint64_t> plane_length_;  // mem_offset -> length, from QUERYBUF answers
  uint64_t shm_length_;
  std::map<uint64_t, Mapping> mappings_;  // by driver_addr
};

}  // namespace vvsim::virtio_media
