// A picture made of several v6 input units (one NAL unit each) takes the
// timestamp of its first slice: the review thread's reading (docs/spec-notes.md,
// "Timestamps of multi-unit frames"). Every NAL unit of the x264 Baseline
// fixture gets a timestamp of its own; the expected picture timestamps are
// found in the test from the NAL unit types (H.264 Table 7-1: 1 and 5 are
// slices), independently of the codec layer's access-unit grouping.
#define BOOST_TEST_MODULE access_unit_timestamp
#include <boost/test/unit_test.hpp>

#include <memory>
#include <vector>

#include "codec/scan_decoder.h"
#include "decode_support.h"

using namespace vvsim::codec;

namespace {

uint8_t nal_type(const BitstreamUnit& u) {
  size_t i = 0;
  while (i < u.data.size() && u.data[i] == 0) ++i;  // start code: zeros, then 1
  BOOST_REQUIRE(i + 1 < u.data.size() && u.data[i] == 1);
  return u.data[i + 1] & 0x1f;
}

bool is_slice(uint8_t type) { return type == 1 || type == 5; }

struct Restamped {
  std::vector<BitstreamUnit> units;
  std::vector<uint64_t> expected;  // per access unit with a slice: its first slice's timestamp
  size_t non_vcl_before_first_slice = 0;
};

// Unit i gets 100 + i; an access unit ends at ends_frame (the reader's grouping
// is only used to know where frames end, which Baseline output order follows).
Restamped restamp(std::vector<BitstreamUnit> units) {
  Restamped r;
  bool slice_seen = false, any_slice = false;
  for (size_t i = 0; i < units.size(); ++i) {
    units[i].timestamp = 100 + i;
    const bool slice = is_slice(nal_type(units[i]));
    if (slice && !slice_seen) r.expected.push_back(units[i].timestamp);
    if (!slice && !any_slice) ++r.non_vcl_before_first_slice;
    slice_seen = slice_seen || slice;
    any_slice = any_slice || slice;
    if (units[i].ends_frame) slice_seen = false;
  }
  r.units = std::move(units);
  return r;
}

void check_timestamps(Decoder& decoder) {
  const auto parsed = read_bitstream_file(test::fixture("h264_x264_baseline.h264"));
  BOOST_REQUIRE(parsed.status.ok());
  const Restamped r = restamp(parsed.units);
  // The feature the test is named for: SPS, PPS and SEI ahead of the IDR.
  BOOST_REQUIRE_GE(r.non_vcl_before_first_slice, 3u);
  BOOST_REQUIRE_GT(r.expected.size(), 1u);
  const auto decoded = test::decode_units(decoder, r.units);
  BOOST_REQUIRE_EQUAL(decoded.pictures.size(), r.expected.size());
  for (size_t i = 0; i < r.expected.size(); ++i) BOOST_TEST(decoded.pictures[i].timestamp == r.expected[i]);
}

}  // namespace

BOOST_AUTO_TEST_CASE(libavcodec_gives_a_picture_its_first_slice_timestamp) {
  check_timestamps(*make_decoder(CodecId::H264, DecoderBackend::Libavcodec));
}

BOOST_AUTO_TEST_CASE(openh264_gives_a_picture_its_first_slice_timestamp) {
  check_timestamps(*make_decoder(CodecId::H264, DecoderBackend::Openh264));
}

BOOST_AUTO_TEST_CASE(the_timing_only_scan_gives_a_picture_its_first_slice_timestamp) {
  check_timestamps(*make_scan_decoder(CodecId::H264));
}
