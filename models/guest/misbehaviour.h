// The ways a scripted guest application departs from its driver's rules on
// purpose, so a scenario can show how the device (and the conformance
// monitor) answers. Data only and protocol-neutral: each protocol's
// application applies the departures it models through a policy object of its
// own and refuses the others by name, so production paths carry no test knobs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vvsim::guest {

struct Misbehaviour {
  std::vector<uint32_t> corrupt_units;     // units damaged before queueing (see damaged_copy)
  bool requeue_before_reattach = false;    // after a DRC, queue an output before re-attaching its backing
  bool no_outputs_during_drain = false;    // stop queueing outputs once the end-of-stream drain is sent
  bool attach_before_format_query = false;  // after a DRC, attach outputs first and query the format after
  bool double_drain = false;               // the end-of-stream drain is sent twice (the second must be refused)
  bool destroy_during_drain = false;       // destroy right after the end-of-stream drain, without waiting
  bool use_after_destroy = false;          // one more drain for the stream after its destroy answer
  bool undersized_inputs = false;          // input buffers half the size the device asked for
  std::vector<std::vector<uint8_t>> raw_commands;  // raw commandq bytes sent once set-up is done
  std::optional<uint32_t> raw_response_bytes;      // their response buffer; none: sized from each command

  // The scenario keys of the departures that are set, in declaration order.
  std::vector<std::string> keys_set() const;
};

// A unit as the application damages it: every byte after the first 4 XORed
// with 0x5A, so the start code or frame header survives and the decoder meets
// the damage inside the picture data.
std::vector<uint8_t> damaged_copy(const std::vector<uint8_t>& unit);

// The bytes an application writes for each unit: a damaged copy for the units
// listed in corrupt_units, the unit's own bytes otherwise.
class UnitDamage {
 public:
  explicit UnitDamage(std::vector<uint32_t> damaged_units = {}) : damaged_units_(std::move(damaged_units)) {}
  // Valid until the next call.
  const std::vector<uint8_t>& bytes(size_t index, const std::vector<uint8_t>& data);

 private:
  std::vector<uint32_t> damaged_units_;
  std::vector<uint8_t> damaged_;  // the last damaged unit, kept while it is written
};

}  // namespace vvsim::guest
