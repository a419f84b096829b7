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

  bool write_nal(const uint8_t* data, size_t size);
  bool close();
  uint32_t nal_count() const { return nals_; }
  const std::string& error() const { return error_; }

 private:
  bool fail(std::string message);
  std::unique_ptr<ByteSink> sink_;
  uint32_t nals_ = 0;
  bool closed_ = false;
  std::string error_;
};

// Whole streams at once; empty on success, else the first failure.
std::string write_annexb(std::unique_ptr<ByteSink> sink, const std::vector<EncodedUnit>& units);
std::string write_annexb_file(const std::string& path, const std::vector<EncodedUnit>& units);

}  // namespace vvsim::codec
