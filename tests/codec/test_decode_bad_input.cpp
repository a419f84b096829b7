// Bad input to the readers and decoders: each case is an error result with a
// message, nothing is read past a buffer, and the decoder stays usable.
#define BOOST_TEST_MODULE decode_bad_input
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <memory>

#include "codec/scan_decoder.h"
#include "codec/unit_header.h"
#include "decode_support.h"

using namespace vvsim::codec;
using namespace vvsim::codec::test;

namespace {

std::vector<uint8_t> fixture_bytes(const std::string& name) { return read_file(fixture(name)); }

void put_le32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (8 * i));
}

}  // namespace

BOOST_AUTO_TEST_CASE(truncated_and_garbage_units_are_corrupt) {
  const ParsedStream s = read_bitstream_file(fixture("vp9_176x144.ivf"));
  for (CodecId codec : {CodecId::VP8, CodecId::VP9}) {
    auto d = make_decoder(codec);
    const std::vector<uint8_t> garbage(64, 0xA5);
    // Before any key frame, a unit that does not parse as one is skipped, not decoded.
    const auto first = d->decode(garbage.data(), garbage.size(), 0);
    BOOST_CHECK(first.pictures.empty());
    BOOST_CHECK(!first.message.empty());
  }
  auto d = make_decoder(CodecId::VP9);
  {  // while decoding, garbage is corrupt
    const auto& key0 = s.units[0].data;
    BOOST_REQUIRE(d->decode(key0.data(), key0.size(), 0).status == UnitStatus::Ok);
    const std::vector<uint8_t> garbage(64, 0xA5);
    const auto g = d->decode(garbage.data(), garbage.size(), 1);
    BOOST_CHECK(g.status == UnitStatus::Corrupt);
    BOOST_CHECK(!g.message.empty());
  }
  const auto& key = s.units[0].data;
  const auto t = d->decode(key.data(), 12, 0);  // a key frame cut after its header
  BOOST_CHECK(t.status == UnitStatus::Corrupt);
  BOOST_CHECK(t.pictures.empty());
  // Still usable: the whole key frame decodes.
  const auto ok = d->decode(key.data(), key.size(), 1);
  BOOST_CHECK(ok.status == UnitStatus::Ok);
  BOOST_CHECK_EQUAL(ok.pictures.size(), 1u);
}

BOOST_AUTO_TEST_CASE(empty_and_oversized_units_are_refused_before_decoding) {
  for (CodecId codec : {CodecId::VP8, CodecId::VP9, CodecId::H264}) {
    auto d = make_decoder(codec);
    const uint8_t byte = 0;
    BOOST_CHECK(d->decode(&byte, 0, 0).status == UnitStatus::Corrupt);
    // The size check comes first: the pointer is never read for an oversized unit.
    const auto r = d->decode(&byte, kMaxUnitBytes + 1, 0);
    BOOST_CHECK(r.status == UnitStatus::Corrupt);
    BOOST_CHECK_NE(r.message.find("bytes"), std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(corrupt_unit_mid_stream_recovers_at_next_key_frame) {
  const ParsedStream s = read_bitstream_file(fixture("vp8_176x144.ivf"));
  auto clean = make_decoder(CodecId::VP8);
  const DecodedStream reference = decode_units(*clean, s.units);
  auto units = s.units;
  for (size_t i = 4; i < units[5].data.size(); i += 3) units[5].data[i] ^= 0x5A;  // damage frame 5's payload
  auto d = make_decoder(CodecId::VP8);
  const DecodedStream out = decode_units(*d, units);
  // Frames 0-4 are clean; 5 is reported (corrupt, or decoded with the ERR flag);
  // 6-9 depend on it; from the key frame at 10 on the output is bit-exact again.
  for (size_t i = 0; i < 5; ++i) BOOST_CHECK(out.pictures[i].y == reference.pictures[i].y);
  const bool reported = out.results[5].status == UnitStatus::Corrupt ||
                        (!out.results[5].pictures.empty() || std::any_of(out.pictures.begin(), out.pictures.end(),
                                                                         [](const Picture& p) { return p.corrupt; }));
  BOOST_CHECK(reported);
  BOOST_REQUIRE_GE(out.pictures.size(), 10u);
  const size_t tail = out.pictures.size() - 10;
  for (size_t k = 0; k < 10; ++k) BOOST_CHECK(out.pictures[tail + k].y == reference.pictures[10 + k].y);
  BOOST_CHECK_EQUAL(out.pictures.back().timestamp, reference.pictures.back().timestamp);
}

BOOST_AUTO_TEST_CASE(inter_frames_before_a_key_frame_are_skipped_after_reset) {
  const ParsedStream s = read_bitstream_file(fixture("vp9_176x144.ivf"));
  auto d = make_decoder(CodecId::VP9);
  d->decode(s.units[0].data.data(), s.units[0].data.size(), 0);
  d->reset();  // a seek: the next decodable unit is a key frame
  for (size_t i = 3; i < 10; ++i) {
    const auto r = d->decode(s.units[i].data.data(), s.units[i].data.size(), i);
    BOOST_CHECK(r.status == UnitStatus::Ok);
    BOOST_CHECK(r.pictures.empty());
    BOOST_CHECK_NE(r.message.find("waiting for a key frame"), std::string::npos);
  }
  const auto k = d->decode(s.units[10].data.data(), s.units[10].data.size(), 10);
  BOOST_CHECK_EQUAL(k.pictures.size(), 1u);
  BOOST_REQUIRE(k.new_format);  // reset forgot the format: it is announced again
}

BOOST_AUTO_TEST_CASE(ivf_header_that_lies) {
  auto good = fixture_bytes("vp8_176x144.ivf");
  {  // first frame claims more bytes than the file has
    auto b = good;
    put_le32(b, 32, uint32_t(b.size()));
    const auto s = parse_ivf(b.data(), b.size());
    BOOST_CHECK(s.units.empty());
    BOOST_CHECK_NE(s.status.error_message().find("offset 32"), std::string::npos);
    BOOST_CHECK_NE(s.status.error_message().find("past the end"), std::string::npos);
  }
  {  // a frame size above any plausible unit
    auto b = good;
    put_le32(b, 32, 0x7fffffff);
    const auto s = parse_ivf(b.data(), b.size());
    BOOST_CHECK_NE(s.status.error_message().find("out of range"), std::string::npos);
  }
  {  // truncated in a later frame header: earlier frames stay readable
    auto b = good;
    b.resize(b.size() - (b.size() - 32) / 2);
    const auto s = parse_ivf(b.data(), b.size());
    BOOST_CHECK(!s.status.ok());
    BOOST_CHECK_GT(s.units.size(), 3u);
  }
  {  // wrong magic, header size, fourcc
    auto b = good;
    b[0] = 'X';
    BOOST_CHECK_NE(parse_ivf(b.data(), b.size()).status.error_message().find("DKIF"), std::string::npos);
    b = good;
    b[6] = 64;
    BOOST_CHECK_NE(parse_ivf(b.data(), b.size()).status.error_message().find("header size"), std::string::npos);
    b = good;
    b[8] = 'H', b[9] = '2', b[10] = '6', b[11] = '4';
    BOOST_CHECK_NE(parse_ivf(b.data(), b.size()).status.error_message().find("fourcc"), std::string::npos);
  }
  BOOST_CHECK(!parse_ivf(good.data(), 20).status.ok());  // shorter than a header
}

BOOST_AUTO_TEST_CASE(h264_without_start_code) {
  const std::vector<uint8_t> raw = {0x67, 0x42, 0xc0, 0x1e, 0x00, 0x00, 0x01, 0x68};
  const auto s = parse_annexb(raw.data(), raw.size());
  BOOST_CHECK(s.units.empty());
  BOOST_CHECK_NE(s.status.error_message().find("must begin with a start code"), std::string::npos);
  const std::vector<uint8_t> none = {1, 2, 3, 4, 5};
  BOOST_CHECK_NE(parse_annexb(none.data(), none.size()).status.error_message().find("must begin with"), std::string::npos);
  // The decoder also refuses a unit whose NAL header has the forbidden bit set.
  auto d = make_decoder(CodecId::H264);
  const std::vector<uint8_t> bad = {0, 0, 0, 1, 0x80};
  BOOST_CHECK(d->decode(bad.data(), bad.size(), 0).status == UnitStatus::Corrupt);
}

BOOST_AUTO_TEST_CASE(h264_stream_cut_mid_frame) {
  auto b = fixture_bytes("h264_x264_baseline.h264");
  b.resize(b.size() - 20);  // the last slice loses its tail
  const auto s = parse_annexb(b.data(), b.size());
  BOOST_REQUIRE(s.status.ok());
  auto d = make_decoder(CodecId::H264);
  const DecodedStream out = decode_units(*d, s.units);
  // Every complete frame comes out; the cut one is reported, not silently dropped.
  BOOST_CHECK_GE(out.pictures.size(), 19u);
  const bool last_reported = out.pictures.size() == 20 || out.results.back().status == UnitStatus::Corrupt;
  BOOST_CHECK(last_reported);
}

BOOST_AUTO_TEST_CASE(annexb_access_unit_boundaries) {
  const auto b = fixture_bytes("h264_x264_high_bframes.h264");
  const auto s = parse_annexb(b.data(), b.size(), 1000);
  BOOST_REQUIRE(s.status.ok());
  size_t frames = 0;
  for (const auto& u : s.units) frames += u.ends_frame;
  BOOST_CHECK_EQUAL(frames, 20u);
  BOOST_CHECK_EQUAL(s.units.back().timestamp, 19000u);
  for (const auto& u : s.units) BOOST_CHECK_EQUAL(start_code_length(u.data.data(), u.data.size()) > 0, true);
}

// One access unit per unit: a unit that is not start-code delimited is corrupt
// with a message naming the place, on every H.264/HEVC backend and the scan,
// and the decoder goes on with the next access unit (the fixture's first one,
// SPS, PPS, SEI and IDR slice, gives its picture at once: no reordering).
BOOST_AUTO_TEST_CASE(access_unit_units_without_start_code_are_corrupt) {
  const ParsedStream s = read_bitstream_file(fixture("h264_x264_baseline.h264"));
  AccessUnitSource units(CodecId::H264, std::make_shared<UnitsInMemory>(s.units));
  BOOST_REQUIRE_EQUAL(units.size(), 20u);
  std::vector<std::unique_ptr<Decoder>> decoders;
  for (const auto backend : decoder_backends(CodecId::H264)) decoders.push_back(make_decoder(CodecId::H264, backend));
  decoders.push_back(make_scan_decoder(CodecId::H264));
  decoders.push_back(make_decoder(CodecId::HEVC));
  decoders.push_back(make_scan_decoder(CodecId::HEVC));
  const std::vector<uint8_t> garbage = {0x67, 0x42, 0xc0, 0x1e};
  for (auto& d : decoders) {
    d->take_input_units(InputUnit::AccessUnit);
    const auto bad = d->decode(garbage.data(), garbage.size(), 0);
    BOOST_CHECK(bad.status == UnitStatus::Corrupt);
    BOOST_CHECK_NE(bad.message.find("access unit: offset 0: byte 0x67 before the first start code"), std::string::npos);
    BOOST_CHECK_EQUAL(d->decode(nullptr, 0, 0).message, "access unit: offset 0: no start code found");
    if (d->codec() != CodecId::H264) continue;
    const auto& first = units.unit(0);
    const auto picture = d->decode(first.data.data(), first.data.size(), first.timestamp);
    BOOST_CHECK(picture.status == UnitStatus::Ok);
    BOOST_CHECK_EQUAL(picture.pictures.size(), 1u);
  }
}
