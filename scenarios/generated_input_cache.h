// Generated input streams, encoded once and kept on disk, named by everything
// that decides their bytes (the synthetic stream's parameters, the encoder
// library and its version, the generator's own sources). A repeated run or a
// sweep's points read the file instead of encoding again; a new stream is
// written unit by unit as it is encoded, so generation does not hold the
// stream in memory. Location and file format: docs/scenarios.md (Generated
// input cache).
#pragma once

#include <memory>
#include <string>

#include "codec/bitstream_reader.h"
#include "codec/synthetic.h"

namespace vvsim::scenarios {

// `option` (vvsim run --cache-dir) when given, else $VVSIM_CACHE_DIR, else
// $XDG_CACHE_HOME/vvsim, else $HOME/.cache/vvsim, else .vvsim-cache.
std::string generated_input_cache_dir(const std::string& option = "");

// The name of the cache file of `config` (no directory): codec and a 128-bit
// hash of the key text.
std::string generated_input_file_name(const codec::SyntheticStreamConfig& config);

// The units of `config`'s stream, read from its file in `dir` one at a time.
// A missing or damaged file is encoded anew into a temporary file that is
// renamed into place, so concurrent runs never read half a file. Throws
// models::ProfileError naming the path when the directory cannot be used,
// or the encoder's error.
std::shared_ptr<codec::UnitSource> cached_synthetic_units(const codec::SyntheticStreamConfig& config,
                                                          const std::string& dir);

}  // namespace vvsim::scenarios
