// The files a command writes: every one is checked before any simulation
// starts (a mistyped path costs nothing), and a write that fails later is an
// error naming the path. Errors are std::runtime_error with one line:
// "OPTION PATH: reason" or "cannot write PATH: reason". And the files a
// command reads back from its child runs.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/text_sink.h"

namespace vvsim::app {

// Creates `dir` and its parents (`option` names the flag in the message).
void make_output_directory(const std::string& option, const std::string& dir);

// Checks that `path` can be opened for writing as a file, without changing
// an existing file and without leaving a new one behind.
void check_output_file(const std::string& option, const std::string& path);

// Writes `text` to `path`, replacing it.
void write_output_file(const std::string& path, const std::string& text);
// Writes to `path`, replacing it, the pieces `produce` hands its sink, as they come.
void write_output_file(const std::string& path, const std::function<void(const analysis::TextSink&)>& produce);

// A file written while a run goes, so its rows need not be kept to the end:
// one section per stream, in section order, although rows arrive interleaved
// in simulated time. Section 0 goes to the file at once, the others to
// anonymous temporary files that finish() appends in order.
class SectionedFile {
 public:
  SectionedFile(std::string path, size_t sections, std::string head);
  void append(size_t section, std::string_view text);
  // "cannot write PATH: reason" when a write failed, else nothing. Returned,
  // not thrown: the caller lists it with the run's other write errors, and
  // no exception then unwinds through frames a sanitizer tracks across the
  // simulation's coroutine stacks.
  std::optional<std::string> finish();

 private:
  using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;
  void open();
  void write(std::FILE* file, std::string_view text);
  std::string path_, head_;
  size_t sections_ = 1;
  std::vector<File> files_;  // [0] the file itself, then one spool per further section; empty until opened
  int error_ = 0;            // errno of the first failed write
};

// The file's bytes; empty when it cannot be read.
std::string read_text_file(const std::filesystem::path& path);
// The file as JSON; none when it is missing or damaged (e.g. by a full disk).
std::optional<nlohmann::json> read_json_file(const std::filesystem::path& path);
// The first line of a child vvsim's error output, without its "vvsim: ".
std::string first_error_line(const std::string& text);

}  // namespace vvsim::app
