// The v6-async wire: virtio-video v6 with completions on the eventq, the
// minimum change to v6's structures that models the direction v8-v10 took
// (docs/spec-notes.md, "v6-async"). It is a model of that design direction,
// not v10's layout.
//
// What differs from v6 (everything else is v6's, wire.h):
// - RESOURCE_QUEUE and STREAM_DRAIN start with the async command header
//   {cmd_type, stream_id, cookie} instead of {cmd_type, stream_id}; the rest
//   of RESOURCE_QUEUE follows unchanged.
// - Both are answered at once on the commandq with a result only: OK
//   (accepted: one completion event follows) or an error (refused: none does).
// - STREAM_UNBLOCK (0x202, the code v6 left unassigned) lets the device
//   return outputs again after a resolution change blocked the output queue.
// - Every event is the async event: header {event_type, stream_id, cookie,
//   event_flags, detail} and the body of a RESOURCE_QUEUE completion.
//
// The conversions between the two forms let the device and the driver keep
// v6's command handlers and sessions: they speak v6 bytes, and only the
// commandq and eventq edges speak v6-async.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/result.h"
#include "models/protocols/v6/wire.h"

namespace vvsim::virtio_video {

// ---- Sizes (bytes), each the sum of its fields ----
constexpr size_t kAsyncCmdHeaderSize = 4 + 4 + 8;  // cmd_type, stream_id, cookie
// v6's RESOURCE_QUEUE with the async header in place of {cmd_type, stream_id}.
constexpr size_t kAsyncResourceQueueSize = kAsyncCmdHeaderSize + (kResourceQueueSize - kStreamCmdSize);
constexpr size_t kAsyncDrainSize = kAsyncCmdHeaderSize;
constexpr size_t kUnblockSize = kStreamCmdSize;           // cmd_type, stream_id: v6's stream command
constexpr size_t kAsyncAcceptRespSize = kResultOnlyRespSize;  // le32 result
constexpr size_t kAsyncEventHeaderSize = 4 + 4 + 8 + 4 + 4;   // type, stream_id, cookie, event_flags, detail
// A RESOURCE_QUEUE completion: v6's resource_queue_resp after its result
// (flags, padding, timestamp, data_sizes); zero for every other event.
constexpr size_t kAsyncEventBodySize = 4 + 4 + 8 + 4 * kMaxPlanes;
constexpr size_t kAsyncEventSize = kAsyncEventHeaderSize + kAsyncEventBodySize;

static_assert(kAsyncCmdHeaderSize == 16);
static_assert(kAsyncResourceQueueSize == 72);
static_assert(kAsyncResourceQueueSize % 8 == 0 && (kAsyncCmdHeaderSize + 4 * 4) % 8 == 0,
              "le64 timestamp must stay naturally aligned");
static_assert(kAsyncDrainSize == 16);
static_assert(kUnblockSize == 8);
static_assert(kAsyncAcceptRespSize == 4);
static_assert(kAsyncEventHeaderSize == 24);
static_assert(kAsyncEventHeaderSize % 8 == 0 && (kAsyncEventHeaderSize + 8) % 8 == 0,
              "le64 cookie and timestamp must be naturally aligned");
static_assert(kAsyncEventBodySize == kResourceQueueRespSize);
static_assert(kAsyncEventSize == 72);

// ---- Codes ----
constexpr uint32_t kCmdStreamUnblock = 0x202;

enum class AsyncEventType : uint32_t {
  Error = 1,         // v6's ERROR event
  Drc = 2,           // v6's DRC event; in v6-async it blocks the output queue
  ResourceDone = 3,  // a RESOURCE_QUEUE completed
  DrainDone = 4,     // a STREAM_DRAIN completed
};

constexpr uint32_t kEventFlagError = 1u << 0;     // the command failed (detail: its result)
constexpr uint32_t kEventFlagCanceled = 1u << 1;  // the command was canceled (STOP, DESTROY, DRC, error)
constexpr uint32_t kEventFlagBlocked = 1u << 2;   // DRC: outputs stay held until STREAM_UNBLOCK
constexpr uint32_t kEventFlagsAll = kEventFlagError | kEventFlagCanceled | kEventFlagBlocked;

// ---- Structures ----
struct AsyncCmdHeader {
  uint32_t cmd_type = 0;
  uint32_t stream_id = 0;
  uint64_t cookie = 0;  // chosen by the driver, echoed by the completion event
};

struct AsyncEvent {
  AsyncEventType type = AsyncEventType::Error;
  uint32_t stream_id = 0;
  uint64_t cookie = 0;
  uint32_t flags = 0;
  // ERROR: the device's code; DRC: the queue type; a completion: its v6 result.
  uint32_t detail = 0;
  // ResourceDone: v6's resource_queue_resp fields.
  uint32_t buffer_flags = 0;
  uint64_t timestamp = 0;
  std::array<uint32_t, kMaxPlanes> data_sizes{};
};

// Whether a command of this code completes on the eventq (RESOURCE_QUEUE, DRAIN).
bool completes_on_eventq(uint32_t cmd_type);

struct UnblockCmd {
  uint32_t stream_id = 0;
};

void encode(std::vector<uint8_t>& out, const AsyncCmdHeader& v);
void encode(std::vector<uint8_t>& out, const UnblockCmd& v);
void encode(std::vector<uint8_t>& out, const AsyncEvent& v);
vvsim::Result<AsyncCmdHeader> decode_async_cmd_header(ByteSpan in);
vvsim::Result<AsyncEvent> decode_async_event(ByteSpan in);
// STREAM_UNBLOCK; another cmd_type is refused by name.
vvsim::Result<UnblockCmd> decode_unblock(ByteSpan in);

// ---- Between the v6 and the v6-async forms ----
// A command as v6 bytes and, for RESOURCE_QUEUE and DRAIN, the cookie it carried.
struct V6FormCommand {
  std::vector<uint8_t> bytes;
  std::optional<uint64_t> cookie;
};
// The v6-async form of a v6 command: the cookie inserted after stream_id for
// RESOURCE_QUEUE and DRAIN; any other command unchanged.
std::vector<uint8_t> async_form(ByteSpan v6_command, uint64_t cookie);
// The v6 form of a v6-async command (the inverse); an error names the field
// a RESOURCE_QUEUE or DRAIN too short for its header was cut at.
vvsim::Result<V6FormCommand> v6_form(ByteSpan async_command);

// The event that completes command `cmd` with v6 response `response` (a
// resource_queue_resp or a result): flags CANCELED or ERROR from its result.
AsyncEvent completion_event(CmdType cmd, uint32_t stream_id, uint64_t cookie, ByteSpan response);
// The v6 response a completion event stands for (resource_queue_resp or result).
std::vector<uint8_t> v6_response(const AsyncEvent& completion);
// ERROR and DRC events in both forms; a DRC is flagged BLOCKED.
AsyncEvent async_form(const Event& v6_event);
std::optional<Event> v6_form(const AsyncEvent& event);

}  // namespace vvsim::virtio_video
