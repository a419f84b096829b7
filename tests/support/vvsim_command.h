// Running the built vvsim binary from a test: its exit status, output and
// error text, and the files it writes (scratch files under the build tree).
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "codec/checksum.h"

namespace vvsim::test {

inline const std::string kBin = std::string(VVSIM_BINARY_DIR) + "/bin/vvsim";
inline const std::string kSrc = VVSIM_SOURCE_DIR;

struct Result {
  int status = -1;
  std::string out, err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

inline std::string scratch(const std::string& name) { return std::string(VVSIM_BINARY_DIR) + "/cli_" + name; }

// `wrapper` (e.g. "/usr/bin/time -f %M -o FILE") runs in front of the binary.
inline Result run_vvsim(const std::string& args, const std::string& tag, const std::string& wrapper = "") {
  const std::string out = scratch(tag + ".out"), err = scratch(tag + ".err");
  const int raw = std::system((wrapper + " " + kBin + " " + args + " >" + out + " 2>" + err).c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

// The reference decoder's MD5 of a fixture (tests/codec/fixtures/reference.md5), "missing" if none.
inline std::string reference_md5(const std::string& fixture) {
  std::ifstream f(kSrc + "/tests/codec/fixtures/reference.md5");
  std::string name, md5, bytes;
  while (f >> name >> md5 >> bytes)
    if (name == fixture) return md5;
  return "missing";
}

// The MD5 of the frames the default scenario dumps when it decodes a fixture
// under `protocol`; the run's error text when it fails.
inline std::string decoded_fixture_md5(const std::string& protocol, const std::string& fixture) {
  const std::string tag = protocol + "_input_" + fixture, dir = scratch(tag), frames = dir + "/frames.yuv";
  const auto r = run_vvsim("run " + kSrc + "/scenarios/default.yaml --quiet --set protocol=" + protocol + " --out " +
                               dir + " --input " + kSrc + "/tests/codec/fixtures/" + fixture + " --dump-frames " + frames,
                           tag);
  if (r.status != 0) return "run failed: " + r.err;
  const std::string bytes = slurp(frames);
  return codec::md5_hex(std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

// Rows of a CSV whose only quoted column is the last (sweep.csv's error).
inline std::vector<std::map<std::string, std::string>> read_csv(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  std::vector<std::string> header;
  std::istringstream h(line);
  for (std::string cell; std::getline(h, cell, ',');) header.push_back(cell);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(lines, line)) {
    std::map<std::string, std::string> row;
    std::istringstream r(line);
    std::string cell;
    for (size_t i = 0; i < header.size() && std::getline(r, cell, ','); ++i) row[header[i]] = cell;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace vvsim::test
