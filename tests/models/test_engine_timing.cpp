// CodecEngine timing against figures computed by hand from the profile.
// Profile used throughout: 500 MHz, so one cycle is exactly 2 ns.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#define BOOST_TEST_MODULE engine_timing
#include <boost/test/unit_test.hpp>

#include <systemc>

#include <string>
#include <vector>

#include "models/engine/codec_engine.h"
#include "tests/models/engine_support.h"

using namespace vvsim;
using models::CodecEngine;
using models::JobKind;
using sc_core::SC_NS;
using sc_core::sc_time;


namespace {

// The shared hand profile with different H.264 encode figures, to see the kind selects its own table.
models::CodecEngineProfile hand_profile(uint32_t cores) {
  auto profile = models::test::hand_profile(cores);
  profile.encode[static_cast<size_t>(codec::CodecId::H264)] = models::CodecCost{1000, 30, 4, 0.5, 1.0, 1.25, 300};
  return profile;
}

codec::UnitWork picture(uint32_t macroblocks, uint32_t bytes, codec::FrameType type) {
  return models::test::picture_work(macroblocks, bytes, type);
}

const codec::UnitWork kInter = picture(100, 50, codec::FrameType::Inter);
const sc_time kInterTime(2400, SC_NS);

std::function<codec::UnitWork()> yields(const codec::UnitWork& work) {
  return [work] { return work; };
}

// Runs `jobs` jobs of `work` back to back from one thread, recording each result.
void spawn_submitter(CodecEngine& engine, const std::string& owner, int jobs, sc_time start,
                     std::vector<CodecEngine::JobRecord>& out) {
  sc_core::sc_spawn([&engine, owner, jobs, start, &out] {
    sc_core::wait(start);
    for (int i = 0; i < jobs; ++i) out.push_back(engine.run(JobKind::Decode, codec::CodecId::H264, yields(kInter), owner));
  });
}

}  // namespace

BOOST_AUTO_TEST_CASE(cost_formula_per_frame_type) {
  CodecEngine engine("engine", hand_profile(1));
  const auto h264 = codec::CodecId::H264;
  // decode: 100 + 2*bytes + 10*mb*factor
  BOOST_TEST(engine.cost_cycles(JobKind::Decode, h264, picture(100, 50, codec::FrameType::Key)) == 100u + 100 + 2000);
  BOOST_TEST(engine.cost_cycles(JobKind::Decode, h264, picture(100, 50, codec::FrameType::Inter)) == 100u + 100 + 1000);
  BOOST_TEST(engine.cost_cycles(JobKind::Decode, h264, picture(100, 50, codec::FrameType::BiPredicted)) ==
             100u + 100 + 1500);
  BOOST_TEST(engine.cost_cycles(JobKind::Decode, h264, picture(100, 50, codec::FrameType::Unknown)) ==
             100u + 100 + 1000);
  // A parameter set: no macroblocks, so cycles_no_picture replaces the pixel term.
  codec::UnitWork sps;
  sps.bitstream_bytes = 20;
  BOOST_TEST(engine.cost_cycles(JobKind::Decode, h264, sps) == 100u + 40 + 50);
  // encode H.264: 1000 + 4*bytes + 30*mb*factor
  BOOST_TEST(engine.cost_cycles(JobKind::Encode, h264, picture(100, 50, codec::FrameType::Key)) == 1000u + 200 + 1500);
  BOOST_TEST(engine.cost_cycles(JobKind::Encode, h264, picture(100, 50, codec::FrameType::BiPredicted)) ==
             1000u + 200 + 3750);
  BOOST_TEST(engine.cost_cycles(JobKind::Encode, h264, sps) == 1000u + 80 + 300);
  // The macroblock term rounds to the nearest cycle, halves away from zero: 30*1*1.25 = 37.5 -> 38.
  BOOST_TEST(engine.cost_cycles(JobKind::Encode, h264, picture(1, 0, codec::FrameType::BiPredicted)) == 1000u + 38);
  BOOST_TEST(engine.cycles_to_time(1200) == sc_time(2400, SC_NS));
}

// A VP9 superframe codes two pictures (hidden alt-ref, then the shown
// frame): each pays cycles_per_unit and its own macroblock term; the bytes
// once. A later slice of a picture charged on its first slice pays neither
// macroblocks nor cycles_no_picture.
BOOST_AUTO_TEST_CASE(cost_of_a_unit_coding_two_pictures_and_of_a_later_slice) {
  CodecEngine engine("engine", hand_profile(1));
  const auto h264 = codec::CodecId::H264;
  auto superframe = picture(100, 50, codec::FrameType::Inter);
  superframe.further_pictures.push_back({40, codec::FrameType::BiPredicted});
  // decode: 100 + 2*50 + 10*100*1.0, then 100 + 10*40*1.5
  BOOST_TEST(engine.cost_cycles(JobKind::Decode, h264, superframe) == 100u + 100 + 1000 + 100 + 600);
  codec::UnitWork later_slice;
  later_slice.bitstream_bytes = 30;
  later_slice.continues_picture = true;
  BOOST_TEST(engine.cost_cycles(JobKind::Decode, h264, later_slice) == 100u + 60);
}

BOOST_AUTO_TEST_CASE(clock_conversion_600mhz) {
  auto profile = hand_profile(1);
  profile.clock_mhz = 600.0;
  CodecEngine engine("engine", profile);
  // 3 cycles at 600 MHz are 5 ns; 1 cycle is 1666.67 ps, rounded to the 1 ps resolution.
  BOOST_TEST(engine.cycles_to_time(3) == sc_time(5, SC_NS));
  BOOST_TEST(engine.cycles_to_time(6'000'000) == sc_time(10, sc_core::SC_MS));
  BOOST_TEST(engine.cycles_to_time(1) == sc_time(1667, sc_core::SC_PS));
}

BOOST_AUTO_TEST_CASE(one_core_one_thread_back_to_back) {
  CodecEngine engine("engine", hand_profile(1));
  std::vector<CodecEngine::JobRecord> records;
  spawn_submitter(engine, "a", 4, sc_core::SC_ZERO_TIME, records);
  sc_core::sc_start();
  BOOST_REQUIRE_EQUAL(records.size(), 4u);
  for (size_t i = 0; i < records.size(); ++i) {
    BOOST_TEST(records[i].queued == kInterTime * double(i));
    BOOST_TEST(records[i].started == kInterTime * double(i));
    BOOST_TEST(records[i].finished == kInterTime * double(i + 1));
    BOOST_TEST(records[i].cycles == 1200u);
    BOOST_TEST(records[i].core == 0u);
    BOOST_TEST(!records[i].cancelled);
  }
  BOOST_TEST(sc_core::sc_time_stamp() == sc_time(9600, SC_NS));
  BOOST_TEST(engine.busy_time(0) == sc_time(9600, SC_NS));
  BOOST_TEST(engine.utilisation(0) == 1.0);
  BOOST_TEST(engine.owner_stats().at("a").jobs == 4u);
  BOOST_TEST(engine.owner_stats().at("a").cycles == 4800u);
  BOOST_TEST(engine.owner_stats().at("a").queue_wait_total == sc_core::SC_ZERO_TIME);
}

// Two streams on one core: "b" arrives 1 ns after "a". Each release hands the
// core to the longest waiter, so the two strictly alternate.
BOOST_AUTO_TEST_CASE(one_core_two_threads_fifo_alternates) {
  CodecEngine engine("engine", hand_profile(1));
  std::vector<CodecEngine::JobRecord> a, b;
  spawn_submitter(engine, "a", 3, sc_core::SC_ZERO_TIME, a);
  spawn_submitter(engine, "b", 3, sc_time(1, SC_NS), b);
  sc_core::sc_start();
  BOOST_REQUIRE_EQUAL(a.size(), 3u);
  BOOST_REQUIRE_EQUAL(b.size(), 3u);
  // Core slots of 2400 ns: a0 b0 a1 b1 a2 b2.
  for (size_t i = 0; i < 3; ++i) {
    BOOST_TEST(a[i].started == kInterTime * double(2 * i));
    BOOST_TEST(a[i].finished == kInterTime * double(2 * i + 1));
    BOOST_TEST(b[i].started == kInterTime * double(2 * i + 1));
    BOOST_TEST(b[i].finished == kInterTime * double(2 * i + 2));
  }
  // a1 is queued when a0 ends (2400) and waits for b0 (until 4800).
  BOOST_TEST(a[1].queued == sc_time(2400, SC_NS));
  BOOST_TEST(b[0].queued == sc_time(1, SC_NS));
  // Waits: a: 0 + 2400 + 2400; b: 2399 + 2400 + 2400.
  BOOST_TEST(engine.owner_stats().at("a").queue_wait_total == sc_time(4800, SC_NS));
  BOOST_TEST(engine.owner_stats().at("b").queue_wait_total == sc_time(7199, SC_NS));
  BOOST_TEST(engine.owner_stats().at("b").queue_wait_max == sc_time(2400, SC_NS));
  BOOST_TEST(sc_core::sc_time_stamp() == sc_time(14400, SC_NS));
  BOOST_TEST(engine.utilisation(0) == 1.0);
}

// Three streams on two cores, arriving at 0, 1 and 2 ns: c waits for the first
// free core; afterwards the three share two cores in arrival order.
BOOST_AUTO_TEST_CASE(two_cores_three_threads) {
  CodecEngine engine("engine", hand_profile(2));
  std::vector<CodecEngine::JobRecord> a, b, c;
  spawn_submitter(engine, "a", 2, sc_time(0, SC_NS), a);
  spawn_submitter(engine, "b", 2, sc_time(1, SC_NS), b);
  spawn_submitter(engine, "c", 2, sc_time(2, SC_NS), c);
  sc_core::sc_start();
  BOOST_REQUIRE_EQUAL(a.size() + b.size() + c.size(), 6u);
  // core 0: a0 [0,2400) c0 [2400,4800) b1 [4800,7200)
  // core 1: b0 [1,2401) a1 [2401,4801) c1 [4801,7201)
  // (core 0 is handed to the waiting c0 at 2400, so a1, queued then, waits for core 1.)
  BOOST_TEST(a[0].core == 0u);
  BOOST_TEST(a[0].finished == sc_time(2400, SC_NS));
  BOOST_TEST(b[0].core == 1u);
  BOOST_TEST(b[0].started == sc_time(1, SC_NS));
  BOOST_TEST(b[0].finished == sc_time(2401, SC_NS));
  BOOST_TEST(c[0].core == 0u);
  BOOST_TEST(c[0].queued == sc_time(2, SC_NS));
  BOOST_TEST(c[0].started == sc_time(2400, SC_NS));
  BOOST_TEST(c[0].finished == sc_time(4800, SC_NS));
  BOOST_TEST(a[1].core == 1u);
  BOOST_TEST(a[1].queued == sc_time(2400, SC_NS));
  BOOST_TEST(a[1].started == sc_time(2401, SC_NS));
  BOOST_TEST(a[1].finished == sc_time(4801, SC_NS));
  BOOST_TEST(b[1].core == 0u);
  BOOST_TEST(b[1].queued == sc_time(2401, SC_NS));
  BOOST_TEST(b[1].started == sc_time(4800, SC_NS));
  BOOST_TEST(b[1].finished == sc_time(7200, SC_NS));
  BOOST_TEST(c[1].core == 1u);
  BOOST_TEST(c[1].queued == sc_time(4800, SC_NS));
  BOOST_TEST(c[1].started == sc_time(4801, SC_NS));
  BOOST_TEST(c[1].finished == sc_time(7201, SC_NS));
  BOOST_TEST(engine.busy_time(0) == sc_time(7200, SC_NS));
  BOOST_TEST(engine.busy_time(1) == sc_time(7200, SC_NS));
  BOOST_TEST(engine.utilisation(1) == 7200.0 / 7201.0);
}

// A stream with gaps: 2400 ns busy, 1600 ns idle, 2400 ns busy -> 4800 / 6400.
BOOST_AUTO_TEST_CASE(utilisation_is_busy_over_elapsed) {
  CodecEngine engine("engine", hand_profile(2));
  sc_core::sc_spawn([&engine] {
    engine.run(JobKind::Decode, codec::CodecId::VP8, yields(kInter), "a");
    sc_core::wait(1600, SC_NS);
    engine.run(JobKind::Decode, codec::CodecId::VP8, yields(kInter), "a");
  });
  sc_core::sc_start();
  BOOST_TEST(sc_core::sc_time_stamp() == sc_time(6400, SC_NS));
  BOOST_TEST(engine.busy_time(0) == sc_time(4800, SC_NS));
  BOOST_TEST(engine.utilisation(0) == 0.75);
  BOOST_TEST(engine.busy_time(1) == sc_core::SC_ZERO_TIME);
  BOOST_TEST(engine.utilisation(1) == 0.0);
  BOOST_TEST(engine.utilisation(0, sc_time(9600, SC_NS)) == 0.5);
}

// Jobs of different sizes: the work callback's UnitWork decides the hold time.
BOOST_AUTO_TEST_CASE(mixed_units_finish_at_summed_costs) {
  CodecEngine engine("engine", hand_profile(1));
  std::vector<CodecEngine::JobRecord> records;
  sc_core::sc_spawn([&engine, &records] {
    codec::UnitWork sps;
    sps.bitstream_bytes = 10;  // 100 + 20 + 50 = 170 cycles = 340 ns
    records.push_back(engine.run(JobKind::Decode, codec::CodecId::H264, yields(sps), "s"));
    // key, 396 mb, 5000 bytes: 100 + 10000 + 7920 = 18020 cycles = 36040 ns
    records.push_back(engine.run(JobKind::Decode, codec::CodecId::H264,
                                 yields(picture(396, 5000, codec::FrameType::Key)), "s"));
    // encode H.264 inter, 396 mb, 800 bytes: 1000 + 3200 + 11880 = 16080 cycles = 32160 ns
    records.push_back(engine.run(JobKind::Encode, codec::CodecId::H264,
                                 yields(picture(396, 800, codec::FrameType::Inter)), "s"));
  });
  sc_core::sc_start();
  BOOST_REQUIRE_EQUAL(records.size(), 3u);
  BOOST_TEST(records[0].finished == sc_time(340, SC_NS));
  BOOST_TEST(records[1].finished == sc_time(340 + 36040, SC_NS));
  BOOST_TEST(records[2].finished == sc_time(340 + 36040 + 32160, SC_NS));
  BOOST_TEST((records[2].kind == JobKind::Encode));
  BOOST_TEST(records[2].work.bitstream_bytes == 800u);
}
