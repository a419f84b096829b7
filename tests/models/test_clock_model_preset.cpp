// The Venus preset (profiles/venus_sdm845.yaml) reproduces the published clock
// arithmetic of the Linux venus driver: the clock a stream needs is one unit's
// cycles (the model's own numbers, combined by max) times the frame rate, and
// it selects the frequency table row published for that load. The driver's
// arithmetic and table are written out here from the driver's constants.
#define BOOST_TEST_MODULE clock_model_preset
#include <boost/test/unit_test.hpp>

#include <vector>

#include "models/platform/platform_profile.h"

using namespace vvsim;

namespace {

// The driver's figures (sdm845_codec_freq_data, calculate_inst_freq).
constexpr uint64_t kDecodeVppPerMb = 200, kEncodeVppPerMb = 675, kVspPerMb = 10;

uint64_t published_clock_hz(uint64_t mbpf, uint64_t fps, uint64_t bytes, uint64_t vpp_per_mb) {
  uint64_t vpp = mbpf * fps * vpp_per_mb;
  vpp += vpp / 20;
  const uint64_t vsp = mbpf * fps * kVspPerMb + fps * bytes * 8 * 10 / 7;
  return std::max(vpp, vsp);
}

// sdm845_freq_table: the lowest row at or above the clock needed.
uint64_t table_row_hz(uint64_t needed_hz) {
  const std::vector<uint64_t> rows = {100'000'000, 200'000'000, 330'000'000, 404'000'000, 444'000'000, 533'000'000};
  for (uint64_t row : rows)
    if (row >= needed_hz) return row;
  return 0;
}

const models::PlatformProfile& preset() {
  static const auto profile =
      models::load_platform_profile(std::string(VVSIM_SOURCE_DIR) + "/profiles/venus_sdm845.yaml");
  return profile;
}

uint64_t model_clock_hz(models::JobKind kind, uint64_t mbpf, uint64_t fps, uint64_t bytes) {
  codec::UnitWork work;
  work.macroblocks = mbpf;
  work.bitstream_bytes = bytes;
  work.frame_type = codec::FrameType::Inter;
  return models::unit_cycles(preset().engine.cost(kind, codec::CodecId::H264), work) * fps;
}

// The model's clock for `fps` frames of `mbpf` macroblocks and `bytes` bytes
// equals the driver's, and selects the table row `row_hz`.
void check_clock(models::JobKind kind, uint64_t vpp_per_mb, uint64_t mbpf, uint64_t fps, uint64_t bytes,
                 uint64_t row_hz) {
  const uint64_t model = model_clock_hz(kind, mbpf, fps, bytes);
  BOOST_TEST(model == published_clock_hz(mbpf, fps, bytes, vpp_per_mb));
  BOOST_TEST(table_row_hz(model) == row_hz);
}

constexpr uint64_t k1080pMbs = 120 * 68, k4kMbs = 240 * 135;
constexpr uint64_t k1080pBytes = 8'000'000 / 8 / 30, k4kBytes = 20'000'000 / 8 / 30;  // 8 and 20 Mbit/s at 30 fps

}  // namespace

BOOST_AUTO_TEST_CASE(decode_1080p30_needs_the_100_mhz_row) {
  check_clock(models::JobKind::Decode, kDecodeVppPerMb, k1080pMbs, 30, k1080pBytes, 100'000'000);
}

BOOST_AUTO_TEST_CASE(decode_1080p60_needs_the_200_mhz_row) {
  check_clock(models::JobKind::Decode, kDecodeVppPerMb, k1080pMbs, 60, k1080pBytes, 200'000'000);
}

BOOST_AUTO_TEST_CASE(decode_4k30_needs_the_330_mhz_row) {
  check_clock(models::JobKind::Decode, kDecodeVppPerMb, k4kMbs, 30, k4kBytes, 330'000'000);
}

BOOST_AUTO_TEST_CASE(encode_1080p30_needs_the_200_mhz_row) {
  check_clock(models::JobKind::Encode, kEncodeVppPerMb, k1080pMbs, 30, k1080pBytes, 200'000'000);
}

BOOST_AUTO_TEST_CASE(max_takes_the_slowest_stage_and_sum_adds_them) {
  // A tiny picture with a large unit: the bitstream stage is the slowest.
  models::CodecCost cost = preset().engine.cost(models::JobKind::Decode, codec::CodecId::H264);
  cost.cycles_per_unit = 1000;
  codec::UnitWork work;
  work.macroblocks = 4;
  work.bitstream_bytes = 100'000;
  work.frame_type = codec::FrameType::Key;
  const uint64_t pixels = uint64_t(std::llround(double(cost.cycles_per_macroblock * 4) * cost.key_frame_factor));
  const uint64_t bitstream = cost.cycles_per_byte * 100'000;
  BOOST_TEST(models::unit_cycles(cost, work) == std::max({cost.cycles_per_unit, bitstream, pixels}));
  cost.combine = models::CostCombine::Sum;
  BOOST_TEST(models::unit_cycles(cost, work) == cost.cycles_per_unit + bitstream + pixels);
}
