// Real content through the whole vvsim path: streams made at test time with
// Debian's ffmpeg encoders, features confirmed by ffmpeg's own header trace,
// every decoded frame compared with ffmpeg's own decode.
#pragma once

#include <boost/test/unit_test.hpp>

#include "tests/support/vvsim_command.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <sys/wait.h>

namespace real_content {

using vvsim::test::kBin;
using vvsim::test::kSrc;
using vvsim::test::slurp;
using Ran = vvsim::test::Result;

// A directory of its own for one test's files.
inline std::string workdir(const std::string& tag) {
  const std::string dir = std::string(VVSIM_BINARY_DIR) + "/real_content/" + tag;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline Ran run(const std::string& command, const std::string& dir) {
  const std::string out = dir + "/cmd.out", err = dir + "/cmd.err";
  const int raw = std::system((command + " >" + out + " 2>" + err).c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

// Encodes `frames` frames of ffmpeg's testsrc2 at `size` with `codec_args`
// (e.g. "-c:v libx264 -x264-params ...") into `file`.
inline void encode(const std::string& file, const std::string& size, int frames, const std::string& codec_args,
                   const std::string& dir) {
  const auto r = run("ffmpeg -v error -y -f lavfi -i testsrc2=size=" + size + ":rate=25 -frames:v " +
                         std::to_string(frames) + " " + codec_args + " " + file,
                     dir);
  BOOST_REQUIRE_MESSAGE(r.status == 0, "ffmpeg could not make " + file + ": " + r.err);
}

// The values ffmpeg's trace_headers bitstream filter prints for syntax element `name`.
inline std::vector<long> traced(const std::string& file, const std::string& name, const std::string& dir) {
  const auto r = run("ffmpeg -hide_banner -i " + file + " -c:v copy -bsf:v trace_headers -f null -", dir);
  std::vector<long> values;
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    // "[trace_headers @ 0x..] <bit position> <name> <bits> = <value>"
    if (w.size() >= 7 && w[0] == "[trace_headers" && w[4] == name && w[w.size() - 2] == "=")
      values.push_back(std::stol(w.back()));
  }
  return values;
}

inline long count_of(const std::vector<long>& values, long value) {
  long n = 0;
  for (long v : values) n += v == value;
  return n;
}

// Picture types ffprobe reports, one letter per frame ("IBBP...").
inline std::string picture_types(const std::string& file, const std::string& dir) {
  const auto r = run("ffprobe -v error -show_entries frame=pict_type -of csv=p=0 " + file, dir);
  std::string types;
  for (char c : r.out)
    if (c == 'I' || c == 'P' || c == 'B') types += c;
  return types;
}

// Runs `file` through `vvsim run` with its frames dumped; returns the dump.
inline std::string vvsim_frames(const std::string& file, const std::string& dir, const std::string& extra = "") {
  const auto r = run(kBin + " run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir + "/out --input " + file +
                         " --dump-frames " + dir + "/vvsim.yuv " + extra,
                     dir);
  BOOST_REQUIRE_MESSAGE(r.status == 0, "vvsim exit " + std::to_string(r.status) + ": " + r.err);
  return slurp(dir + "/vvsim.yuv");
}

// ffmpeg's own decode of `file`, one raw frame per decoded picture at its own size.
inline std::string ffmpeg_frames(const std::string& file, const std::string& dir, const std::string& flags = "",
                                 const std::string& pix_fmt = "yuv420p") {
  const auto r = run("ffmpeg -v error -threads 1 " + flags + " -i " + file + " -fps_mode passthrough -autoscale 0 " +
                         "-f rawvideo -pix_fmt " + pix_fmt + " -y " + dir + "/ffmpeg.raw",
                     dir);
  BOOST_REQUIRE_MESSAGE(r.status == 0, "ffmpeg could not decode " + file + ": " + r.err);
  return slurp(dir + "/ffmpeg.raw");
}

// Every frame vvsim decodes equals ffmpeg's, and there are `frames` of them
// at `frame_bytes` each (0: not checked).
inline void expect_same_frames(const std::string& vvsim, const std::string& ffmpeg, size_t frames, size_t frame_bytes) {
  BOOST_CHECK_GT(ffmpeg.size(), 0u);
  if (frame_bytes) BOOST_CHECK_EQUAL(vvsim.size(), frames * frame_bytes);
  BOOST_CHECK_EQUAL(vvsim.size(), ffmpeg.size());
  BOOST_CHECK_MESSAGE(vvsim == ffmpeg, "decoded frames differ from ffmpeg's");
}

}  // namespace real_content
