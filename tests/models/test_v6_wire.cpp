// virtio-video v6 wire formats: encoder output against byte layouts written by
// hand from the spec's struct listings, round trips, truncated inputs refused.
#define BOOST_TEST_MODULE v6_wire
#include <boost/test/unit_test.hpp>

#include "models/protocols/v6/wire.h"

using namespace vvsim::virtio_video;

namespace {

// A little-endian field placed at a byte offset of an expected layout.
void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.at(off + i) = static_cast<uint8_t>(v >> (8 * i));
}
void put64(std::vector<uint8_t>& b, size_t off, uint64_t v) {
  for (int i = 0; i < 8; ++i) b.at(off + i) = static_cast<uint8_t>(v >> (8 * i));
}
void put_str(std::vector<uint8_t>& b, size_t off, const char* s) {
  for (int i = 0; s[i]; ++i) b.at(off + i) = static_cast<uint8_t>(s[i]);
}

// Every proper prefix of a valid encoding must be refused with a reason.
template <typename DecodeFn>
void check_every_prefix_refused(const std::vector<uint8_t>& full, DecodeFn decode) {
  for (size_t n = 0; n < full.size(); ++n) {
    auto d = decode(ByteSpan(full.data(), n));
    BOOST_TEST(!d, "prefix of " << n << " bytes accepted");
    BOOST_TEST(d.error().message.find("truncated") != std::string::npos, d.error().message);
  }
}

ParamsImageFormat sample_image_format() {
  ParamsImageFormat f;
  f.fourcc = kFourccNm12;
  f.width = 1920;
  f.height = 1088;
  f.crop = {1, 2, 1918, 1080};
  for (uint32_t i = 0; i < kMaxPlanes; ++i) f.planes[i] = {0x1000u + i, 0x780u + i, 0x10u * i};
  return f;
}

}  // namespace

BOOST_AUTO_TEST_CASE(config_layout) {
  std::vector<uint8_t> want(8, 0);
  put32(want, 0, 0);       // version
  put32(want, 4, 0x1234);  // caps_length
  BOOST_TEST(to_bytes(Config{0, 0x1234}) == want);
  auto d = decode_config(want);
  BOOST_REQUIRE(d);
  BOOST_TEST(d->caps_length == 0x1234u);
  check_every_prefix_refused(want, decode_config);
}

BOOST_AUTO_TEST_CASE(command_codes_and_constants) {
  // Values as listed in the v6 text.
  BOOST_TEST(static_cast<uint32_t>(CmdType::DeviceQueryCaps) == 0x100u);
  BOOST_TEST(static_cast<uint32_t>(CmdType::StreamCreate) == 0x200u);
  BOOST_TEST(static_cast<uint32_t>(CmdType::StreamDestroy) == 0x201u);
  BOOST_TEST(static_cast<uint32_t>(CmdType::StreamDrain) == 0x203u);
  BOOST_TEST(static_cast<uint32_t>(CmdType::StreamStop) == 0x204u);
  BOOST_TEST(static_cast<uint32_t>(CmdType::StreamGetParam) == 0x205u);
  BOOST_TEST(static_cast<uint32_t>(CmdType::StreamSetParam) == 0x206u);
  BOOST_TEST(static_cast<uint32_t>(CmdType::ResourceAttachBacking) == 0x400u);
  BOOST_TEST(static_cast<uint32_t>(CmdType::ResourceQueue) == 0x401u);
  BOOST_TEST(!cmd_type_from_wire(0x202));
  BOOST_TEST(!cmd_type_from_wire(0));
  BOOST_TEST(static_cast<uint32_t>(Result::ErrInvalidCommand) == 0x100u);
  BOOST_TEST(static_cast<uint32_t>(Result::ErrOutOfMemory) == 0x106u);
  BOOST_TEST(static_cast<uint32_t>(ParamType::EncoderBitrate) == 0x203u);
  BOOST_TEST(!param_type_from_wire(0x103));
  BOOST_TEST(kDeviceIdEncoder == 30u);
  BOOST_TEST(kDeviceIdDecoder == 31u);
  BOOST_TEST(kDequeueFlagBFrame == 8u);
  BOOST_TEST(image_format_shape(kFourccNm12)->num_buffers == 2u);
  BOOST_TEST(image_format_shape(kFourccYm12)->num_buffers == 3u);
  BOOST_TEST(image_format_shape(kFourccYu12)->num_buffers == 1u);
  BOOST_TEST(!image_format_shape(kFourccVp9));
  BOOST_TEST(is_bitstream_format(kFourccH264));
}

BOOST_AUTO_TEST_CASE(query_caps_response_layout) {
  QueryCapsResp resp;
  resp.bitstream_formats.push_back({kFourccVp9, 0x3, 4096, 2304});
  resp.image_formats.push_back({kFourccNv12, 0x1, 4096, 2304});
  resp.image_formats.push_back({kFourccYu12, 0x1, 1920, 1080});
  std::vector<uint8_t> want(12 + 3 * 24, 0);
  put32(want, 0, 0);  // result OK
  put32(want, 4, 1);
  put32(want, 8, 2);
  put_str(want, 12, "VP90");
  put64(want, 12 + 8, 0x3);
  put32(want, 12 + 16, 4096);
  put32(want, 12 + 20, 2304);
  put_str(want, 36, "NV12");
  put64(want, 36 + 8, 0x1);
  put32(want, 36 + 16, 4096);
  put32(want, 36 + 20, 2304);
  put_str(want, 60, "YU12");
  put64(want, 60 + 8, 0x1);
  put32(want, 60 + 16, 1920);
  put32(want, 60 + 20, 1080);
  BOOST_TEST(to_bytes(resp) == want);
  BOOST_TEST(want.size() == query_caps_resp_size(1, 2));
  auto d = decode_query_caps_resp(want);
  BOOST_REQUIRE(d);
  BOOST_TEST(d->image_formats.size() == 2u);
  BOOST_TEST(fourcc_string(d->image_formats[1].fourcc) == "YU12");
  BOOST_TEST(d->image_formats[1].max_height == 1080u);
  check_every_prefix_refused(want, decode_query_caps_resp);
  // A count far beyond the bytes present is refused, not allocated.
  auto huge = want;
  put32(huge, 8, 0xffffffffu);
  BOOST_TEST(!decode_query_caps_resp(huge));
}

BOOST_AUTO_TEST_CASE(stream_commands_layout) {
  std::vector<uint8_t> want(8, 0);
  put32(want, 0, 0x203);
  put32(want, 4, 7);
  BOOST_TEST(to_bytes(StreamCmd{CmdType::StreamDrain, 7}) == want);
  auto d = decode_stream_cmd(want);
  BOOST_REQUIRE(d);
  BOOST_TEST((d->cmd == CmdType::StreamDrain));
  BOOST_TEST(d->stream_id == 7u);
  check_every_prefix_refused(want, decode_stream_cmd);
  put32(want, 0, 0x205);  // GET_PARAM is not a bare stream command
  BOOST_TEST(!decode_stream_cmd(want));

  std::vector<uint8_t> create_resp(8, 0);
  put32(create_resp, 0, 0x106);
  put32(create_resp, 4, 3);
  BOOST_TEST(to_bytes(StreamCreateResp{Result::ErrOutOfMemory, 3}) == create_resp);
  check_every_prefix_refused(create_resp, decode_stream_create_resp);
  std::vector<uint8_t> hdr;
  encode_cmd_header(hdr, CmdType::StreamCreate);
  BOOST_TEST(hdr == (std::vector<uint8_t>{0x00, 0x02, 0, 0}));
}

BOOST_AUTO_TEST_CASE(params_resources_layout) {
  // GET_PARAM command.
  std::vector<uint8_t> get(16, 0);
  put32(get, 0, 0x205);
  put32(get, 4, 9);
  put32(get, 8, 0x002);
  BOOST_TEST(to_bytes(GetParamCmd{9, 0x002}) == get);
  auto g = decode_get_param(get);
  BOOST_REQUIRE(g);
  BOOST_TEST(g->param_type == 2u);
  check_every_prefix_refused(get, decode_get_param);

  // Response carrying params_resources: result, then min, max, num, mem_type.
  ParamResp resp{Result::Ok, ParamsResources{2, 32, 8, 0x2}};
  std::vector<uint8_t> want(164, 0);
  put32(want, 4, 2);
  put32(want, 8, 32);
  put32(want, 12, 8);
  want[16] = 0x2;
  BOOST_TEST(to_bytes(resp) == want);
  auto d = decode_param_resp(ParamType::OutputResources, want);
  BOOST_REQUIRE(d);
  const auto& r = std::get<ParamsResources>(d->param);
  BOOST_TEST(r.num_resources == 8u);
  BOOST_TEST(r.mem_type == 2);
  check_every_prefix_refused(want, [](ByteSpan s) { return decode_param_resp(ParamType::OutputResources, s); });
}

BOOST_AUTO_TEST_CASE(params_image_format_layout) {
  const auto f = sample_image_format();
  std::vector<uint8_t> want(160, 0);
  put_str(want, 0, "NM12");
  put32(want, 4, 1920);
  put32(want, 8, 1088);
  // 12: padding
  put32(want, 16, 1);
  put32(want, 20, 2);
  put32(want, 24, 1918);
  put32(want, 28, 1080);
  for (uint32_t i = 0; i < 8; ++i) {
    put32(want, 32 + 16 * i, 0x1000 + i);
    put32(want, 36 + 16 * i, 0x780 + i);
    put32(want, 40 + 16 * i, 0x10 * i);
  }
  BOOST_TEST(to_bytes(f) == want);

  // SET_PARAM: 16-byte header, then the union.
  std::vector<uint8_t> set;
  encode_set_param(set, 5, ParamType::DecoderOutputFormat, f);
  BOOST_REQUIRE(set.size() == 176u);
  std::vector<uint8_t> head(16, 0);
  put32(head, 0, 0x206);
  put32(head, 4, 5);
  put32(head, 8, 0x102);
  BOOST_TEST(std::vector<uint8_t>(set.begin(), set.begin() + 16) == head);
  BOOST_TEST(std::vector<uint8_t>(set.begin() + 16, set.end()) == want);
  auto d = decode_set_param(set);
  BOOST_REQUIRE(d);
  auto p = decode_params_union(ParamType::DecoderOutputFormat, ByteSpan(d->raw_param.data(), d->raw_param.size()));
  BOOST_REQUIRE(p);
  const auto& back = std::get<ParamsImageFormat>(*p);
  BOOST_TEST(back.crop.width == 1918u);
  BOOST_TEST(back.planes[7].offset == 0x70u);
  BOOST_TEST(fourcc_string(back.fourcc) == "NM12");
  check_every_prefix_refused(set, decode_set_param);
}

BOOST_AUTO_TEST_CASE(params_bitstream_and_bitrate_layout) {
  std::vector<uint8_t> bs(8, 0);
  put_str(bs, 0, "H264");
  put32(bs, 4, 0x20000);
  BOOST_TEST(to_bytes(ParamsBitstreamFormat{kFourccH264, 0x20000}) == bs);

  std::vector<uint8_t> br(16, 0);
  put32(br, 0, 1000);
  put32(br, 4, 9000);
  put32(br, 8, 4000);
  BOOST_TEST(to_bytes(ParamsBitrate{1000, 9000, 4000}) == br);

  // In the union, each member is zero-padded to 160 bytes.
  std::vector<uint8_t> u;
  encode_params_union(u, ParamsBitstreamFormat{kFourccH264, 0x20000});
  BOOST_REQUIRE(u.size() == 160u);
  BOOST_TEST(std::vector<uint8_t>(u.begin(), u.begin() + 8) == bs);
  auto d = decode_params_union(ParamType::EncoderBitrate, ByteSpan(br.data(), br.size()));
  BOOST_TEST(!d);  // the union is 160 bytes even for a 16-byte member
  std::vector<uint8_t> ub;
  encode_params_union(ub, ParamsBitrate{1000, 9000, 4000});
  auto db = decode_params_union(ParamType::EncoderBitrate, ub);
  BOOST_REQUIRE(db);
  BOOST_TEST(std::get<ParamsBitrate>(*db).bitrate == 4000u);
}

BOOST_AUTO_TEST_CASE(attach_backing_guest_pages_layout) {
  AttachBackingCmd cmd;
  cmd.header = {4, 1, 6};
  cmd.resources.push_back(std::vector<SgEntry>{{0x100000, 0x2000}, {0x300000, 0x1000}});
  cmd.resources.push_back(std::vector<SgEntry>{{0x400000, 0x800}});
  std::vector<uint8_t> want(16 + 8 + 32 + 8 + 16, 0);
  put32(want, 0, 0x400);
  put32(want, 4, 4);
  put32(want, 8, 1);
  put32(want, 12, 6);
  put32(want, 16, 2);  // sg_list.num_entries, then 4 bytes padding
  put64(want, 24, 0x100000);
  put32(want, 32, 0x2000);
  put64(want, 40, 0x300000);
  put32(want, 48, 0x1000);
  put32(want, 56, 1);
  put64(want, 64, 0x400000);
  put32(want, 72, 0x800);
  BOOST_TEST(to_bytes(cmd) == want);

  auto d = decode_attach_backing(want, MemType::GuestPages, 2);
  BOOST_REQUIRE(d);
  BOOST_TEST(d->header.resource_id == 6u);
  const auto& sg0 = std::get<std::vector<SgEntry>>(d->resources[0]);
  BOOST_TEST(sg0.size() == 2u);
  BOOST_TEST(sg0[1].addr == 0x300000u);
  BOOST_TEST(std::get<std::vector<SgEntry>>(d->resources[1])[0].length == 0x800u);
  check_every_prefix_refused(want, [](ByteSpan s) { return decode_attach_backing(s, MemType::GuestPages, 2); });
  // One backing more than the format's buffer count: refused as a mismatch.
  auto more = decode_attach_backing(want, MemType::GuestPages, 1);
  BOOST_TEST(!more);
  BOOST_TEST(more.error().message.find("follow") != std::string::npos, more.error().message);
  // num_entries far beyond the bytes present.
  auto huge = want;
  put32(huge, 16, 0x10000000);
  BOOST_TEST(!decode_attach_backing(huge, MemType::GuestPages, 2));
  auto h = decode_attach_backing_header(want);
  BOOST_REQUIRE(h);
  BOOST_TEST(h->queue_type == 1u);
}

BOOST_AUTO_TEST_CASE(attach_backing_virtio_object_layout) {
  AttachBackingCmd cmd;
  cmd.header = {1, 0, 2};
  Uuid uuid{};
  for (int i = 0; i < 16; ++i) uuid[i] = static_cast<uint8_t>(0xa0 + i);
  cmd.resources.push_back(uuid);
  std::vector<uint8_t> want(32, 0);
  put32(want, 0, 0x400);
  put32(want, 4, 1);
  put32(want, 8, 0);
  put32(want, 12, 2);
  for (int i = 0; i < 16; ++i) want[16 + i] = static_cast<uint8_t>(0xa0 + i);
  BOOST_TEST(to_bytes(cmd) == want);
  auto d = decode_attach_backing(want, MemType::VirtioObject, 1);
  BOOST_REQUIRE(d);
  BOOST_TEST((std::get<Uuid>(d->resources[0]) == uuid));
  check_every_prefix_refused(want, [](ByteSpan s) { return decode_attach_backing(s, MemType::VirtioObject, 1); });
}

BOOST_AUTO_TEST_CASE(resource_queue_layout) {
  ResourceQueueCmd cmd;
  cmd.stream_id = 3;
  cmd.queue_type = 0;
  cmd.resource_id = 11;
  cmd.flags = kEnqueueFlagForceKeyFrame;
  cmd.timestamp = 0x0102030405060708ull;
  cmd.data_sizes = {100, 200, 0, 0, 0, 0, 0, 0x80000000u};
  std::vector<uint8_t> want(64, 0);
  put32(want, 0, 0x401);
  put32(want, 4, 3);
  put32(want, 8, 0);
  put32(want, 12, 11);
  put32(want, 16, 1);
  // 20: padding
  put64(want, 24, 0x0102030405060708ull);
  put32(want, 32, 100);
  put32(want, 36, 200);
  put32(want, 60, 0x80000000u);
  BOOST_TEST(to_bytes(cmd) == want);
  auto d = decode_resource_queue(want);
  BOOST_REQUIRE(d);
  BOOST_TEST(d->timestamp == 0x0102030405060708ull);
  BOOST_TEST(d->data_sizes[7] == 0x80000000u);
  check_every_prefix_refused(want, decode_resource_queue);

  ResourceQueueResp resp{Result::Ok, kDequeueFlagErr | kDequeueFlagKeyFrame, 42, {1, 2, 3, 4, 5, 6, 7, 8}};
  std::vector<uint8_t> rw(48, 0);
  put32(rw, 4, 3);
  put64(rw, 8, 42);
  for (uint32_t i = 0; i < 8; ++i) put32(rw, 16 + 4 * i, i + 1);
  BOOST_TEST(to_bytes(resp) == rw);
  auto dr = decode_resource_queue_resp(rw);
  BOOST_REQUIRE(dr);
  BOOST_TEST(dr->flags == 3u);
  BOOST_TEST(dr->data_sizes[7] == 8u);
  check_every_prefix_refused(rw, decode_resource_queue_resp);
}

BOOST_AUTO_TEST_CASE(event_layout) {
  std::vector<uint8_t> want(16, 0);
  put32(want, 0, 2);  // DRC
  put32(want, 4, 5);
  put32(want, 8, 1);  // QUEUE_TYPE_OUTPUT
  BOOST_TEST(to_bytes(Event{EventType::Drc, 5, 1}) == want);
  auto d = decode_event(want);
  BOOST_REQUIRE(d);
  BOOST_TEST((d->type == EventType::Drc));
  check_every_prefix_refused(want, decode_event);
  put32(want, 0, 3);
  auto bad = decode_event(want);
  BOOST_TEST(!bad);
  BOOST_TEST(bad.error().message.find("event_type") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(result_only_responses) {
  std::vector<uint8_t> out;
  encode_result(out, Result::ErrCanceled);
  BOOST_TEST(out == (std::vector<uint8_t>{0x05, 0x01, 0, 0}));
  auto d = decode_result(out);
  BOOST_REQUIRE(d);
  BOOST_TEST((*d == Result::ErrCanceled));
  BOOST_TEST(!decode_result(ByteSpan(out.data(), 3)));
  BOOST_TEST(!decode_cmd_type(ByteSpan(out.data(), 2)));
}
