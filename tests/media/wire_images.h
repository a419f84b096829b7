// Byte images for wire-format tests: a host struct's bytes (on this 64-bit
// little-endian host, the wire image the kernel header implies) and what a
// wire type's encode writes over a pattern.
#pragma once

#include <cstring>

#include "models/protocols/media/media_wire.h"

namespace vvsim::virtio_media::test {

template <class T>
Bytes image(const T& s) {
  Bytes b(sizeof(T));
  std::memcpy(b.data(), &s, sizeof(T));
  return b;
}

template <class W>
Bytes encoded(const W& w) {
  Bytes b(W::kSize, 0xAA);
  w.encode(b.data());
  return b;
}

}  // namespace vvsim::virtio_media::test
