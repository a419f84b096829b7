// The decoder's controls: the control payloads against <linux/videodev2.h>
// (sizes, offsets, the bytes of a filled struct), the control ids and profile
// values against <linux/v4l2-controls.h>, and the device's answers through
// real virtqueues: NEXT_CTRL enumeration in id order ending with EINVAL,
// unknown ids EINVAL, each profile menu exactly codec::decoder_caps' list for
// the backend at the header's enum values, G/S/TRY with the control
// framework's errors.
#define BOOST_TEST_MODULE media_controls
#include <boost/test/unit_test.hpp>

#include <linux/v4l2-controls.h>
#include <linux/videodev2.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "codec/decoder_caps.h"
#include "models/protocols/media/media_binding.h"
#include "models/protocols/media/media_controls.h"
#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/v4l2_constants.h"
#include "tests/media/wire_images.h"

using namespace vvsim;
using namespace vvsim::virtio_media;
using v4l2::bytes_of;

namespace {

using test::encoded;
using test::image;

void with_device(const std::function<void(MediaDriver&, uint32_t session)>& body, MediaDeviceProfile device = {}) {
  MediaPlatform platform("platform", models::PlatformProfile{}, device);
  bool ran = false;
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) {
    BOOST_REQUIRE(platform.driver.initialize().ok());
    const auto session = platform.driver.open();
    BOOST_REQUIRE(session);
    body(platform.driver, *session);
    ran = true;
  });
  sc_core::sc_start();
  BOOST_TEST(ran);
}

template <class T>
MediaReply call(MediaDriver& d, uint32_t s, Ioctl code, const T& payload) {
  return d.ioctl(s, uint32_t(code), {bytes_of(payload)}, {uint32_t(T::kSize)});
}

MediaReply query_ext(MediaDriver& d, uint32_t s, uint32_t id) {
  v4l2::QueryExtCtrl q;
  q.id = id;
  return call(d, s, Ioctl::QueryExtCtrl, q);
}

MediaReply query_ctrl(MediaDriver& d, uint32_t s, uint32_t id) {
  v4l2::QueryCtrl q;
  q.id = id;
  return call(d, s, Ioctl::QueryCtrl, q);
}

MediaReply query_menu(MediaDriver& d, uint32_t s, uint32_t id, uint32_t index) {
  return call(d, s, Ioctl::QueryMenu, v4l2::QueryMenu{id, index, {}});
}

// Every profile decoder_caps may name, at its <linux/v4l2-controls.h> value.
const std::map<std::pair<codec::CodecId, std::string>, int> kHeaderValues = {
    {{codec::CodecId::H264, "Baseline"}, V4L2_MPEG_VIDEO_H264_PROFILE_BASELINE},
    {{codec::CodecId::H264, "Constrained Baseline"}, V4L2_MPEG_VIDEO_H264_PROFILE_CONSTRAINED_BASELINE},
    {{codec::CodecId::H264, "Main"}, V4L2_MPEG_VIDEO_H264_PROFILE_MAIN},
    {{codec::CodecId::H264, "High"}, V4L2_MPEG_VIDEO_H264_PROFILE_HIGH},
    {{codec::CodecId::HEVC, "Main"}, V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN},
    {{codec::CodecId::HEVC, "Main Still Picture"}, V4L2_MPEG_VIDEO_HEVC_PROFILE_MAIN_STILL_PICTURE},
    {{codec::CodecId::MPEG2, "Simple"}, V4L2_MPEG_VIDEO_MPEG2_PROFILE_SIMPLE},
    {{codec::CodecId::MPEG2, "Main"}, V4L2_MPEG_VIDEO_MPEG2_PROFILE_MAIN},
    {{codec::CodecId::VP8, "0"}, V4L2_MPEG_VIDEO_VP8_PROFILE_0},
    {{codec::CodecId::VP8, "1"}, V4L2_MPEG_VIDEO_VP8_PROFILE_1},
    {{codec::CodecId::VP8, "2"}, V4L2_MPEG_VIDEO_VP8_PROFILE_2},
    {{codec::CodecId::VP8, "3"}, V4L2_MPEG_VIDEO_VP8_PROFILE_3},
    {{codec::CodecId::VP9, "0"}, V4L2_MPEG_VIDEO_VP9_PROFILE_0},
};

const std::map<codec::CodecId, uint32_t> kProfileCids = {
    {codec::CodecId::H264, V4L2_CID_MPEG_VIDEO_H264_PROFILE}, {codec::CodecId::HEVC, V4L2_CID_MPEG_VIDEO_HEVC_PROFILE},
    {codec::CodecId::VP8, V4L2_CID_MPEG_VIDEO_VP8_PROFILE},   {codec::CodecId::VP9, V4L2_CID_MPEG_VIDEO_VP9_PROFILE},
    {codec::CodecId::MPEG2, V4L2_CID_MPEG_VIDEO_MPEG2_PROFILE},
};

// The menu a client reads: QUERYMENU over [minimum, maximum], by index.
std::map<int, std::string> read_menu(MediaDriver& d, uint32_t s, uint32_t id) {
  const MediaReply r = query_ext(d, s, id);
  BOOST_REQUIRE(r.status == 0u);
  const auto q = v4l2::QueryExtCtrl::decode(r.payload.data());
  BOOST_TEST(q.type == uint32_t(V4L2_CTRL_TYPE_MENU));
  std::map<int, std::string> items;
  for (int64_t i = 0; i <= q.maximum + 1; ++i) {
    const MediaReply m = query_menu(d, s, id, uint32_t(i));
    if (m.status == 0) items[int(i)] = v4l2::QueryMenu::decode(m.payload.data()).name;
    else BOOST_TEST(m.status == uint32_t(EINVAL));
  }
  BOOST_TEST(items.begin()->first == q.minimum);
  BOOST_TEST(items.rbegin()->first == q.maximum);
  BOOST_TEST(items.count(int(q.default_value)) == 1u);
  return items;
}

}  // namespace

BOOST_AUTO_TEST_CASE(control_payloads_lay_out_as_the_header) {
  BOOST_TEST(v4l2::QueryCtrl::kSize == sizeof(v4l2_queryctrl));
  BOOST_TEST(v4l2::QueryExtCtrl::kSize == sizeof(v4l2_query_ext_ctrl));
  BOOST_TEST(v4l2::QueryMenu::kSize == sizeof(v4l2_querymenu));
  BOOST_TEST(offsetof(v4l2_query_ext_ctrl, minimum) == 40u);
  BOOST_TEST(offsetof(v4l2_query_ext_ctrl, flags) == 72u);
  BOOST_TEST(offsetof(v4l2_query_ext_ctrl, nr_of_dims) == 84u);
  BOOST_TEST(offsetof(v4l2_querymenu, reserved) == 40u);

  v4l2_queryctrl qc{};
  qc.id = V4L2_CID_MPEG_VIDEO_H264_PROFILE, qc.type = V4L2_CTRL_TYPE_MENU;
  std::strcpy(reinterpret_cast<char*>(qc.name), "H264 Profile");
  qc.minimum = 1, qc.maximum = 4, qc.step = 1, qc.default_value = 2, qc.flags = V4L2_CTRL_FLAG_READ_ONLY;
  BOOST_TEST(encoded(v4l2::QueryCtrl{qc.id, qc.type, "H264 Profile", 1, 4, 1, 2, qc.flags}) == image(qc));
  BOOST_TEST(v4l2::QueryCtrl::decode(image(qc).data()).name == "H264 Profile");

  v4l2_query_ext_ctrl qe{};
  qe.id = V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, qe.type = V4L2_CTRL_TYPE_INTEGER;
  std::strcpy(qe.name, "Min Number of Capture Buffers");
  qe.minimum = -3, qe.maximum = 32, qe.step = 1, qe.default_value = 1;
  qe.flags = V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_VOLATILE, qe.elem_size = 4, qe.elems = 1, qe.nr_of_dims = 0;
  const v4l2::QueryExtCtrl w{qe.id, qe.type, qe.name, -3, 32, 1, 1, qe.flags, 4, 1, 0};
  BOOST_TEST(encoded(w) == image(qe));
  BOOST_TEST(v4l2::QueryExtCtrl::decode(image(qe).data()).minimum == -3);

  v4l2_querymenu qm{};
  qm.id = V4L2_CID_MPEG_VIDEO_H264_PROFILE, qm.index = 2;
  std::strcpy(reinterpret_cast<char*>(qm.name), "Constrained Baseline");
  BOOST_TEST(encoded(v4l2::QueryMenu{qm.id, 2, "Constrained Baseline"}) == image(qm));
}

BOOST_AUTO_TEST_CASE(control_constants_match_the_headers) {
  BOOST_TEST(v4l2::kCidH264Profile == uint32_t(V4L2_CID_MPEG_VIDEO_H264_PROFILE));
  BOOST_TEST(v4l2::kCidHevcProfile == uint32_t(V4L2_CID_MPEG_VIDEO_HEVC_PROFILE));
  BOOST_TEST(v4l2::kCidVp8Profile == uint32_t(V4L2_CID_MPEG_VIDEO_VP8_PROFILE));
  BOOST_TEST(v4l2::kCidVp9Profile == uint32_t(V4L2_CID_MPEG_VIDEO_VP9_PROFILE));
  BOOST_TEST(v4l2::kCidMpeg2Profile == uint32_t(V4L2_CID_MPEG_VIDEO_MPEG2_PROFILE));
  BOOST_TEST(v4l2::kCtrlTypeInteger == uint32_t(V4L2_CTRL_TYPE_INTEGER));
  BOOST_TEST(v4l2::kCtrlTypeMenu == uint32_t(V4L2_CTRL_TYPE_MENU));
  BOOST_TEST(v4l2::kCtrlFlagReadOnly == uint32_t(V4L2_CTRL_FLAG_READ_ONLY));
  BOOST_TEST(v4l2::kCtrlFlagVolatile == uint32_t(V4L2_CTRL_FLAG_VOLATILE));
  BOOST_TEST(v4l2::kCtrlFlagNextCtrl == uint32_t(V4L2_CTRL_FLAG_NEXT_CTRL));
  BOOST_TEST(v4l2::kCtrlFlagNextCompound == uint32_t(V4L2_CTRL_FLAG_NEXT_COMPOUND));
  BOOST_TEST(v4l2::kMaxFrames == uint32_t(VIDEO_MAX_FRAME));
  for (const auto& [key, value] : kHeaderValues) BOOST_TEST(v4l2_profile_value(key.first, key.second) == value, key.second);
  for (const auto& [codec, cid] : kProfileCids) BOOST_TEST(profile_control_id(codec) == cid);
}

BOOST_AUTO_TEST_CASE(next_ctrl_enumerates_in_id_order_and_ends_with_einval) {
  with_device([](MediaDriver& d, uint32_t s) {
    std::vector<uint32_t> ids;
    uint32_t id = 0;
    for (;;) {
      const MediaReply r = query_ext(d, s, id | V4L2_CTRL_FLAG_NEXT_CTRL);
      if (r.status != 0) {
        BOOST_TEST(r.status == uint32_t(EINVAL));
        break;
      }
      id = v4l2::QueryExtCtrl::decode(r.payload.data()).id;
      ids.push_back(id);
      // QUERYCTRL describes the same control.
      const MediaReply old = query_ctrl(d, s, id);
      BOOST_REQUIRE(old.status == 0u);
      BOOST_TEST(v4l2::QueryCtrl::decode(old.payload.data()).maximum ==
                 v4l2::QueryExtCtrl::decode(r.payload.data()).maximum);
    }
    const std::vector<uint32_t> want = {V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, V4L2_CID_MPEG_VIDEO_MPEG2_PROFILE,
                                        V4L2_CID_MPEG_VIDEO_H264_PROFILE, V4L2_CID_MPEG_VIDEO_VP8_PROFILE,
                                        V4L2_CID_MPEG_VIDEO_VP9_PROFILE, V4L2_CID_MPEG_VIDEO_HEVC_PROFILE};
    BOOST_TEST(ids == want, boost::test_tools::per_element());
    // Only compound controls asked for: vvsim has none.
    BOOST_TEST(query_ext(d, s, V4L2_CTRL_FLAG_NEXT_COMPOUND).status == uint32_t(EINVAL));
  });
}

BOOST_AUTO_TEST_CASE(unknown_ids_and_items_are_einval) {
  with_device([](MediaDriver& d, uint32_t s) {
    const uint32_t unknown = V4L2_CID_MPEG_VIDEO_H264_LEVEL;  // the caps have no levels
    BOOST_TEST(query_ext(d, s, unknown).status == uint32_t(EINVAL));
    BOOST_TEST(query_ctrl(d, s, unknown).status == uint32_t(EINVAL));
    BOOST_TEST(query_menu(d, s, unknown, 0).status == uint32_t(EINVAL));
    BOOST_TEST(query_menu(d, s, V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, 1).status == uint32_t(EINVAL));  // not a menu
    BOOST_TEST(call(d, s, Ioctl::GCtrl, v4l2::Control{unknown}).status == uint32_t(EINVAL));
    BOOST_TEST(call(d, s, Ioctl::SCtrl, v4l2::Control{unknown, 0}).status == uint32_t(EINVAL));
  });
}

namespace {

// One simulation per test case: the device with `h264` as its H.264 backend.
void check_profile_menus(codec::DecoderBackend h264) {
  MediaDeviceProfile device;
  device.h264_decoder = h264;
  with_device(
      [&](MediaDriver& d, uint32_t s) {
        for (const auto& [codec, cid] : kProfileCids) {
          std::map<int, std::string> want;
          for (const auto& name : codec::decoder_caps(codec, models::decoder_backend_for(codec, h264)).profiles)
            want[kHeaderValues.at({codec, name})] = name;
          BOOST_TEST(read_menu(d, s, cid) == want, codec::fourcc_of(codec));
        }
      },
      device);
}

}  // namespace

BOOST_AUTO_TEST_CASE(profile_menus_list_what_libavcodec_decodes) { check_profile_menus(codec::DecoderBackend::Libavcodec); }
BOOST_AUTO_TEST_CASE(profile_menus_list_what_openh264_decodes) { check_profile_menus(codec::DecoderBackend::Openh264); }

BOOST_AUTO_TEST_CASE(values_get_the_control_frameworks_errors) {
  with_device([](MediaDriver& d, uint32_t s) {
    const uint32_t h264 = V4L2_CID_MPEG_VIDEO_H264_PROFILE;
    const MediaReply g = call(d, s, Ioctl::GCtrl, v4l2::Control{h264});
    BOOST_REQUIRE(g.status == 0u);
    BOOST_TEST(v4l2::Control::decode(g.payload.data()).value == V4L2_MPEG_VIDEO_H264_PROFILE_CONSTRAINED_BASELINE);
    // Main is offered; Extended lies between offered items, skipped; High 10 is beyond the maximum.
    BOOST_TEST(call(d, s, Ioctl::SCtrl, v4l2::Control{h264, V4L2_MPEG_VIDEO_H264_PROFILE_MAIN}).status == 0u);
    BOOST_TEST(call(d, s, Ioctl::SCtrl, v4l2::Control{h264, V4L2_MPEG_VIDEO_H264_PROFILE_EXTENDED}).status ==
               uint32_t(EINVAL));
    BOOST_TEST(call(d, s, Ioctl::SCtrl, v4l2::Control{h264, V4L2_MPEG_VIDEO_H264_PROFILE_HIGH_10}).status ==
               uint32_t(ERANGE));
    const MediaReply after = call(d, s, Ioctl::GCtrl, v4l2::Control{h264});
    BOOST_TEST(v4l2::Control::decode(after.payload.data()).value == V4L2_MPEG_VIDEO_H264_PROFILE_MAIN);
    // MIN_BUFFERS_FOR_CAPTURE is read-only: EACCES; it reads through G_EXT_CTRLS of its class.
    BOOST_TEST(call(d, s, Ioctl::SCtrl, v4l2::Control{V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, 4}).status == uint32_t(EACCES));
    v4l2::ExtControls h{V4L2_CTRL_CLASS_USER, 1};
    v4l2::ExtControl c{V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, 0, 0};
    const auto ext = [&](Ioctl code) {
      return d.ioctl(s, uint32_t(code), {bytes_of(h), bytes_of(c)},
                     {uint32_t(v4l2::ExtControls::kSize), uint32_t(v4l2::ExtControl::kSize)});
    };
    const MediaReply got = ext(Ioctl::GExtCtrls);
    BOOST_REQUIRE(got.status == 0u);
    BOOST_TEST(v4l2::ExtControl::decode(got.payload.data() + v4l2::ExtControls::kSize).value64 == 1);
    // A control outside the class `which` names fails at its index.
    h.which = V4L2_CTRL_CLASS_CODEC;
    const MediaReply wrong = ext(Ioctl::TryExtCtrls);
    BOOST_TEST(wrong.status == uint32_t(EINVAL));
    BOOST_TEST(v4l2::ExtControls::decode(wrong.payload.data()).error_idx == 0u);
  });
}
