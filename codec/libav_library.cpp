#include "codec/libav_library.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <stdexcept>

namespace vvsim::codec {

namespace {

// A library kept loaded for the rest of the process (never closed: decoders
// and the pictures they lend may live until exit).
void* open_library(const std::string& file) {
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    throw std::runtime_error(
        fmt::format("cannot load {} (H.264, HEVC and MPEG-2 decode on libavcodec): {}", file, ::dlerror()));
  return handle;
}

template <typename Function>
void find(void* library, const std::string& file, const char* name, Function& function) {
  function = reinterpret_cast<Function>(::dlsym(library, name));
  if (!function) throw std::runtime_error(fmt::format("{} has no function {}", file, name));
}

}  // namespace

LibavFunctions load_libav(const std::string& avcodec_file, const std::string& avutil_file) {
  void* const avcodec = open_library(avcodec_file);
  void* const avutil = open_library(avutil_file);
  LibavFunctions functions{};
#define VVSIM_LIBAV_FIND(library, function) find(library, library##_file, #function, functions.function);
  VVSIM_LIBAV_FUNCTIONS(VVSIM_LIBAV_FIND)
#undef VVSIM_LIBAV_FIND
  return functions;
}

const LibavFunctions& libav() {
  static const LibavFunctions functions = load_libav(fmt::format("libavcodec.so.{}", LIBAVCODEC_VERSION_MAJOR),
                                                     fmt::format("libavutil.so.{}", LIBAVUTIL_VERSION_MAJOR));
  return functions;
}

}  // namespace vvsim::codec
