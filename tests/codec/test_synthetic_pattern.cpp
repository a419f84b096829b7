// The synthetic source: deterministic per seed, moving, and encodable in
// segments of different sizes.
#define BOOST_TEST_MODULE synthetic_pattern
#include <boost/test/unit_test.hpp>

#include "codec/image_layout.h"
#include "codec/synthetic.h"

using namespace vvsim::codec;

BOOST_AUTO_TEST_CASE(same_seed_same_pictures) {
  Picture a = TestPattern(96, 64, 42).frame(9), b = TestPattern(96, 64, 42).frame(9);
  BOOST_TEST(check_picture(a).ok());
  BOOST_TEST(a.y == b.y);
  BOOST_TEST(a.u == b.u);
  BOOST_TEST(a.v == b.v);
  BOOST_TEST(a.timestamp == 9u);
}

BOOST_AUTO_TEST_CASE(seeds_and_frames_differ) {
  TestPattern p(96, 64, 42);
  BOOST_TEST(p.frame(0).y != p.frame(1).y);                    // it moves
  BOOST_TEST(p.frame(0).y != TestPattern(96, 64, 43).frame(0).y);  // the seed matters
}

BOOST_AUTO_TEST_CASE(odd_and_tiny_sizes) {
  for (auto [w, h] : {std::pair{1u, 1u}, {3u, 5u}, {17u, 9u}}) {
    Picture p = TestPattern(w, h).frame(100);
    BOOST_TEST(check_picture(p).ok(), w << "x" << h);
  }
}

// Encoding is deterministic end to end: the same config gives the same units.
BOOST_AUTO_TEST_CASE(synthetic_stream_deterministic) {
  SyntheticStream a = encode_with_resolution_change(CodecId::VP8, {64, 48, 4}, {32, 32, 4}, 300'000, 9);
  SyntheticStream b = encode_with_resolution_change(CodecId::VP8, {64, 48, 4}, {32, 32, 4}, 300'000, 9);
  BOOST_REQUIRE(a.status.ok());
  BOOST_REQUIRE_EQUAL(a.units.size(), 8u);
  BOOST_REQUIRE_EQUAL(b.units.size(), 8u);
  for (size_t i = 0; i < a.units.size(); ++i) {
    BOOST_TEST(a.units[i].data == b.units[i].data);
    BOOST_TEST(a.units[i].timestamp == i);
  }
  BOOST_TEST(a.pictures.empty());  // not kept unless asked
}

BOOST_AUTO_TEST_CASE(synthetic_stream_errors) {
  SyntheticStreamConfig c;
  BOOST_TEST(encode_synthetic(c).status.error_message().find("no segments") != std::string::npos);
  c.segments = {{64, 48, 2}, {63, 48, 2}};
  SyntheticStream s = encode_synthetic(c);
  BOOST_TEST(s.status.error_message().find("segment 1") != std::string::npos, s.status.error_message());
  BOOST_TEST(s.units.size() == 2u);  // the first segment's units are kept
}
