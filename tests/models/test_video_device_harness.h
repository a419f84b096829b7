// Test harness for the v6 video device: guest memory as bytes, a scripted
// test transport that hands the device descriptor chains (command bytes read
// from guest memory, response written back into it) with a fixed DMA rate,
// and a small fake decoder whose input units say what to produce.
//
// Input unit format of the fake decoder (one byte per field):
//   'K' w h  : key frame of w*16 x h*16 (reports a new format if the size changed)
//   'P'      : inter frame of the current size
//   'S'      : unit with no picture (parameter set)
//   'H'      : picture held back until the next unit or flush (reordering)
//   'X'      : unsupported (fatal)   'C' : corrupt unit, picture flagged
#pragma once

#include <systemc>

#include <deque>
#include <map>
#include <optional>

#include "codec/image_layout.h"
#include "models/engine/codec_engine.h"
#include "models/protocols/v6/video_device.h"
#include "tlm_virtio/processes.h"

namespace vvsim::test {

using namespace vvsim::virtio_video;
using vvsim::virtio_video::Result;  // v6's result code, not vvsim::Result

class FakeDecoder : public codec::Decoder {
 public:
  codec::CodecId codec() const override { return codec::CodecId::VP8; }
  codec::DecodeResult decode(const uint8_t* data, size_t size, uint64_t ts) override {
    codec::DecodeResult r;
    r.work.bitstream_bytes = static_cast<uint32_t>(size);
    if (size == 0) return r;
    const char kind = static_cast<char>(data[0]);
    if (kind == 'X') {
      r.status = codec::UnitStatus::Unsupported;
      r.message = "fake: unsupported";
      return r;
    }
    if (kind == 'S') return r;
    if (kind == 'K' && size >= 3) {
      const uint32_t w = data[1] * 16u, h = data[2] * 16u;
      if (w != width_ || h != height_) {
        width_ = w;
        height_ = h;
        r.new_format = codec::StreamFormat{w, h, codec::Rect{0, 0, w, h}, 2};
      }
    }
    if (width_ == 0) return r;  // no key frame yet: nothing to show
    r.work.coded_width = width_, r.work.coded_height = height_, r.work.macroblocks = width_ * height_ / 256;
    r.work.bitstream_bytes = static_cast<uint32_t>(size), r.work.frame_type = codec::FrameType::Inter;
    r.work.produces_picture = true;
    if (held_) r.pictures.push_back(*std::exchange(held_, std::nullopt));
    auto pic = make(ts, kind == 'C');
    if (kind == 'H') {
      held_ = pic;
    } else {
      r.pictures.push_back(pic);
    }
    return r;
  }
  codec::DecodeResult flush() override {
    codec::DecodeResult r;
    if (held_) r.pictures.push_back(*std::exchange(held_, std::nullopt));
    return r;
  }
  void reset() override { held_.reset(); }

  // The picture the fake decodes for a timestamp: every byte derives from it.
  static codec::Picture picture_for(uint32_t w, uint32_t h, uint64_t ts) {
    auto p = codec::make_picture(w, h);
    for (size_t i = 0; i < p.y.size(); ++i) p.y[i] = static_cast<uint8_t>(ts * 7 + i);
    for (size_t i = 0; i < p.u.size(); ++i) p.u[i] = static_cast<uint8_t>(ts * 3 + i);
    for (size_t i = 0; i < p.v.size(); ++i) p.v[i] = static_cast<uint8_t>(ts * 5 + 2 * i);
    p.timestamp = ts;
    return p;
  }

 private:
  codec::Picture make(uint64_t ts, bool corrupt) const {
    auto p = picture_for(width_, height_, ts);
    p.corrupt = corrupt;
    return p;
  }
  uint32_t width_ = 0, height_ = 0;
  std::optional<codec::Picture> held_;
};

// Scripted transport: the test posts chains; DMA costs dma_ns_per_byte.
class ScriptedTransport : public DeviceTransport {
 public:
  explicit ScriptedTransport(size_t memory_bytes) : memory(memory_bytes, 0) {}
  std::optional<Chain> pop(uint32_t queue, sc_core::sc_time then_busy) override {
    auto& q = available[queue];
    if (q.empty()) return std::nullopt;
    Chain c = q.front();
    q.pop_front();
    sc_core::wait(then_busy);
    return c;
  }
  void complete(uint32_t queue, tlm_virtio::ChainId id, uint32_t written) override {
    used.push_back({queue, uint16_t(id.value), written, sc_core::sc_time_stamp()});
    used_event.notify(sc_core::SC_ZERO_TIME);
  }
  void dma_read(uint64_t addr, uint8_t* dst, uint32_t len) override {
    std::copy(memory.begin() + addr, memory.begin() + addr + len, dst);
    sc_core::wait(dma_ns_per_byte * len, sc_core::SC_NS);
  }
  bool dma_peek(uint64_t addr, uint8_t* dst, uint32_t len) override {
    std::copy(memory.begin() + addr, memory.begin() + addr + len, dst);
    return true;
  }
  void dma_write(uint64_t addr, const uint8_t* src, uint32_t len) override {
    std::copy(src, src + len, memory.begin() + addr);
    sc_core::wait(dma_ns_per_byte * len, sc_core::SC_NS);
  }
  void dma_write_in_place(uint64_t addr, uint32_t len, const Fill& fill) override {
    fill(0, memory.data() + addr, len);
    sc_core::wait(dma_ns_per_byte * len, sc_core::SC_NS);
  }
  void dma_write_timing(uint64_t addr, uint32_t len) override { sc_core::wait(dma_ns_per_byte * len, sc_core::SC_NS); }
  // The writes wait as they go: posted writes end as they are issued.
  Posted post_writes(const std::function<void()>& writes) override {
    writes();
    return {};
  }
  void wait_posted(const Posted&) override {}
  uint64_t guest_memory_size() const override { return memory.size(); }

  struct Used {
    uint32_t queue;
    uint16_t head;
    uint32_t written;
    sc_core::sc_time when;
  };
  std::vector<uint8_t> memory;
  std::map<uint32_t, std::deque<Chain>> available;
  std::vector<Used> used;
  sc_core::sc_event used_event;
  double dma_ns_per_byte = 0.0;
};

}  // namespace vvsim::test

namespace vvsim::test {

// Drives the device the way a guest driver would: command bytes in, answers
// read back from guest memory.
class TestDriver {
 public:
  TestDriver(ScriptedTransport& t, VideoDevice& dev) : t_(t), dev_(dev) {}

  uint64_t alloc(uint32_t bytes, uint32_t align = 4096) {
    next_ = (next_ + align - 1) / align * align;
    const uint64_t a = next_;
    next_ += bytes;
    return a;
  }
  // Posts a command with a response buffer of resp_len; returns its head.
  uint16_t submit(const std::vector<uint8_t>& cmd, uint32_t resp_len) {
    DeviceTransport::Chain c;
    c.id = tlm_virtio::ChainId{next_head_++};
    c.readable = cmd;
    c.has_writable = resp_len > 0;
    c.first_writable_addr = alloc(std::max<uint32_t>(resp_len, 1), 64);
    c.first_writable_len = resp_len;
    resp_addr_[c.id.value] = c.first_writable_addr;
    t_.available[kCommandQueue].push_back(c);
    dev_.notify(kCommandQueue);
    return uint16_t(c.id.value);
  }
  void post_event_buffer() {
    DeviceTransport::Chain c;
    c.id = tlm_virtio::ChainId{next_head_++};
    c.has_writable = true;
    c.first_writable_addr = alloc(kEventSize, 64);
    c.first_writable_len = kEventSize;
    resp_addr_[c.id.value] = c.first_writable_addr;
    t_.available[kEventQueue].push_back(c);
    dev_.notify(kEventQueue);
  }
  const ScriptedTransport::Used* find_used(uint16_t head) const {
    for (const auto& u : t_.used)
      if (u.head == head) return &u;
    return nullptr;
  }
  // Waits for the answer to `head` (gives up after `limit` of simulated time).
  std::vector<uint8_t> wait_answer(uint16_t head, sc_core::sc_time limit = sc_core::sc_time(1, sc_core::SC_SEC)) {
    const sc_core::sc_time deadline = sc_core::sc_time_stamp() + limit;
    while (!find_used(head) && sc_core::sc_time_stamp() < deadline) {
      sc_core::wait(deadline - sc_core::sc_time_stamp(), t_.used_event);
    }
    const auto* u = find_used(head);
    if (!u) return {};
    const uint64_t a = resp_addr_.at(head);
    return std::vector<uint8_t>(t_.memory.begin() + a, t_.memory.begin() + a + u->written);
  }
  bool answered(uint16_t head) const { return find_used(head) != nullptr; }
  Result result_of(uint16_t head) {
    auto b = wait_answer(head);
    auto r = decode_result(b);
    return r ? *r : static_cast<Result>(0xdead);
  }
  Result call(const std::vector<uint8_t>& cmd, uint32_t resp_len) { return result_of(submit(cmd, resp_len)); }

  uint32_t create_stream() {
    std::vector<uint8_t> cmd;
    encode_cmd_header(cmd, CmdType::StreamCreate);
    auto r = decode_stream_create_resp(wait_answer(submit(cmd, kStreamCreateRespSize)));
    return r && r->result == Result::Ok ? r->stream_id : 0;
  }
  Result stream_cmd(CmdType type, uint32_t id) { return call(to_bytes(StreamCmd{type, id}), 4); }
  uint16_t submit_stream_cmd(CmdType type, uint32_t id) { return submit(to_bytes(StreamCmd{type, id}), 4); }
  std::optional<StreamParamValue> get_param(uint32_t id, ParamType type) {
    auto r = decode_param_resp(type, wait_answer(submit(to_bytes(GetParamCmd{id, static_cast<uint32_t>(type)}),
                                                        kParamRespSize)));
    if (!r || r->result != Result::Ok) return std::nullopt;
    return r->param;
  }
  Result set_param(uint32_t id, ParamType type, const StreamParamValue& v, StreamParamValue* actual = nullptr) {
    std::vector<uint8_t> cmd;
    encode_set_param(cmd, id, type, v);
    const auto bytes = wait_answer(submit(cmd, kParamRespSize));
    auto result = decode_result(bytes);
    if (!result) return static_cast<Result>(0xdead);
    auto r = decode_param_resp(type, bytes);  // the value is only there with OK
    if (*result == Result::Ok && r && actual) *actual = r->param;
    return *result;
  }
  // Attaches one contiguous guest buffer per entry of `sizes`; returns their addresses.
  Result attach(uint32_t id, QueueType q, uint32_t res, const std::vector<uint32_t>& sizes,
                std::vector<uint64_t>* addrs = nullptr) {
    AttachBackingCmd cmd;
    cmd.header = {id, static_cast<uint32_t>(q), res};
    for (uint32_t s : sizes) {
      const uint64_t a = alloc(s);
      if (addrs) addrs->push_back(a);
      cmd.resources.push_back(std::vector<SgEntry>{{a, s}});
    }
    return call(to_bytes(cmd), 4);
  }
  uint16_t queue(uint32_t id, QueueType q, uint32_t res, uint64_t ts = 0, uint32_t size = 0) {
    ResourceQueueCmd cmd;
    cmd.stream_id = id;
    cmd.queue_type = static_cast<uint32_t>(q);
    cmd.resource_id = res;
    cmd.timestamp = ts;
    cmd.data_sizes[0] = size;
    return submit(to_bytes(cmd), kResourceQueueRespSize);
  }
  std::optional<ResourceQueueResp> queue_answer(uint16_t head) {
    auto r = decode_resource_queue_resp(wait_answer(head));
    if (!r) return std::nullopt;
    return *r;
  }
  void write(uint64_t addr, const std::vector<uint8_t>& bytes) {
    std::copy(bytes.begin(), bytes.end(), t_.memory.begin() + addr);
  }

 private:
  ScriptedTransport& t_;
  VideoDevice& dev_;
  uint64_t next_ = 0x10000;
  uint16_t next_head_ = 0;
  std::map<uint16_t, uint64_t> resp_addr_;
};

// Runs `body` as the driver's SC_THREAD and simulates until it returns.
class Scenario : public sc_core::sc_module {
 public:
  Scenario(sc_core::sc_module_name n, std::function<void()> body) : sc_module(n), body_(std::move(body)) {
    tlm_virtio::spawn_thread("run", [this] { run(); });
  }
  bool finished = false;

 private:
  void run() {
    body_();
    finished = true;
    sc_core::sc_stop();
  }
  std::function<void()> body_;
};

// A test bench: engine (1 GHz, one core, 10000 cycles per unit), device,
// scripted transport of 64 MiB.
struct Bench {
  explicit Bench(VideoDeviceProfile profile = {}, models::CodecEngineProfile engine_profile = default_engine())
      : transport(64u << 20),
        engine("engine", engine_profile),
        device("video", profile, engine, [](codec::CodecId) { return std::make_unique<FakeDecoder>(); }, &objects),
        driver(transport, device) {
    device.bind_transport(transport);
  }
  static models::CodecEngineProfile default_engine() {
    models::CodecEngineProfile p;
    p.clock_mhz = 1000.0;
    p.num_cores = 1;
    // Constant cost per unit: every other term zero, whatever the defaults are.
    for (size_t i = 0; i < models::kCodecCount; ++i) {
      p.decode[i] = models::CodecCost{};
      p.decode[i].cycles_per_unit = 10000;
    }
    return p;
  }
  void run(std::function<void()> body) {
    Scenario sc("scenario", std::move(body));
    sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_SEC));
    BOOST_TEST(sc.finished, "scenario did not finish");
  }
  void negotiate(uint64_t features) { device.driver_ok(features); }
  ScriptedTransport transport;
  VirtioObjectRegistry objects;
  models::CodecEngine engine;
  VideoDevice device;
  TestDriver driver;
};

constexpr uint64_t kAllFeatures = 0xf;

}  // namespace vvsim::test
