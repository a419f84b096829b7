#include "tlm_virtio/virtqueue.h"

#include <algorithm>

namespace vvsim::tlm_virtio {

namespace {
uint64_t total_bytes(const std::vector<Segment>& segments) {
  uint64_t n = 0;
  for (const auto& s : segments) n += s.len;
  return n;
}
}  // namespace

DescriptorChain VirtqueueDevice::fresh_chain() {
  DescriptorChain chain = std::move(spare_);
  chain.readable.clear();
  chain.writable.clear();
  chain.id = ChainId{};
  chain.epoch = 0;
  return chain;
}

uint64_t DescriptorChain::readable_bytes() const { return total_bytes(readable); }
uint64_t DescriptorChain::writable_bytes() const { return total_bytes(writable); }

Status gather_chain(MemoryPort& port, const DescriptorChain& chain, std::vector<uint8_t>& out, uint64_t max_bytes) {
  MemoryPort::Batch batch(port);  // one wait for the whole ring operation
  out.clear();
  for (const auto& s : chain.readable) {
    const uint64_t n = std::min<uint64_t>(s.len, max_bytes - out.size());
    if (n == 0) break;
    const size_t at = out.size();
    out.resize(at + n);
    if (port.read(s.addr, out.data() + at, n) != AccessStatus::Ok)
      return Error{fmt::format("chain {}: bus error reading [{:#x}, +{})", chain.id, s.addr, n)};
  }
  return {};
}

Status scatter_chain(MemoryPort& port, const DescriptorChain& chain, const uint8_t* data, uint64_t len) {
  MemoryPort::Batch batch(port);  // one wait for the whole ring operation
  if (len > chain.writable_bytes())
    return Error{fmt::format("chain {}: {} bytes do not fit its {} writable bytes", chain.id, len,
                             chain.writable_bytes())};
  for (const auto& s : chain.writable) {
    if (len == 0) break;
    const uint64_t n = std::min<uint64_t>(s.len, len);
    if (port.write(s.addr, data, n) != AccessStatus::Ok)
      return Error{fmt::format("chain {}: bus error writing [{:#x}, +{})", chain.id, s.addr, n)};
    data += n, len -= n;
  }
  return {};
}

}  // namespace vvsim::tlm_virtio
