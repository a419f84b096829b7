// The generated-input cache against the encoder run directly: the cached
// units are the encoder's bytes, a second run reads instead of encoding, a
// damaged file is made again, concurrent writers leave one good file, and
// generation memory does not grow with the number of frames.
#define BOOST_TEST_MODULE generated_input_cache
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "models/platform/profile_reader.h"
#include "scenarios/generated_input_cache.h"

using namespace vvsim;
namespace fs = std::filesystem;

namespace {

codec::SyntheticStreamConfig small_stream(uint64_t seed = 7) {
  codec::SyntheticStreamConfig c;
  c.codec = codec::CodecId::VP8;
  c.segments = {{64, 48, 6}, {96, 64, 4}};
  c.bitrate_bps = 200'000;
  c.seed = seed;
  return c;
}

std::string fresh_dir(const std::string& name) {
  const std::string dir = std::string(VVSIM_BINARY_DIR) + "/cache_test_" + name;
  fs::remove_all(dir);
  return dir;
}

size_t files_in(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

// Every unit of `source` equals the encoder's own output for `config`.
void check_matches_encoder(codec::UnitSource& source, const codec::SyntheticStreamConfig& config) {
  const auto reference = codec::encode_synthetic(config);
  BOOST_REQUIRE(reference.status.ok());
  BOOST_REQUIRE_EQUAL(source.size(), reference.units.size());
  for (size_t i = 0; i < source.size(); ++i) {
    const auto& u = source.unit(i);
    BOOST_CHECK(u.data == reference.units[i].data);
    BOOST_CHECK_EQUAL(u.timestamp, reference.units[i].timestamp);
    BOOST_CHECK(u.ends_frame);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(cached_units_are_the_encoders_and_a_second_run_reads_them) {
  const std::string dir = fresh_dir("reuse");
  const auto config = small_stream();
  check_matches_encoder(*scenarios::cached_synthetic_units(config, dir), config);
  BOOST_REQUIRE_EQUAL(files_in(dir), 1u);  // no temporary left behind
  const fs::path file = fs::path(dir) / scenarios::generated_input_file_name(config);
  struct stat before {}, after {};
  BOOST_REQUIRE(::stat(file.c_str(), &before) == 0);
  check_matches_encoder(*scenarios::cached_synthetic_units(config, dir), config);
  BOOST_REQUIRE(::stat(file.c_str(), &after) == 0);
  BOOST_CHECK_EQUAL(after.st_ino, before.st_ino);  // a new encode would have renamed a new file into place
  BOOST_CHECK_EQUAL(files_in(dir), 1u);
  // Another seed is another stream, another file.
  (void)scenarios::cached_synthetic_units(small_stream(8), dir);
  BOOST_CHECK_EQUAL(files_in(dir), 2u);
}

BOOST_AUTO_TEST_CASE(damaged_cache_file_is_made_again) {
  const std::string dir = fresh_dir("damaged");
  const auto config = small_stream();
  (void)scenarios::cached_synthetic_units(config, dir);
  const fs::path file = fs::path(dir) / scenarios::generated_input_file_name(config);
  const auto size = fs::file_size(file);
  {  // one flipped byte in the last unit
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(std::streamoff(size - 3));
    f.put('\x5a');
  }
  check_matches_encoder(*scenarios::cached_synthetic_units(config, dir), config);
  fs::resize_file(file, size / 2);  // cut short
  check_matches_encoder(*scenarios::cached_synthetic_units(config, dir), config);
  BOOST_CHECK_EQUAL(fs::file_size(file), size);
}

BOOST_AUTO_TEST_CASE(concurrent_writers_leave_one_complete_file) {
  const std::string dir = fresh_dir("concurrent");
  const auto config = small_stream();
  std::vector<std::shared_ptr<codec::UnitSource>> got(4);
  std::vector<std::thread> writers;
  for (auto& g : got) writers.emplace_back([&g, &config, &dir] { g = scenarios::cached_synthetic_units(config, dir); });
  for (auto& w : writers) w.join();
  for (auto& g : got) check_matches_encoder(*g, config);
  BOOST_CHECK_EQUAL(files_in(dir), 1u);
}

BOOST_AUTO_TEST_CASE(unusable_cache_directory_is_named) {
  const std::string file = fresh_dir("not_a_dir");
  std::ofstream(file) << "x";
  try {
    (void)scenarios::cached_synthetic_units(small_stream(), file + "/sub");
    BOOST_FAIL("no error");
  } catch (const models::ProfileError& e) {
    BOOST_CHECK_MESSAGE(std::string(e.what()).find("generated input cache " + file + "/sub: cannot create the directory") == 0,
                        e.what());
  }
}

namespace {

// Peak resident set (KiB) of a child process that generates `frames` frames
// into a fresh cache and reads them all; the stream's bytes into `bytes`.
#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer holds freed memory in a quarantine (256 MB by default), so a
// peak would count every unit already read and dropped: this binary frees at once.
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=0"; }
#endif

long generation_peak_kib(uint32_t frames, uint64_t& bytes) {
  int pipe_fds[2];
  BOOST_REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  if (child == 0) {
    codec::SyntheticStreamConfig c;
    c.codec = codec::CodecId::VP8;
    c.segments = {{320, 240, frames}};
    c.bitrate_bps = 60'000'000;  // near-lossless: tens of KB a frame
    c.keyframe_interval = 1;
    auto units = scenarios::cached_synthetic_units(c, fresh_dir("memory_" + std::to_string(frames)));
    uint64_t total = 0;
    for (size_t i = 0; i < units->size(); ++i) total += units->unit(i).data.size();
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const long report[2] = {usage.ru_maxrss, long(total)};
    (void)!::write(pipe_fds[1], report, sizeof report);
    ::_exit(0);
  }
  long report[2] = {-1, 0};
  ::close(pipe_fds[1]);
  (void)!::read(pipe_fds[0], report, sizeof report);
  ::close(pipe_fds[0]);
  ::waitpid(child, nullptr, 0);
  bytes = uint64_t(report[1]);
  return report[0];
}

}  // namespace

// Held in memory, 540 more frames of this stream are more than 10 MB.
BOOST_AUTO_TEST_CASE(generation_memory_does_not_grow_with_frames) {
  uint64_t short_bytes = 0, long_bytes = 0;
  const long short_kib = generation_peak_kib(60, short_bytes), long_kib = generation_peak_kib(600, long_bytes);
  BOOST_TEST_MESSAGE("60 frames: " << short_bytes << " B, peak " << short_kib << " KiB; 600 frames: " << long_bytes
                                   << " B, peak " << long_kib << " KiB");
  BOOST_REQUIRE_GT(long_bytes - short_bytes, 10'000'000u);  // the test can fail: the stream is that large
  BOOST_CHECK_LT(long_kib - short_kib, 8 * 1024);
}
