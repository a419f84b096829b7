// Device faults of the virtio-media model: each breaks one device rule of the
// conformance monitor on purpose, so the rule is shown to fire on live
// traffic. Never on by default; a policy kept out of the device's logic.
#pragma once

#include "models/protocols/media/media_wire.h"

namespace vvsim::virtio_media {

struct MediaDeviceFaults {
  bool open_returns_open_id = false;   // OPEN answers the id of a session still open (vm-session-id-unique)
  bool unsupported_as_einval = false;  // the spec's replaced ioctls answered EINVAL (vm-enotty-unsupported)
  bool short_payload = false;          // a successful _IOWR answer without its payload (vm-ioctl-payload-written)
  bool trimmed_dqbuf_events = false;   // DQBUF events cut to one plane (vm-event-len)
  bool unsubscribed_events = false;    // SOURCE_CHANGE sent without a subscription (vm-event-subscribed)
  bool mmap_len_wrong = false;         // resp_mmap.len one page longer than the buffer (vm-mmap-len)
  bool repeated_dqbuf = false;         // every DQBUF event sent twice (vm-dqbuf-only-queued)
  bool no_source_change = false;       // SOURCE_CHANGE never sent (dec-no-frames-before-src-change)
  bool clobbered_buffer_pointer = false;  // QBUF/QUERYBUF answers change v4l2_buffer.m (vm-pointer-echo)
  bool selection_past_format = false;     // G_SELECTION's rectangle 16 pixels wider than the format (dec-sel-within-fmt)
  bool shifted_capture_timestamps = false;  // CAPTURE DQBUF timestamps 1 us late (dec-display-order-timestamps)
  bool format_change_with_buffers = false;  // S_FMT(OUTPUT) taken while buffers exist (dec-sfmt-output-ebusy);
                                            // an encoder's S_FMT(CAPTURE) likewise (enc-capture-master)
  bool recycle_errored_id = false;          // OPEN answers the id of a session after its ERROR, before its CLOSE (vm-error-no-recycle)
  bool clobbered_plane_userptr = false;     // QBUF/QUERYBUF answers change a USERPTR plane's m.userptr (vm-userptr-echo)
  bool mapping_past_region = false;         // resp_mmap.driver_addr one region length too far (vm-mmap-bounds)
  bool close_drops_mappings = false;        // CLOSE frees the region's mappings before their MUNMAP (vm-mmap-persist)
  bool drain_commands_accepted = false;     // DEC_CMD (ENC_CMD) START/STOP taken during a drain (dec- / enc-drain-ebusy)
  bool first_frame_flagged_last = false;    // the first decoded CAPTURE buffer carries LAST; decoding goes on (dec-stopped-after-last)
  bool no_eos_event = false;                // the drain's EOS event never sent (dec-drain-eos)
  bool decode_after_drain = false;          // OUTPUT queued after a drain's LAST decoded at once (dec-drain-accept-not-process)
  bool overfilled_capture = false;          // a decoded CAPTURE plane's bytesused one past its length (vm-bytesused-within-length)
  bool src_change_without_resolution = false;  // SOURCE_CHANGE with changes 0 (dec-src-change-resolution)
  bool event_sequence_gaps = false;             // V4L2 event sequence numbers doubled, so they skip (vm-event-sequence)
  bool untyped_coded_frames = false;        // an encoder's coded CAPTURE buffers without a frame type flag (enc-frame-type-flag)
  bool idle_stop_refused = false;           // DEC_CMD_STOP refused (EINVAL) while a queue is not streaming (dec-stop-needs-both-streaming)
  bool encode_before_capture_streams = false;  // an encoder fills CAPTURE buffers queued before STREAMON(CAPTURE) (enc-starts-both-streaming)
  bool capture_restart_keeps_encoder = false;   // STREAMOFF/STREAMON(CAPTURE) go on with the same stream (enc-reset-independent)
  bool output_streamoff_cancels_drain = false;  // STREAMOFF(OUTPUT) mid-drain drops the drain and its LAST (enc-drain-corner-cases)
  bool capture_streamoff_keeps_drain = false;   // STREAMOFF(CAPTURE) mid-drain keeps the drain and its LAST (enc-drain-corner-cases)
  bool busy_controls_ignored = false;           // the GOP size set while streaming answered 0 and not applied (enc-ctrl-ebusy)
  // An encoder's STOP drains one more OUTPUT buffer, queued after it, before its LAST: with
  // nothing pending at STOP a coded frame comes before the LAST (enc-drain-corner-cases).
  bool drain_waits_for_output = false;
};

}  // namespace vvsim::virtio_media
