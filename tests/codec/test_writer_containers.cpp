// IVF and Annex B writers: header bytes laid out by hand from the formats,
// the frame count patched at close, files equal to the in-memory bytes.
#define BOOST_TEST_MODULE writer_containers
#include <boost/test/unit_test.hpp>

#include "codec/annexb_writer.h"
#include "codec/ivf_writer.h"
#include "encode_support.h"

using namespace vvsim::codec;

namespace {

EncodedUnit unit(std::vector<uint8_t> data, uint64_t timestamp) {
  EncodedUnit u;
  u.data = std::move(data);
  u.timestamp = timestamp;
  return u;
}

IvfHeader vp8_header() {
  IvfHeader h;
  h.fourcc = "VP80";
  h.width = 320;
  h.height = 240;
  h.timebase_denominator = 30;
  h.timebase_numerator = 1;
  return h;
}

}  // namespace

BOOST_AUTO_TEST_CASE(ivf_bytes_by_hand) {
  std::vector<uint8_t> out;
  {
    IvfWriter w(vector_sink(out), vp8_header());
    BOOST_REQUIRE(w.write_frame(std::vector<uint8_t>{0xAA, 0xBB, 0xCC}.data(), 3, 0x0102030405060708ull));
    BOOST_REQUIRE(w.write_frame(std::vector<uint8_t>{0x11}.data(), 1, 1));
    BOOST_REQUIRE(w.close());
    BOOST_TEST(w.frame_count() == 2u);
  }
  std::vector<uint8_t> expected = {
      'D', 'K', 'I', 'F', 0, 0, 32, 0,  // signature, version 0, header size 32
      'V', 'P', '8', '0',               // fourcc
      0x40, 0x01, 0xF0, 0x00,           // 320 x 240
      30, 0, 0, 0, 1, 0, 0, 0,          // timebase denominator 30, numerator 1
      2, 0, 0, 0, 0, 0, 0, 0,           // frame count (patched), unused
      3, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1, 0xAA, 0xBB, 0xCC,  // frame 0
      1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x11};             // frame 1
  BOOST_TEST(out == expected);
}

BOOST_AUTO_TEST_CASE(ivf_file_equals_vector) {
  std::vector<EncodedUnit> units = {unit({1, 2, 3, 4}, 0), unit({5}, 1), unit({6, 7}, 2)};
  std::vector<uint8_t> in_memory;
  BOOST_REQUIRE(write_ivf(vector_sink(in_memory), vp8_header(), units).ok());
  std::string path = test::scratch_dir("ivf_file_equals_vector") + "/out.ivf";
  BOOST_REQUIRE(write_ivf_file(path, vp8_header(), units).ok());
  BOOST_TEST(test::read_bytes(path) == in_memory);
  BOOST_TEST(in_memory.size() == kIvfFileHeaderSize + 3 * kIvfFrameHeaderSize + 7);
  BOOST_TEST(in_memory[24] == 3);
}

BOOST_AUTO_TEST_CASE(ivf_errors_are_reported) {
  std::vector<uint8_t> out;
  IvfHeader bad = vp8_header();
  bad.fourcc = "VP8";
  IvfWriter w(vector_sink(out), bad);
  BOOST_TEST(w.status().error_message().find("four characters") != std::string::npos);
  BOOST_TEST(!w.write_frame(out.data(), 0, 0));
  const std::string e = write_ivf_file("/nonexistent-dir/x.ivf", vp8_header(), {}).error_message();
  BOOST_TEST(e.find("cannot create") != std::string::npos, e);
  IvfWriter closed(vector_sink(out), vp8_header());
  BOOST_REQUIRE(closed.close());
  uint8_t byte = 0;
  BOOST_TEST(!closed.write_frame(&byte, 1, 0));
  BOOST_TEST(closed.status().error_message().find("after close") != std::string::npos);
}

// NALs without a start code get 00 00 00 01; ones that have one (3 or 4
// bytes) are kept as they are.
BOOST_AUTO_TEST_CASE(annexb_bytes_by_hand) {
  std::vector<uint8_t> out;
  std::vector<EncodedUnit> units = {unit({0x67, 0x42}, 0), unit({0, 0, 0, 1, 0x68, 0xCE}, 0),
                                    unit({0, 0, 1, 0x65, 0x88}, 0)};
  BOOST_REQUIRE(write_annexb(vector_sink(out), units).ok());
  std::vector<uint8_t> expected = {0, 0, 0, 1, 0x67, 0x42, 0, 0, 0, 1, 0x68, 0xCE, 0, 0, 1, 0x65, 0x88};
  BOOST_TEST(out == expected);
  std::string path = test::scratch_dir("annexb_bytes_by_hand") + "/out.h264";
  BOOST_REQUIRE(write_annexb_file(path, units).ok());
  BOOST_TEST(test::read_bytes(path) == expected);
}

BOOST_AUTO_TEST_CASE(annexb_empty_nal_refused) {
  std::vector<uint8_t> out;
  const std::string e = write_annexb(vector_sink(out), {unit({0x09, 0xF0}, 0), unit({0, 0, 0, 1}, 1)}).error_message();
  BOOST_TEST(e.find("NAL 1 is empty") != std::string::npos, e);
}
