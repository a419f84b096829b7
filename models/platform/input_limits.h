// The limits on what a user hands the simulator (scenario and profile files,
// their values, input streams), in one place. Each bounds the memory a run
// can take; each is refused at load time with a one-line error naming the
// file:line, key or stream. docs/scenarios.md (Limits) lists them with the
// error a user sees.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vvsim::models {

struct InputLimits {
  // A YAML file (scenario or profile). yaml-cpp needs up to about 240 bytes
  // of memory per byte of input (a long flow list), so this bounds the
  // loader's peak to about 60 MB.
  size_t yaml_file_bytes = 256u << 10;
  // One scalar (a string or number) in a YAML document or --set value.
  size_t yaml_scalar_bytes = 64u << 10;
  // Elements of any YAML list, keys of any YAML map.
  size_t yaml_collection_size = 4096;
  // Nesting of maps and lists.
  size_t yaml_depth = 32;
  // Streams of one scenario (the device's max_streams ceiling).
  size_t streams = 1024;
  // raw_commands of one stream, and the bytes of each.
  size_t raw_commands = 256;
  size_t raw_command_bytes = 4096;
  // Bitstream units (IVF frames, H.264 NAL units, generated or encoded
  // frames) of all streams of a run together. A decoder run writing no trace
  // or report keeps no record per frame (docs/performance.md, Memory); the
  // input index (24 bytes a unit), a trace or report's records and an encoder
  // stream's units (and its summary's list of unit sizes) still grow with it.
  uint64_t units_per_run = 1'000'000;
};

inline constexpr InputLimits kInputLimits{};

}  // namespace vvsim::models
