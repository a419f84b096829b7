// Pixel conversions of the image formats, one pixel or one row at a time: the
// RGB3 colour matrix (bit-exact with FFmpeg's swscale, see yuv_to_rgb) and the
// NV12 chroma interleave. No layout knowledge: codec/image_layout.cpp applies
// them row by row through a layout.
#pragma once

#include <algorithm>
#include <cstdint>

namespace vvsim::codec {

// Per pixel, so inline: they run on every pixel of an RGB3 frame.
inline uint8_t clamp_byte(int v) { return static_cast<uint8_t>(std::clamp(v, 0, 255)); }

// BT.601 limited range ("studio swing") with coefficients x 2^13, the ones
// FFmpeg's swscale derives for its accurate-rounding full-chroma RGB output
// (255/219, 1.596, 0.813, 0.392, 2.017), so RGB3 equals `ffmpeg -vf
// scale=flags=neighbor+full_chroma_int+accurate_rnd+bitexact -pix_fmt rgb24`.
// swscale sums in 32 bits and wraps for a few very bright, saturated pixels
// (blue becomes 0 where Y > ~240 and U > ~250); here the sum saturates.
inline void yuv_to_rgb(int y, int u, int v, uint8_t* rgb) {
  const int c = 9539 * (y - 16) + 4096, d = u - 128, e = v - 128;  // 4096: round to nearest
  rgb[0] = clamp_byte((c + 13075 * e) >> 13);
  rgb[1] = clamp_byte((c - 6660 * e - 3209 * d) >> 13);
  rgb[2] = clamp_byte((c + 16525 * d) >> 13);
}
// RGB to BT.601 limited-range Y, Cb and Cr, not yet clamped.
inline int rgb_to_y(int r, int g, int b) { return ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16; }
inline int rgb_to_u(int r, int g, int b) { return ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128; }
inline int rgb_to_v(int r, int g, int b) { return ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128; }

// n U and n V bytes to n interleaved UV pairs.
void interleave(const uint8_t* u, const uint8_t* v, uint32_t n, uint8_t* uv);
// An interleaved row of n UV pairs to n U and n V bytes.
void deinterleave(const uint8_t* uv, uint32_t n, uint8_t* u, uint8_t* v);

}  // namespace vvsim::codec
