#include "codec/checksum.h"

#include <boost/uuid/detail/md5.hpp>
#include <fmt/format.h>
#include <xxhash.h>
#if defined(__x86_64__)
#include <xxh_x86dispatch.h>  // XXH3 updates with the widest vectors the CPU has (AVX2, AVX-512): same hash
#endif

#include <cstdio>

namespace vvsim::codec {

struct Md5::State {
  boost::uuids::detail::md5 hash;
};

Md5::Md5() : state_(new State) {}
Md5::~Md5() { delete state_; }

void Md5::update(const uint8_t* data, size_t size) { state_->hash.process_bytes(data, size); }

std::string Md5::hex() {
  boost::uuids::detail::md5::digest_type digest;
  state_->hash.get_digest(digest);
  // Boost 1.74 packs the digest bytes into four words, most significant byte first.
  std::string out;
  char buf[3];
  for (int w = 0; w < 4; ++w)
    for (int b = 0; b < 4; ++b) {
      std::snprintf(buf, sizeof buf, "%02x", unsigned((digest[w] >> (8 * (3 - b))) & 0xff));
      out += buf;
    }
  return out;
}

std::string md5_hex(const std::vector<uint8_t>& bytes) {
  Md5 m;
  m.update(bytes.data(), bytes.size());
  return m.hex();
}

struct FrameChecksum::State {
  XXH3_state_t* xxh = XXH3_createState();
};

FrameChecksum::FrameChecksum() : state_(new State) { XXH3_64bits_reset(state_->xxh); }
FrameChecksum::~FrameChecksum() {
  XXH3_freeState(state_->xxh);
  delete state_;
}

void FrameChecksum::update(const uint8_t* data, size_t size) { XXH3_64bits_update(state_->xxh, data, size); }

std::string FrameChecksum::hex() const { return fmt::format("{:016x}", XXH3_64bits_digest(state_->xxh)); }

uint64_t xxh3_64(const uint8_t* data, size_t size) { return XXH3_64bits(data, size); }

}  // namespace vvsim::codec
