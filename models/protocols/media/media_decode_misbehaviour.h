// The departures of guest::Misbehaviour a virtio-media decode client applies:
// the client calls these hooks at fixed points of its V4L2 flow and stays free
// of test knobs; a conforming application's policy does nothing at any of them.
// The departures with no V4L2 meaning modelled yet are named by unmodelled().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/guest/misbehaviour.h"
#include "models/protocols/media/media_driver.h"

namespace vvsim::virtio_media {

class MediaDecodeMisbehaviour {
 public:
  explicit MediaDecodeMisbehaviour(guest::Misbehaviour departures = {});

  // The keys set in `departures` that this policy does not model, in declaration order.
  static std::vector<std::string> unmodelled(const guest::Misbehaviour& departures);
  // The bytes the client writes into the OUTPUT buffer for unit `index`.
  const std::vector<uint8_t>& unit_bytes(size_t index, const std::vector<uint8_t>& data);
  // Whether CAPTURE buffers the client is done with stay dequeued while the
  // end-of-stream drain runs (dev-decoder Drain: the client must keep queueing them).
  bool withholds_captures(bool draining) const;
  // Once OUTPUT streams: each raw command (raw_commands, virtio-media commandq bytes) sent as
  // it is, one chain each, and its answer appended to `answers` ("OK", "ENOTTY (25)", "no response").
  void after_setup(MediaDriver& driver, std::vector<std::string>& answers) const;
  // The writable bytes a raw command gets without raw_response_bytes: the response header and
  // whatever the command's answer carries after it (resp_open, resp_mmap, an R or WR ioctl's payload).
  static uint32_t raw_response_room(const std::vector<uint8_t>& command);

 private:
  guest::Misbehaviour departures_;
  guest::UnitDamage damage_;
};

}  // namespace vvsim::virtio_media
