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
