// Command digests (the names and results of commands in traces) read from
// byte layouts written by hand from the v6 struct listings.
#define BOOST_TEST_MODULE command_digest
#include <boost/test/unit_test.hpp>

#include "models/protocols/v6/command_digest.h"

using namespace vvsim::virtio_video;

namespace {

std::vector<uint8_t> le32s(std::initializer_list<uint32_t> words) {
  std::vector<uint8_t> b;
  for (uint32_t w : words)
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(w >> (8 * i)));
  return b;
}

}  // namespace

BOOST_AUTO_TEST_CASE(resource_queue_names_its_queue_and_resource) {
  // struct virtio_video_resource_queue: cmd_type, stream_id, queue_type, resource_id, ...
  auto bytes = le32s({0x401, 7, 1, 3, 0});
  const auto d = digest_command(bytes);
  BOOST_TEST(d.raw_type == 0x401u);
  BOOST_TEST(*d.stream_id == 7u);
  BOOST_TEST(*d.queue_type == 1u);
  BOOST_TEST(*d.resource_id == 3u);
  BOOST_TEST(!d.param_type);
  BOOST_TEST(command_label(d) == "RESOURCE_QUEUE OUTPUT #3");
}

BOOST_AUTO_TEST_CASE(attach_backing_and_parameters) {
  BOOST_TEST(command_label(digest_command(le32s({0x400, 1, 0, 5, 1}))) == "RESOURCE_ATTACH_BACKING INPUT #5");
  // struct virtio_video_stream_get_param: cmd_type, stream_id, param_type, padding.
  const auto get = digest_command(le32s({0x205, 2, 0x102, 0}));
  BOOST_TEST(*get.param_type == 0x102u);
  BOOST_TEST(command_label(get) == "STREAM_GET_PARAM 0x102");
}

BOOST_AUTO_TEST_CASE(commands_without_a_stream_and_unknown_ones) {
  const auto caps = digest_command(le32s({0x100, 99}));  // QUERY_CAPS has no stream_id
  BOOST_TEST(!caps.stream_id);
  BOOST_TEST(command_label(caps) == "DEVICE_QUERY_CAPS");
  BOOST_TEST(!digest_command(le32s({0x200, 1})).stream_id);  // STREAM_CREATE: the device picks the ID
  BOOST_TEST(*digest_command(le32s({0x203, 4})).stream_id == 4u);
  const auto unknown = digest_command(le32s({0xffff, 1, 2, 3}));
  BOOST_TEST(!unknown.stream_id);
  BOOST_TEST(command_label(unknown) == "command 0xffff");
}

BOOST_AUTO_TEST_CASE(short_commands_leave_fields_empty) {
  BOOST_TEST(digest_command(ByteSpan()).raw_type == 0u);
  auto bytes = le32s({0x401, 7, 1});
  bytes.push_back(0x03);  // resource_id cut after one byte
  const auto d = digest_command(bytes);
  BOOST_TEST(*d.queue_type == 1u);
  BOOST_TEST(!d.resource_id);
  BOOST_TEST(command_label(d) == "RESOURCE_QUEUE OUTPUT");
}

BOOST_AUTO_TEST_CASE(results_by_name) {
  CommandDigest d;
  BOOST_TEST(result_label(d) == "no response");
  d.result = response_result(le32s({0x105}));
  BOOST_TEST(result_label(d) == "ERR_CANCELED");
  d.result = response_result(le32s({0x0, 1}));
  BOOST_TEST(result_label(d) == "OK");
  d.result = response_result(le32s({0x999}));
  BOOST_TEST(result_label(d) == "result 0x999");
  BOOST_TEST(!response_result(std::vector<uint8_t>{1, 0}));  // shorter than a result
}
