// Misbehaviours of the v6-async device, for the conformance tests: each breaks
// one v6-async rule (docs/conformance.md). None is set in a sane device.
#pragma once

namespace vvsim::virtio_video {

struct AsyncDeviceFaults {
  bool wrong_cookie = false;           // completions carry the cookie plus one (rule async-cookie-echoed)
  bool complete_twice = false;         // every completion event is sent twice (async-completion-once)
  bool complete_after_cancel = false;  // a CANCELED completion is followed by an OK one (async-nothing-after-canceled)
  bool drop_canceled = false;          // CANCELED completions are never sent (async-completion-missing)
  bool output_before_unblock = false;  // a DRC does not hold the outputs (async-no-output-while-blocked)
  bool unblock_when_not_blocked = false;  // STREAM_UNBLOCK answers OK when nothing is blocked (async-unblock-refused)
};

}  // namespace vvsim::virtio_video
