// The codec's own memory traffic on the bus (engine.memory_traffic), timed by
// hand. Engine: 500 MHz (2 ns/cycle), 100 cycles per unit + 10 per macroblock
// + 2 per byte, key x2.0, bipred x1.5 (engine_support.h). Bus: the defaults,
// 1 GHz, 16 bytes per cycle, 10 cycles latency, 256-byte bursts (16 ns).
#define SC_INCLUDE_DYNAMIC_PROCESSES
#define BOOST_TEST_MODULE engine_memory_traffic
#include <boost/test/unit_test.hpp>

#include <systemc>

#include <algorithm>
#include <vector>

#include "models/engine/codec_engine.h"
#include "tests/models/engine_support.h"
#include "tlm_virtio/bus.h"
#include "tlm_virtio/guest_memory.h"

using namespace vvsim;
using models::CodecEngine;
using models::JobKind;
using models::test::picture_work;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

constexpr double kLatencyNs = 10, kBytesPerNs = 16;

// Guest memory on a bus; a CPU port (initiator 0) and the engine's cores (1, 2).
struct Rig : sc_core::sc_module {
  explicit Rig(const models::CodecEngineProfile& profile)
      : sc_module("rig"), memory("memory"), bus("bus"), cpu("cpu"), engine("engine", profile) {
    bus.targets.bind(memory.socket);
    bus.map(0, tlm_virtio::GuestMemoryProfile{}.size_bytes, 0);
    cpu.socket.bind(bus.initiators);
    cpu.schedule_through(bus, 0);
    engine.attach_memory(bus);
  }
  tlm_virtio::GuestMemory memory;
  tlm_virtio::Bus bus;
  tlm_virtio::MemoryPort cpu;
  CodecEngine engine;
};

models::CodecEngineProfile traffic_profile(uint32_t transfers_per_job) {
  models::CodecEngineProfile p = models::test::hand_profile(2);
  p.memory_traffic.enabled = true;
  p.memory_traffic.read_bytes_per_macroblock = {0, 100, 200};
  p.memory_traffic.write_bytes_per_macroblock = {50, 50, 50};
  p.memory_traffic.transfers_per_job = transfers_per_job;
  return p;
}

void run_at(CodecEngine& engine, sc_time at, codec::UnitWork work, CodecEngine::JobRecord& out) {
  sc_core::sc_spawn([&engine, at, work, &out] {
    sc_core::wait(at);
    out = engine.run(JobKind::Decode, codec::CodecId::H264, [work] { return work; }, "s");
  });
}

uint64_t beats(uint64_t bytes) { return (bytes + 15) / 16; }

}  // namespace

BOOST_AUTO_TEST_CASE(a_small_stream_moves_its_bytes_per_frame_type_during_its_jobs) {
  // Key, inter and bi-predicted 176x144 pictures (99 macroblocks) one after
  // another: each moves macroblocks x (read + write) + its bitstream bytes,
  // in 4 transfers of ~119 ns spread over a job of several us, so every job
  // lasts exactly its cycles.
  Rig rig(traffic_profile(4));
  const std::vector<codec::UnitWork> units = {picture_work(99, 2000, codec::FrameType::Key),
                                              picture_work(99, 500, codec::FrameType::Inter),
                                              picture_work(99, 300, codec::FrameType::BiPredicted)};
  std::vector<CodecEngine::JobRecord> jobs;
  sc_core::sc_spawn([&] {
    for (const auto& w : units) jobs.push_back(rig.engine.run(JobKind::Decode, codec::CodecId::H264, [w] { return w; }, "s"));
  });
  sc_core::sc_start();
  BOOST_REQUIRE_EQUAL(jobs.size(), 3u);
  const uint64_t key = 99 * (0 + 50) + 2000, inter = 99 * (100 + 50) + 500, bipred = 99 * (200 + 50) + 300;
  const auto& core0 = rig.bus.stats().at(1);
  BOOST_CHECK_EQUAL(core0.bytes, key + inter + bipred);
  BOOST_CHECK_EQUAL(core0.transactions, 3u * 4u);
  const double cycles[] = {100 + 10 * 99 * 2.0 + 2 * 2000, 100 + 10 * 99 + 2 * 500, 100 + 10 * 99 * 1.5 + 2 * 300};
  for (size_t i = 0; i < 3; ++i) BOOST_CHECK(jobs[i].finished - jobs[i].started == sc_time(2 * cycles[i], SC_NS));
}

BOOST_AUTO_TEST_CASE(a_job_whose_traffic_outlasts_its_cycles_ends_with_its_last_transfer) {
  // 100 macroblocks of inter: 1100 cycles = 2200 ns. Traffic 100 x 1640 =
  // 164000 bytes in 4 transfers of 41000 bytes (2563 beats): each takes
  // 10 + 2563 ns, longer than the 550 ns step, so they go back to back.
  auto profile = traffic_profile(4);
  profile.memory_traffic.read_bytes_per_macroblock.inter = 1590;
  Rig rig(profile);
  CodecEngine::JobRecord job;
  run_at(rig.engine, sc_core::SC_ZERO_TIME, picture_work(100, 0, codec::FrameType::Inter), job);
  sc_core::sc_start();
  BOOST_CHECK(job.finished - job.started == sc_time(4 * (kLatencyNs + beats(41000)), SC_NS));
  BOOST_CHECK(job.finished - job.started > sc_time(2 * 1100, SC_NS));
}

namespace {
// The job above (4 transfers of 41000 bytes = 2563 beats, issued every
// 550 ns) with several transfers in flight: each is ready while the one
// before it still moves data, so the data path never idles and only the
// first latency shows: 10 + 4 x 2563 ns instead of 4 x (10 + 2563).
void check_outstanding_transfers_overlap_latency(uint32_t outstanding) {
  auto profile = traffic_profile(4);
  profile.memory_traffic.read_bytes_per_macroblock.inter = 1590;
  profile.memory_traffic.outstanding_transfers = outstanding;
  Rig rig(profile);
  CodecEngine::JobRecord job;
  run_at(rig.engine, sc_core::SC_ZERO_TIME, picture_work(100, 0, codec::FrameType::Inter), job);
  sc_core::sc_start();
  BOOST_CHECK(job.finished - job.started == sc_time(kLatencyNs + 4 * beats(41000), SC_NS));
  BOOST_CHECK_EQUAL(rig.bus.stats().at(1).bytes, 100u * (1590 + 50));
  BOOST_CHECK_EQUAL(rig.bus.stats().at(1).transactions, 4u);
}
}  // namespace

BOOST_AUTO_TEST_CASE(two_outstanding_transfers_pay_one_latency) { check_outstanding_transfers_overlap_latency(2); }

BOOST_AUTO_TEST_CASE(four_outstanding_transfers_pay_one_latency) { check_outstanding_transfers_overlap_latency(4); }

BOOST_AUTO_TEST_CASE(two_cores_share_the_bus_burst_by_burst) {
  // Each job: 16 macroblocks x 256 bytes = 4096 bytes (16 bursts) in one
  // transfer, 100 cycles of work (macroblock and byte terms zeroed). Alone a
  // job lasts 10 + 256 ns; two at once alternate bursts: the one booked
  // second goes first and ends after 31 bursts, the other after 32.
  auto profile = traffic_profile(1);
  profile.memory_traffic.read_bytes_per_macroblock.inter = 206;
  for (auto& cost : profile.decode) cost.cycles_per_macroblock = 0, cost.cycles_per_byte = 0;
  Rig rig(profile);
  CodecEngine::JobRecord a, b, alone;
  run_at(rig.engine, sc_core::SC_ZERO_TIME, picture_work(16, 0, codec::FrameType::Inter), a);
  run_at(rig.engine, sc_core::SC_ZERO_TIME, picture_work(16, 0, codec::FrameType::Inter), b);
  run_at(rig.engine, sc_time(10, sc_core::SC_US), picture_work(16, 0, codec::FrameType::Inter), alone);
  sc_core::sc_start();
  BOOST_CHECK_NE(a.core, b.core);
  BOOST_CHECK(alone.finished - alone.started == sc_time(kLatencyNs + 4096 / kBytesPerNs, SC_NS));
  const sc_time first = std::min(a.finished, b.finished), last = std::max(a.finished, b.finished);
  BOOST_CHECK(first == sc_time(kLatencyNs + 31 * 16, SC_NS));
  BOOST_CHECK(last == sc_time(kLatencyNs + 32 * 16, SC_NS));
}

BOOST_AUTO_TEST_CASE(the_cpu_waits_for_a_burst_of_the_codec_traffic) {
  // A job moves 256 x 256 = 65536 bytes in one transfer from 0 (data from
  // 10 ns); the CPU's 16-byte read at 100 ns is ready at 110, joins at the
  // next burst boundary (10 + 7 x 16 = 122) and takes one beat: 123 ns, not
  // the 111 of an idle bus. The job's transfer ends one beat later.
  auto profile = traffic_profile(1);
  profile.memory_traffic.read_bytes_per_macroblock.inter = 206;
  for (auto& cost : profile.decode) cost.cycles_per_macroblock = 0, cost.cycles_per_byte = 0;
  Rig rig(profile);
  CodecEngine::JobRecord job;
  run_at(rig.engine, sc_core::SC_ZERO_TIME, picture_work(256, 0, codec::FrameType::Inter), job);
  sc_time read_done;
  sc_core::sc_spawn([&] {
    sc_core::wait(100, SC_NS);
    uint8_t data[16];
    BOOST_REQUIRE(rig.cpu.read(0x1000, data, sizeof data) == tlm_virtio::AccessStatus::Ok);
    read_done = sc_core::sc_time_stamp();
  });
  sc_core::sc_start();
  BOOST_CHECK(read_done == sc_time(kLatencyNs + 7 * 16 + 1, SC_NS));
  BOOST_CHECK(job.finished == sc_time(kLatencyNs + 65536 / kBytesPerNs + 1, SC_NS));
}

BOOST_AUTO_TEST_CASE(without_traffic_a_job_puts_nothing_on_the_bus) {
  auto profile = traffic_profile(4);
  profile.memory_traffic = {};  // the default: off (the ports are there, unused)
  Rig rig(profile);
  CodecEngine::JobRecord job;
  run_at(rig.engine, sc_core::SC_ZERO_TIME, picture_work(99, 500, codec::FrameType::Inter), job);
  sc_core::sc_start();
  BOOST_CHECK(job.finished - job.started == sc_time(2 * (100 + 990 + 1000), SC_NS));
  BOOST_CHECK(rig.bus.stats().size() < 2 || rig.bus.stats().at(1).bytes == 0);
}
