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
#include <utility>

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
  write_output_file(path, [&text](const analysis::TextSink& out) { out(text); });
}

void write_output_file(const std::string& path, const std::function<void(const analysis::TextSink&)>& produce) {
  const auto fail = [&path](int error) {
    return std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(error)));
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!file) throw fail(errno);
  int error = 0;  // errno of the first failed write; the rest is not attempted
  produce([&](std::string_view piece) {
    if (error == 0 && std::fwrite(piece.data(), 1, piece.size(), file.get()) != piece.size()) error = errno;
  });
  if (error == 0 && std::fflush(file.get()) != 0) error = errno;
  if (error != 0) throw fail(error);
  if (std::fclose(file.release()) != 0) throw fail(errno);
}

SectionedFile::SectionedFile(std::string path, size_t sections, std::string head)
    : path_(std::move(path)), head_(std::move(head)), sections_(sections) {}

// Opened at the first row, so a run refused before it simulates leaves no file behind.
void SectionedFile::open() {
  files_.emplace_back(std::fopen(path_.c_str(), "wb"), std::fclose);
  for (size_t i = 1; i < sections_; ++i) files_.emplace_back(std::tmpfile(), std::fclose);
  for (const auto& f : files_)
    if (!f && error_ == 0) error_ = errno;
  write(files_[0].get(), head_);
}

void SectionedFile::write(std::FILE* file, std::string_view text) {
  if (error_ == 0 && std::fwrite(text.data(), 1, text.size(), file) != text.size()) error_ = errno;
}

void SectionedFile::append(size_t section, std::string_view text) {
  if (files_.empty()) open();
  if (section < files_.size()) write(files_[section].get(), text);
}

std::optional<std::string> SectionedFile::finish() {
  if (files_.empty()) open();
  std::vector<char> buffer(size_t{1} << 16);
  for (size_t i = 1; i < files_.size() && error_ == 0; ++i) {
    std::rewind(files_[i].get());
    for (size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), files_[i].get())) > 0;)
      write(files_[0].get(), std::string_view(buffer.data(), n));
    if (std::ferror(files_[i].get()) && error_ == 0) error_ = errno;
  }
  if (error_ == 0 && std::fclose(files_[0].release()) != 0) error_ = errno;
  if (error_ == 0) return std::nullopt;
  return fmt::format("cannot write {}: {}", path_, std::strerror(error_));
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
