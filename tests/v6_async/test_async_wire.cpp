// The v6-async wire: encoder output against byte layouts written by hand from
// the structure listings in docs/spec-notes.md (v6-async), round trips between
// the v6 and the v6-async forms, truncated inputs refused.
#define BOOST_TEST_MODULE async_wire
#include <boost/test/unit_test.hpp>

#include "models/protocols/v6_async/async_wire.h"

using namespace vvsim::virtio_video;

namespace {

// The little-endian bytes of `v` written at `off` of an expected layout.
void put_le(std::vector<uint8_t>& b, size_t off, uint64_t v, int width) {
  for (int i = 0; i < width; ++i) b.at(off + i) = static_cast<uint8_t>(v >> (8 * i));
}

ResourceQueueCmd sample_queue() {
  ResourceQueueCmd q;
  q.stream_id = 7;
  q.queue_type = 1;
  q.resource_id = 3;
  q.flags = kEnqueueFlagForceKeyFrame;
  q.timestamp = 0x1122334455667788ull;
  for (uint32_t i = 0; i < kMaxPlanes; ++i) q.data_sizes[i] = 0x100 + i;
  return q;
}

}  // namespace

BOOST_AUTO_TEST_CASE(resource_queue_carries_the_cookie_after_stream_id) {
  const auto v6 = to_bytes(sample_queue());
  const auto bytes = async_form(ByteSpan(v6), 0xCAFEF00D12345678ull);
  std::vector<uint8_t> want(72, 0);
  put_le(want, 0, 0x401, 4);
  put_le(want, 4, 7, 4);
  put_le(want, 8, 0xCAFEF00D12345678ull, 8);
  put_le(want, 16, 1, 4);   // queue_type
  put_le(want, 20, 3, 4);   // resource_id
  put_le(want, 24, 1, 4);   // flags
  put_le(want, 32, 0x1122334455667788ull, 8);  // timestamp (28..32 padding)
  for (uint32_t i = 0; i < kMaxPlanes; ++i) put_le(want, 40 + 4 * i, 0x100 + i, 4);
  BOOST_TEST(bytes == want);
  BOOST_TEST(bytes.size() == kAsyncResourceQueueSize);
  const auto back = v6_form(ByteSpan(bytes));
  BOOST_REQUIRE(back);
  BOOST_TEST(back->bytes == v6);
  BOOST_TEST(back->cookie.value() == 0xCAFEF00D12345678ull);
}

BOOST_AUTO_TEST_CASE(drain_is_the_async_header_alone) {
  const auto v6 = to_bytes(StreamCmd{CmdType::StreamDrain, 2});
  const auto bytes = async_form(ByteSpan(v6), 9);
  std::vector<uint8_t> want(16, 0);
  put_le(want, 0, 0x203, 4);
  put_le(want, 4, 2, 4);
  put_le(want, 8, 9, 8);
  BOOST_TEST(bytes == want);
  const auto header = decode_async_cmd_header(ByteSpan(bytes));
  BOOST_REQUIRE(header);
  BOOST_TEST(header->cookie == 9u);
  BOOST_TEST(header->stream_id == 2u);
}

BOOST_AUTO_TEST_CASE(other_commands_keep_their_v6_bytes) {
  for (CmdType cmd : {CmdType::StreamDestroy, CmdType::StreamStop}) {
    const auto v6 = to_bytes(StreamCmd{cmd, 4});
    BOOST_TEST(async_form(ByteSpan(v6), 77) == v6);
    const auto back = v6_form(ByteSpan(v6));
    BOOST_REQUIRE(back);
    BOOST_TEST(back->bytes == v6);
    BOOST_TEST(!back->cookie);
  }
  // STREAM_UNBLOCK: v6's stream command layout under the code v6 left unassigned.
  std::vector<uint8_t> unblock(8, 0);
  put_le(unblock, 0, 0x202, 4);
  put_le(unblock, 4, 5, 4);
  BOOST_TEST(to_bytes(UnblockCmd{5}) == unblock);
  BOOST_TEST(decode_unblock(ByteSpan(unblock)).value().stream_id == 5u);
  BOOST_TEST(!decode_unblock(ByteSpan(unblock.data(), 7)));
  BOOST_TEST(!decode_unblock(ByteSpan(to_bytes(StreamCmd{CmdType::StreamStop, 5}))));
  const auto back = v6_form(ByteSpan(unblock));
  BOOST_REQUIRE(back);
  BOOST_TEST(!back->cookie);
  BOOST_TEST(kCmdStreamUnblock == 0x202u);
  BOOST_TEST(!cmd_type_from_wire(kCmdStreamUnblock), "0x202 must stay unassigned in v6 itself");
}

BOOST_AUTO_TEST_CASE(an_async_command_cut_in_its_header_is_refused_by_field) {
  const auto bytes = async_form(ByteSpan(to_bytes(sample_queue())), 1);
  for (size_t n = 4; n < kAsyncCmdHeaderSize; ++n) {
    const auto d = v6_form(ByteSpan(bytes.data(), n));
    BOOST_TEST(!d, n << " bytes accepted");
    if (!d) BOOST_TEST(d.error().message.find("virtio_video_async_cmd_hdr") != std::string::npos, d.error().message);
  }
}

BOOST_AUTO_TEST_CASE(completion_event_layout_and_flags) {
  ResourceQueueResp resp;
  resp.flags = kDequeueFlagErr;
  resp.timestamp = 0x0102030405060708ull;
  for (uint32_t i = 0; i < kMaxPlanes; ++i) resp.data_sizes[i] = 0x2000 + i;
  const auto e = completion_event(CmdType::ResourceQueue, 3, 0xABCDEFull, ByteSpan(to_bytes(resp)));
  std::vector<uint8_t> want(72, 0);
  put_le(want, 0, 3, 4);  // RESOURCE_DONE
  put_le(want, 4, 3, 4);
  put_le(want, 8, 0xABCDEF, 8);
  put_le(want, 16, 0, 4);  // no flags: OK
  put_le(want, 20, 0, 4);  // detail: RESULT_OK
  put_le(want, 24, kDequeueFlagErr, 4);
  put_le(want, 32, 0x0102030405060708ull, 8);
  for (uint32_t i = 0; i < kMaxPlanes; ++i) put_le(want, 40 + 4 * i, 0x2000 + i, 4);
  BOOST_TEST(to_bytes(e) == want);
  const auto back = decode_async_event(ByteSpan(want));
  BOOST_REQUIRE(back);
  BOOST_TEST(v6_response(*back) == to_bytes(resp));

  resp.result = Result::ErrCanceled;
  BOOST_TEST(completion_event(CmdType::ResourceQueue, 3, 1, ByteSpan(to_bytes(resp))).flags == kEventFlagCanceled);
  std::vector<uint8_t> failed;
  encode_result(failed, Result::ErrInvalidOperation);
  const auto drain = completion_event(CmdType::StreamDrain, 3, 2, ByteSpan(failed));
  BOOST_TEST(drain.flags == kEventFlagError);
  BOOST_TEST(drain.detail == 0x101u);
  BOOST_TEST(static_cast<uint32_t>(drain.type) == 4u);
  BOOST_TEST(v6_response(drain) == failed);
}

BOOST_AUTO_TEST_CASE(drc_and_error_events_keep_their_v6_meaning) {
  const AsyncEvent drc = async_form(Event{EventType::Drc, 6, 1});
  BOOST_TEST(drc.flags == kEventFlagBlocked);
  BOOST_TEST(drc.cookie == 0u);
  const auto bytes = to_bytes(drc);
  BOOST_TEST(bytes.size() == kAsyncEventSize);
  BOOST_TEST(bytes[0] == 2);
  BOOST_TEST(bytes[16] == kEventFlagBlocked);
  BOOST_TEST(bytes[20] == 1);  // detail: QUEUE_TYPE_OUTPUT
  const auto back = v6_form(*decode_async_event(ByteSpan(bytes)));
  BOOST_REQUIRE(back);
  BOOST_TEST((back->type == EventType::Drc));
  BOOST_TEST(back->detail == 1u);
  BOOST_TEST(!v6_form(AsyncEvent{AsyncEventType::DrainDone}));
}

BOOST_AUTO_TEST_CASE(short_or_unknown_events_are_refused) {
  const auto bytes = to_bytes(async_form(Event{EventType::Error, 1, 1}));
  for (size_t n = 0; n < bytes.size(); ++n) {
    const auto d = decode_async_event(ByteSpan(bytes.data(), n));
    BOOST_TEST(!d, n << " bytes accepted");
    if (!d) BOOST_TEST(d.error().message.find("truncated") != std::string::npos, d.error().message);
  }
  auto unknown = bytes;
  unknown[0] = 9;
  const auto d = decode_async_event(ByteSpan(unknown));
  BOOST_REQUIRE(!d);
  BOOST_TEST(d.error().message.find("unknown event_type 9") != std::string::npos);
}
