#include "tlm_virtio/chain_builder.h"

#include <fmt/format.h>

#include "tlm_virtio/ring_rules.h"

namespace vvsim::tlm_virtio {

using namespace ring_rule_id;

namespace {
constexpr uint64_t kTableEntryBytes = 16;  // one descriptor, split or packed
}  // namespace

ChainCheck ChainBuilder::add(uint64_t addr, uint32_t len, bool writable, const std::function<std::string()>& where) {
  if (len > memory_size_ || addr > memory_size_ - len)
    return RingError{kBufferInMemory, fmt::format("{}: buffer [{:#x}, +{}) lies outside guest memory", where(), addr, len)};
  if (!writable && seen_writable_)
    return RingError{kWritableLast, fmt::format("{}: device-readable descriptor after a writable one", where())};
  seen_writable_ = seen_writable_ || writable;
  bytes_ += len;
  if (bytes_ > kMaxChainBytes)
    return RingError{kChainBytes, fmt::format("{}: the chain holds {} bytes, more than 2^32", where(), bytes_)};
  (writable ? chain_.writable : chain_.readable).push_back({addr, len});
  return {};
}

ChainCheck check_indirect_table(uint64_t addr, uint32_t len, uint64_t memory_size, const std::string& at) {
  if (len == 0 || len % kTableEntryBytes != 0)
    return RingError{kIndirectTableSize, fmt::format("{}: length {} is not a non-zero multiple of 16", at, len)};
  if (len > memory_size || addr > memory_size - len)
    return RingError{kBufferInMemory, fmt::format("{}: table [{:#x}, +{}) lies outside guest memory", at, addr, len)};
  const uint64_t entries = len / kTableEntryBytes;
  if (entries > kMaxQueueSize)
    return RingError{kIndirectTableSize,
                     fmt::format("{}: {} entries exceed the maximum of {}", at, entries, kMaxQueueSize)};
  return {};
}

}  // namespace vvsim::tlm_virtio
