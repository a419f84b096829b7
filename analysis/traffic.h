// What crossed the transport over a run, in figures every protocol has: each
// virtqueue's chains and bytes as the transport counted them, the guest CPU
// time booked, and the path from probe to the first frame. summary.json
// carries them as "traffic"; `vvsim compare` divides them per frame.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>

#include "scenarios/runner.h"

namespace vvsim::analysis {

struct FirstFrame {
  uint64_t at_ps = 0;         // the first frame any stream's application took
  size_t commands = 0;        // commands answered by then
  size_t round_trips = 0;     // of them, the waits one after another (commands in flight together count once)
};
// None when no stream took a frame.
std::optional<FirstFrame> first_frame(const scenarios::RunResult& result);

// The name the virtio specifications give queue `index` of a video device.
const char* queue_name(size_t index);

nlohmann::ordered_json traffic_json(const scenarios::RunResult& result);

}  // namespace vvsim::analysis
