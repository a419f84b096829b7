// The timing-only stand-in for a decoder: it reads only unit headers (VP8
// frame tags, VP9 uncompressed headers and superframe indexes, H.264 NAL,
// SPS, PPS and slice headers, HEVC SPS, PPS and slice segment headers, MPEG-2
// sequence and picture headers) and reports what the real backend would report, minus the
// pixels: the same statuses, formats, work figures and pictures (sizes and
// timestamps only, `has_pixels` false). The device's timing depends on
// nothing else, so a timing-only run times exactly like a full one.
//
// H.264 and HEVC pictures leave when the output order models
// (codec/output_order.h, codec/hevc_output_order.h) release them, as the
// real backends' do. What it cannot know without decoding, it refuses up
// front (scan_stream_support): H.264 field coding, whose output order is not
// modelled, and an HEVC SPS it cannot read.
#pragma once

#include <string>
#include <vector>

#include "codec/bitstream_reader.h"
#include "codec/codec.h"

namespace vvsim::codec {

// Empty when a ScanDecoder reproduces the real decoder on `units`, else why not.
std::string scan_stream_support(CodecId codec, UnitSource& units);

// The scan of the real decoder on `backend` (default: codec's default backend).
std::unique_ptr<Decoder> make_scan_decoder(CodecId codec);
std::unique_ptr<Decoder> make_scan_decoder(CodecId codec, DecoderBackend backend);

}  // namespace vvsim::codec
