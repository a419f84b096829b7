// IVF container writer (VP8/VP9): a 32-byte file header whose frame count is
// patched at close, then per frame a 12-byte header (size, timestamp) and the
// frame bytes. All fields little endian.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "codec/byte_sink.h"
#include "codec/codec.h"

namespace vvsim::codec {

constexpr size_t kIvfFileHeaderSize = 32;
constexpr size_t kIvfFrameHeaderSize = 12;

struct IvfHeader {
  std::string fourcc;          // "VP80" or "VP90": exactly four characters
  uint16_t width = 0, height = 0;  // of the first frame; later frames may differ
  // Timestamps count units of numerator/denominator seconds.
  uint32_t timebase_denominator = 30;
  uint32_t timebase_numerator = 1;
};

class IvfWriter {
 public:
  // Writes the file header at once; check error() afterwards.
  IvfWriter(std::unique_ptr<ByteSink> sink, const IvfHeader& header);
  ~IvfWriter();
  IvfWriter(const IvfWriter&) = delete;
  IvfWriter& operator=(const IvfWriter&) = delete;

  Status write_frame(const uint8_t* data, size_t size, uint64_t timestamp);
  // Patches the frame count and closes the sink; further writes fail.
  Status close();
  uint32_t frame_count() const { return frames_; }
  // The first failure, ok while all went well.
  const Status& status() const { return status_; }

 private:
  Status fail(std::string message);
  std::unique_ptr<ByteSink> sink_;
  uint32_t frames_ = 0;
  bool closed_ = false;
  Status status_;
};

// Whole streams at once: every unit is one frame, its timestamp the IVF pts.
// Each returns an empty string on success, else the first failure.
Status write_ivf(std::unique_ptr<ByteSink> sink, const IvfHeader& header,
                 const std::vector<EncodedUnit>& units);
Status write_ivf_file(const std::string& path, const IvfHeader& header,
                      const std::vector<EncodedUnit>& units);

}  // namespace vvsim::codec
