// The files a command writes: every one is checked before any simulation
// starts (a mistyped path costs nothing), and a write that fails later is an
// error naming the path. Errors are std::runtime_error with one line:
// "OPTION PATH: reason" or "cannot write PATH: reason". And the files a
// command reads back from its child runs.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace vvsim::app {

// Creates `dir` and its parents (`option` names the flag in the message).
void make_output_directory(const std::string& option, const std::string& dir);

// Checks that `path` can be opened for writing as a file, without changing
// an existing file and without leaving a new one behind.
void check_output_file(const std::string& option, const std::string& path);

// Writes `text` to `path`, replacing it.
void write_output_file(const std::string& path, const std::string& text);

// The file's bytes; empty when it cannot be read.
std::string read_text_file(const std::filesystem::path& path);
// The file as JSON; none when it is missing or damaged (e.g. by a full disk).
std::optional<nlohmann::json> read_json_file(const std::filesystem::path& path);
// The first line of a child vvsim's error output, without its "vvsim: ".
std::string first_error_line(const std::string& text);

}  // namespace vvsim::app
