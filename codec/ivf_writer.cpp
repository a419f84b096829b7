#include "codec/ivf_writer.h"

#include <array>
#include <fmt/format.h>

namespace vvsim::codec {
namespace {

constexpr uint64_t kFrameCountPosition = 24;

template <size_t N>
void put_le(std::array<uint8_t, N>& out, size_t at, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out[at + i] = static_cast<uint8_t>(value >> (8 * i));
}

std::array<uint8_t, kIvfFileHeaderSize> encode_file_header(const IvfHeader& h) {
  std::array<uint8_t, kIvfFileHeaderSize> out{};
  const char signature[4] = {'D', 'K', 'I', 'F'};
  for (size_t i = 0; i < 4; ++i) {
    out[i] = static_cast<uint8_t>(signature[i]);
    out[8 + i] = static_cast<uint8_t>(h.fourcc[i]);
  }
  put_le(out, 4, 0, 2);  // version
  put_le(out, 6, kIvfFileHeaderSize, 2);
  put_le(out, 12, h.width, 2);
  put_le(out, 14, h.height, 2);
  put_le(out, 16, h.timebase_denominator, 4);
  put_le(out, 20, h.timebase_numerator, 4);
  put_le(out, kFrameCountPosition, 0, 4);  // patched at close
  put_le(out, 28, 0, 4);                   // unused
  return out;
}

}  // namespace

IvfWriter::IvfWriter(std::unique_ptr<ByteSink> sink, const IvfHeader& header)
    : sink_(std::move(sink)) {
  if (!sink_) {
    (void)fail("IVF writer has no output");
    return;
  }
  if (header.fourcc.size() != 4) {
    (void)fail(fmt::format("IVF fourcc '{}' is not four characters", header.fourcc));
    return;
  }
  auto bytes = encode_file_header(header);
  if (auto written = sink_->append(bytes.data(), bytes.size()); !written) (void)fail(written.error().message);
}

IvfWriter::~IvfWriter() {
  if (!closed_ && status_.ok()) (void)close();
}

Status IvfWriter::fail(std::string message) {
  if (status_.ok()) status_ = Error{std::move(message)};
  return status_;
}

Status IvfWriter::write_frame(const uint8_t* data, size_t size, uint64_t timestamp) {
  if (!status_.ok()) return status_;
  if (closed_) return fail("IVF frame written after close");
  if (size > UINT32_MAX) return fail(fmt::format("IVF frame {} of {} bytes exceeds 32 bits", frames_, size));
  std::array<uint8_t, kIvfFrameHeaderSize> header{};
  put_le(header, 0, size, 4);
  put_le(header, 4, timestamp, 8);
  if (auto written = sink_->append(header.data(), header.size()); !written) return fail(written.error().message);
  if (auto written = sink_->append(data, size); !written) return fail(written.error().message);
  ++frames_;
  return {};
}

Status IvfWriter::close() {
  if (!status_.ok()) return status_;
  if (closed_) return {};
  closed_ = true;
  std::array<uint8_t, 4> count{};
  put_le(count, 0, frames_, 4);
  if (auto written = sink_->overwrite(kFrameCountPosition, count.data(), count.size()); !written)
    return fail(written.error().message);
  if (auto written = sink_->close(); !written) return fail(written.error().message);
  return {};
}

Status write_ivf(std::unique_ptr<ByteSink> sink, const IvfHeader& header,
                 const std::vector<EncodedUnit>& units) {
  IvfWriter writer(std::move(sink), header);
  for (const auto& u : units) (void)writer.write_frame(u.data.data(), u.data.size(), u.timestamp);
  (void)writer.close();
  return writer.status();
}

Status write_ivf_file(const std::string& path, const IvfHeader& header,
                      const std::vector<EncodedUnit>& units) {
  auto sink = file_sink(path);
  return sink ? write_ivf(std::move(*sink), header, units) : Status(sink.error());
}

}  // namespace vvsim::codec
