// The codec layer's unit entry points on arbitrary units: the first byte picks
// the codec (VP8, VP9, H.264, HEVC, MPEG-2), the real or the timing-only
// (scan) decoder, and a small picture size limit or none;
// the rest is a sequence of length-prefixed units, with a reset or a flush
// now and then. Decoders must report bad units, never crash; every picture
// must have the size it claims and be within the limit.
#include <cstdlib>
#include <iterator>

#include "codec/image_layout.h"
#include "codec/scan_decoder.h"
#include "fuzz/fuzz_input.h"

using namespace vvsim::codec;

namespace {

void check(const DecodeResult& r, const PictureSizeLimit& limit) {
  for (const auto& p : r.pictures) {
    if (p.width > limit.max_width || p.height > limit.max_height) std::abort();  // refused at its header
    if (!p.has_pixels) continue;
    if (!check_picture(p).ok()) std::abort();  // owned planes: their sizes; lent ones: no null plane
    // Every row of every plane, lent by the decoder or owned, must be readable (ASan watches the copy).
    if (!check_picture(owned_picture(p)).ok()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vvsim::fuzz::FuzzInput in(data, size);
  const uint8_t pick = in.byte();
  const CodecId codec = kAllCodecs[pick % std::size(kAllCodecs)];
  const bool scanned = pick & 0x80;  // every codec has a scan
  auto decoder = scanned ? make_scan_decoder(codec) : make_decoder(codec);
  const PictureSizeLimit limit = (pick & 0x40) ? PictureSizeLimit{64, 64} : PictureSizeLimit{};
  decoder->limit_picture_size(limit);
  uint64_t timestamp = 0;
  while (!in.empty()) {
    const uint8_t op = in.byte();
    if (op == 0xfe) {
      decoder->reset();
    } else if (op == 0xfd) {
      check(decoder->flush(), limit);
    } else {
      const auto unit = in.bytes(4096);
      check(decoder->decode(unit.data(), unit.size(), timestamp++), limit);
    }
  }
  check(decoder->flush(), limit);
  return 0;
}
