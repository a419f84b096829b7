// The v6 rule table: every normative statement of the v6 text the monitor
// checks, with the side that must keep it and its section. Their checks:
// conformance_monitor.cpp and conformance_answers.cpp; the list with the tests
// that fire each: docs/conformance.md.
#include "models/protocols/v6/conformance_rules.h"

#include <fmt/format.h>

namespace vvsim::virtio_video {

namespace {

// Short v6 section names (the spec's \label paths, shortened).
constexpr const char* kDevOp = "v6 Device Operation";
constexpr const char* kCmdQueue = "v6 Device Operation: Command Virtqueue";
constexpr const char* kQueryCaps = "v6 VIRTIO_VIDEO_CMD_DEVICE_QUERY_CAPS";
constexpr const char* kCreate = "v6 VIRTIO_VIDEO_CMD_STREAM_CREATE";
constexpr const char* kDestroy = "v6 VIRTIO_VIDEO_CMD_STREAM_DESTROY";
constexpr const char* kDrain = "v6 VIRTIO_VIDEO_CMD_STREAM_DRAIN";
constexpr const char* kStop = "v6 VIRTIO_VIDEO_CMD_STREAM_STOP";
constexpr const char* kSetParam = "v6 VIRTIO_VIDEO_CMD_STREAM_SET_PARAM";
constexpr const char* kResources = "v6 Parameters: Resources parameters";
constexpr const char* kQueue = "v6 VIRTIO_VIDEO_CMD_RESOURCE_QUEUE";
constexpr const char* kEventq = "v6 Device Operation: Event Virtqueue";
constexpr const char* kDrc = "v6 Dynamic Resolution Change Event";
constexpr const char* kErrorEvent = "v6 Error Event";
constexpr const char* kFeatureBits = "v6 Feature bits";
constexpr const char* kConfigLayout = "v6 Device configuration layout";
constexpr const char* kAttach = "v6 VIRTIO_VIDEO_CMD_RESOURCE_ATTACH_BACKING";
constexpr const char* kResourceCmds = "v6 RESOURCE_ATTACH_BACKING / RESOURCE_QUEUE";
constexpr const char* kParamCmds = "v6 STREAM_GET_PARAM / STREAM_SET_PARAM";
constexpr const char* kParameters = "v6 Parameters";
constexpr const char* kFormatParams = "v6 Parameters: Format parameters";

const std::vector<ConformanceRule> kVideoRules = {
    {"memory-feature-negotiated", Side::Driver, kFeatureBits,
     "the driver negotiates RESOURCE_GUEST_PAGES or RESOURCE_VIRTIO_OBJECT"},
    {"contiguous-backing", Side::Driver, kFeatureBits,
     "without RESOURCE_NON_CONTIG every buffer is physically contiguous memory"},
    {"writable-descriptor-size", Side::Driver, kDevOp,
     "commandq chains include a device-writable descriptor large enough for the response"},
    {"known-command-type", Side::Driver, kCmdQueue, "cmd_type is one of the v6 commands"},
    {"valid-stream-id", Side::Driver, kQueue, "stream_id is an ID previously returned by STREAM_CREATE"},
    {"eventq-stocked", Side::Driver, kEventq, "the eventq always has a buffer for an event"},
    {"no-use-after-destroy", Side::Driver, kDestroy,
     "after the DESTROY answer the driver no longer uses the stream ID"},
    {"outputs-during-drain", Side::Driver, kDrain, "the driver keeps queueing outputs until the DRAIN answer"},
    {"param-type-valid", Side::Driver, kParamCmds, "param_type is a parameter of this device (decoder or encoder)"},
    {"valid-queue-type", Side::Driver, kResourceCmds, "queue_type is INPUT or OUTPUT"},
    {"resource-id-in-range", Side::Driver, kResourceCmds,
     "resource_id is below the number of resources currently allocated for the queue"},
    {"backing-count", Side::Driver, kAttach,
     "the resources array has one backing per buffer of the queue's current format"},
    {"backing-fits-format", Side::Driver, kFormatParams,
     "the driver complies with the format the device returned: each buffer holds its buffer_size (and offset)"},
    {"drc-format-queried", Side::Driver, kDrc,
     "after a DRC the driver queries the new output format before re-attaching outputs"},
    {"memory-feature-offered", Side::Device, kFeatureBits,
     "the device offers RESOURCE_GUEST_PAGES or RESOURCE_VIRTIO_OBJECT"},
    {"config-version", Side::Device, kConfigLayout, "the config space version is 0"},
    {"caps-length-matches", Side::Device, kConfigLayout,
     "caps_length equals the size of the QUERY_CAPS response its format counts give"},
    {"response-in-first-writable", Side::Device, kDevOp,
     "the response is written in the first device-writable descriptor"},
    {"unknown-command-rejected", Side::Device, kCmdQueue, "an unknown command gets ERR_INVALID_COMMAND"},
    {"query-caps-size", Side::Device, kQueryCaps, "the QUERY_CAPS response is exactly caps_length bytes"},
    {"stream-id-unique", Side::Device, kCreate, "a stream ID is unique for as long as the stream lives"},
    {"destroy-cancels-first", Side::Device, kDestroy, "pending commands are CANCELED before DESTROY is answered"},
    {"destroyed-stream-rejected", Side::Device, kDestroy,
     "commands for a destroyed stream get ERR_INVALID_STREAM_ID"},
    {"drain-after-inputs", Side::Device, kDrain,
     "every INPUT RESOURCE_QUEUE sent before DRAIN is answered before DRAIN"},
    {"drain-once", Side::Device, kDrain, "a DRAIN while another DRAIN is in progress gets ERR_INVALID_OPERATION"},
    {"interrupted-drain-canceled", Side::Device, kDrain,
     "a DRAIN interrupted by STOP or DESTROY (its inputs CANCELED) is answered ERR_CANCELED"},
    {"stop-cancels-first", Side::Device, kStop,
     "pending INPUT RESOURCE_QUEUE and DRAIN are CANCELED before STOP is answered"},
    {"stop-keeps-outputs", Side::Device, kStop, "STOP leaves pending OUTPUT queue commands alone"},
    {"stop-not-blocked", Side::Device, kStop, "STOP is answered without depending on outputs being queued"},
    {"attach-times", Side::Device, kAttach,
     "ATTACH_BACKING outside its valid times (a resource queued since its backing could change) gets "
     "ERR_INVALID_OPERATION"},
    {"set-param-no-error", Side::Device, kSetParam,
     "an unsupported value is adjusted to the closest supported one, not refused"},
    {"param-defaults-valid", Side::Device, kParameters,
     "a parameter read before it is set holds a valid default (counts in range, offered memory type and formats)"},
    {"param-change-times", Side::Device, kResources,
     "resources/format parameters change only before the first QUEUE, after STOP (INPUT) or after DRC (OUTPUT)"},
    {"output-timestamp-copied", Side::Device, kQueue, "an output carries the timestamp of an input that produced it"},
    {"encoder-frame-flag", Side::Device, kQueue, "each encoder output has exactly one of KEY_FRAME, P_FRAME, B_FRAME"},
    {"error-event-cancels-first", Side::Device, kErrorEvent,
     "the stream's pending DRAIN and RESOURCE_QUEUE commands are CANCELED before its error event"},
    {"outputs-before-drc", Side::Device, kDrc, "outputs of pre-change frames are returned before the DRC event"},
    {"reject-unattached-after-drc", Side::Device, kDrc,
     "after DRC an output without new backing is refused with ERR_INVALID_OPERATION"},
};

}  // namespace

std::string command_name(const std::optional<CmdType>& type, uint32_t raw) {
  return type ? cmd_type_name(*type) : fmt::format("command {:#x}", raw);
}

const conformance::RuleRegistry& conformance_registry() {
  static const conformance::RuleRegistry registry(kVideoRules);
  return registry;
}

const std::vector<ConformanceRule>& conformance_rules() { return conformance_registry().rules(); }

}  // namespace vvsim::virtio_video
