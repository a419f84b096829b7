#include "codec/annexb_writer.h"

#include <array>
#include <fmt/format.h>

namespace vvsim::codec {

AnnexBWriter::AnnexBWriter(std::unique_ptr<ByteSink> sink) : sink_(std::move(sink)) {
  if (!sink_) fail("Annex B writer has no output");
}

AnnexBWriter::~AnnexBWriter() {
  if (!closed_ && error_.empty()) close();
}

bool AnnexBWriter::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  return false;
}

bool AnnexBWriter::write_nal(const uint8_t* data, size_t size) {
  if (!error_.empty()) return false;
  if (closed_) return fail("NAL written after close");
  size_t prefix = start_code_length(data, size);
  if (size == prefix) return fail(fmt::format("NAL {} is empty", nals_));
  if (prefix == 0) {
    static constexpr std::array<uint8_t, 4> kStartCode = {0, 0, 0, 1};
    if (auto e = sink_->append(kStartCode.data(), kStartCode.size()); !e.empty()) return fail(e);
  }
  if (auto e = sink_->append(data, size); !e.empty()) return fail(e);
  ++nals_;
  return true;
}

bool AnnexBWriter::close() {
  if (!error_.empty()) return false;
  if (closed_) return true;
  closed_ = true;
  if (auto e = sink_->close(); !e.empty()) return fail(e);
  return true;
}

std::string write_annexb(std::unique_ptr<ByteSink> sink, const std::vector<EncodedUnit>& units) {
  AnnexBWriter writer(std::move(sink));
  for (const auto& u : units) writer.write_nal(u.data.data(), u.data.size());
  writer.close();
  return writer.error();
}

std::string write_annexb_file(const std::string& path, const std::vector<EncodedUnit>& units) {
  std::string error;
  auto sink = file_sink(path, error);
  return sink ? write_annexb(std::move(sink), units) : error;
}

}  // namespace vvsim::codec
