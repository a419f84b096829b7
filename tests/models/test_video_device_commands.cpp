// v6 video device: commands, result codes, drain/stop/destroy, DRC, events and
// timing, driven through a scripted transport with a fake decoder.
#define BOOST_TEST_MODULE video_device_commands
#include <boost/test/unit_test.hpp>

#include "tests/models/test_video_device_harness.h"

using namespace vvsim::test;
using vvsim::codec::CodecId;
using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_US;


namespace {

const std::vector<uint8_t> kKey320{'K', 20, 15};  // 320x240, the default output size
const std::vector<uint8_t> kInter{'P'};

ParamsImageFormat output_format(TestDriver& d, uint32_t id) {
  return std::get<ParamsImageFormat>(*d.get_param(id, ParamType::DecoderOutputFormat));
}

// A stream with input resource 0..n_in-1 (4 KiB each) and outputs sized for
// the current output format; returns the input addresses.
std::vector<uint64_t> setup_stream(TestDriver& d, uint32_t id, uint32_t n_in, uint32_t n_out,
                                   std::vector<std::vector<uint64_t>>* out_addrs = nullptr) {
  std::vector<uint64_t> in;
  for (uint32_t i = 0; i < n_in; ++i) BOOST_TEST((d.attach(id, QueueType::Input, i, {4096}, &in) == Result::Ok));
  const auto fmt = output_format(d, id);
  for (uint32_t i = 0; i < n_out; ++i) {
    std::vector<uint64_t> a;
    BOOST_TEST((d.attach(id, QueueType::Output, i, {fmt.planes[0].buffer_size + fmt.planes[1].buffer_size}, &a) ==
                Result::Ok));
    if (out_addrs) out_addrs->push_back(a);
  }
  return in;
}

uint16_t queue_input(TestDriver& d, uint32_t id, uint32_t res, uint64_t addr, const std::vector<uint8_t>& unit,
                     uint64_t ts) {
  d.write(addr, unit);
  return d.queue(id, QueueType::Input, res, ts, static_cast<uint32_t>(unit.size()));
}

// Reads an NV12 output back from guest memory as a picture.
vvsim::codec::Picture read_output(Bench& b, uint32_t id, uint64_t addr) {
  const auto f = output_format(b.driver, id);
  vvsim::codec::ImageLayout layout =
      vvsim::codec::default_layout(vvsim::codec::ImageFormat::NV12, f.width, f.height, 16).value();
  vvsim::codec::ConstByteSpan span(b.transport.memory.data() + addr, layout.buffer_sizes[0]);
  return vvsim::codec::read_picture(layout, {span}).value();
}

bool same_picture(const vvsim::codec::Picture& a, const vvsim::codec::Picture& b) {
  return a.width == b.width && a.height == b.height && a.y == b.y && a.u == b.u && a.v == b.v;
}

}  // namespace

BOOST_AUTO_TEST_CASE(config_and_query_caps) {
  Bench b;
  b.negotiate(kAllFeatures);
  b.run([&] {
    auto cfg = decode_config(b.device.config_space());
    BOOST_REQUIRE(cfg);
    BOOST_TEST(cfg->version == 0u);
    // 5 codecs (every v6 bitstream format) + 4 image formats, 24 bytes each, after a 12-byte header.
    BOOST_TEST(cfg->caps_length == 12u + 9u * 24u);
    std::vector<uint8_t> cmd;
    encode_cmd_header(cmd, CmdType::DeviceQueryCaps);
    auto bytes = b.driver.wait_answer(b.driver.submit(cmd, cfg->caps_length));
    BOOST_TEST(bytes.size() == cfg->caps_length);
    auto caps = decode_query_caps_resp(bytes);
    BOOST_REQUIRE(caps);
    BOOST_TEST(fourcc_string(caps->bitstream_formats[1].fourcc) == "VP90");
    BOOST_TEST(fourcc_string(caps->image_formats[0].fourcc) == "NV12");
    BOOST_TEST((b.driver.call(cmd, cfg->caps_length - 1) == Result::ErrOutOfMemory));
    BOOST_TEST(b.device.device_id() == 31u);
  });
}

BOOST_AUTO_TEST_CASE(decode_one_frame_bit_exact) {
  Bench b;
  b.negotiate(kAllFeatures);
  b.run([&] {
    auto& d = b.driver;
    const uint32_t id = d.create_stream();
    BOOST_REQUIRE(id != 0u);
    std::vector<std::vector<uint64_t>> outs;
    auto in = setup_stream(d, id, 1, 1, &outs);
    auto out_head = d.queue(id, QueueType::Output, 0);
    auto in_head = queue_input(d, id, 0, in[0], kKey320, 0x77);
    auto in_resp = d.queue_answer(in_head);
    BOOST_REQUIRE(in_resp);
    BOOST_TEST((in_resp->result == Result::Ok));
    auto out_resp = d.queue_answer(out_head);
    BOOST_REQUIRE(out_resp);
    BOOST_TEST((out_resp->result == Result::Ok));
    BOOST_TEST(out_resp->timestamp == 0x77u);
    BOOST_TEST(out_resp->flags == 0u);
    BOOST_TEST(out_resp->data_sizes[0] == 320u * 240u * 3u / 2u);
    BOOST_TEST(same_picture(read_output(b, id, outs[0][0]), FakeDecoder::picture_for(320, 240, 0x77)));
  });
}

BOOST_AUTO_TEST_CASE(result_codes) {
  VideoDeviceProfile p;
  p.max_streams = 2;
  Bench b(p);
  b.negotiate(1ull << kFeatureResourceGuestPages);  // no NON_CONTIG, no DYNAMIC
  b.run([&] {
    auto& d = b.driver;
    BOOST_TEST((d.call({0x02, 0x02, 0, 0}, 4) == Result::ErrInvalidCommand));  // 0x202 unassigned
    BOOST_TEST((d.call({0x01}, 4) == Result::ErrInvalidCommand));              // no cmd_type at all
    const uint32_t id = d.create_stream();
    const uint32_t id2 = d.create_stream();
    BOOST_TEST((id != 0u && id2 != 0u && id != id2));
    {
      std::vector<uint8_t> cmd;
      encode_cmd_header(cmd, CmdType::StreamCreate);
      auto r = decode_stream_create_resp(d.wait_answer(d.submit(cmd, 8)));
      BOOST_TEST((r->result == Result::ErrOutOfMemory));  // stream limit
    }
    BOOST_TEST((d.stream_cmd(CmdType::StreamStop, 999) == Result::ErrInvalidStreamId));
    BOOST_TEST((d.stream_cmd(CmdType::StreamDrain, 999) == Result::ErrInvalidStreamId));
    BOOST_TEST((d.call({0x01, 0x02, 0, 0, 1}, 4) == Result::ErrInvalidArgument));  // truncated DESTROY
    // Response buffer too small for a GET_PARAM answer.
    BOOST_TEST((d.call(to_bytes(GetParamCmd{id, 1}), 8) == Result::ErrOutOfMemory));
    BOOST_TEST((d.call(to_bytes(GetParamCmd{id, 0x203}), kParamRespSize) == Result::ErrInvalidArgument));
    BOOST_TEST((d.call(to_bytes(GetParamCmd{id, 0x777}), kParamRespSize) == Result::ErrInvalidArgument));
    // Attach: bad queue type, resource beyond num_resources, outside memory,
    // unaligned, non-contiguous without the feature, wrong plane count.
    auto attach_raw = [&](uint32_t qt, uint32_t res, std::vector<std::vector<SgEntry>> bufs) {
      AttachBackingCmd c;
      c.header = {id, qt, res};
      for (auto& s : bufs) c.resources.push_back(s);
      return d.call(to_bytes(c), 4);
    };
    BOOST_TEST((attach_raw(7, 0, {{{0x100000, 4096}}}) == Result::ErrInvalidArgument));
    BOOST_TEST((attach_raw(0, 4, {{{0x100000, 4096}}}) == Result::ErrInvalidArgument));
    BOOST_TEST((attach_raw(0, 0, {{{(64u << 20) - 4096, 8192}}}) == Result::ErrInvalidArgument));
    BOOST_TEST((attach_raw(0, 0, {{{0x100010, 4096}}}) == Result::ErrInvalidArgument));
    BOOST_TEST((attach_raw(0, 0, {{{0x100000, 4096}, {0x300000, 4096}}}) == Result::ErrInvalidArgument));
    BOOST_TEST((attach_raw(0, 0, {{{0x100000, 4096}, {0x101000, 4096}}}) == Result::Ok));  // contiguous pair
    BOOST_TEST((attach_raw(1, 0, {{{0x200000, 1u << 20}}, {{0x400000, 1u << 20}}}) == Result::ErrInvalidArgument));
    BOOST_TEST((attach_raw(1, 0, {{{0x200000, 100}}}) == Result::ErrInvalidArgument));  // smaller than the format
    // Queue: unknown stream, bad resource id, bad flags, no backing.
    auto q = [&](uint32_t sid, uint32_t qt, uint32_t res, uint32_t flags) {
      ResourceQueueCmd c;
      c.stream_id = sid;
      c.queue_type = qt;
      c.resource_id = res;
      c.flags = flags;
      return d.queue_answer(d.submit(to_bytes(c), kResourceQueueRespSize))->result;
    };
    BOOST_TEST((q(999, 0, 0, 0) == Result::ErrInvalidStreamId));
    BOOST_TEST((q(id, 0, 99, 0) == Result::ErrInvalidArgument));
    BOOST_TEST((q(id, 0, 0, kEnqueueFlagForceKeyFrame) == Result::ErrInvalidArgument));  // decoder
    BOOST_TEST((q(id, 1, 1, 0) == Result::ErrInvalidOperation));  // never attached
    // Set a parameter the decoder does not have, and resources after queueing.
    BOOST_TEST((d.set_param(id, ParamType::EncoderBitrate, ParamsBitrate{}) == Result::ErrInvalidArgument));
    d.write(0x100000, kInter);
    auto held = d.queue(id, QueueType::Input, 0, 1, 1);
    BOOST_TEST((d.set_param(id, ParamType::InputResources, ParamsResources{0, 0, 2, 1}) ==
                Result::ErrInvalidOperation));
    // ATTACH after the resource was queued (no RESOURCE_DYNAMIC).
    BOOST_TEST((attach_raw(0, 0, {{{0x100000, 4096}}}) == Result::ErrInvalidOperation));
    BOOST_TEST((d.queue_answer(held)->result == Result::Ok));  // consumed, no picture (no key frame yet)
    BOOST_TEST((d.stream_cmd(CmdType::StreamDestroy, id) == Result::Ok));
    BOOST_TEST((d.stream_cmd(CmdType::StreamDestroy, id) == Result::ErrInvalidStreamId));
    BOOST_TEST(!b.device.diagnostics().empty());
  });
}

// data_sizes[i] is the bytes used in memory buffer i (v6 RESOURCE_QUEUE): a
// bitstream input has one buffer, so data_sizes[1..7] set is refused with
// INVALID_ARGUMENT (docs/spec-notes.md); the same input with only
// data_sizes[0] is taken.
BOOST_AUTO_TEST_CASE(queue_refuses_data_sizes_past_the_buffers) {
  Bench b;
  b.negotiate(kAllFeatures);
  b.run([&] {
    auto& d = b.driver;
    const uint32_t id = d.create_stream();
    std::vector<uint64_t> in;
    BOOST_REQUIRE((d.attach(id, QueueType::Input, 0, {4096}, &in) == Result::Ok));
    d.write(in[0], {'S'});
    for (size_t extra : {size_t{1}, size_t{7}}) {
      ResourceQueueCmd cmd;
      cmd.stream_id = id;
      cmd.queue_type = static_cast<uint32_t>(QueueType::Input);
      cmd.data_sizes[0] = 1;
      cmd.data_sizes[extra] = 16;
      const auto resp = d.queue_answer(d.submit(to_bytes(cmd), kResourceQueueRespSize));
      BOOST_REQUIRE(resp);
      BOOST_TEST((resp->result == Result::ErrInvalidArgument), "data_sizes[" << extra << "] set");
    }
    const auto taken = d.queue_answer(d.queue(id, QueueType::Input, 0, 5, 1));
    BOOST_REQUIRE(taken);
    BOOST_TEST((taken->result == Result::Ok));
  });
}

BOOST_AUTO_TEST_CASE(set_param_nearest_value) {
  VideoDeviceProfile without_hevc;
  without_hevc.codecs = {vvsim::codec::CodecId::VP8, vvsim::codec::CodecId::VP9, vvsim::codec::CodecId::H264};
  Bench b(without_hevc);
  b.negotiate(kAllFeatures);
  b.run([&] {
    auto& d = b.driver;
    const uint32_t id = d.create_stream();
    StreamParamValue actual;
    BOOST_TEST((d.set_param(id, ParamType::OutputResources, ParamsResources{0, 0, 1000, 1}, &actual) == Result::Ok));
    BOOST_TEST(std::get<ParamsResources>(actual).num_resources == 32u);  // clamped to max
    BOOST_TEST((d.set_param(id, ParamType::DecoderInputFormat, ParamsBitstreamFormat{kFourccHevc, 1}, &actual) ==
                Result::Ok));
    const auto& bs = std::get<ParamsBitstreamFormat>(actual);
    BOOST_TEST(fourcc_string(bs.fourcc) == "VP80");  // HEVC not offered: unchanged
    BOOST_TEST(bs.buffer_size == 4096u);             // clamped to the minimum
    BOOST_TEST((d.set_param(id, ParamType::DecoderInputFormat, ParamsBitstreamFormat{kFourccVp9, 1u << 20},
                            &actual) == Result::Ok));
    BOOST_TEST(fourcc_string(std::get<ParamsBitstreamFormat>(actual).fourcc) == "VP90");
  });
}

BOOST_AUTO_TEST_CASE(drain_waits_for_starved_outputs) {
  Bench b;
  b.negotiate(kAllFeatures);
  b.run([&] {
    auto& d = b.driver;
    const uint32_t id = d.create_stream();
    auto in = setup_stream(d, id, 2, 2);
    auto i0 = queue_input(d, id, 0, in[0], kKey320, 1);
    auto i1 = queue_input(d, id, 1, in[1], {'H'}, 2);  // held back by the decoder until flush
    auto drain = d.submit_stream_cmd(CmdType::StreamDrain, id);
    BOOST_TEST((d.stream_cmd(CmdType::StreamDrain, id) == Result::ErrInvalidOperation));
    BOOST_TEST((d.queue_answer(i0)->result == Result::Ok));
    sc_core::wait(1, sc_core::SC_MS);
    BOOST_TEST(!d.answered(drain), "drain answered with its outputs still undelivered");
    auto o0 = d.queue(id, QueueType::Output, 0);
    BOOST_TEST(d.queue_answer(o0)->timestamp == 1u);
    BOOST_TEST((d.queue_answer(i1)->result == Result::Ok));
    sc_core::wait(1, sc_core::SC_MS);
    BOOST_TEST(!d.answered(drain));
    auto o1 = d.queue(id, QueueType::Output, 1);
    BOOST_TEST(d.queue_answer(o1)->timestamp == 2u);
    BOOST_TEST((d.result_of(drain) == Result::Ok));
    BOOST_TEST(d.find_used(o1)->when <= d.find_used(drain)->when);
  });
}

BOOST_AUTO_TEST_CASE(stop_during_drain_cancels_inputs_and_drain) {
  Bench b;
  b.negotiate(kAllFeatures);
  b.run([&] {
    auto& d = b.driver;
    const uint32_t id = d.create_stream();
    auto in = setup_stream(d, id, 3, 1);
    auto out = d.queue(id, QueueType::Output, 0);
    auto i0 = queue_input(d, id, 0, in[0], kKey320, 1);
    auto i1 = queue_input(d, id, 1, in[1], kInter, 2);  // waits for an output the driver never gives
    auto i2 = queue_input(d, id, 2, in[2], kInter, 3);
    auto drain = d.submit_stream_cmd(CmdType::StreamDrain, id);
    BOOST_TEST(d.queue_answer(out)->timestamp == 1u);
    sc_core::wait(1, sc_core::SC_MS);
    auto stop = d.submit_stream_cmd(CmdType::StreamStop, id);
    BOOST_TEST((d.result_of(stop) == Result::Ok));
    BOOST_TEST((d.queue_answer(i0)->result == Result::Ok));
    BOOST_TEST((d.queue_answer(i2)->result == Result::ErrCanceled));
    BOOST_TEST((d.result_of(drain) == Result::ErrCanceled));
    BOOST_TEST(d.find_used(drain)->when <= d.find_used(stop)->when);
    BOOST_TEST(d.find_used(i2)->when <= d.find_used(stop)->when);
    // i1 was decoded (consumed) before the STOP; it is answered OK, its picture dropped.
    BOOST_TEST((d.queue_answer(i1)->result == Result::Ok));
    // After STOP the input resources may be resized and re-attached.
    BOOST_TEST((d.set_param(id, ParamType::InputResources, ParamsResources{0, 0, 2, 1}) == Result::Ok));
    BOOST_TEST((d.attach(id, QueueType::Input, 0, {4096}) == Result::Ok));
  });
}

BOOST_AUTO_TEST_CASE(destroy_cancels_pending_first) {
  Bench b;
  b.negotiate(kAllFeatures);
  b.run([&] {
    auto& d = b.driver;
    const uint32_t id = d.create_stream();
    auto in = setup_stream(d, id, 2, 2);
    auto o0 = d.queue(id, QueueType::Output, 0);
    auto o1 = d.queue(id, QueueType::Output, 1);
    auto i0 = queue_input(d, id, 0, in[0], {'S'}, 1);
    auto i1 = queue_input(d, id, 1, in[1], {'S'}, 2);
    auto drain = d.submit_stream_cmd(CmdType::StreamDrain, id);
    auto destroy = d.submit_stream_cmd(CmdType::StreamDestroy, id);
    BOOST_TEST((d.result_of(destroy) == Result::Ok));
    for (auto h : {o0, o1}) {
      BOOST_TEST((d.queue_answer(h)->result == Result::ErrCanceled));
      BOOST_TEST(d.find_used(h)->when <= d.find_used(destroy)->when);
    }
    BOOST_TEST((d.result_of(drain) == Result::ErrCanceled));
    BOOST_TEST(d.answered(i0));
    BOOST_TEST(d.answered(i1));
    BOOST_TEST((d.call(to_bytes(GetParamCmd{id, 1}), kParamRespSize) == Result::ErrInvalidStreamId));
  });
}

BOOST_AUTO_TEST_CASE(drc_event_detaches_outputs) {
  Bench b;
  b.negotiate(kAllFeatures);
  b.run([&] {
    auto& d = b.driver;
    d.post_event_buffer();
    const uint32_t id = d.create_stream();
    auto in = setup_stream(d, id, 2, 2);
    auto o0 = d.queue(id, QueueType::Output, 0);
    auto o1 = d.queue(id, QueueType::Output, 1);
    queue_input(d, id, 0, in[0], kKey320, 10);
    auto i1 = queue_input(d, id, 1, in[1], {'K', 40, 30}, 20);  // 640x480
    BOOST_TEST(d.queue_answer(o0)->timestamp == 10u);
    BOOST_TEST((d.queue_answer(o1)->result == Result::ErrCanceled));
    sc_core::wait(1, sc_core::SC_MS);
    BOOST_REQUIRE(b.device.stats().events_sent == 1u);
    BOOST_TEST(d.find_used(o0)->when <= b.transport.used.back().when);
    const auto fmt = output_format(d, id);
    BOOST_TEST(fmt.width == 640u);
    BOOST_TEST(fmt.height == 480u);
    // Not re-attached: refused.
    BOOST_TEST((d.queue_answer(d.queue(id, QueueType::Output, 0))->result == Result::ErrInvalidOperation));
    std::vector<uint64_t> addr;
    BOOST_TEST((d.attach(id, QueueType::Output, 0, {640u * 480u * 3u / 2u}, &addr) == Result::Ok));
    auto o = d.queue(id, QueueType::Output, 0);
    auto r = d.queue_answer(o);
    BOOST_TEST((r->result == Result::Ok));
    BOOST_TEST(r->timestamp == 20u);
    BOOST_TEST(same_picture(read_output(b, id, addr[0]), FakeDecoder::picture_for(640, 480, 20)));
    BOOST_TEST((d.queue_answer(i1)->result == Result::Ok));
  });
}

BOOST_AUTO_TEST_CASE(eventq_without_buffer_holds_events) {
  Bench b;
  b.negotiate(kAllFeatures);
  b.run([&] {
    auto& d = b.driver;
    const uint32_t id = d.create_stream();
    auto in = setup_stream(d, id, 1, 1);
    queue_input(d, id, 0, in[0], {'K', 40, 30}, 5);  // DRC at the first frame: larger than the default
    sc_core::wait(1, sc_core::SC_MS);
    BOOST_TEST(b.device.stats().events_sent == 0u);
    BOOST_TEST(b.device.stats().events_held >= 1u);
    const sc_time posted = sc_core::sc_time_stamp();
    d.post_event_buffer();
    sc_core::wait(10, SC_US);
    BOOST_REQUIRE(b.device.stats().events_sent == 1u);
    const auto& u = b.transport.used.back();
    BOOST_TEST(u.queue == kEventQueue);
    BOOST_TEST(u.written == kEventSize);
    BOOST_TEST(b.device.stats().event_wait_max >= posted - sc_time(1, sc_core::SC_MS));
    // The event bytes: DRC on this stream, OUTPUT queue.
    auto ev = decode_event(d.wait_answer(u.head));
    BOOST_REQUIRE(ev);
    BOOST_TEST((ev->type == EventType::Drc));
    BOOST_TEST(ev->stream_id == id);
    BOOST_TEST(ev->detail == 1u);
  });
}

BOOST_AUTO_TEST_CASE(error_event_closes_stream) {
  Bench b;
  b.negotiate(kAllFeatures);
  b.run([&] {
    auto& d = b.driver;
    d.post_event_buffer();
    const uint32_t id = d.create_stream();
    auto in = setup_stream(d, id, 2, 1);
    auto out = d.queue(id, QueueType::Output, 0);
    queue_input(d, id, 0, in[0], {'X'}, 1);
    BOOST_TEST((d.queue_answer(out)->result == Result::ErrCanceled));
    sc_core::wait(10, SC_US);
    BOOST_TEST(b.device.stats().events_sent == 1u);
    BOOST_TEST((d.stream_cmd(CmdType::StreamStop, id) == Result::ErrInvalidStreamId));
  });
}

// Timing: 1 GHz engine, 10000 cycles per unit, 2000 firmware cycles per
// command, DMA at 1 ns per byte (the scripted transport). By hand, for an
// output and an input queued at t0 (commands handled one after the other):
//   output QUEUE handled at 2 us, input QUEUE at 4 us;
//   input read: 3 bytes = 3 ns; decode: 10 us;
//   input answer: 48-byte response = 48 ns;
//   picture: 320*240*1.5 = 115200 bytes = 115.2 us; output answer 48 ns.
BOOST_AUTO_TEST_CASE(timing_single_stream) {
  VideoDeviceProfile p;
  p.firmware_cycles_per_command = 2000;
  Bench b(p);
  b.transport.dma_ns_per_byte = 1.0;
  b.negotiate(kAllFeatures);
  b.run([&] {
    auto& d = b.driver;
    const uint32_t id = d.create_stream();
    auto in = setup_stream(d, id, 1, 1);
    d.write(in[0], kKey320);
    sc_core::wait(1, SC_US);
    const sc_time t0 = sc_core::sc_time_stamp();
    auto out = d.queue(id, QueueType::Output, 0);
    auto inp = d.queue(id, QueueType::Input, 0, 1, 3);
    d.queue_answer(out);
    const double in_ns = (d.find_used(inp)->when - t0).to_seconds() * 1e9;
    const double out_ns = (d.find_used(out)->when - t0).to_seconds() * 1e9;
    BOOST_TEST(in_ns == 4000.0 + 3.0 + 10000.0 + 48.0, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(out_ns == 4000.0 + 3.0 + 10000.0 + 48.0 + 115200.0 + 48.0, boost::test_tools::tolerance(1e-6));
  });
}

// Two streams, one core: B's input is handled at 8 us but waits for the core
// until A's decode ends (4.003 + 10 = 14.003 us), then decodes for 10 us.
BOOST_AUTO_TEST_CASE(timing_two_streams_one_core) {
  VideoDeviceProfile p;
  p.firmware_cycles_per_command = 2000;
  Bench b(p);
  b.transport.dma_ns_per_byte = 1.0;
  b.negotiate(kAllFeatures);
  b.run([&] {
    auto& d = b.driver;
    const uint32_t a = d.create_stream();
    const uint32_t c = d.create_stream();
    auto in_a = setup_stream(d, a, 1, 1);
    auto in_c = setup_stream(d, c, 1, 1);
    d.write(in_a[0], kKey320);
    d.write(in_c[0], kKey320);
    sc_core::wait(1, SC_US);
    const sc_time t0 = sc_core::sc_time_stamp();
    auto out_a = d.queue(a, QueueType::Output, 0);
    auto inp_a = d.queue(a, QueueType::Input, 0, 1, 3);
    auto out_c = d.queue(c, QueueType::Output, 0);
    auto inp_c = d.queue(c, QueueType::Input, 0, 2, 3);
    d.queue_answer(out_c);
    auto ns = [&](uint16_t h) { return (d.find_used(h)->when - t0).to_seconds() * 1e9; };
    const auto tol = boost::test_tools::tolerance(1e-6);
    BOOST_TEST(ns(inp_a) == 4003.0 + 10000.0 + 48.0, tol);
    BOOST_TEST(ns(out_a) == 4003.0 + 10000.0 + 48.0 + 115200.0 + 48.0, tol);
    BOOST_TEST(ns(inp_c) == 14003.0 + 10000.0 + 48.0, tol);
    BOOST_TEST(ns(out_c) == 14003.0 + 10000.0 + 48.0 + 115200.0 + 48.0, tol);
    BOOST_TEST(d.queue_answer(out_c)->timestamp == 2u);
  });
}

// A profile allowing the codec layer's largest picture: each bitstream format
// advertises what its backend decodes too (VP8 and MPEG-2 sizes are 14-bit fields).
BOOST_AUTO_TEST_CASE(query_caps_sizes_are_the_backends_within_the_profile) {
  VideoDeviceProfile profile;
  profile.max_width = profile.max_height = 16384;
  Bench b(profile);
  const auto caps = b.device.capabilities();
  std::map<std::string, uint32_t> width_of;
  for (const auto& f : caps.bitstream_formats) width_of[fourcc_string(f.fourcc)] = f.max_width;
  BOOST_TEST(width_of["VP80"] == (1u << 14) - 1);
  BOOST_TEST(width_of["MPG2"] == (1u << 14) - 1);
  BOOST_TEST(width_of["VP90"] == 16384u);
  BOOST_TEST(width_of["H264"] == 16384u);  // libavcodec, the default H.264 backend
  BOOST_TEST(caps.image_formats[0].max_width == 16384u);
}
