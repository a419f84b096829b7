// Helpers shared by the virtio-media encoder tests: an encoder device with the
// conformance monitor watching, a guest that calls the ioctls itself, what the
// session's events showed, and ffprobe's reading of a coded stream.
#pragma once

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/protocols/media/media_binding.h"
#include "models/protocols/media/media_encode_client.h"
#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/media_monitor.h"
#include "models/protocols/media/v4l2_constants.h"
#include "tests/media/monitored_run.h"

namespace vvsim::virtio_media::test {

using v4l2::bytes_of;
using Rules = std::set<std::string>;

constexpr uint32_t kOutput = v4l2::kBufTypeVideoOutputMplane, kCapture = v4l2::kBufTypeVideoCaptureMplane;
constexpr uint32_t kRawWidth = 64, kRawHeight = 48;  // the OUTPUT format open_configured sets
constexpr uint32_t kRawBytes = kRawWidth * kRawHeight * 3 / 2;  // its I420 image

inline MediaDeviceProfile encoder_device() {
  MediaDeviceProfile d;
  d.role = MediaRole::Encoder;
  return d;
}

// Runs `guest` on an encoder device, the conformance monitor watching; the rules it saw broken.
inline Rules run_encoder(const std::function<void(MediaPlatform&)>& guest, const MediaDeviceFaults& faults = {}) {
  return broken_rules(guest, faults, encoder_device());
}

// The encode client's run on a device with `faults`, and the rules the monitor saw broken.
inline Rules run_client(const MediaEncodeConfig& config, guest::EncodeReport& report, const MediaDeviceFaults& faults = {}) {
  return run_encoder([&](MediaPlatform& p) { report = MediaEncodeClient(p.driver, config).run(); }, faults);
}

inline std::string shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  BOOST_REQUIRE(pipe);
  char line[256];
  while (fgets(line, sizeof line, pipe)) out += line;
  BOOST_REQUIRE_EQUAL(pclose(pipe), 0);
  return out;
}

// ffprobe's frames of a file: "key,width,height" per line, in decode order.
inline std::vector<std::string> probed_frames(const std::string& path) {
  std::istringstream lines(
      shell("ffprobe -v error -select_streams v:0 -show_entries frame=key_frame,width,height -of csv=p=0 " + path));
  std::vector<std::string> frames;
  for (std::string l; std::getline(lines, l);)
    if (!l.empty()) frames.push_back(l);
  return frames;
}

inline MediaReply ioctl_struct(MediaPlatform& p, uint32_t s, Ioctl code, const Bytes& payload, size_t response) {
  return p.driver.ioctl(s, uint32_t(code), {payload}, response ? std::vector<uint32_t>{uint32_t(response)} : std::vector<uint32_t>{});
}

inline Bytes type_payload(uint32_t type) {
  Bytes b(4, 0);
  b[0] = uint8_t(type);
  return b;
}

inline uint32_t stream(MediaPlatform& p, uint32_t s, Ioctl on_or_off, uint32_t type) {
  return p.driver.ioctl(s, uint32_t(on_or_off), {type_payload(type)}, {}).status;
}

inline MediaReply ext_ctrl(MediaPlatform& p, uint32_t s, Ioctl code, std::vector<v4l2::ExtControl> controls) {
  const v4l2::ExtControls h{v4l2::kCtrlClassCodec, uint32_t(controls.size())};
  Bytes array;
  for (const auto& c : controls) {
    const Bytes one = bytes_of(c);
    array.insert(array.end(), one.begin(), one.end());
  }
  return p.driver.ioctl(s, uint32_t(code), {bytes_of(h), array},
                        {uint32_t(v4l2::ExtControls::kSize), uint32_t(array.size())});
}

// OPEN, SUBSCRIBE(EOS), S_FMT(CAPTURE VP8), S_FMT(OUTPUT 64x48), REQBUFS both (MMAP, 2 each); the session.
inline uint32_t open_configured(MediaPlatform& p) {
  const uint32_t s = *p.driver.open();
  p.driver.ioctl(s, uint32_t(Ioctl::SubscribeEvent), {bytes_of(v4l2::EventSubscription{v4l2::kEventEos})}, {});
  v4l2::Format coded;
  coded.type = kCapture, coded.pixelformat = v4l2::kPixFmtVp8;
  BOOST_REQUIRE_EQUAL(ioctl_struct(p, s, Ioctl::SFmt, bytes_of(coded), v4l2::Format::kSize).status, 0u);
  v4l2::Format raw;
  raw.type = kOutput, raw.pixelformat = v4l2::kPixFmtYuv420, raw.width = kRawWidth, raw.height = kRawHeight;
  BOOST_REQUIRE_EQUAL(ioctl_struct(p, s, Ioctl::SFmt, bytes_of(raw), v4l2::Format::kSize).status, 0u);
  for (uint32_t type : {kOutput, kCapture})
    BOOST_REQUIRE_EQUAL(ioctl_struct(p, s, Ioctl::ReqBufs, bytes_of(v4l2::RequestBuffers{2, type, v4l2::kMemoryMmap}),
                                     v4l2::RequestBuffers::kSize).status, 0u);
  return s;
}

inline MediaReply qbuf_capture(MediaPlatform& p, uint32_t s, uint32_t index) {
  v4l2::Buffer b;
  b.index = index, b.type = kCapture, b.memory = v4l2::kMemoryMmap, b.length = 1;
  return p.driver.ioctl(s, uint32_t(Ioctl::QBuf), {bytes_of(b), Bytes(v4l2::Plane::kSize, 0)},
                        {uint32_t(v4l2::Buffer::kSize), uint32_t(v4l2::Plane::kSize)});
}

// A raw frame in OUTPUT buffer `index` (whatever its memory holds: the encoder takes any picture).
inline MediaReply qbuf_output(MediaPlatform& p, uint32_t s, uint32_t index, uint64_t timestamp_us) {
  v4l2::Buffer b;
  b.index = index, b.type = kOutput, b.memory = v4l2::kMemoryMmap, b.length = 1;
  b.timestamp = v4l2::timeval_of(timestamp_us);
  return p.driver.ioctl(s, uint32_t(Ioctl::QBuf), {bytes_of(b), bytes_of(v4l2::Plane{kRawBytes, 0, 0, 0})},
                        {uint32_t(v4l2::Buffer::kSize), uint32_t(v4l2::Plane::kSize)});
}

inline uint32_t encoder_cmd(MediaPlatform& p, uint32_t s, uint32_t cmd, Ioctl code = Ioctl::EncoderCmd) {
  return ioctl_struct(p, s, code, bytes_of(v4l2::EncoderCmd{cmd}), v4l2::EncoderCmd::kSize).status;
}

// A CAPTURE buffer the session's DQBUF events returned.
struct Returned {
  uint32_t index = 0, flags = 0, bytesused = 0;
  uint64_t timestamp_us = 0;
  bool last() const { return (flags & v4l2::kBufFlagLast) != 0; }
};
// The session's events so far: its CAPTURE buffers and how many EOS events.
struct Seen {
  std::vector<Returned> capture;
  int eos = 0;
};
inline Seen events(MediaPlatform& p, uint32_t s) {
  Seen seen;
  for (const auto& e : p.driver.take_events(s)) {
    if (const auto dq = decode_event_dqbuf(e.bytes); dq && dq->buffer.type == kCapture)
      seen.capture.push_back({dq->buffer.index, dq->buffer.flags, dq->planes[0].bytesused, v4l2::micros_of(dq->buffer.timestamp)});
    if (const auto ev = decode_event_event(e.bytes); ev && ev->event.type == v4l2::kEventEos) ++seen.eos;
  }
  return seen;
}

}  // namespace vvsim::virtio_media::test
