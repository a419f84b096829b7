// Helpers shared by the encoder tests: scratch files, running the reference
// decoders (vpxdec, ffmpeg), reading raw I420 back and measuring PSNR.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "codec/image_layout.h"

namespace vvsim::codec::test {

// A fresh folder for one test case's files, below the build tree.
inline std::string scratch_dir(const std::string& name) {
  std::filesystem::path dir = std::filesystem::path(VVSIM_BINARY_DIR) / "test-scratch" / "codec" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline int run(const std::string& command) { return std::system(command.c_str()); }

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Splits raw I420 frames of one size; a trailing partial frame is dropped
// (and shows up as a frame count mismatch in the caller).
inline std::vector<Picture> split_i420(const std::vector<uint8_t>& bytes, uint32_t w, uint32_t h) {
  size_t luma = size_t{w} * h, chroma = size_t{chroma_width(w)} * chroma_height(h);
  size_t frame = luma + 2 * chroma;
  std::vector<Picture> out;
  for (size_t at = 0; at + frame <= bytes.size(); at += frame) {
    Picture p;
    p.width = w;
    p.height = h;
    p.y.assign(bytes.begin() + at, bytes.begin() + at + luma);
    p.u.assign(bytes.begin() + at + luma, bytes.begin() + at + luma + chroma);
    p.v.assign(bytes.begin() + at + luma + chroma, bytes.begin() + at + frame);
    out.push_back(std::move(p));
  }
  return out;
}

// PSNR over all Y, U and V samples together (8-bit peak 255); 99 for identical.
inline double psnr(const Picture& a, const Picture& b) {
  double sum = 0;
  size_t n = 0;
  auto add = [&](const std::vector<uint8_t>& x, const std::vector<uint8_t>& y) {
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      double d = double(x[i]) - double(y[i]);
      sum += d * d;
    }
    n += x.size();
  };
  add(a.y, b.y);
  add(a.u, b.u);
  add(a.v, b.v);
  if (sum == 0) return 99.0;
  return 10.0 * std::log10(255.0 * 255.0 / (sum / double(n)));
}

// Decodes an IVF file with vpxdec to one raw I420 file.
inline int vpxdec_to_i420(const std::string& ivf, const std::string& yuv) {
  return run("vpxdec --i420 -o '" + yuv + "' '" + ivf + "' 2>/dev/null");
}

// Decodes an Annex B H.264 file with ffmpeg to raw I420, no frame rate conversion.
inline int ffmpeg_h264_to_i420(const std::string& h264, const std::string& yuv) {
  return run("ffmpeg -nostdin -loglevel error -y -f h264 -i '" + h264 +
             "' -fps_mode passthrough -f rawvideo -pix_fmt yuv420p '" + yuv + "'");
}

}  // namespace vvsim::codec::test
