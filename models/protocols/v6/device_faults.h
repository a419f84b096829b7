// The v6 device's deliberate breaches of the protocol (profile `faults` and
// `inject_error_after_units`), kept out of the device's own code: at each
// place a fault changes what the device does, the device asks this policy, and
// with no fault set every answer is the conforming one. Each breach exists so a
// conformance check can be shown to fire on live traffic (docs/conformance.md).
#pragma once

#include <cstdint>
#include <vector>

#include "models/protocols/v6/video_device_profile.h"
#include "models/protocols/v6/wire.h"

namespace vvsim::virtio_video {

class DeviceFaults {
 public:
  explicit DeviceFaults(const VideoDeviceProfile& profile);

  // ---- what the device offers ----
  uint64_t offered_features(uint64_t conforming) const;  // NoMemoryFeatures drops both memory types
  uint32_t config_version() const;                       // WrongConfigVersion: 1
  uint32_t caps_length(uint32_t exact) const;            // CapsLengthOverstated: one descriptor more
  // The QUERY_CAPS answer as sent: ShortQueryCaps cuts 4 bytes, CapsLengthOverstated pads to caps_length.
  void shape_query_caps(std::vector<uint8_t>& bytes, uint32_t caps_length) const;
  bool duplicate_first_used_entry() const;             // DuplicateUsedEntry
  uint32_t response_used_len(uint32_t written) const;  // ResponseOverrun: 8 bytes past the buffer
  uint32_t event_used_len(uint32_t written) const;     // EventLenOverstated: 8 bytes past the buffer

  // ---- result codes ----
  Result unknown_command() const;    // ERR_INVALID_COMMAND (UnknownCommandWrongError: INVALID_ARGUMENT)
  Result missing_stream() const;     // ERR_INVALID_STREAM_ID (GoneStreamWrongError: INVALID_ARGUMENT)
  Result drain_in_progress() const;  // ERR_INVALID_OPERATION (SecondDrainWrongError: INVALID_ARGUMENT)
  Result interrupted_drain() const;  // ERR_CANCELED (InterruptedDrainOk: OK)

  // ---- streams ----
  Fourcc default_bitstream_fourcc(Fourcc conforming) const;                   // InvalidDefaultParam
  uint32_t reported_stream_id(uint32_t created, uint32_t lowest_live) const;  // ReuseStreamId

  // ---- order of answers ----
  bool answer_destroy_before_cancel() const;  // DestroyBeforeCancel
  bool answer_drain_at_once() const;          // DrainBeforeInputs
  bool answer_stop_before_cancel() const;     // StopBeforeCancel
  bool stop_cancels_outputs() const;          // StopCancelsOutputs
  bool stop_waits_for_output() const;         // StopWaitsForOutput
  bool error_event_before_cancel() const;     // ErrorEventBeforeCancel

  // ---- what the device lets the driver do ----
  bool params_change_any_time() const;              // ParamChangeAnyTime
  bool refuse_adjusted_params() const;              // RefuseAdjustedParam
  bool attach_any_time() const;                     // AttachAnyTime
  bool accept_unattached_output_after_drc() const;  // AcceptUnattachedOutput

  // ---- outputs ----
  bool output_after_drc() const;                                 // OutputAfterDrc
  uint64_t output_timestamp(uint64_t conforming) const;          // WrongOutputTimestamp
  uint32_t encoder_output_flags(uint32_t conforming) const;      // NoEncoderFrameFlag
  bool host_failure_after(uint32_t inputs_consumed) const;       // inject_error_after_units

  // How far ResponseOverrun and EventLenOverstated claim past the buffer.
  static constexpr uint32_t kOverrunBytes = 8;
  static constexpr uint64_t kTimestampShift = 1'000'000'007;  // lands on no input's timestamp

 private:
  bool has(DeviceFault f) const;
  std::vector<DeviceFault> faults_;
  uint32_t inject_error_after_units_;
};

}  // namespace vvsim::virtio_video
