// Field helpers shared by the v6 wire encoders and decoders (wire.cpp,
// wire_params.cpp); not part of the wire interface.
#pragma once

#include <utility>

#include "common/result.h"
#include "models/protocols/v6/wire.h"

namespace vvsim::virtio_video::wire_fields {

inline void put_fourcc(ByteWriter& w, const Fourcc& f) { w.bytes(f.data(), f.size()); }

inline Fourcc get_fourcc(ByteReader& r, const char* field) {
  Fourcc f{};
  r.bytes(f.data(), f.size(), field);
  return f;
}

// Finishes a decode: the value, or the reader's reason for refusing it.
template <typename T>
vvsim::Result<T> finish(const ByteReader& r, T value) {
  if (r.failed()) return vvsim::Error{r.error()};
  return value;
}

inline void write_stream_cmd_header(ByteWriter& w, CmdType cmd, uint32_t stream_id) {
  w.le32(static_cast<uint32_t>(cmd));
  w.le32(stream_id);
}

}  // namespace vvsim::virtio_video::wire_fields
