// The one place vvsim packs integers into bytes: little-endian, as every virtio
// structure is (virtio 1.2 §1.4), whatever the host's byte order. Rings,
// registers and device wire formats all go through these; nothing overlays a
// struct on guest memory.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vvsim::tlm_virtio::le {

// The low `bytes` bytes of `value` at p[0..bytes), least significant first.
inline void put(uint8_t* p, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(value >> (8 * i));
}
inline uint64_t get(const uint8_t* p, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

inline void put16(uint8_t* p, uint16_t v) { put(p, v, 2); }
inline void put32(uint8_t* p, uint32_t v) { put(p, v, 4); }
inline void put64(uint8_t* p, uint64_t v) { put(p, v, 8); }
inline uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(get(p, 2)); }
inline uint32_t get32(const uint8_t* p) { return static_cast<uint32_t>(get(p, 4)); }
inline uint64_t get64(const uint8_t* p) { return get(p, 8); }

}  // namespace vvsim::tlm_virtio::le
