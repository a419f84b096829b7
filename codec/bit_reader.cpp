#include "codec/bit_reader.h"

namespace vvsim::codec {

std::vector<uint8_t> nal_rbsp(const uint8_t* d, size_t size) {
  std::vector<uint8_t> out;
  out.reserve(size);
  int zeros = 0;
  for (size_t i = 0; i < size; ++i) {
    if (zeros >= 2 && d[i] == 3) {
      zeros = 0;
      continue;
    }
    zeros = d[i] == 0 ? zeros + 1 : 0;
    out.push_back(d[i]);
  }
  return out;
}

}  // namespace vvsim::codec
