#include "codec/byte_sink.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

namespace vvsim::codec {
namespace {

class VectorSink final : public ByteSink {
 public:
  explicit VectorSink(std::vector<uint8_t>& out) : out_(out) {}
  std::string append(const uint8_t* data, size_t size) override {
    out_.insert(out_.end(), data, data + size);
    return {};
  }
  std::string overwrite(uint64_t position, const uint8_t* data, size_t size) override {
    if (position + size > out_.size())
      return fmt::format("overwrite of {} bytes at {} past the {} written", size, position,
                         out_.size());
    std::memcpy(out_.data() + position, data, size);
    return {};
  }
  std::string close() override { return {}; }

 private:
  std::vector<uint8_t>& out_;
};

class FileSink final : public ByteSink {
 public:
  FileSink(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}
  ~FileSink() override { close(); }
  std::string append(const uint8_t* data, size_t size) override {
    if (!file_) return path_ + ": already closed";
    if (std::fwrite(data, 1, size, file_) != size) return failure("write");
    return {};
  }
  std::string overwrite(uint64_t position, const uint8_t* data, size_t size) override {
    if (!file_) return path_ + ": already closed";
    if (std::fseek(file_, static_cast<long>(position), SEEK_SET) != 0) return failure("seek");
    std::string error = append(data, size);
    if (std::fseek(file_, 0, SEEK_END) != 0 && error.empty()) return failure("seek");
    return error;
  }
  std::string close() override {
    if (!file_) return {};
    bool ok = std::fclose(file_) == 0;
    file_ = nullptr;
    return ok ? std::string{} : failure("close");
  }

 private:
  std::string failure(const char* what) const {
    return fmt::format("{}: {} failed: {}", path_, what, std::strerror(errno));
  }
  std::FILE* file_;
  std::string path_;
};

}  // namespace

std::unique_ptr<ByteSink> vector_sink(std::vector<uint8_t>& out) {
  return std::make_unique<VectorSink>(out);
}

std::unique_ptr<ByteSink> file_sink(const std::string& path, std::string& error) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) {
    error = fmt::format("{}: cannot create: {}", path, std::strerror(errno));
    return nullptr;
  }
  error.clear();
  return std::make_unique<FileSink>(file, path);
}

}  // namespace vvsim::codec
