// Whether a header scan reproduces the real decoder on a given stream. A scan
// sees headers only; damage inside picture data (a bit flip in a slice) makes
// the real decoder report a corrupt unit, conceal, or drop a picture, none of
// which a scan can foresee. So before a timing-only run trusts the scan on a
// file, the file is decoded once with the real decoder beside the scan and
// every unit's report is compared: the first disagreement names its unit.
#pragma once

#include <string>

#include "codec/bitstream_reader.h"
#include "codec/codec.h"

namespace vvsim::codec {

// Empty when, unit by unit in file order and at the flush after the last one,
// make_scan_decoder(codec) reports what make_decoder(codec, backend) reports
// (status and message, the unit a status is about, format changes, pictures' sizes,
// timestamps and corrupt flags, work figures); else one line naming the first
// unit (or the flush) where they differ and both reports. Reads the units one
// at a time; holds no more than the two decoders do.
std::string scan_disagreement(CodecId codec, UnitSource& units, DecoderBackend backend);

}  // namespace vvsim::codec
