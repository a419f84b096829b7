// State of one virtio-video stream: its parameters, the INPUT and OUTPUT
// resource tables, the commands the device holds for it (queued resources and
// the drain), and where it stands in the DRC / STOP / drain flows. Pure data
// and bookkeeping; the VideoDevice module drives it in simulated time.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "codec/decode_ahead.h"
#include "codec/image_layout.h"
#include "models/protocols/v6/wire.h"
#include "models/virtio_host/completion_table.h"

namespace vvsim::virtio_video {

struct Resource {
  bool attached = false;
  // ATTACH_BACKING is allowed (created / params changed / after DRC and not queued since).
  bool attach_allowed = true;
  bool queued = false;
  std::vector<std::vector<SgEntry>> buffers;  // guest-memory segments of each memory buffer
  CompletionTag command;                      // the QUEUE command, held while queued
  ResourceQueueCmd cmd;                       // what the QUEUE command asked, while queued
};

struct ResourceQueue {
  ParamsResources params;
  std::vector<Resource> resources;
  // params_resources (and the queue's format) may change now.
  bool params_changeable = true;

  void resize(uint32_t n);
  void detach_all();
};

// An entry of the INPUT work list: a queued input resource, or a drain marker
// placed after every input queued before it.
struct InputWork {
  bool is_drain = false;
  uint32_t resource_id = 0;  // input resource (not for a drain)
  CompletionTag drain_command;  // the DRAIN command (drain only)
  // The decoder call (decode of the input, flush for a drain) queued for it
  // when it was queued; none before the stream had a decoder.
  std::optional<uint64_t> decode_ticket;
  uint64_t queued_bytes_hash = 0;  // codec::xxh3_64 of the input's bytes as queued
};

struct VideoStream {
  uint32_t id = 0;
  uint32_t slot = 0;        // worker slot serving it
  std::string owner_name;   // for the codec engine's accounting
  codec::CodecId codec = codec::CodecId::VP8;

  ResourceQueue input, output;
  ParamsBitstreamFormat bitstream_format;
  // The layout of the image queue: decoded frames (decoder OUTPUT) or frames
  // to encode (encoder INPUT).
  codec::ImageLayout output_layout;
  ParamsBitrate bitrate;

  // The stream's decoder, fed as inputs and drains are queued (decoding ahead on host threads).
  std::unique_ptr<codec::DecodeAhead> decoder;
  std::unique_ptr<codec::Encoder> encoder;
  uint32_t encoder_bitrate = 0;  // the bitrate the encoder was last told
  std::deque<InputWork> work;          // front is being processed
  std::deque<uint32_t> ready_outputs;  // queued output resource IDs, in queue order
  bool drain_pending = false;
  uint64_t last_output_timestamp = 0;  // of the last picture written to an output
  bool awaiting_reattach = false;      // DRC sent, no re-attached output queued yet
  bool output_blocked = false;         // a DRC holds the outputs until the driver unblocks them (v6-async)
  // The decoder has reported the stream's size; until then a decoder takes the
  // coded size the driver sets on its output format (known from the container).
  bool size_from_bitstream = false;
  // Fault StopWaitsForOutput: the STOP answered once an output is queued.
  std::optional<CompletionTag> stop_waiting_for_output;
  // Bumped by STOP/DESTROY/error: the worker drops results of older work.
  uint64_t generation = 0;
  bool closed = false;
  uint32_t inputs_consumed = 0;

  ResourceQueue& queue(QueueType t) { return t == QueueType::Input ? input : output; }
  const ResourceQueue& queue(QueueType t) const { return t == QueueType::Input ? input : output; }
};

// The image_format parameter describing a layout.
ParamsImageFormat to_params(const codec::ImageLayout& layout);

}  // namespace vvsim::virtio_video
