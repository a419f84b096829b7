// The departures of guest::Misbehaviour applied to a v6 decode session: the
// session calls these hooks at fixed points of its flow and stays free of
// test knobs; a conforming application's policy does nothing at any of them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/guest/misbehaviour.h"
#include "models/protocols/v6/video_driver.h"

namespace vvsim::virtio_video {

class DecodeMisbehaviour {
 public:
  explicit DecodeMisbehaviour(guest::Misbehaviour departures = {});

  // The size the application's input buffers get, given the device's buffer_size.
  uint32_t input_buffer_size(uint32_t device_size) const;
  // The bytes the application writes for unit `index` (a damaged copy, or the unit's own).
  const std::vector<uint8_t>& unit_bytes(size_t index, const std::vector<uint8_t>& data);
  // Whether, after a DRC, outputs are attached before the new format is queried.
  bool attaches_before_format_query(bool after_drc) const;
  // Whether outputs freed while the end-of-stream drain is in flight stay held.
  bool withholds_outputs(bool draining) const;
  // Just before the outputs are re-attached after a DRC; `queue_stale_output`
  // queues output 0 with its detached backing.
  void before_reattach(const std::function<void()>& queue_stale_output) const;
  // Once set-up is done: hostile commands, each answer's result name appended to `answers`.
  void after_setup(VideoDriver& driver, std::vector<std::string>& answers) const;
  // Right after the end-of-stream drain is submitted; true: stop waiting for it.
  bool after_drain_submitted(VideoDriver& driver, uint32_t stream);
  // After the stream's DESTROY answer: the answers of the extra commands.
  void after_destroy(VideoDriver& driver, uint32_t stream, std::vector<std::string>& answers);

 private:
  guest::Misbehaviour departures_;
  guest::UnitDamage damage_;
  uint64_t second_drain_ticket_ = 0;  // double_drain's second DRAIN
};

}  // namespace vvsim::virtio_video
