// The bitstream readers and unit header parsers on arbitrary bytes: IVF and
// H.264 Annex B containers, VP8/VP9 frame headers, VP9 superframe indexes,
// H.264 NAL and SPS headers. Each unit a reader returns must lie inside the
// input.
#include <cstdlib>

#include "codec/bitstream_reader.h"
#include "codec/unit_header.h"

using namespace vvsim::codec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (const auto& parsed : {parse_ivf(data, size), parse_annexb(data, size)}) {
    size_t total = 0;
    for (const auto& u : parsed.units) total += u.data.size();
    if (total > size) std::abort();  // units can only come from the input's bytes
  }
  (void)parse_vp8_header(data, size);
  (void)parse_vp9_header(data, size);
  for (const auto& [offset, length] : split_vp9_superframe(data, size)) {
    if (offset > size || length > size - offset) std::abort();
    (void)parse_vp9_header(data + offset, length);
  }
  if (auto nal = parse_nal(data, size)) (void)starts_access_unit(*nal, size % 2 == 0);
  if (auto sps = parse_sps(data, size)) {
    if (sps->width > sps->coded_width || sps->height > sps->coded_height) std::abort();  // crop within the coded picture
  }
  return 0;
}
