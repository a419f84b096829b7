#include "codec/synthetic.h"

#include <algorithm>
#include <fmt/format.h>

#include "codec/image_layout.h"

namespace vvsim::codec {
namespace {

constexpr int kBoxCount = 4;

// splitmix64: a portable, seedable sequence (std distributions are not
// portable across standard libraries).
class SplitMix {
 public:
  explicit SplitMix(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t bound) { return bound ? static_cast<uint32_t>(next() % bound) : 0; }

 private:
  uint64_t state_;
};

// Position on a path bouncing between 0 and span (a triangle wave).
uint32_t bounce(int64_t start, int64_t step, uint64_t index, uint32_t span) {
  if (span == 0) return 0;
  int64_t period = 2 * int64_t{span};
  int64_t p = (start + step * static_cast<int64_t>(index % static_cast<uint64_t>(period))) % period;
  if (p < 0) p += period;
  return static_cast<uint32_t>(p <= span ? p : period - p);
}

// Fine grain (-8..7) fixed to the scene, so it scrolls with the gradient:
// gives the encoders detail to spend bits on, as camera content would.
int texture(uint64_t x, uint64_t y) {
  uint64_t h = (x * 0x9e3779b1ull) ^ (y * 0x85ebca77ull);
  h ^= h >> 15;
  h *= 0x2c1b3c6dull;
  h ^= h >> 12;
  return static_cast<int>(h & 15) - 8;
}

}  // namespace

TestPattern::TestPattern(uint32_t width, uint32_t height, uint64_t seed)
    : width_(width), height_(height) {
  SplitMix rng(seed);
  for (int i = 0; i < kBoxCount; ++i) {
    Box b;
    b.w = std::max<uint32_t>(2, width / 8 + rng.below(width / 6 + 1));
    b.h = std::max<uint32_t>(2, height / 8 + rng.below(height / 6 + 1));
    b.w = std::min(b.w, width);
    b.h = std::min(b.h, height);
    b.x0 = rng.below(width - b.w + 1);
    b.y0 = rng.below(height - b.h + 1);
    b.dx = static_cast<int32_t>(rng.below(7)) - 3;
    b.dy = static_cast<int32_t>(rng.below(5)) - 2;
    if (b.dx == 0 && b.dy == 0) b.dx = 1;
    // Colours inside the BT.601 limited range, so RGB conversions stay in gamut.
    b.y = static_cast<uint8_t>(40 + rng.below(170));
    b.u = static_cast<uint8_t>(100 + rng.below(56));
    b.v = static_cast<uint8_t>(100 + rng.below(56));
    boxes_.push_back(b);
  }
}

Picture TestPattern::frame(uint64_t index) const {
  Picture pic = make_picture(width_, height_);
  pic.timestamp = index;
  uint32_t cw = chroma_width(width_), ch = chroma_height(height_);
  uint32_t shift = static_cast<uint32_t>(index % 256);
  for (uint32_t r = 0; r < height_; ++r)
    for (uint32_t c = 0; c < width_; ++c) {
      int ramp = 56 + static_cast<int>(((r + c + 2 * shift) % 256) * 124 / 256);
      pic.y[size_t{r} * width_ + c] = static_cast<uint8_t>(ramp + texture(c + shift, r));
    }
  for (uint32_t r = 0; r < ch; ++r)
    for (uint32_t c = 0; c < cw; ++c) {
      pic.u[size_t{r} * cw + c] = static_cast<uint8_t>(108 + 40 * c / std::max<uint32_t>(cw, 1));
      pic.v[size_t{r} * cw + c] = static_cast<uint8_t>(108 + 40 * r / std::max<uint32_t>(ch, 1));
    }
  for (const Box& b : boxes_) {
    uint32_t x = bounce(b.x0, b.dx, index, width_ - b.w);
    uint32_t y = bounce(b.y0, b.dy, index, height_ - b.h);
    for (uint32_t r = y; r < y + b.h; ++r)
      std::fill_n(pic.y.begin() + size_t{r} * width_ + x, b.w, b.y);
    for (uint32_t r = y / 2; r < (y + b.h + 1) / 2; ++r) {
      std::fill_n(pic.u.begin() + size_t{r} * cw + x / 2, (x + b.w + 1) / 2 - x / 2, b.u);
      std::fill_n(pic.v.begin() + size_t{r} * cw + x / 2, (x + b.w + 1) / 2 - x / 2, b.v);
    }
  }
  return pic;
}

namespace {

// Encodes the stream, handing each unit to `sink` and each source picture to
// `keep_picture` (when set).
Status encode_segments(const SyntheticStreamConfig& config, const EncodedUnitSink& sink,
                       const std::function<void(Picture&&)>& keep_picture) {
  if (config.segments.empty()) return Error{"synthetic stream has no segments"};
  EncoderConfig ec;
  ec.codec = config.codec;
  ec.width = config.segments[0].width;
  ec.height = config.segments[0].height;
  ec.bitrate_bps = config.bitrate_bps;
  ec.framerate = config.framerate;
  ec.keyframe_interval = config.keyframe_interval;
  auto made = make_encoder(ec);
  if (!made) return made.error();
  std::unique_ptr<Encoder> encoder = std::move(made).value();
  Status status;
  auto take = [&](EncodeResult r, const std::string& where) {
    if (r.status != UnitStatus::Ok && status) status = Error{where + ": " + r.message};
    for (auto& u : r.units) sink(std::move(u));
    return status.ok();
  };
  uint64_t index = 0;
  for (size_t s = 0; s < config.segments.size(); ++s) {
    const SyntheticSegment& seg = config.segments[s];
    if (s > 0 && !take(encoder->set_resolution(seg.width, seg.height), fmt::format("segment {}", s))) return status;
    TestPattern pattern(seg.width, seg.height, config.seed);
    for (uint32_t f = 0; f < seg.frames; ++f, ++index) {
      Picture pic = pattern.frame(index);
      if (!take(encoder->encode(pic, false), fmt::format("frame {}", index))) return status;
      if (keep_picture) keep_picture(std::move(pic));
    }
  }
  take(encoder->flush(), "flush");
  return status;
}

}  // namespace

SyntheticStream encode_synthetic(const SyntheticStreamConfig& config) {
  SyntheticStream out;
  std::function<void(Picture&&)> keep;
  if (config.keep_pictures) keep = [&out](Picture&& p) { out.pictures.push_back(std::move(p)); };
  out.status = encode_segments(config, [&out](EncodedUnit&& u) { out.units.push_back(std::move(u)); }, keep);
  return out;
}

Status encode_synthetic_to(const SyntheticStreamConfig& config, const EncodedUnitSink& sink) {
  return encode_segments(config, sink, nullptr);
}

SyntheticStream encode_with_resolution_change(CodecId codec, SyntheticSegment a,
                                              SyntheticSegment b, uint32_t bitrate_bps,
                                              uint64_t seed, bool keep_pictures) {
  SyntheticStreamConfig config;
  config.codec = codec;
  config.segments = {a, b};
  config.bitrate_bps = bitrate_bps;
  config.seed = seed;
  config.keep_pictures = keep_pictures;
  return encode_synthetic(config);
}

}  // namespace vvsim::codec
