// The codec layer's unit entry points on arbitrary units: the first byte picks
// VP8, VP9 or H.264 and the real or the timing-only (scan) decoder; the rest
// is a sequence of length-prefixed units, with a reset or a flush now and
// then. Decoders must report bad units, never crash; every picture must have
// the size it claims.
#include <cstdlib>

#include "codec/image_layout.h"
#include "codec/scan_decoder.h"
#include "fuzz/fuzz_input.h"

using namespace vvsim::codec;

namespace {

void check(const DecodeResult& r) {
  for (const auto& p : r.pictures) {
    if (!p.has_pixels) continue;
    if (!check_picture(p).empty()) std::abort();  // owned planes: their sizes; lent ones: no null plane
    // Every row of every plane, lent by the decoder or owned, must be readable (ASan watches the copy).
    if (!check_picture(owned_picture(p)).empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vvsim::fuzz::FuzzInput in(data, size);
  const uint8_t pick = in.byte();
  const CodecId codec = pick % 3 == 0 ? CodecId::VP8 : pick % 3 == 1 ? CodecId::VP9 : CodecId::H264;
  auto decoder = (pick & 0x80) ? make_scan_decoder(codec) : make_decoder(codec);
  uint64_t timestamp = 0;
  while (!in.empty()) {
    const uint8_t op = in.byte();
    if (op == 0xfe) {
      decoder->reset();
    } else if (op == 0xfd) {
      check(decoder->flush());
    } else {
      const auto unit = in.bytes(4096);
      check(decoder->decode(unit.data(), unit.size(), timestamp++));
    }
  }
  check(decoder->flush());
  return 0;
}
