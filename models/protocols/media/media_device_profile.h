// The virtio-media device's values: queue sizes, the shared memory region,
// firmware time per command and per event, buffer limits, and the device
// options where implementations or the V4L2 texts disagree
// (docs/spec-notes.md, virtio-media section).
#pragma once

#include <cstdint>
#include <string>

#include "codec/codec.h"

namespace vvsim::virtio_media {

// What the device does with an event when the driver has posted no eventq buffer.
enum class EventOverflow {
  Backlog,      // keep it in order and go on serving commands
  BlockWorker,  // crosvm: the worker blocks until a buffer comes, so commands wait too
};

// What each session of the device is: a V4L2 stateful decoder or encoder (one
// role per device, as a V4L2 video node is one or the other).
enum class MediaRole { Decoder, Encoder };

struct MediaDeviceProfile {
  MediaRole role = MediaRole::Decoder;
  uint16_t commandq_size = 256;  // queue_max_size; crosvm offers 256 for both
  uint16_t eventq_size = 256;
  uint64_t shm_bytes = 256ull << 20;   // region 0, for MMAP buffers; at the top of guest memory
  uint64_t command_firmware_ns = 2'000;  // parse and answer one command
  uint64_t event_firmware_ns = 500;      // build and write one event
  uint32_t max_buffers = 32;             // per queue (REQBUFS clamps)
  uint32_t output_buffer_bytes = 1u << 20;  // default OUTPUT sizeimage when the client asks for 0
  uint32_t placeholder_width = 320, placeholder_height = 240;  // CAPTURE format before the header
  uint32_t max_width = 4096, max_height = 2304;  // ENUM_FRAMESIZES and the decoders' picture limit
  EventOverflow event_overflow = EventOverflow::Backlog;
  // [DEC] Seek: STREAMOFF(OUTPUT) resets the decoder (true), or only returns the
  // buffers and keeps the backend's state (crosvm's decoder).
  bool streamoff_output_flushes_backend = true;
  // [DEC] DRC 2: the last pre-change CAPTURE buffer is flagged LAST (true), or
  // no LAST is sent (crosvm's backends).
  bool drc_emits_last = true;
  // A resolution change met during a drain: [DEC] Drain 2 carries it out and the
  // drain goes on (true: the reallocation's STREAMOFF(CAPTURE) keeps the drain),
  // or the Drain note's STREAMOFF on either queue aborts the drain (false).
  bool drain_survives_drc = false;
  std::string card = "vvsim stateful decoder";
  // The library H.264 is decoded on (as v6's `decoders: {H264: ...}`).
  codec::DecoderBackend h264_decoder = codec::DecoderBackend::Libavcodec;
  // A device fault (never on by default): each session fails with an ERROR event
  // (EIO) after decoding this many units; 0: never.
  uint32_t inject_error_after_units = 0;
};

// Throws std::invalid_argument naming the first value out of range.
void validate(const MediaDeviceProfile& profile);

}  // namespace vvsim::virtio_media
