#include "models/protocols/v6/device_faults.h"

#include <algorithm>

namespace vvsim::virtio_video {

namespace {
constexpr Fourcc kUnlistedFourcc = make_fourcc("NONE");  // in no QUERY_CAPS list
}  // namespace

DeviceFaults::DeviceFaults(const VideoDeviceProfile& profile)
    : faults_(profile.faults), inject_error_after_units_(profile.inject_error_after_units) {}

bool DeviceFaults::has(DeviceFault f) const { return std::find(faults_.begin(), faults_.end(), f) != faults_.end(); }

uint64_t DeviceFaults::offered_features(uint64_t conforming) const {
  if (!has(DeviceFault::NoMemoryFeatures)) return conforming;
  return conforming & ~(1ull << kFeatureResourceGuestPages | 1ull << kFeatureResourceVirtioObject);
}

uint32_t DeviceFaults::config_version() const {
  return kProtocolVersion + (has(DeviceFault::WrongConfigVersion) ? 1 : 0);
}

uint32_t DeviceFaults::caps_length(uint32_t exact) const {
  return exact + (has(DeviceFault::CapsLengthOverstated) ? static_cast<uint32_t>(kFormatDescSize) : 0);
}

void DeviceFaults::shape_query_caps(std::vector<uint8_t>& bytes, uint32_t caps_length) const {
  if (has(DeviceFault::ShortQueryCaps)) bytes.resize(bytes.size() - 4);
  if (has(DeviceFault::CapsLengthOverstated)) bytes.resize(caps_length, 0);
}

bool DeviceFaults::duplicate_first_used_entry() const { return has(DeviceFault::DuplicateUsedEntry); }

uint32_t DeviceFaults::response_used_len(uint32_t written) const {
  return written + (has(DeviceFault::ResponseOverrun) ? kOverrunBytes : 0);
}

uint32_t DeviceFaults::event_used_len(uint32_t written) const {
  return written + (has(DeviceFault::EventLenOverstated) ? kOverrunBytes : 0);
}

Result DeviceFaults::unknown_command() const {
  return has(DeviceFault::UnknownCommandWrongError) ? Result::ErrInvalidArgument : Result::ErrInvalidCommand;
}

Result DeviceFaults::missing_stream() const {
  return has(DeviceFault::GoneStreamWrongError) ? Result::ErrInvalidArgument : Result::ErrInvalidStreamId;
}

Result DeviceFaults::drain_in_progress() const {
  return has(DeviceFault::SecondDrainWrongError) ? Result::ErrInvalidArgument : Result::ErrInvalidOperation;
}

Result DeviceFaults::interrupted_drain() const {
  return has(DeviceFault::InterruptedDrainOk) ? Result::Ok : Result::ErrCanceled;
}

Fourcc DeviceFaults::default_bitstream_fourcc(Fourcc conforming) const {
  return has(DeviceFault::InvalidDefaultParam) ? kUnlistedFourcc : conforming;
}

uint32_t DeviceFaults::reported_stream_id(uint32_t created, uint32_t lowest_live) const {
  return has(DeviceFault::ReuseStreamId) && lowest_live != created ? lowest_live : created;
}

bool DeviceFaults::answer_destroy_before_cancel() const { return has(DeviceFault::DestroyBeforeCancel); }
bool DeviceFaults::answer_drain_at_once() const { return has(DeviceFault::DrainBeforeInputs); }
bool DeviceFaults::answer_stop_before_cancel() const { return has(DeviceFault::StopBeforeCancel); }
bool DeviceFaults::stop_cancels_outputs() const { return has(DeviceFault::StopCancelsOutputs); }
bool DeviceFaults::stop_waits_for_output() const { return has(DeviceFault::StopWaitsForOutput); }
bool DeviceFaults::error_event_before_cancel() const { return has(DeviceFault::ErrorEventBeforeCancel); }
bool DeviceFaults::params_change_any_time() const { return has(DeviceFault::ParamChangeAnyTime); }
bool DeviceFaults::refuse_adjusted_params() const { return has(DeviceFault::RefuseAdjustedParam); }
bool DeviceFaults::attach_any_time() const { return has(DeviceFault::AttachAnyTime); }
bool DeviceFaults::accept_unattached_output_after_drc() const { return has(DeviceFault::AcceptUnattachedOutput); }
bool DeviceFaults::output_after_drc() const { return has(DeviceFault::OutputAfterDrc); }

uint64_t DeviceFaults::output_timestamp(uint64_t conforming) const {
  return conforming + (has(DeviceFault::WrongOutputTimestamp) ? kTimestampShift : 0);
}

uint32_t DeviceFaults::encoder_output_flags(uint32_t conforming) const {
  return has(DeviceFault::NoEncoderFrameFlag) ? 0 : conforming;
}

bool DeviceFaults::host_failure_after(uint32_t inputs_consumed) const {
  return inputs_consumed == inject_error_after_units_;
}

}  // namespace vvsim::virtio_video
