// Decoding ahead on host threads: several streams decoded through
// DecodeAhead on 1, 2 and 4 host threads, all units queued before any is
// taken, must give the reference decoders' output (fixtures/reference.md5:
// vpxdec / ffmpeg), every work figure of a plain decoder, the same results
// after a reset mid-stream, the decoder's exception at its own unit, and
// VP9 pictures that hold their frame buffers (no copy) as long as they live.
#define BOOST_TEST_MODULE decode_ahead
#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "codec/decode_ahead.h"
#include "decode_support.h"

using namespace vvsim::codec;
using namespace vvsim::codec::test;

namespace {

const char* const kStreams[] = {"vp8_drc.ivf", "vp9_drc.ivf", "h264_drc.h264", "vp9_176x144.ivf"};

struct Fed {
  std::string name;
  ParsedStream stream;
  std::unique_ptr<DecodeAhead> ahead;
  std::vector<uint64_t> tickets;  // every unit's, then the flush's
  DecodedStream out;
};

// Every stream's units and flush queued first (workers race ahead as far as
// the bound lets them), then taken round robin, one result per stream in turn.
std::vector<Fed> decode_all(DecodeWorkers& workers) {
  std::vector<Fed> fed;
  for (const char* name : kStreams) {
    Fed f;
    f.name = name;
    f.stream = read_bitstream_file(fixture(name));
    BOOST_REQUIRE_MESSAGE(f.stream.status.ok(), f.stream.status.error_message());
    f.ahead = std::make_unique<DecodeAhead>(make_decoder(f.stream.codec), workers);
    for (const auto& u : f.stream.units) f.tickets.push_back(f.ahead->submit_decode(u.data, u.timestamp));
    f.tickets.push_back(f.ahead->submit_flush());
    fed.push_back(std::move(f));
  }
  for (size_t i = 0, left = fed.size(); left > 0; ++i) {
    left = 0;
    for (auto& f : fed) {
      if (i < f.tickets.size()) absorb(f.ahead->take(f.tickets[i]), f.out);
      left += i + 1 < f.tickets.size();
    }
  }
  return fed;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_thread_count_gives_the_reference_output_and_the_plain_decoders_work_figures) {
  const auto refs = load_references();
  for (unsigned threads : {1u, 2u, 4u}) {
    DecodeWorkers workers(threads);
    BOOST_CHECK_EQUAL(workers.worker_threads(), threads - 1);
    for (const auto& f : decode_all(workers)) {
      BOOST_TEST_CONTEXT(f.name << " on " << threads << " host threads") {
        const auto ref = refs.find(f.name);
        BOOST_REQUIRE(ref != refs.end());
        BOOST_CHECK_EQUAL(md5_hex(f.out.i420), ref->second.md5);
        auto plain = make_decoder(f.stream.codec);
        const DecodedStream expected = decode_units(*plain, f.stream.units);
        BOOST_REQUIRE_EQUAL(f.out.results.size(), expected.results.size());
        for (size_t i = 0; i < expected.results.size(); ++i) {
          BOOST_CHECK(f.out.results[i].status == expected.results[i].status);
          BOOST_CHECK_EQUAL(f.out.results[i].work.macroblocks, expected.results[i].work.macroblocks);
          BOOST_CHECK_EQUAL(f.out.results[i].work.bitstream_bytes, expected.results[i].work.bitstream_bytes);
          BOOST_CHECK_EQUAL(f.out.results[i].new_format.has_value(), expected.results[i].new_format.has_value());
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_reset_drops_the_decoded_ahead_units_and_starts_at_a_key_frame) {
  const ParsedStream stream = read_bitstream_file(fixture("vp9_176x144.ivf"));
  BOOST_REQUIRE(stream.units.size() > 10);
  // The plain decoder: units 0-4, a reset, then every unit again.
  auto plain = make_decoder(stream.codec);
  for (size_t i = 0; i < 5; ++i) plain->decode(stream.units[i].data.data(), stream.units[i].data.size(), 0);
  plain->reset();
  const DecodedStream expected = decode_units(*plain, stream.units);

  DecodeWorkers workers(2);
  DecodeAhead ahead(make_decoder(stream.codec), workers);
  std::vector<uint64_t> tickets;
  for (const auto& u : stream.units) tickets.push_back(ahead.submit_decode(u.data, u.timestamp));
  for (size_t i = 0; i < 5; ++i) ahead.take(tickets[i]);
  ahead.reset();  // units 5.. were queued, some decoded ahead: all forgotten
  BOOST_CHECK_THROW(ahead.take(tickets[5]), std::logic_error);
  tickets.clear();
  for (const auto& u : stream.units) tickets.push_back(ahead.submit_decode(u.data, u.timestamp));
  tickets.push_back(ahead.submit_flush());
  DecodedStream out;
  for (uint64_t t : tickets) absorb(ahead.take(t), out);
  BOOST_CHECK_EQUAL(md5_hex(out.i420), md5_hex(expected.i420));
  BOOST_CHECK_EQUAL(out.pictures.size(), stream.units.size());
}

namespace {
// Fails on its third call.
class FailingDecoder : public Decoder {
 public:
  CodecId codec() const override { return CodecId::VP8; }
  DecodeResult decode(const uint8_t*, size_t, uint64_t timestamp) override {
    if (++calls_ == 3) throw std::runtime_error("decoder failed");
    DecodeResult r;
    r.work.bitstream_bytes = static_cast<uint32_t>(timestamp);
    return r;
  }
  DecodeResult flush() override { return {}; }
  void reset() override {}

 private:
  int calls_ = 0;
};
}  // namespace

BOOST_AUTO_TEST_CASE(a_decoder_exception_arrives_with_its_own_unit) {
  DecodeWorkers workers(2);
  DecodeAhead ahead(std::make_unique<FailingDecoder>(), workers);
  std::vector<uint64_t> tickets;
  for (uint64_t ts = 1; ts <= 4; ++ts) tickets.push_back(ahead.submit_decode({0}, ts));
  BOOST_CHECK_EQUAL(ahead.take(tickets[0]).work.bitstream_bytes, 1u);
  BOOST_CHECK_EQUAL(ahead.take(tickets[1]).work.bitstream_bytes, 2u);
  BOOST_CHECK_THROW(ahead.take(tickets[2]), std::runtime_error);
  BOOST_CHECK_EQUAL(ahead.take(tickets[3]).work.bitstream_bytes, 4u);
}

// VP9's pictures hold their libvpx frame buffers (no copy when decoded ahead):
// every picture of a stream kept lent past the decoder's later calls, a reset
// and the decoder's end must still be the reference decoder's output. VP8's
// buffers cannot be lent for longer: its pictures are copied when decoded ahead.
BOOST_AUTO_TEST_CASE(vp9_pictures_keep_their_frame_buffers_past_later_calls_a_reset_and_the_decoder) {
  const auto refs = load_references();
  for (const char* name : {"vp9_drc.ivf", "vp9_176x144.ivf"}) {
    BOOST_TEST_CONTEXT(name) {
      const ParsedStream stream = read_bitstream_file(fixture(name));
      auto decoder = make_decoder(stream.codec);
      std::vector<Picture> kept;
      for (const auto& u : stream.units) {
        for (auto& p : decoder->decode(u.data.data(), u.data.size(), u.timestamp).pictures) {
          BOOST_CHECK(p.lent && p.lent->held);
          kept.push_back(std::move(p));
        }
      }
      decoder->reset();
      for (size_t i = 0; i < 5 && i < stream.units.size(); ++i)  // buffers no picture holds are reused
        decoder->decode(stream.units[i].data.data(), stream.units[i].data.size(), 0);
      decoder.reset();
      std::vector<uint8_t> i420;
      for (const auto& p : kept) append_i420(owned_picture(p), i420);
      BOOST_CHECK_EQUAL(md5_hex(i420), refs.at(name).md5);
    }
  }
  const ParsedStream vp8 = read_bitstream_file(fixture("vp8_176x144.ivf"));
  auto decoder = make_decoder(vp8.codec);
  const auto result = decoder->decode(vp8.units[0].data.data(), vp8.units[0].data.size(), 0);
  BOOST_REQUIRE_EQUAL(result.pictures.size(), 1u);
  BOOST_CHECK(result.pictures[0].lent && !result.pictures[0].lent->held);
}

BOOST_AUTO_TEST_CASE(decoded_ahead_vp9_pictures_come_lent_and_vp8_pictures_owned) {
  DecodeWorkers workers(2);
  for (const char* name : {"vp9_176x144.ivf", "vp8_176x144.ivf"}) {
    const ParsedStream stream = read_bitstream_file(fixture(name));
    DecodeAhead ahead(make_decoder(stream.codec), workers);
    std::vector<uint64_t> tickets;
    for (const auto& u : stream.units) tickets.push_back(ahead.submit_decode(u.data, u.timestamp));
    const bool vp9 = stream.codec == CodecId::VP9;
    for (uint64_t t : tickets) {
      for (const auto& p : ahead.take(t).pictures) BOOST_CHECK_EQUAL(p.lent.has_value(), vp9);
    }
  }
}
