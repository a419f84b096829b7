// The versions of the codec libraries this build runs (as the libraries
// report them at run time), for `vvsim --version` and reports.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace vvsim::codec {

// (library name, version), one per codec library linked.
std::vector<std::pair<std::string, std::string>> library_versions();

}  // namespace vvsim::codec
