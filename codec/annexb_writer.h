// H.264 Annex B byte stream writer: NAL units each behind a four-byte start
// code (00 00 00 01). A NAL handed over already behind a start code (as the
// encoder's units are) is written unchanged.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "codec/byte_sink.h"
#include "codec/codec.h"
#include "codec/unit_header.h"

namespace vvsim::codec {

class AnnexBWriter {
 public:
  explicit AnnexBWriter(std::unique_ptr<ByteSink> sink);
  ~AnnexBWriter();
  AnnexBWriter(const AnnexBWriter&) = delete;
  AnnexBWriter& operator=(const AnnexBWriter&) = delete;

  Status write_nal(const uint8_t* data, size_t size);
  Status close();
  uint32_t nal_count() const { return nals_; }
  // The first failure, ok while all went well.
  const Status& status() const { return status_; }

 private:
  Status fail(std::string message);
  std::unique_ptr<ByteSink> sink_;
  uint32_t nals_ = 0;
  bool closed_ = false;
  Status status_;
};

// Whole streams at once; the first failure.
Status write_annexb(std::unique_ptr<ByteSink> sink, const std::vector<EncodedUnit>& units);
Status write_annexb_file(const std::string& path, const std::vector<EncodedUnit>& units);

}  // namespace vvsim::codec
