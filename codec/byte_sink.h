// Where a container writer puts its bytes: a growing byte vector or a file.
// Both allow patching bytes already written (the IVF frame count).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace vvsim::codec {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Each fails with a message naming the output.
  virtual Status append(const uint8_t* data, size_t size) = 0;
  virtual Status overwrite(uint64_t position, const uint8_t* data, size_t size) = 0;
  virtual Status close() = 0;
};

// Appends to a vector the caller owns and keeps alive while writing.
std::unique_ptr<ByteSink> vector_sink(std::vector<uint8_t>& out);
// Creates (truncates) a file; an error names the path.
Result<std::unique_ptr<ByteSink>> file_sink(const std::string& path);

}  // namespace vvsim::codec
