// The verdict of codec::scan_disagreement for a stream's units, kept on disk
// beside the generated inputs (generated_input_cache_dir) and named by a hash
// of everything that decides it: the units' bytes and timestamps, the codec,
// the decoder backend and its library's version, and vvsim's codec
// sources. A timing-only run of a file decodes it once for real; later runs
// and a sweep's points read the verdict. Format: docs/performance.md.
#pragma once

#include <string>

#include "codec/bitstream_reader.h"
#include "codec/codec.h"

namespace vvsim::scenarios {

// codec::scan_disagreement(codec, units, backend), from the verdict file in
// `dir` when one is there, else computed and written there (by way of a
// temporary file, so concurrent runs never read half a verdict). A directory
// that cannot be written costs the cache, not the answer.
std::string cached_scan_disagreement(codec::CodecId codec, codec::UnitSource& units, codec::DecoderBackend backend,
                                     const std::string& dir);

// The verdict file's name (no directory) for these units.
std::string scan_verdict_file_name(codec::CodecId codec, codec::UnitSource& units, codec::DecoderBackend backend);

}  // namespace vvsim::scenarios
