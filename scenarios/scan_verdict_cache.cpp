#include "scenarios/scan_verdict_cache.h"

#include <fmt/format.h>
#include <unistd.h>
#include <xxhash.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "codec/library_versions.h"
#include "codec/scan_verification.h"
#include "tlm_virtio/le_bytes.h"

namespace vvsim::scenarios {

namespace {

// File: "agrees\n", or "differs\n" and the disagreement's one line.
constexpr char kAgrees[] = "agrees", kDiffers[] = "differs";

// Only the backend's own library is named: asking libavcodec's version loads
// it, which a VP8 or VP9 run has no other reason to do.
std::string key_text(codec::CodecId codec, codec::DecoderBackend backend) {
  return fmt::format("vvsim scan verdict 1; codec sources {}; codec {}; backend {} {}", VVSIM_CODEC_SOURCES_SHA256,
                     codec::fourcc_of(codec), codec::backend_name(backend), codec::library_version(backend));
}

std::optional<std::string> read_verdict(const std::string& path) {
  std::ifstream in(path);
  std::string status, line;
  if (!std::getline(in, status)) return std::nullopt;
  if (status == kAgrees) return std::string();
  if (status == kDiffers && std::getline(in, line) && !line.empty()) return line;
  return std::nullopt;  // damaged: decided again
}

void write_verdict(const std::string& path, const std::string& disagreement) {
  static std::atomic<uint64_t> serial{0};
  const std::string temp = fmt::format("{}.{}-{}.tmp", path, ::getpid(), serial++);
  {
    std::ofstream out(temp);
    out << (disagreement.empty() ? std::string(kAgrees) + "\n" : std::string(kDiffers) + "\n" + disagreement + "\n");
    if (!out.flush()) {
      std::remove(temp.c_str());
      return;
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) std::remove(temp.c_str());
}

}  // namespace

std::string scan_verdict_file_name(codec::CodecId codec, codec::UnitSource& units, codec::DecoderBackend backend) {
  using State = std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)>;
  State state(XXH3_createState(), XXH3_freeState);
  XXH3_128bits_reset(state.get());
  const std::string key = key_text(codec, backend);
  XXH3_128bits_update(state.get(), key.data(), key.size());
  for (size_t i = 0; i < units.size(); ++i) {
    const codec::BitstreamUnit& u = units.unit(i);
    uint8_t record[16];
    tlm_virtio::le::put64(record, u.data.size());
    tlm_virtio::le::put64(record + 8, u.timestamp);
    XXH3_128bits_update(state.get(), record, sizeof record);
    XXH3_128bits_update(state.get(), u.data.data(), u.data.size());
  }
  const XXH128_hash_t h = XXH3_128bits_digest(state.get());
  return fmt::format("{}-{:016x}{:016x}.scan-verdict", codec::fourcc_of(codec), h.high64, h.low64);
}

std::string cached_scan_disagreement(codec::CodecId codec, codec::UnitSource& units, codec::DecoderBackend backend,
                                     const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = (std::filesystem::path(dir) / scan_verdict_file_name(codec, units, backend)).string();
  if (auto verdict = read_verdict(path)) return *verdict;
  const std::string disagreement = codec::scan_disagreement(codec, units, backend);
  if (!ec) write_verdict(path, disagreement);
  return disagreement;
}

}  // namespace vvsim::scenarios
