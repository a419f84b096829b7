#include "codec/annexb_writer.h"

#include <array>
#include <fmt/format.h>

namespace vvsim::codec {

AnnexBWriter::AnnexBWriter(std::unique_ptr<ByteSink> sink) : sink_(std::move(sink)) {
  if (!sink_) (void)fail("Annex B writer has no output");
}

AnnexBWriter::~AnnexBWriter() {
  if (!closed_ && status_.ok()) (void)close();
}

Status AnnexBWriter::fail(std::string message) {
  if (status_.ok()) status_ = Error{std::move(message)};
  return status_;
}

Status AnnexBWriter::write_nal(const uint8_t* data, size_t size) {
  if (!status_.ok()) return status_;
  if (closed_) return fail("NAL written after close");
  size_t prefix = start_code_length(data, size);
  if (size == prefix) return fail(fmt::format("NAL {} is empty", nals_));
  if (prefix == 0) {
    static constexpr std::array<uint8_t, 4> kStartCode = {0, 0, 0, 1};
    if (auto written = sink_->append(kStartCode.data(), kStartCode.size()); !written)
      return fail(written.error().message);
  }
  if (auto written = sink_->append(data, size); !written) return fail(written.error().message);
  ++nals_;
  return {};
}

Status AnnexBWriter::close() {
  if (!status_.ok()) return status_;
  if (closed_) return {};
  closed_ = true;
  if (auto written = sink_->close(); !written) return fail(written.error().message);
  return {};
}

Status write_annexb(std::unique_ptr<ByteSink> sink, const std::vector<EncodedUnit>& units) {
  AnnexBWriter writer(std::move(sink));
  for (const auto& u : units) (void)writer.write_nal(u.data.data(), u.data.size());
  (void)writer.close();
  return writer.status();
}

Status write_annexb_file(const std::string& path, const std::vector<EncodedUnit>& units) {
  auto sink = file_sink(path);
  return sink ? write_annexb(std::move(*sink), units) : Status(sink.error());
}

}  // namespace vvsim::codec
