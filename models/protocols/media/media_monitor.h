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

// The rule table (ids as in the virtio-media brief: vm-*, dec-*).
const std::vector<tlm_virtio::ConformanceRule>& media_rules();

class MediaMonitor : public MediaObserver {
 public:
  MediaMonitor();
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
    std::set<uint64_t> output_timestamps;                         // of every OUTPUT QBUF (microseconds)
    std::optional<std::pair<uint32_t, uint32_t>> capture_size;  // the last G_FMT/S_FMT(CAPTURE) answer
    std::map<uint32_t, uint32_t> buffers;                         // REQBUFS count by buffer type
  };
  // A command naming `id`: the driver must have it from OPEN and not have closed it.
  bool check_session(uint64_t at, uint32_t id, const char* command);
  void on_open(uint64_t at, const Bytes& reply);
  void on_ioctl(uint64_t at, const Bytes& readable, const Bytes& reply);
  void on_mmap(uint64_t at, const Bytes& readable, const Bytes& reply);
  void check_answer(uint64_t at, uint32_t id, const std::string& name, uint32_t code, const Bytes& in, const Bytes& out);
  void track_ioctl(Session& s, uint32_t code, const Bytes& payload, const Bytes& reply_payload);
  void on_dqbuf(uint64_t at, const Bytes& event);

  conformance::RuleRegistry rules_;
  conformance::ViolationLog log_;
  std::map<uint32_t, Session> open_;
  std::set<uint32_t> closed_, errored_;
  std::map<uint64_t, uint64_t> plane_length_;  // mem_offset -> length, from QUERYBUF answers
};

}  // namespace vvsim::virtio_media
