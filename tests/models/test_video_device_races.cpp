// STREAM_DESTROY arriving while the device waits inside a command's work:
// for every path that waits (input read, decode job, input answer, output
// write, output answer, the drain's flush, the DRC's cancellations), the DMA
// is made slow and the
// DESTROY lands during that wait. The stream's state is freed then; the device
// must neither touch it (the ASan build turns any such access into a failure)
// nor answer a command twice, and must go on serving new streams.
#define BOOST_TEST_MODULE video_device_races
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <functional>
#include <set>

#include "tests/models/test_video_device_harness.h"

using namespace vvsim::test;
using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_US;

namespace {

constexpr double kNsPerByte = 1000;                       // every DMA byte costs 1 us
const sc_time kFirmware = sc_time(2000, SC_NS);           // the profile's 2000 cycles per command at 1 GHz
const sc_time kAnswerDma = sc_time(kResourceQueueRespSize * kNsPerByte, SC_NS);  // one QUEUE answer
const std::vector<uint8_t> kKey320{'K', 20, 15};          // 320x240, the device's initial size: no DRC

// A bench whose DMA is slow and whose probe lets the test wait for a stage.
struct RaceBench : Bench {
  explicit RaceBench(VideoDeviceProfile profile = {}) : Bench(profile) {
    transport.dma_ns_per_byte = kNsPerByte;
    device.set_probe([this](const DeviceStageMark& m) {
      stages.push_back(m.stage);
      stage_seen.notify(sc_core::SC_ZERO_TIME);
    });
  }
  void wait_stage(DeviceStage stage) {
    while (std::find(stages.begin(), stages.end(), stage) == stages.end()) sc_core::wait(stage_seen);
  }
  std::vector<DeviceStage> stages;
  sc_core::sc_event stage_seen;
};

uint32_t output_bytes(TestDriver& d, uint32_t id) {
  const auto f = std::get<ParamsImageFormat>(*d.get_param(id, ParamType::DecoderOutputFormat));
  return f.planes[0].buffer_size + f.planes[1].buffer_size;
}

// Backing of two segments with a gap between them (RESOURCE_NON_CONTIG), so
// that a transfer goes on to a second segment after its first wait.
std::vector<SgEntry> scattered(TestDriver& d, uint32_t size) {
  const uint32_t half = (size / 2 + 4095) / 4096 * 4096;
  const uint64_t first = d.alloc(half), gap = d.alloc(4096), second = d.alloc(half);
  (void)gap;
  return {{first, half}, {second, half}};
}

Result attach_scattered(TestDriver& d, uint32_t id, QueueType q, uint32_t resource, uint32_t size,
                        uint64_t* addr = nullptr) {
  AttachBackingCmd cmd;
  cmd.header = {id, static_cast<uint32_t>(q), resource};
  const auto segments = scattered(d, size);
  if (addr) *addr = segments.front().addr;
  cmd.resources.push_back(segments);
  return d.call(to_bytes(cmd), 4);
}

// A stream with one input and `outputs` queued outputs, all of scattered backing.
uint32_t stream_with_queued_outputs(TestDriver& d, uint32_t outputs, uint64_t& input_addr) {
  const uint32_t id = d.create_stream();
  BOOST_REQUIRE(id != 0u);
  BOOST_REQUIRE((attach_scattered(d, id, QueueType::Input, 0, 8192, &input_addr) == Result::Ok));
  const uint32_t size = output_bytes(d, id);
  for (uint32_t r = 0; r < outputs; ++r) {
    BOOST_REQUIRE((attach_scattered(d, id, QueueType::Output, r, size) == Result::Ok));
    d.queue(id, QueueType::Output, r);
  }
  return id;
}

uint16_t queue_unit(TestDriver& d, uint32_t id, uint64_t addr, const std::vector<uint8_t>& unit, uint64_t ts) {
  d.write(addr, unit);
  return d.queue(id, QueueType::Input, 0, ts, static_cast<uint32_t>(unit.size()));
}

// After the race: DESTROY answered OK, no chain answered twice, and a new
// stream decodes a frame.
void check_destroy_and_recovery(RaceBench& b, uint16_t destroy) {
  auto& d = b.driver;
  BOOST_TEST((d.result_of(destroy) == Result::Ok));
  sc_core::wait(sc_time(2, sc_core::SC_MS));  // whatever the worker was doing has ended
  std::multiset<uint16_t> heads;
  for (const auto& u : b.transport.used)
    if (u.queue == kCommandQueue) heads.insert(u.head);
  for (uint16_t h : heads) BOOST_TEST(heads.count(h) == 1u, "chain " << h << " answered more than once");
  for (const auto& line : b.device.diagnostics()) BOOST_TEST(line.find("internal") == std::string::npos, line);
  uint64_t addr = 0;
  const uint32_t id = stream_with_queued_outputs(d, 1, addr);
  const uint16_t in = queue_unit(d, id, addr, kKey320, 7);
  BOOST_TEST((d.queue_answer(in)->result == Result::Ok));
  BOOST_TEST((d.stream_cmd(CmdType::StreamDestroy, id) == Result::Ok));
}

// Runs `race` on a fresh bench with a stream of `outputs` queued outputs; it
// returns at the moment to send DESTROY, after which the outcome is checked
// (and each head in `held` must have been answered).
using Race = std::function<void(RaceBench&, uint32_t id, uint64_t input, std::vector<uint16_t>& held)>;
void race_destroy(uint32_t outputs, const Race& race) {
  RaceBench b;
  b.negotiate(kAllFeatures);
  b.run([&] {
    uint64_t addr = 0;
    const uint32_t id = stream_with_queued_outputs(b.driver, outputs, addr);
    std::vector<uint16_t> held;
    race(b, id, addr, held);
    check_destroy_and_recovery(b, b.driver.submit_stream_cmd(CmdType::StreamDestroy, id));
    for (uint16_t h : held) BOOST_TEST(b.driver.answered(h), "chain " << h << " never answered");
  });
}

}  // namespace

BOOST_AUTO_TEST_CASE(destroy_during_input_read) {
  race_destroy(1, [](RaceBench& b, uint32_t id, uint64_t addr, std::vector<uint16_t>&) {
    std::vector<uint8_t> unit = kKey320;
    unit.resize(4096 + 100, 0);  // read over both segments: 4.2 ms of DMA
    queue_unit(b.driver, id, addr, unit, 1);
  });
}

BOOST_AUTO_TEST_CASE(destroy_during_decode_job) {
  race_destroy(1, [](RaceBench& b, uint32_t id, uint64_t addr, std::vector<uint16_t>&) {
    queue_unit(b.driver, id, addr, kKey320, 1);
    sc_core::wait(sc_time(4, SC_US));  // QUEUE firmware, then 3 us of read: DESTROY's firmware ends in the 10 us job
  });
}

BOOST_AUTO_TEST_CASE(destroy_during_input_answer) {
  race_destroy(0, [](RaceBench& b, uint32_t id, uint64_t addr, std::vector<uint16_t>&) {  // no output: DESTROY frees the stream at once
    queue_unit(b.driver, id, addr, kKey320, 1);
    b.wait_stage(DeviceStage::DecodeFinished);  // the input's answer DMA starts now and lasts kAnswerDma
    BOOST_REQUIRE(kAnswerDma > kFirmware);
  });
}

BOOST_AUTO_TEST_CASE(destroy_during_output_write) {
  race_destroy(1, [](RaceBench& b, uint32_t id, uint64_t addr, std::vector<uint16_t>&) {
    queue_unit(b.driver, id, addr, kKey320, 1);
    b.wait_stage(DeviceStage::OutputWriteStarted);  // 115 ms of pixels over two segments
  });
}

BOOST_AUTO_TEST_CASE(destroy_during_output_answer) {
  race_destroy(1, [](RaceBench& b, uint32_t id, uint64_t addr, std::vector<uint16_t>&) {
    queue_unit(b.driver, id, addr, kKey320, 1);
    b.wait_stage(DeviceStage::OutputWriteFinished);  // the output's answer DMA starts now
  });
}

BOOST_AUTO_TEST_CASE(destroy_during_drain_flush_write) {
  race_destroy(2, [](RaceBench& b, uint32_t id, uint64_t addr, std::vector<uint16_t>& held) {
    queue_unit(b.driver, id, addr, kKey320, 1);
    b.wait_stage(DeviceStage::OutputReturned);  // the key frame is out (output 0); input 0 is free again
    b.stages.clear();
    queue_unit(b.driver, id, addr, {'H'}, 2);  // its picture is held back until the flush
    held.push_back(b.driver.submit_stream_cmd(CmdType::StreamDrain, id));
    b.wait_stage(DeviceStage::OutputWriteStarted);  // the flushed picture is being written to output 1
  });
}

BOOST_AUTO_TEST_CASE(destroy_during_drc_cancellations) {
  race_destroy(3, [](RaceBench& b, uint32_t id, uint64_t addr, std::vector<uint16_t>&) {
    queue_unit(b.driver, id, addr, {'K', 10, 10}, 1);  // 160x160: a DRC, the 3 outputs answered CANCELED one by one
    b.wait_stage(DeviceStage::DecodeFinished);
    sc_core::wait(kAnswerDma);  // the input's answer is out: the cancellations' DMA runs now
  });
}
