// codec::scan_disagreement: silent on streams the header scan reproduces (the
// fixtures, on every backend that decodes them), and on a damaged copy it
// names a unit no earlier than the damaged one, quoting both reports.
#define BOOST_TEST_MODULE scan_verification
#include <boost/test/unit_test.hpp>

#include "codec/scan_verification.h"
#include "decode_support.h"

using namespace vvsim::codec;
using namespace vvsim::codec::test;

namespace {

ParsedStream fixture_stream(const std::string& name) {
  ParsedStream stream = read_bitstream_file(fixture(name));
  BOOST_REQUIRE_MESSAGE(stream.status.ok(), stream.status.error_message());
  return stream;
}

// The unit index a disagreement names ("unit N: ..."), or -1.
long named_unit(const std::string& disagreement) {
  if (disagreement.rfind("unit ", 0) != 0) return -1;
  return std::stol(disagreement.substr(5));
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_fixtures_agree_on_every_backend) {
  for (const char* name : {"vp8_176x144.ivf", "vp8_drc.ivf", "vp9_176x144.ivf", "vp9_drc.ivf", "h264_x264_baseline.h264"}) {
    const ParsedStream stream = fixture_stream(name);
    for (const auto backend : decoder_backends(stream.codec)) {
      UnitsInMemory units(stream.units);
      BOOST_TEST_CONTEXT(name << " on " << backend_name(backend)) {
        BOOST_CHECK_EQUAL(scan_disagreement(stream.codec, units, backend), "");
      }
    }
  }
}

// A VP8 frame whose partition data is overwritten after its headers: libvpx
// reports it corrupt, a header scan cannot.
BOOST_AUTO_TEST_CASE(a_damaged_frame_is_named) {
  ParsedStream stream = fixture_stream("vp8_176x144.ivf");
  constexpr size_t kDamaged = 7, kHeaderBytes = 10;
  auto& data = stream.units.at(kDamaged).data;
  BOOST_REQUIRE_GT(data.size(), 2 * kHeaderBytes);
  for (size_t i = kHeaderBytes; i < data.size(); ++i) data[i] = uint8_t(0xFF - i);
  UnitsInMemory units(stream.units);
  const std::string disagreement = scan_disagreement(CodecId::VP8, units, DecoderBackend::Libvpx);
  BOOST_TEST_MESSAGE(disagreement);
  BOOST_CHECK_GE(named_unit(disagreement), long(kDamaged));
  BOOST_CHECK(disagreement.find("the header scan reports \"ok") != std::string::npos);
  BOOST_CHECK(disagreement.find("where the real decoder (libvpx) reports \"") != std::string::npos);
}
