// The versions of the codec libraries this build runs (as the libraries
// report them at run time), for `vvsim --version` and reports.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "codec/codec.h"

namespace vvsim::codec {

// The version of the library behind `backend`. libavcodec's loads that
// library (codec/libav_library.h); when it cannot be loaded, the version says
// why, in parentheses.
std::string library_version(DecoderBackend backend);

// (library name, version), one per codec library: libvpx, openh264, libavcodec.
std::vector<std::pair<std::string, std::string>> library_versions();

}  // namespace vvsim::codec
