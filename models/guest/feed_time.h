// When a paced guest application may queue its next input: protocol-neutral,
// so every protocol's application paces the same way (one access unit, i.e.
// one frame, per 1/fps; the non-VCL units before a frame go with it).
#pragma once

#include <systemc>

#include <cstdint>

namespace vvsim::guest {

// When an application paced at `fps` (0: not paced) may queue its access unit
// `index`, counted from `start`.
inline sc_core::sc_time feed_time(const sc_core::sc_time& start, uint64_t index, double fps) {
  if (fps <= 0) return sc_core::SC_ZERO_TIME;
  return start + sc_core::sc_time(double(index) / fps, sc_core::SC_SEC);
}

}  // namespace vvsim::guest
