#include "apps/vvsim/output_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace vvsim::app {

namespace fs = std::filesystem;

void make_output_directory(const std::string& option, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error(fmt::format("{} {}: cannot create the directory: {}", option, dir, ec.message()));
  if (!fs::is_directory(dir, ec)) throw std::runtime_error(fmt::format("{} {}: not a directory", option, dir));
}

void check_output_file(const std::string& option, const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw std::runtime_error(fmt::format("{} {}: is a directory", option, path));
  const bool existed = fs::exists(fs::symlink_status(path, ec));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd < 0) throw std::runtime_error(fmt::format("{} {}: cannot write: {}", option, path, std::strerror(errno)));
  ::close(fd);
  if (!existed) ::unlink(path.c_str());
}

void write_output_file(const std::string& path, const std::string& text) {
  const auto fail = [&path] { return std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(errno))); };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!file) throw fail();
  if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size() || std::fflush(file.get()) != 0) throw fail();
  if (std::fclose(file.release()) != 0) throw fail();
}

std::string read_text_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::optional<nlohmann::json> read_json_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  try {
    return nlohmann::json::parse(read_text_file(path));
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::string first_error_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  const std::string prefix = "vvsim: ";
  return line.rfind(prefix, 0) == 0 ? line.substr(prefix.size()) : line;
}

}  // namespace vvsim::app
