// The file input path on arbitrary bytes: the first byte picks the name a
// user would give (.ivf, .h264, .hevc, .m2v), the rest is the file. The file
// is indexed, not read whole; every unit it yields lies inside the file, a
// damaged file is refused with a message naming it, and the declared picture
// size, if any, is a real picture.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "codec/bitstream_reader.h"

namespace {

const char* const kNames[] = {"input.ivf", "input.h264", "input.hevc", "input.m2v"};

std::string write_input(const uint8_t* data, size_t size) {
  const char* dir = std::getenv("TMPDIR");
  const std::string path = std::string(dir ? dir : "/tmp") + "/vvsim-fuzz-input-" + std::to_string(getpid()) + "-" +
                           kNames[size ? data[0] % 4 : 0];
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (size > 1) out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = write_input(data, size);
  const auto opened = vvsim::codec::open_bitstream_file(path);
  if (opened.units) {
    if (!opened.status) std::abort();  // a stream or an error, not both
    size_t total = 0;
    for (size_t i = 0; i < opened.units->size(); ++i) total += opened.units->unit(i).data.size();
    if (total > size) std::abort();  // units come only from the file's bytes
    if (const auto picture = vvsim::codec::declared_picture_size(opened.codec, *opened.units))
      if (picture->first == 0 || picture->second == 0) std::abort();
  } else if (opened.status || opened.status.error().message.find(path) == std::string::npos) {
    std::abort();  // a refusal names the file
  }
  std::remove(path.c_str());
  return 0;
}
