// Timing and policy values of the virtio-video v6 device model. Defaults are
// documented in docs/models/video_device.md; codec core cycles come from the
// CodecEngine's profile, bus timing from the platform's.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "models/protocols/v6/role_rules.h"

namespace vvsim::virtio_video {

// What the device does with a scatter-gather entry whose address is not
// page aligned (the thread asks for page alignment; L7032, L7851).
enum class UnalignedSgPolicy { Refuse, CpuCopy };

// Deliberate breaches of the v6 protocol, one per normative statement the
// conformance monitor checks on the device side, so that each check can be
// shown to fire on live traffic (docs/conformance.md). Never on by default.
enum class DeviceFault {
  ResponseOverrun,           // used length claims 8 bytes past the first writable descriptor
  ShortQueryCaps,            // QUERY_CAPS answered with caps_length - 4 bytes
  ReuseStreamId,             // STREAM_CREATE reports the ID of a live stream
  DestroyBeforeCancel,       // DESTROY answered before its pending commands are CANCELED
  DrainBeforeInputs,         // DRAIN answered at once
  StopBeforeCancel,          // STOP answered before pending inputs are CANCELED
  ParamChangeAnyTime,        // resources/format parameters change while streaming
  RefuseAdjustedParam,       // a resources count out of range is refused instead of clamped
  OutputAfterDrc,            // one output queued before a DRC is returned OK after the event
  AcceptUnattachedOutput,    // after DRC an output without new backing is answered OK
  WrongOutputTimestamp,      // decoded outputs carry a timestamp no input had
  NoEncoderFrameFlag,        // encoder outputs without KEY/P/B flag
  UnknownCommandWrongError,  // unknown command answered ERR_INVALID_ARGUMENT
  GoneStreamWrongError,      // commands for a missing stream answered ERR_INVALID_ARGUMENT
  NoMemoryFeatures,          // neither RESOURCE_GUEST_PAGES nor RESOURCE_VIRTIO_OBJECT offered
  WrongConfigVersion,        // config space version 1
  CapsLengthOverstated,      // caps_length one format descriptor too large, QUERY_CAPS padded to it
  SecondDrainWrongError,     // a DRAIN while one is in progress answered ERR_INVALID_ARGUMENT
  InterruptedDrainOk,        // a DRAIN cut short by STOP/DESTROY answered OK instead of CANCELED
  InvalidDefaultParam,       // a new stream's bitstream format is a fourcc QUERY_CAPS does not list
  DuplicateUsedEntry,        // the first chain returned is put on the used ring twice
  EventLenOverstated,        // event buffers returned with a used len 8 bytes past the buffer
  StopCancelsOutputs,        // STOP also answers the queued outputs CANCELED
  AttachAnyTime,             // ATTACH_BACKING accepted whenever, even for a queued resource
  StopWaitsForOutput,        // STOP answered only once the driver queues an output
  ErrorEventBeforeCancel,    // the error event goes out before the stream's pending commands are CANCELED
};
// Scenario names of the faults ("response_overrun", ...), in enum order.
const std::vector<std::pair<const char*, DeviceFault>>& device_fault_names();

struct VideoDeviceProfile {
  DeviceRole role = DeviceRole::Decoder;
  std::vector<codec::CodecId> codecs = {codec::CodecId::VP8, codec::CodecId::VP9, codec::CodecId::H264,
                                        codec::CodecId::HEVC, codec::CodecId::MPEG2};
  // Image formats offered, by fourcc; the first is the default output format.
  std::vector<std::string> image_formats = {"NV12", "NM12", "YU12", "YM12"};
  // The library H.264 is decoded on (the only codec with a choice: see
  // codec::decoder_backends).
  codec::DecoderBackend h264_decoder = codec::DecoderBackend::Libavcodec;
  uint32_t max_width = 4096;
  uint32_t max_height = 2304;

  uint32_t max_streams = 4;
  uint16_t commandq_size = 64;  // queue_max_size of the commandq
  uint16_t eventq_size = 16;    // queue_max_size of the eventq

  // Resources per queue: [min, max] and the count a new stream starts with.
  uint32_t min_resources = 1;
  uint32_t max_resources = 32;
  uint32_t default_input_resources = 4;
  uint32_t default_output_resources = 4;
  // Bitstream buffers: size a new stream asks for, and the bounds SET_PARAM clamps to.
  uint32_t default_bitstream_buffer_size = 1u << 20;
  uint32_t min_bitstream_buffer_size = 4096;
  uint32_t max_bitstream_buffer_size = 16u << 20;
  // Output format of a new decoder stream until the bitstream says otherwise.
  uint32_t default_width = 320;
  uint32_t default_height = 240;
  uint32_t stride_alignment = 16;  // bytes, power of two

  // Device firmware: cycles spent decoding/answering each command, at the
  // codec engine's clock.
  uint64_t firmware_cycles_per_command = 2000;
  // The longest command the device reads (its readable bytes). A longer chain
  // is refused with ERR_INVALID_ARGUMENT after reading only this much, so a
  // guest cannot make the host copy gigabytes. The largest legal v6 command is
  // an ATTACH_BACKING of scattered pages: 16 bytes per page of the buffer.
  uint32_t max_command_bytes = 1u << 20;

  uint32_t page_size = 4096;
  UnalignedSgPolicy unaligned_sg = UnalignedSgPolicy::Refuse;
  // CpuCopy: the device's control CPU bounces an unaligned buffer through an
  // aligned one: it copies cpu_copy_bytes_per_cycle bytes per cycle of its own
  // clock, and the copy reads and writes every byte over the bus.
  uint32_t cpu_copy_bytes_per_cycle = 8;
  double cpu_copy_clock_mhz = 1000.0;

  // DRC: a new coded size that still fits the attached outputs (dimensions
  // not larger, same format) continues without an event when true.
  bool drc_only_when_outputs_too_small = false;

  // Fault injection: after a stream has consumed this many inputs the device
  // fails it as a host driver failure would (error event, stream closed). 0: off.
  uint32_t inject_error_after_units = 0;
  std::vector<DeviceFault> faults;  // protocol breaches on purpose (tests of conformance checkers)
  bool has_fault(DeviceFault f) const { return std::find(faults.begin(), faults.end(), f) != faults.end(); }

  // Encoder defaults.
  uint32_t default_bitrate = 1'000'000;
  uint32_t min_bitrate = 10'000;
  uint32_t max_bitrate = 100'000'000;
};

// Throws std::invalid_argument naming the first value out of range.
void validate(const VideoDeviceProfile& profile);

}  // namespace vvsim::virtio_video
