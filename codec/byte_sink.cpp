#include "codec/byte_sink.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

namespace vvsim::codec {
namespace {

class VectorSink final : public ByteSink {
 public:
  explicit VectorSink(std::vector<uint8_t>& out) : out_(out) {}
  Status append(const uint8_t* data, size_t size) override {
    out_.insert(out_.end(), data, data + size);
    return {};
  }
  Status overwrite(uint64_t position, const uint8_t* data, size_t size) override {
    if (position + size > out_.size())
      return Error{fmt::format("overwrite of {} bytes at {} past the {} written", size, position, out_.size())};
    std::memcpy(out_.data() + position, data, size);
    return {};
  }
  Status close() override { return {}; }

 private:
  std::vector<uint8_t>& out_;
};

class FileSink final : public ByteSink {
 public:
  FileSink(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}
  ~FileSink() override { (void)close(); }
  Status append(const uint8_t* data, size_t size) override {
    if (!file_) return Error{path_ + ": already closed"};
    if (std::fwrite(data, 1, size, file_) != size) return failure("write");
    return {};
  }
  Status overwrite(uint64_t position, const uint8_t* data, size_t size) override {
    if (!file_) return Error{path_ + ": already closed"};
    if (std::fseek(file_, static_cast<long>(position), SEEK_SET) != 0) return failure("seek");
    Status written = append(data, size);
    if (std::fseek(file_, 0, SEEK_END) != 0 && written.ok()) return failure("seek");
    return written;
  }
  Status close() override {
    if (!file_) return {};
    bool ok = std::fclose(file_) == 0;
    file_ = nullptr;
    return ok ? Status{} : failure("close");
  }

 private:
  Error failure(const char* what) const { return Error{fmt::format("{}: {} failed: {}", path_, what, std::strerror(errno))}; }
  std::FILE* file_;
  std::string path_;
};

}  // namespace

std::unique_ptr<ByteSink> vector_sink(std::vector<uint8_t>& out) {
  return std::make_unique<VectorSink>(out);
}

Result<std::unique_ptr<ByteSink>> file_sink(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) return Error{fmt::format("{}: cannot create: {}", path, std::strerror(errno))};
  return std::unique_ptr<ByteSink>(std::make_unique<FileSink>(file, path));
}

}  // namespace vvsim::codec
