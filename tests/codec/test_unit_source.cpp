// Units read on demand: an indexed IVF file gives the same units as reading
// the whole file, errors name the same offsets, and Annex B comes whole.
#define BOOST_TEST_MODULE unit_source
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "codec/bitstream_reader.h"
#include "decode_support.h"

using namespace vvsim::codec;
using namespace vvsim::codec::test;

namespace {

void check_same_units(const std::string& name) {
  const ParsedStream whole = read_bitstream_file(fixture(name));
  OpenedStream opened = open_bitstream_file(fixture(name));
  BOOST_REQUIRE_MESSAGE(opened.status.ok(), opened.status.error_message());
  BOOST_CHECK(opened.codec == whole.codec);
  BOOST_CHECK_EQUAL(opened.width, whole.width);
  BOOST_REQUIRE_EQUAL(opened.units->size(), whole.units.size());
  // Out of order too: a seek reads an earlier unit again.
  for (size_t k = 0; k < whole.units.size(); ++k) {
    const size_t i = (k * 7) % whole.units.size();
    const BitstreamUnit& u = opened.units->unit(i);
    BOOST_CHECK(u.data == whole.units[i].data);
    BOOST_CHECK_EQUAL(u.timestamp, whole.units[i].timestamp);
    BOOST_CHECK_EQUAL(u.ends_frame, whole.units[i].ends_frame);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(indexed_vp8_ivf_matches_the_whole_file) { check_same_units("vp8_drc.ivf"); }
BOOST_AUTO_TEST_CASE(indexed_vp9_ivf_matches_the_whole_file) { check_same_units("vp9_drc.ivf"); }
BOOST_AUTO_TEST_CASE(annexb_source_matches_the_whole_file) { check_same_units("h264_drc.h264"); }

BOOST_AUTO_TEST_CASE(truncated_ivf_is_refused_with_the_same_offset) {
  const auto bytes = read_file(fixture("vp8_176x144.ivf"));
  const std::string cut = temp_path("cut.ivf");
  std::ofstream(cut, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size() - 5));
  const ParsedStream whole = read_bitstream_file(cut);
  const OpenedStream opened = open_bitstream_file(cut);
  BOOST_CHECK(!whole.status.ok());
  BOOST_CHECK_EQUAL(opened.status.error_message(), whole.status.error_message());
  BOOST_CHECK(!opened.units);
}
