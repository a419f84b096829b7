#include "scenarios/generated_input_cache.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>

#include "models/platform/input_limits.h"
#include "models/platform/profile_reader.h"
#include "tlm_virtio/le_bytes.h"

namespace vvsim::scenarios {

using models::ProfileError;

namespace {

// File layout, little endian: a 32-byte header ("VVSIMGEN", u32 format
// version, u32 zero, u64 unit count, u64 XXH3-64 of every record), then one
// record per unit (u32 size, u64 timestamp, the unit's bytes).
constexpr char kMagic[8] = {'V', 'V', 'S', 'I', 'M', 'G', 'E', 'N'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderBytes = 32, kRecordHeaderBytes = 12;

namespace le = tlm_virtio::le;

// `value` as `bytes` little-endian bytes, to append to a header or record.
std::string le_bytes(uint64_t value, size_t bytes) {
  std::string out(bytes, '\0');
  le::put(reinterpret_cast<uint8_t*>(out.data()), value, bytes);
  return out;
}

using HashState = std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)>;
HashState new_hash() {
  HashState state(XXH3_createState(), XXH3_freeState);
  XXH3_64bits_reset(state.get());
  return state;
}

struct IndexEntry {
  uint64_t offset = 0, timestamp = 0;
  uint32_t size = 0;
};

// A cache file's units, read with pread when asked for.
class CachedUnits : public codec::UnitSource {
 public:
  CachedUnits(int fd, std::vector<IndexEntry> index) : fd_(fd), index_(std::move(index)) {}
  ~CachedUnits() override { ::close(fd_); }
  CachedUnits(const CachedUnits&) = delete;
  CachedUnits& operator=(const CachedUnits&) = delete;

  size_t size() const override { return index_.size(); }
  const codec::BitstreamUnit& unit(size_t i) override {
    const IndexEntry& e = index_.at(i);
    current_.timestamp = e.timestamp;
    current_.data.resize(e.size);
    if (::pread(fd_, current_.data.data(), e.size, off_t(e.offset)) != ssize_t(e.size))
      std::fill(current_.data.begin(), current_.data.end(), 0);  // the file changed under us: a corrupt unit
    return current_;
  }

 private:
  int fd_;
  std::vector<IndexEntry> index_;
  codec::BitstreamUnit current_;  // ends_frame: a generated unit is a whole frame
};

bool read_at(int fd, uint8_t* dst, size_t n, uint64_t at) { return ::pread(fd, dst, n, off_t(at)) == ssize_t(n); }

// The index of a complete and undamaged cache file (its records hashed in
// bounded memory), or nothing.
std::optional<std::vector<IndexEntry>> read_index(int fd) {
  struct stat st {};
  uint8_t header[kHeaderBytes];
  if (::fstat(fd, &st) != 0 || !read_at(fd, header, kHeaderBytes, 0)) return std::nullopt;
  if (std::memcmp(header, kMagic, sizeof kMagic) != 0 || le::get(header + 8, 4) != kFormatVersion) return std::nullopt;
  const uint64_t count = le::get(header + 16, 8), file_size = uint64_t(st.st_size);
  if (count > models::kInputLimits.units_per_run) return std::nullopt;
  auto hash = new_hash();
  std::vector<uint8_t> chunk(1 << 16);
  std::vector<IndexEntry> index;
  uint64_t at = kHeaderBytes;
  for (uint64_t i = 0; i < count; ++i) {
    uint8_t record[kRecordHeaderBytes];
    if (!read_at(fd, record, kRecordHeaderBytes, at)) return std::nullopt;
    const auto size = static_cast<uint32_t>(le::get(record, 4));
    if (size > codec::kMaxUnitBytes || file_size - at - kRecordHeaderBytes < size) return std::nullopt;
    XXH3_64bits_update(hash.get(), record, kRecordHeaderBytes);
    for (uint64_t done = 0; done < size;) {
      const size_t n = std::min<uint64_t>(chunk.size(), size - done);
      if (!read_at(fd, chunk.data(), n, at + kRecordHeaderBytes + done)) return std::nullopt;
      XXH3_64bits_update(hash.get(), chunk.data(), n);
      done += n;
    }
    index.push_back({at + kRecordHeaderBytes, le::get(record + 4, 8), size});
    at += kRecordHeaderBytes + size;
  }
  if (at != file_size || XXH3_64bits_digest(hash.get()) != le::get(header + 24, 8)) return std::nullopt;
  return index;
}

std::shared_ptr<codec::UnitSource> open_cached(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  auto index = read_index(fd);
  if (!index) {
    ::close(fd);
    return nullptr;
  }
  return std::make_shared<CachedUnits>(fd, std::move(*index));
}

// Encodes `config` into `path` by way of a temporary file beside it.
void encode_into(const codec::SyntheticStreamConfig& config, const std::string& path) {
  static std::atomic<uint64_t> serial{0};
  const std::string temp = fmt::format("{}.{}-{}.tmp", path, ::getpid(), serial++);
  const auto io_error = [&](const std::string& what) {
    return ProfileError(fmt::format("generated input cache {}: {}: {}", temp, what, std::strerror(errno)));
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(temp.c_str(), "wb"), std::fclose);
  if (!file) throw io_error("cannot write");
  const auto put = [&](const void* data, size_t n) { return std::fwrite(data, 1, n, file.get()) == n; };
  bool written = put(std::string(kHeaderBytes, '\0').data(), kHeaderBytes);
  auto hash = new_hash();
  uint64_t count = 0;
  const Status encoded = codec::encode_synthetic_to(config, [&](codec::EncodedUnit&& u) {
    const std::string record = le_bytes(u.data.size(), 4) + le_bytes(u.timestamp, 8);
    XXH3_64bits_update(hash.get(), record.data(), record.size());
    XXH3_64bits_update(hash.get(), u.data.data(), u.data.size());
    written = written && put(record.data(), record.size()) && put(u.data.data(), u.data.size());
    ++count;
  });
  const std::string header = std::string(kMagic, sizeof kMagic) + le_bytes(kFormatVersion, 4) + le_bytes(0, 4) +
                             le_bytes(count, 8) + le_bytes(XXH3_64bits_digest(hash.get()), 8);
  written = written && std::fseek(file.get(), 0, SEEK_SET) == 0 && put(header.data(), header.size());
  written = std::fclose(file.release()) == 0 && written;
  if (!encoded || !written || std::rename(temp.c_str(), path.c_str()) != 0) {
    const ProfileError failure =
        encoded ? io_error("cannot write") : ProfileError("generating input: " + encoded.error().message);
    std::remove(temp.c_str());
    throw failure;
  }
}

std::string key_text(const codec::SyntheticStreamConfig& c) {
  std::string segments;
  for (const auto& s : c.segments) segments += fmt::format("{}x{}x{};", s.width, s.height, s.frames);
  return fmt::format("vvsim generated input {}; generator sources {}; {}; codec {}; segments {}; bitrate {}; "
                     "framerate {}; key frame interval {}; seed {}",
                     kFormatVersion, VVSIM_GENERATOR_SOURCES_SHA256, codec::encoder_library_version(c.codec),
                     codec::fourcc_of(c.codec), segments, c.bitrate_bps, c.framerate, c.keyframe_interval, c.seed);
}

}  // namespace

std::string generated_input_cache_dir(const std::string& option) {
  if (!option.empty()) return option;
  const auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value ? value : "");
  };
  if (!env("VVSIM_CACHE_DIR").empty()) return env("VVSIM_CACHE_DIR");
  if (std::filesystem::path(env("XDG_CACHE_HOME")).is_absolute()) return env("XDG_CACHE_HOME") + "/vvsim";
  if (!env("HOME").empty()) return env("HOME") + "/.cache/vvsim";
  return ".vvsim-cache";
}

std::string generated_input_file_name(const codec::SyntheticStreamConfig& config) {
  const std::string text = key_text(config);
  const XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  return fmt::format("{}-{:016x}{:016x}.units", codec::fourcc_of(config.codec), h.high64, h.low64);
}

std::shared_ptr<codec::UnitSource> cached_synthetic_units(const codec::SyntheticStreamConfig& config,
                                                          const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw ProfileError(fmt::format("generated input cache {}: cannot create the directory: {} (choose another with "
                                   "--cache-dir or VVSIM_CACHE_DIR)",
                                   dir, ec ? ec.message() : "not a directory"));
  const std::string path = (std::filesystem::path(dir) / generated_input_file_name(config)).string();
  if (auto units = open_cached(path)) return units;
  encode_into(config, path);  // missing or damaged: (re)made
  if (auto units = open_cached(path)) return units;
  throw ProfileError(fmt::format("generated input cache {}: the file just written does not read back", path));
}

}  // namespace vvsim::scenarios
