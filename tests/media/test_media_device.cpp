// The virtio-media device's answers, command by command, through real
// virtqueues: the errno values the spec and dev-decoder.rst require
// (ENOTTY for unsupported ioctls, EINVAL, EBUSY), session ids, MMAP mappings
// that outlive CLOSE until MUNMAP, pointers given back unchanged, the config
// space and region 0 as the driver reads them.
#define BOOST_TEST_MODULE media_device
#include <boost/test/unit_test.hpp>

#include <functional>

#include "models/protocols/media/media_binding.h"
#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/v4l2_constants.h"
#include "tlm_virtio/le_bytes.h"

using namespace vvsim;
using namespace vvsim::virtio_media;
using v4l2::bytes_of;

namespace {

Bytes type_payload(uint32_t type) {
  Bytes b(4);
  tlm_virtio::le::put32(b.data(), type);
  return b;
}

constexpr uint32_t kOutput = v4l2::kBufTypeVideoOutputMplane, kCapture = v4l2::kBufTypeVideoCaptureMplane;

// Runs `body` on the guest CPU after the driver's initialisation.
void with_device(const std::function<void(MediaPlatform&)>& body, MediaDeviceProfile device = {}) {
  MediaPlatform platform("platform", models::PlatformProfile{}, device);
  bool ran = false;
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) {
    const auto up = platform.driver.initialize();
    BOOST_REQUIRE_MESSAGE(up.ok(), up.error_message());
    body(platform);
    ran = true;
  });
  sc_core::sc_start();
  BOOST_TEST(ran);
}

uint32_t open(MediaDriver& d) {
  const auto s = d.open();
  BOOST_REQUIRE(s);
  return *s;
}

MediaReply reqbufs(MediaDriver& d, uint32_t s, uint32_t type, uint32_t count, uint32_t memory = v4l2::kMemoryMmap) {
  return d.ioctl(s, uint32_t(Ioctl::ReqBufs), {bytes_of(v4l2::RequestBuffers{count, type, memory})},
                 {uint32_t(v4l2::RequestBuffers::kSize)});
}

MediaReply querybuf(MediaDriver& d, uint32_t s, uint32_t type, uint32_t index, uint64_t planes_pointer = 0) {
  v4l2::Buffer b;
  b.index = index, b.type = type, b.memory = v4l2::kMemoryMmap, b.length = 1, b.m = planes_pointer;
  return d.ioctl(s, uint32_t(Ioctl::QueryBuf), {bytes_of(b), Bytes(v4l2::Plane::kSize, 0)},
                 {uint32_t(v4l2::Buffer::kSize), uint32_t(v4l2::Plane::kSize)});
}

}  // namespace

BOOST_AUTO_TEST_CASE(config_space_and_region_0_as_the_driver_reads_them) {
  with_device([](MediaPlatform& p) {
    BOOST_TEST(p.driver.config().device_caps == (v4l2::kCapVideoM2mMplane | v4l2::kCapStreaming));
    BOOST_TEST(p.driver.config().device_type == 0u);
    BOOST_TEST(p.driver.config().card == "vvsim stateful decoder");
    BOOST_REQUIRE(p.driver.shm());
    const models::PlatformProfile platform;
    BOOST_TEST(p.driver.shm()->length == MediaDeviceProfile{}.shm_bytes);
    BOOST_TEST(p.driver.shm()->base == platform.memory.size_bytes - MediaDeviceProfile{}.shm_bytes);
  });
}

// §Unsupported ioctls: the replaced ones and any code the device does not know: ENOTTY.
BOOST_AUTO_TEST_CASE(unsupported_ioctls_are_enotty) {
  with_device([](MediaPlatform& p) {
    const uint32_t s = open(p.driver);
    for (uint32_t code : {0u, 17u, 61u, 62u, 70u, 89u, 200u, 77u})
      BOOST_TEST(p.driver.ioctl(s, code, {Bytes(256, 0)}, {256}).status == v4l2::kEnotty, "code " << code);
  });
}

BOOST_AUTO_TEST_CASE(unknown_session_short_payload_and_unknown_type_are_einval) {
  with_device([](MediaPlatform& p) {
    const uint32_t s = open(p.driver);
    BOOST_TEST(p.driver.ioctl(s + 7, uint32_t(Ioctl::GFmt), {Bytes(208, 0)}, {208}).status == v4l2::kEinval);
    BOOST_TEST(p.driver.ioctl(s, uint32_t(Ioctl::GFmt), {Bytes(100, 0)}, {208}).status == v4l2::kEinval);
    v4l2::Format f;
    f.type = v4l2::kBufTypeVideoCapture;  // single-planar: not this device's
    BOOST_TEST(p.driver.ioctl(s, uint32_t(Ioctl::GFmt), {bytes_of(f)}, {208}).status == v4l2::kEinval);
    BOOST_TEST(reqbufs(p.driver, s, kOutput, 2, v4l2::kMemoryDmabuf).status == v4l2::kEinval);
    BOOST_TEST(p.driver.command("bad", 0, {Bytes(4, 1)}, {}).status == v4l2::kEinval);  // a cut command header
  });
}

// Commit Points 5: S_FMT(OUTPUT) with buffers allocated is EBUSY; REQBUFS while streaming too.
BOOST_AUTO_TEST_CASE(output_format_is_busy_once_buffers_exist) {
  with_device([](MediaPlatform& p) {
    const uint32_t s = open(p.driver);
    v4l2::Format f;
    f.type = kOutput, f.pixelformat = v4l2::kPixFmtVp9;
    BOOST_TEST(p.driver.ioctl(s, uint32_t(Ioctl::SFmt), {bytes_of(f)}, {208}).status == 0u);
    BOOST_TEST(reqbufs(p.driver, s, kOutput, 2).status == 0u);
    BOOST_TEST(p.driver.ioctl(s, uint32_t(Ioctl::SFmt), {bytes_of(f)}, {208}).status == v4l2::kEbusy);
    BOOST_TEST(p.driver.ioctl(s, uint32_t(Ioctl::TryFmt), {bytes_of(f)}, {208}).status == 0u);
    BOOST_TEST(p.driver.ioctl(s, uint32_t(Ioctl::StreamOn), {type_payload(kOutput)}, {}).status == 0u);
    BOOST_TEST(reqbufs(p.driver, s, kOutput, 4).status == v4l2::kEbusy);
  });
}

// Drain 1 (warning): STOP with a queue not streaming succeeds and starts no drain (no LAST).
BOOST_AUTO_TEST_CASE(stop_without_both_queues_streaming_is_a_no_op) {
  with_device([](MediaPlatform& p) {
    const uint32_t s = open(p.driver);
    const auto stop = p.driver.ioctl(s, uint32_t(Ioctl::DecoderCmd), {bytes_of(v4l2::DecoderCmd{v4l2::kDecCmdStop})}, {72});
    BOOST_TEST(stop.status == 0u);
    BOOST_TEST(p.driver.ioctl(s, uint32_t(Ioctl::DecoderCmd), {bytes_of(v4l2::DecoderCmd{v4l2::kDecCmdStop})}, {72}).status ==
               0u);  // no drain began, so no EBUSY either
    BOOST_TEST(p.driver.take_events(s).empty());
    const auto pause = p.driver.ioctl(s, uint32_t(Ioctl::DecoderCmd), {bytes_of(v4l2::DecoderCmd{v4l2::kDecCmdPause})}, {72});
    BOOST_TEST(pause.status == v4l2::kEinval);
  });
}

// §Open device: an id no open session holds; vvsim never recycles one before a reset.
BOOST_AUTO_TEST_CASE(session_ids_are_unique_and_close_frees_the_session) {
  with_device([](MediaPlatform& p) {
    const uint32_t a = open(p.driver), b = open(p.driver);
    BOOST_TEST(a != b);
    BOOST_TEST(p.device.open_sessions() == 2u);
    p.driver.close(a);
    BOOST_TEST(p.device.open_sessions() == 1u);
    const uint32_t c = open(p.driver);
    BOOST_TEST(c != a);
    BOOST_TEST(c != b);
    BOOST_TEST(p.driver.ioctl(a, uint32_t(Ioctl::GFmt), {Bytes(208, 0)}, {208}).status == v4l2::kEinval);
  });
}

// §Mapping / Unmapping a MMAP buffer: len is the buffer's length; a mapping stays valid
// after REQBUFS(0) and CLOSE until MUNMAP, which then frees its block.
BOOST_AUTO_TEST_CASE(mmap_length_and_mappings_outlive_close_until_munmap) {
  with_device([](MediaPlatform& p) {
    const uint32_t s = open(p.driver);
    BOOST_REQUIRE(reqbufs(p.driver, s, kOutput, 2).status == 0u);
    const auto qb = querybuf(p.driver, s, kOutput, 1);
    BOOST_REQUIRE(qb.status == 0u);
    const v4l2::Plane plane = v4l2::Plane::decode(qb.payload.data() + v4l2::Buffer::kSize);
    BOOST_TEST(plane.length == MediaDeviceProfile{}.output_buffer_bytes);
    const auto mapped = p.driver.mmap(s, uint32_t(plane.m), true);
    BOOST_REQUIRE(mapped);
    BOOST_TEST(mapped->len == plane.length);
    const auto again = p.driver.mmap(s, uint32_t(plane.m), false);
    BOOST_REQUIRE(again);
    BOOST_TEST(again->driver_addr == mapped->driver_addr);  // the same range, counted twice
    BOOST_TEST(!p.driver.mmap(s, uint32_t(plane.m) + 1, true));
    const uint64_t in_use = p.device.shm().bytes_in_use();
    p.driver.close(s);
    BOOST_TEST(p.device.shm().mappings() == 2u);
    BOOST_TEST(p.device.shm().bytes_in_use() < in_use);  // the unmapped buffer's block is back
    BOOST_TEST(p.driver.munmap(mapped->driver_addr) == 0u);
    BOOST_TEST(p.device.shm().bytes_in_use() > 0u);
    BOOST_TEST(p.driver.munmap(mapped->driver_addr) == 0u);
    BOOST_TEST(p.device.shm().bytes_in_use() == 0u);
    BOOST_TEST(p.driver.munmap(mapped->driver_addr) == v4l2::kEinval);
  });
}

// §Pointers in ioctl payload and §Shared Pages: m.planes and m.userptr come back as sent.
BOOST_AUTO_TEST_CASE(pointers_come_back_unchanged) {
  with_device([](MediaPlatform& p) {
    const uint32_t s = open(p.driver);
    BOOST_REQUIRE(reqbufs(p.driver, s, kOutput, 1).status == 0u);
    const auto qb = querybuf(p.driver, s, kOutput, 0, 0x7ffc12345678ull);
    BOOST_REQUIRE(qb.status == 0u);
    BOOST_TEST(v4l2::Buffer::decode(qb.payload.data()).m == 0x7ffc12345678ull);

    BOOST_REQUIRE(reqbufs(p.driver, s, kOutput, 1, v4l2::kMemoryUserptr).status == 0u);
    const uint64_t pages = *p.driver.memory().allocate(8192, 4096);
    v4l2::Buffer b;
    b.index = 0, b.type = kOutput, b.memory = v4l2::kMemoryUserptr, b.length = 1, b.m = 0x7ffc00000040ull;
    const v4l2::Plane plane{16, 8192, 0x7f0000001000ull, 0};
    Bytes sg(2 * kSgEntrySize);
    encode(SgEntry{pages, 4096}, sg.data());
    encode(SgEntry{pages + 4096, 4096}, sg.data() + kSgEntrySize);
    const auto q = p.driver.ioctl(s, uint32_t(Ioctl::QBuf), {bytes_of(b), bytes_of(plane), sg},
                                  {uint32_t(v4l2::Buffer::kSize), uint32_t(v4l2::Plane::kSize)});
    BOOST_REQUIRE(q.status == 0u);
    BOOST_TEST(v4l2::Buffer::decode(q.payload.data()).m == 0x7ffc00000040ull);
    BOOST_TEST(v4l2::Plane::decode(q.payload.data() + v4l2::Buffer::kSize).m == 0x7f0000001000ull);
    BOOST_TEST(v4l2::Buffer::decode(q.payload.data()).flags & v4l2::kBufFlagQueued);
    // A second QBUF of a queued buffer, and an SG list short of the plane's length: EINVAL.
    BOOST_TEST(p.driver.ioctl(s, uint32_t(Ioctl::QBuf), {bytes_of(b), bytes_of(plane), sg}, {88, 64}).status == v4l2::kEinval);
    b.index = 0;
    BOOST_REQUIRE(p.driver.ioctl(s, uint32_t(Ioctl::StreamOff), {type_payload(kOutput)}, {}).status == 0u);
    BOOST_TEST(p.driver.ioctl(s, uint32_t(Ioctl::QBuf), {bytes_of(b), bytes_of(plane), Bytes(sg.begin(), sg.begin() + 16)},
                              {88, 64})
                   .status == v4l2::kEinval);
  });
}

BOOST_AUTO_TEST_CASE(format_enumeration_lists_the_coded_formats_then_einval) {
  with_device([](MediaPlatform& p) {
    const uint32_t s = open(p.driver);
    std::vector<uint32_t> seen;
    for (uint32_t i = 0;; ++i) {
      const auto r = p.driver.ioctl(s, uint32_t(Ioctl::EnumFmt), {bytes_of(v4l2::FmtDesc{i, kOutput, 0, ""})}, {64});
      if (r.status != 0) {
        BOOST_TEST(r.status == v4l2::kEinval);
        break;
      }
      seen.push_back(v4l2::FmtDesc::decode(r.payload.data()).pixelformat);
    }
    BOOST_TEST((seen == std::vector<uint32_t>{v4l2::kPixFmtH264, v4l2::kPixFmtHevc, v4l2::kPixFmtVp8, v4l2::kPixFmtVp9,
                                             v4l2::kPixFmtMpeg2}));
    const auto cap = p.driver.ioctl(s, uint32_t(Ioctl::EnumFmt), {bytes_of(v4l2::FmtDesc{0, kCapture, 0, ""})}, {64});
    BOOST_TEST(v4l2::FmtDesc::decode(cap.payload.data()).pixelformat == v4l2::kPixFmtYuv420);
    // The probe: 6 ENUM_FMT(OUTPUT) and 1 ENUM_FMT(CAPTURE) after OPEN, one command in flight at a time.
    BOOST_TEST(p.driver.commands_answered() == 1u + 6u + 1u);
  });
}

// §Close device: no response; the chain comes back with nothing written.
BOOST_AUTO_TEST_CASE(close_has_no_response) {
  with_device([](MediaPlatform& p) {
    const uint32_t s = open(p.driver);
    const auto r = p.driver.command("CLOSE", s, {encode(CmdClose{s})}, {});
    BOOST_TEST(r.status == 0u);
    BOOST_TEST(r.payload.empty());
    BOOST_TEST(p.device.open_sessions() == 0u);
  });
}
