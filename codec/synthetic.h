// Deterministic synthetic video: moving test patterns as I420 pictures, and
// a helper that encodes them (with size changes) so tests and the default
// scenario need no downloaded files.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "codec/codec.h"

namespace vvsim::codec {

// A grainy diagonal gradient that drifts each frame under a few solid
// boxes bouncing around the frame. Box sizes, colours and speeds follow from
// the seed; the same (size, seed, index) always gives the same picture.
class TestPattern {
 public:
  TestPattern(uint32_t width, uint32_t height, uint64_t seed = 1);
  // Frame `index` of the sequence; its timestamp is index.
  Picture frame(uint64_t index) const;
  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }

 private:
  struct Box {
    uint32_t w, h;         // size in pixels
    uint32_t x0, y0;       // start position
    int32_t dx, dy;        // pixels per frame
    uint8_t y, u, v;       // colour
  };
  uint32_t width_, height_;
  std::vector<Box> boxes_;
};

// One stretch of the stream at one size.
struct SyntheticSegment {
  uint32_t width = 0, height = 0;
  uint32_t frames = 0;
};

struct SyntheticStreamConfig {
  CodecId codec = CodecId::VP8;
  std::vector<SyntheticSegment> segments;  // two or more: resolution changes between them
  uint32_t bitrate_bps = 1'000'000;
  uint32_t framerate = 30;
  uint32_t keyframe_interval = 0;  // 0: key frames only where each segment starts
  uint64_t seed = 1;
  bool keep_pictures = false;  // also return the source pictures (for quality checks)
};

struct SyntheticStream {
  std::vector<EncodedUnit> units;  // decode order; timestamps are frame indices
  std::vector<Picture> pictures;   // the source, when keep_pictures
  Status status;                   // why the stream could not be made
};

// Encodes the segments one after another with one encoder, switching size
// with Encoder::set_resolution (each segment starts with a key frame).
SyntheticStream encode_synthetic(const SyntheticStreamConfig& config);

// The same units, each handed to `sink` as soon as it is encoded and then
// dropped, so memory does not grow with the stream's length (pictures are not
// kept).
using EncodedUnitSink = std::function<void(EncodedUnit&&)>;
Status encode_synthetic_to(const SyntheticStreamConfig& config, const EncodedUnitSink& sink);

// The common case: size A for frames_a frames, then size B for frames_b.
SyntheticStream encode_with_resolution_change(CodecId codec, SyntheticSegment a,
                                              SyntheticSegment b, uint32_t bitrate_bps,
                                              uint64_t seed = 1, bool keep_pictures = false);

}  // namespace vvsim::codec
