// Where a long output goes piece by piece (a file, a string), so the whole
// text is never built in memory.
#pragma once

#include <functional>
#include <string_view>

namespace vvsim::analysis {

using TextSink = std::function<void(std::string_view)>;

}  // namespace vvsim::analysis
