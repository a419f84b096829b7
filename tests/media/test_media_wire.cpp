// virtio-media wire formats: every V4L2 payload encoder against the system's
// <linux/videodev2.h> (sizes, field offsets, and the bytes of a filled
// struct), the virtio-media structures against the spec's listings
// (transcribed below at natural C alignment), the ioctl table against the
// VIDIOC_* macros, and truncated inputs refused with EINVAL.
#define BOOST_TEST_MODULE media_wire
#include <boost/test/unit_test.hpp>

#include <linux/videodev2.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/media_wire.h"
#include "models/protocols/media/v4l2_constants.h"
#include "tests/media/wire_images.h"

using namespace vvsim::virtio_media;

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the struct-image comparisons assume a little-endian host");
static_assert(sizeof(void*) == 8, "the spec's layout is the 64-bit one");

namespace {

using test::encoded;
using test::image;

}  // namespace

// ---- V4L2 payloads against <linux/videodev2.h> ----

BOOST_AUTO_TEST_CASE(v4l2_sizes_match_the_system_header) {
  BOOST_TEST(v4l2::Format::kSize == sizeof(v4l2_format));
  BOOST_TEST(v4l2::Buffer::kSize == sizeof(v4l2_buffer));
  BOOST_TEST(v4l2::Plane::kSize == sizeof(v4l2_plane));
  BOOST_TEST(v4l2::RequestBuffers::kSize == sizeof(v4l2_requestbuffers));
  BOOST_TEST(v4l2::FmtDesc::kSize == sizeof(v4l2_fmtdesc));
  BOOST_TEST(v4l2::FrmSizeEnum::kSize == sizeof(v4l2_frmsizeenum));
  BOOST_TEST(v4l2::Selection::kSize == sizeof(v4l2_selection));
  BOOST_TEST(v4l2::EventSubscription::kSize == sizeof(v4l2_event_subscription));
  BOOST_TEST(v4l2::Event::kSize == sizeof(v4l2_event));
  BOOST_TEST(v4l2::DecoderCmd::kSize == sizeof(v4l2_decoder_cmd));
  BOOST_TEST(v4l2::EncoderCmd::kSize == sizeof(v4l2_encoder_cmd));
  BOOST_TEST(v4l2::Control::kSize == sizeof(v4l2_control));
  BOOST_TEST(v4l2::ExtControls::kSize == sizeof(v4l2_ext_controls));
  BOOST_TEST(v4l2::ExtControl::kSize == sizeof(v4l2_ext_control));
  BOOST_TEST(v4l2::StreamParm::kSize == sizeof(v4l2_streamparm));
  BOOST_TEST(v4l2::kMaxPlanes == size_t(VIDEO_MAX_PLANES));
}

BOOST_AUTO_TEST_CASE(format_encodes_as_the_header_lays_it_out) {
  v4l2_format h{};
  h.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
  h.fmt.pix_mp.width = 1920;
  h.fmt.pix_mp.height = 1088;
  h.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_YUV420;
  h.fmt.pix_mp.field = V4L2_FIELD_NONE;
  h.fmt.pix_mp.colorspace = V4L2_COLORSPACE_REC709;
  v4l2::Format w;
  w.type = h.type, w.width = 1920, w.height = 1088, w.pixelformat = v4l2::kPixFmtYuv420;
  w.field = v4l2::kFieldNone, w.colorspace = v4l2::kColorspaceRec709;
  for (uint32_t i = 0; i < VIDEO_MAX_PLANES; ++i) {
    h.fmt.pix_mp.plane_fmt[i].sizeimage = w.planes[i].sizeimage = 0x100000 + i;
    h.fmt.pix_mp.plane_fmt[i].bytesperline = w.planes[i].bytesperline = 0x780 + i;
  }
  h.fmt.pix_mp.num_planes = w.num_planes = 3;
  h.fmt.pix_mp.flags = w.flags = 0x5;
  h.fmt.pix_mp.ycbcr_enc = w.ycbcr_enc = 6;
  h.fmt.pix_mp.quantization = w.quantization = 2;
  h.fmt.pix_mp.xfer_func = w.xfer_func = 7;
  BOOST_TEST(encoded(w) == image(h));
  const auto back = v4l2::Format::decode(image(h).data());
  BOOST_TEST(encoded(back) == image(h));
  BOOST_TEST(offsetof(v4l2_format, fmt) == 8u);
  BOOST_TEST(offsetof(v4l2_format, fmt) + offsetof(v4l2_pix_format_mplane, num_planes) == 188u);
}

BOOST_AUTO_TEST_CASE(buffer_and_plane_encode_as_the_header_lays_them_out) {
  v4l2_buffer h{};
  h.index = 7, h.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, h.bytesused = 1234;
  h.flags = V4L2_BUF_FLAG_LAST | V4L2_BUF_FLAG_QUEUED, h.field = V4L2_FIELD_NONE;
  h.timestamp.tv_sec = 0x123456789, h.timestamp.tv_usec = 999999;
  h.sequence = 42, h.memory = V4L2_MEMORY_USERPTR, h.m.userptr = 0xDEADBEEFCAFEull, h.length = 3;
  h.reserved2 = 0, h.request_fd = 5;
  v4l2::Buffer w;
  w.index = 7, w.type = v4l2::kBufTypeVideoOutputMplane, w.bytesused = 1234;
  w.flags = v4l2::kBufFlagLast | v4l2::kBufFlagQueued, w.field = v4l2::kFieldNone;
  w.timestamp = {0x123456789, 999999};
  w.sequence = 42, w.memory = v4l2::kMemoryUserptr, w.m = 0xDEADBEEFCAFEull, w.length = 3, w.request_fd = 5;
  BOOST_TEST(encoded(w) == image(h));
  BOOST_TEST(encoded(v4l2::Buffer::decode(image(h).data())) == image(h));
  BOOST_TEST(offsetof(v4l2_buffer, timestamp) == 24u);
  BOOST_TEST(offsetof(v4l2_buffer, sequence) == 56u);
  BOOST_TEST(offsetof(v4l2_buffer, m) == 64u);
  BOOST_TEST(offsetof(v4l2_buffer, length) == 72u);

  v4l2_plane hp{};
  hp.bytesused = 100, hp.length = 4096, hp.m.mem_offset = 0x80000000u, hp.data_offset = 16;
  const v4l2::Plane wp{100, 4096, 0x80000000u, 16};
  BOOST_TEST(encoded(wp) == image(hp));
  hp.m.userptr = 0x1122334455667788ull;
  BOOST_TEST(v4l2::Plane::decode(image(hp).data()).m == 0x1122334455667788ull);
  BOOST_TEST(offsetof(v4l2_plane, data_offset) == 16u);
}

BOOST_AUTO_TEST_CASE(small_payloads_encode_as_the_header_lays_them_out) {
  v4l2_requestbuffers rb{};
  rb.count = 8, rb.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, rb.memory = V4L2_MEMORY_MMAP;
  rb.capabilities = V4L2_BUF_CAP_SUPPORTS_MMAP | V4L2_BUF_CAP_SUPPORTS_USERPTR, rb.flags = 1;
  BOOST_TEST(encoded(v4l2::RequestBuffers{8, rb.type, rb.memory, rb.capabilities, 1}) == image(rb));
  BOOST_TEST(offsetof(v4l2_requestbuffers, flags) == 16u);

  v4l2_fmtdesc fd{};
  fd.index = 2, fd.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, fd.flags = V4L2_FMT_FLAG_COMPRESSED;
  std::strcpy(reinterpret_cast<char*>(fd.description), "VP9");
  fd.pixelformat = V4L2_PIX_FMT_VP9, fd.mbus_code = 9;
  BOOST_TEST(encoded(v4l2::FmtDesc{2, fd.type, fd.flags, "VP9", v4l2::kPixFmtVp9, 9}) == image(fd));
  BOOST_TEST(v4l2::FmtDesc::decode(image(fd).data()).description == "VP9");

  v4l2_frmsizeenum fs{};
  fs.index = 0, fs.pixel_format = V4L2_PIX_FMT_H264, fs.type = V4L2_FRMSIZE_TYPE_STEPWISE;
  fs.stepwise = {16, 4096, 16, 16, 2304, 16};
  v4l2::FrmSizeEnum wfs{0, v4l2::kPixFmtH264, v4l2::kFrmSizeTypeStepwise, 16, 4096, 16, 16, 2304, 16};
  BOOST_TEST(encoded(wfs) == image(fs));
  v4l2_frmsizeenum fsd{};
  fsd.index = 1, fsd.pixel_format = V4L2_PIX_FMT_VP8, fsd.type = V4L2_FRMSIZE_TYPE_DISCRETE;
  fsd.discrete = {640, 480};
  BOOST_TEST(encoded(v4l2::FrmSizeEnum{1, v4l2::kPixFmtVp8, v4l2::kFrmSizeTypeDiscrete, 640, 0, 0, 480}) == image(fsd));

  v4l2_selection sel{};
  sel.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, sel.target = V4L2_SEL_TGT_COMPOSE, sel.flags = 0;
  sel.r = {-2, 3, 1920, 1080};
  BOOST_TEST(encoded(v4l2::Selection{sel.type, sel.target, 0, -2, 3, 1920, 1080}) == image(sel));
  BOOST_TEST(v4l2::Selection::decode(image(sel).data()).left == -2);

  v4l2_event_subscription sub{};
  sub.type = V4L2_EVENT_SOURCE_CHANGE, sub.id = 0, sub.flags = V4L2_EVENT_SUB_FL_SEND_INITIAL;
  BOOST_TEST(encoded(v4l2::EventSubscription{v4l2::kEventSourceChange, 0, sub.flags}) == image(sub));

  v4l2_control ctl{V4L2_CID_MIN_BUFFERS_FOR_CAPTURE, -7};
  BOOST_TEST(encoded(v4l2::Control{v4l2::kCidMinBuffersForCapture, -7}) == image(ctl));
}

BOOST_AUTO_TEST_CASE(event_and_commands_encode_as_the_header_lays_them_out) {
  v4l2_event ev{};
  ev.type = V4L2_EVENT_SOURCE_CHANGE;
  ev.u.src_change.changes = V4L2_EVENT_SRC_CH_RESOLUTION;
  ev.pending = 3, ev.sequence = 9, ev.timestamp.tv_sec = 77, ev.timestamp.tv_nsec = 123456789, ev.id = 4;
  v4l2::Event we;
  we.type = v4l2::kEventSourceChange, we.src_change_changes = v4l2::kEventSrcChResolution;
  we.pending = 3, we.sequence = 9, we.timestamp_sec = 77, we.timestamp_nsec = 123456789, we.id = 4;
  BOOST_TEST(encoded(we) == image(ev));
  BOOST_TEST(offsetof(v4l2_event, u) == 8u);
  BOOST_TEST(offsetof(v4l2_event, timestamp) == 80u);
  BOOST_TEST(offsetof(v4l2_event, id) == 96u);

  v4l2_decoder_cmd dc{};
  dc.cmd = V4L2_DEC_CMD_STOP, dc.flags = V4L2_DEC_CMD_STOP_IMMEDIATELY, dc.stop.pts = 0x0102030405060708ull;
  BOOST_TEST(encoded(v4l2::DecoderCmd{v4l2::kDecCmdStop, dc.flags, dc.stop.pts}) == image(dc));
  v4l2_decoder_cmd start{};
  start.cmd = V4L2_DEC_CMD_START, start.start.speed = 1000, start.start.format = V4L2_DEC_START_FMT_NONE;
  BOOST_TEST(v4l2::DecoderCmd::decode(image(start).data()).stop_pts == 1000u);  // speed in the low half

  v4l2_encoder_cmd ec{};
  ec.cmd = V4L2_ENC_CMD_STOP, ec.flags = V4L2_ENC_CMD_STOP_AT_GOP_END;
  BOOST_TEST(encoded(v4l2::EncoderCmd{v4l2::kEncCmdStop, ec.flags}) == image(ec));

  v4l2_ext_controls ecs{};
  ecs.which = V4L2_CTRL_WHICH_CUR_VAL, ecs.count = 2, ecs.error_idx = 1, ecs.request_fd = 3;
  ecs.controls = reinterpret_cast<v4l2_ext_control*>(0x7fff00001000ull);
  BOOST_TEST(encoded(v4l2::ExtControls{ecs.which, 2, 1, 3, 0x7fff00001000ull}) == image(ecs));
  v4l2_ext_control ecl{};
  ecl.id = V4L2_CID_MPEG_VIDEO_BITRATE, ecl.size = 0, ecl.value64 = -5;
  BOOST_TEST(encoded(v4l2::ExtControl{ecl.id, 0, -5}) == image(ecl));
  BOOST_TEST(offsetof(v4l2_ext_control, value) == 12u);

  v4l2_streamparm sp{};
  sp.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
  sp.parm.output.capability = V4L2_CAP_TIMEPERFRAME, sp.parm.output.outputmode = 0;
  sp.parm.output.timeperframe = {1, 30}, sp.parm.output.writebuffers = 4;
  BOOST_TEST(encoded(v4l2::StreamParm{sp.type, V4L2_CAP_TIMEPERFRAME, 0, 1, 30, 0, 4}) == image(sp));
  BOOST_TEST(offsetof(v4l2_streamparm, parm) + offsetof(v4l2_captureparm, readbuffers) ==
             offsetof(v4l2_streamparm, parm) + offsetof(v4l2_outputparm, writebuffers));
}

BOOST_AUTO_TEST_CASE(constants_match_the_system_header) {
  BOOST_TEST(v4l2::kBufTypeVideoCaptureMplane == uint32_t(V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE));
  BOOST_TEST(v4l2::kBufTypeVideoOutputMplane == uint32_t(V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE));
  BOOST_TEST(v4l2::kMemoryMmap == uint32_t(V4L2_MEMORY_MMAP));
  BOOST_TEST(v4l2::kMemoryUserptr == uint32_t(V4L2_MEMORY_USERPTR));
  BOOST_TEST(v4l2::kMemoryDmabuf == uint32_t(V4L2_MEMORY_DMABUF));
  BOOST_TEST(v4l2::kPixFmtH264 == uint32_t(V4L2_PIX_FMT_H264));
  BOOST_TEST(v4l2::kPixFmtHevc == uint32_t(V4L2_PIX_FMT_HEVC));
  BOOST_TEST(v4l2::kPixFmtVp8 == uint32_t(V4L2_PIX_FMT_VP8));
  BOOST_TEST(v4l2::kPixFmtVp9 == uint32_t(V4L2_PIX_FMT_VP9));
  BOOST_TEST(v4l2::kPixFmtMpeg2 == uint32_t(V4L2_PIX_FMT_MPEG2));
  BOOST_TEST(v4l2::kPixFmtYuv420 == uint32_t(V4L2_PIX_FMT_YUV420));
  BOOST_TEST(v4l2::kFmtFlagDynResolution == uint32_t(V4L2_FMT_FLAG_DYN_RESOLUTION));
  BOOST_TEST(v4l2::kBufFlagLast == uint32_t(V4L2_BUF_FLAG_LAST));
  BOOST_TEST(v4l2::kBufFlagError == uint32_t(V4L2_BUF_FLAG_ERROR));
  BOOST_TEST(v4l2::kBufFlagKeyframe == uint32_t(V4L2_BUF_FLAG_KEYFRAME));
  BOOST_TEST(v4l2::kBufFlagTimestampCopy == uint32_t(V4L2_BUF_FLAG_TIMESTAMP_COPY));
  BOOST_TEST(v4l2::kCapVideoM2mMplane == uint32_t(V4L2_CAP_VIDEO_M2M_MPLANE));
  BOOST_TEST(v4l2::kCapStreaming == uint32_t(V4L2_CAP_STREAMING));
  BOOST_TEST(v4l2::kEventEos == uint32_t(V4L2_EVENT_EOS));
  BOOST_TEST(v4l2::kEventSourceChange == uint32_t(V4L2_EVENT_SOURCE_CHANGE));
  BOOST_TEST(v4l2::kDecCmdStop == uint32_t(V4L2_DEC_CMD_STOP));
  BOOST_TEST(v4l2::kDecCmdStart == uint32_t(V4L2_DEC_CMD_START));
  BOOST_TEST(v4l2::kCidMinBuffersForCapture == uint32_t(V4L2_CID_MIN_BUFFERS_FOR_CAPTURE));
  BOOST_TEST(v4l2::kCidMpegVideoBitrate == uint32_t(V4L2_CID_MPEG_VIDEO_BITRATE));
  BOOST_TEST(v4l2::kCidMpegVideoGopSize == uint32_t(V4L2_CID_MPEG_VIDEO_GOP_SIZE));
  BOOST_TEST(v4l2::kCidMpegVideoForceKeyFrame == uint32_t(V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME));
  BOOST_TEST(v4l2::kCtrlClassCodec == uint32_t(V4L2_CTRL_CLASS_CODEC));
  BOOST_TEST(v4l2::kCtrlWhichCurVal == uint32_t(V4L2_CTRL_WHICH_CUR_VAL));
  BOOST_TEST(v4l2::kEncCmdStart == uint32_t(V4L2_ENC_CMD_START));
  BOOST_TEST(v4l2::kEncCmdStop == uint32_t(V4L2_ENC_CMD_STOP));
  BOOST_TEST(v4l2::kBufFlagPframe == uint32_t(V4L2_BUF_FLAG_PFRAME));
  BOOST_TEST(v4l2::kBufFlagBframe == uint32_t(V4L2_BUF_FLAG_BFRAME));
  BOOST_TEST(v4l2::kFmtFlagCompressed == uint32_t(V4L2_FMT_FLAG_COMPRESSED));
  BOOST_TEST(v4l2::kEacces == uint32_t(EACCES));
  BOOST_TEST(v4l2::kErange == uint32_t(ERANGE));
  BOOST_TEST(v4l2::kSelTgtCompose == uint32_t(V4L2_SEL_TGT_COMPOSE));
  BOOST_TEST(v4l2::kBufCapSupportsUserptr == uint32_t(V4L2_BUF_CAP_SUPPORTS_USERPTR));
}

BOOST_AUTO_TEST_CASE(ioctl_table_matches_the_vidioc_macros) {
  struct Want {
    unsigned long number;
    Ioctl code;
  };
  const Want wants[] = {
      {VIDIOC_QUERYCAP, Ioctl::QueryCap},       {VIDIOC_ENUM_FMT, Ioctl::EnumFmt},
      {VIDIOC_G_FMT, Ioctl::GFmt},              {VIDIOC_S_FMT, Ioctl::SFmt},
      {VIDIOC_REQBUFS, Ioctl::ReqBufs},         {VIDIOC_QUERYBUF, Ioctl::QueryBuf},
      {VIDIOC_QBUF, Ioctl::QBuf},               {VIDIOC_EXPBUF, Ioctl::ExpBuf},
      {VIDIOC_DQBUF, Ioctl::DqBuf},             {VIDIOC_STREAMON, Ioctl::StreamOn},
      {VIDIOC_STREAMOFF, Ioctl::StreamOff},     {VIDIOC_G_PARM, Ioctl::GParm},
      {VIDIOC_S_PARM, Ioctl::SParm},            {VIDIOC_G_CTRL, Ioctl::GCtrl},
      {VIDIOC_S_CTRL, Ioctl::SCtrl},            {VIDIOC_G_JPEGCOMP, Ioctl::GJpegComp},
      {VIDIOC_S_JPEGCOMP, Ioctl::SJpegComp},    {VIDIOC_TRY_FMT, Ioctl::TryFmt},
      {VIDIOC_LOG_STATUS, Ioctl::LogStatus},    {VIDIOC_G_EXT_CTRLS, Ioctl::GExtCtrls},
      {VIDIOC_S_EXT_CTRLS, Ioctl::SExtCtrls},   {VIDIOC_TRY_EXT_CTRLS, Ioctl::TryExtCtrls},
      {VIDIOC_ENUM_FRAMESIZES, Ioctl::EnumFrameSizes}, {VIDIOC_ENCODER_CMD, Ioctl::EncoderCmd},
      {VIDIOC_TRY_ENCODER_CMD, Ioctl::TryEncoderCmd},  {VIDIOC_DQEVENT, Ioctl::DqEvent},
      {VIDIOC_SUBSCRIBE_EVENT, Ioctl::SubscribeEvent}, {VIDIOC_UNSUBSCRIBE_EVENT, Ioctl::UnsubscribeEvent},
      {VIDIOC_CREATE_BUFS, Ioctl::CreateBufs},  {VIDIOC_PREPARE_BUF, Ioctl::PrepareBuf},
      {VIDIOC_G_SELECTION, Ioctl::GSelection},  {VIDIOC_S_SELECTION, Ioctl::SSelection},
      {VIDIOC_DECODER_CMD, Ioctl::DecoderCmd},  {VIDIOC_TRY_DECODER_CMD, Ioctl::TryDecoderCmd},
      {VIDIOC_QUERY_EXT_CTRL, Ioctl::QueryExtCtrl},      {VIDIOC_QUERYCTRL, Ioctl::QueryCtrl},
      {VIDIOC_QUERYMENU, Ioctl::QueryMenu},
  };
  for (const auto& w : wants) {
    const auto info = ioctl_info(_IOC_NR(w.number));
    BOOST_REQUIRE_MESSAGE(info, "no entry for code " << _IOC_NR(w.number));
    BOOST_TEST(uint32_t(info->code) == uint32_t(w.code));
    BOOST_TEST(info->payload == size_t(_IOC_SIZE(w.number)), info->name);
    const unsigned dir = _IOC_DIR(w.number);
    const IoctlDir want_dir = dir == (_IOC_READ | _IOC_WRITE) ? IoctlDir::ReadWrite
                              : dir == _IOC_READ             ? IoctlDir::Read
                              : dir == _IOC_WRITE            ? IoctlDir::Write
                                                             : IoctlDir::None;
    BOOST_TEST(int(info->dir) == int(want_dir), info->name);
  }
  // §Unsupported ioctls: the five the spec replaces, and nothing else.
  for (Ioctl replaced : {Ioctl::QueryCap, Ioctl::DqBuf, Ioctl::DqEvent, Ioctl::GJpegComp, Ioctl::SJpegComp,
                         Ioctl::LogStatus})
    BOOST_TEST(ioctl_info(uint32_t(replaced))->replaced);
  BOOST_TEST(!ioctl_info(uint32_t(Ioctl::GFmt))->replaced);
  BOOST_TEST(!ioctl_info(200));
}

// ---- virtio-media structures against the spec's listings ----

namespace spec {  // transcribed from the Media Device section, le32 -> uint32_t, le64 -> uint64_t
struct virtio_media_config { uint32_t device_caps; uint32_t device_type; uint8_t card[32]; };
struct virtio_media_cmd_header { uint32_t cmd; uint32_t reserved; };
struct virtio_media_resp_header { uint32_t status; uint32_t reserved; };
struct virtio_media_resp_open { virtio_media_resp_header hdr; uint32_t session_id; uint32_t reserved; };
struct virtio_media_cmd_close { virtio_media_cmd_header hdr; uint32_t session_id; uint32_t reserved; };
struct virtio_media_cmd_ioctl { virtio_media_cmd_header hdr; uint32_t session_id; uint32_t code; };
struct virtio_media_sg_entry { uint64_t start; uint32_t len; uint32_t reserved; };
struct virtio_media_cmd_mmap { virtio_media_cmd_header hdr; uint32_t session_id; uint32_t flags; uint32_t offset; };
struct virtio_media_resp_mmap { virtio_media_resp_header hdr; uint64_t driver_addr; uint64_t len; };
struct virtio_media_cmd_munmap { virtio_media_cmd_header hdr; uint64_t driver_addr; };
struct virtio_media_event_header { uint32_t event; uint32_t session_id; };
struct virtio_media_event_error { virtio_media_event_header hdr; uint32_t errno_; uint32_t reserved; };
struct virtio_media_event_dqbuf { virtio_media_event_header hdr; v4l2_buffer buffer; v4l2_plane planes[8]; };
struct virtio_media_event_event { virtio_media_event_header hdr; v4l2_event event; };
}  // namespace spec

BOOST_AUTO_TEST_CASE(virtio_media_sizes_match_the_spec_listings) {
  BOOST_TEST(kConfigSize == sizeof(spec::virtio_media_config));
  BOOST_TEST(kCmdHeaderSize == sizeof(spec::virtio_media_cmd_header));
  BOOST_TEST(kRespHeaderSize == sizeof(spec::virtio_media_resp_header));
  BOOST_TEST(kRespOpenSize == sizeof(spec::virtio_media_resp_open));
  BOOST_TEST(kCmdCloseSize == sizeof(spec::virtio_media_cmd_close));
  BOOST_TEST(kCmdIoctlSize == sizeof(spec::virtio_media_cmd_ioctl));
  BOOST_TEST(kSgEntrySize == sizeof(spec::virtio_media_sg_entry));
  BOOST_TEST(kCmdMmapSize == sizeof(spec::virtio_media_cmd_mmap));
  BOOST_TEST(kRespMmapSize == sizeof(spec::virtio_media_resp_mmap));
  BOOST_TEST(kCmdMunmapSize == sizeof(spec::virtio_media_cmd_munmap));
  BOOST_TEST(kEventHeaderSize == sizeof(spec::virtio_media_event_header));
  BOOST_TEST(kEventErrorSize == sizeof(spec::virtio_media_event_error));
  BOOST_TEST(kEventDqbufSize == sizeof(spec::virtio_media_event_dqbuf));
  BOOST_TEST(kEventEventSize == sizeof(spec::virtio_media_event_event));
  BOOST_TEST(offsetof(spec::virtio_media_event_dqbuf, planes) == 96u);
  BOOST_TEST(offsetof(spec::virtio_media_cmd_mmap, offset) == 16u);
  BOOST_TEST(offsetof(spec::virtio_media_resp_mmap, driver_addr) == 8u);
}

BOOST_AUTO_TEST_CASE(virtio_media_structures_encode_as_the_spec_lays_them_out) {
  spec::virtio_media_config cfg{};
  cfg.device_caps = V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_STREAMING, cfg.device_type = 0;
  std::memcpy(cfg.card, "vvsim stateful decoder", 22);
  BOOST_TEST(encode(Config{cfg.device_caps, 0, "vvsim stateful decoder"}) == image(cfg));
  BOOST_TEST(decode_config(image(cfg))->card == "vvsim stateful decoder");
  std::memset(cfg.card, 'x', 32);  // all 32 bytes used: no NUL needed
  BOOST_TEST(decode_config(image(cfg))->card == std::string(32, 'x'));

  BOOST_TEST(encode_open() == image(spec::virtio_media_cmd_header{1, 0}));
  BOOST_TEST(encode(CmdClose{9}) == image(spec::virtio_media_cmd_close{{2, 0}, 9, 0}));
  BOOST_TEST(encode(CmdIoctl{9, 4}) == image(spec::virtio_media_cmd_ioctl{{3, 0}, 9, 4}));
  BOOST_TEST(encode(CmdMmap{9, kMmapFlagRw, 0x8000}) == image(spec::virtio_media_cmd_mmap{{4, 0}, 9, 1, 0x8000}));
  BOOST_TEST(encode(CmdMunmap{0x123456789ull}) == image(spec::virtio_media_cmd_munmap{{5, 0}, 0x123456789ull}));
  BOOST_TEST(encode(RespOpen{0, 3}) == image(spec::virtio_media_resp_open{{0, 0}, 3, 0}));
  BOOST_TEST(encode(RespMmap{0, 0x1000, 0x5000}) == image(spec::virtio_media_resp_mmap{{0, 0}, 0x1000, 0x5000}));
  BOOST_TEST(encode_resp_header(v4l2::kEnotty) == image(spec::virtio_media_resp_header{25, 0}));
  Bytes sg(kSgEntrySize);
  encode(SgEntry{0xABCDEF000ull, 4096}, sg.data());
  BOOST_TEST(sg == image(spec::virtio_media_sg_entry{0xABCDEF000ull, 4096, 0}));
  BOOST_TEST(encode(EventError{3, v4l2::kEio}) == image(spec::virtio_media_event_error{{0, 3}, 5, 0}));

  spec::virtio_media_event_dqbuf dq{};
  dq.hdr = {1, 3};
  dq.buffer.index = 2, dq.buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, dq.buffer.flags = V4L2_BUF_FLAG_LAST;
  dq.buffer.memory = V4L2_MEMORY_MMAP, dq.buffer.length = 1, dq.buffer.timestamp.tv_usec = 33333;
  dq.planes[0].bytesused = 38016, dq.planes[0].length = 40960;
  EventDqbuf w;
  w.session_id = 3;
  w.buffer.index = 2, w.buffer.type = v4l2::kBufTypeVideoCaptureMplane, w.buffer.flags = v4l2::kBufFlagLast;
  w.buffer.memory = v4l2::kMemoryMmap, w.buffer.length = 1, w.buffer.timestamp.tv_usec = 33333;
  w.planes[0].bytesused = 38016, w.planes[0].length = 40960;
  BOOST_TEST(encode(w) == image(dq));
  BOOST_TEST(decode_event_dqbuf(image(dq))->planes[0].length == 40960u);

  spec::virtio_media_event_event ee{};
  ee.hdr = {2, 3};
  ee.event.type = V4L2_EVENT_SOURCE_CHANGE, ee.event.u.src_change.changes = V4L2_EVENT_SRC_CH_RESOLUTION;
  EventEvent we;
  we.session_id = 3, we.event.type = v4l2::kEventSourceChange, we.event.src_change_changes = 1;
  BOOST_TEST(encode(we) == image(ee));
}

BOOST_AUTO_TEST_CASE(truncated_inputs_are_refused_with_einval) {
  const Bytes close = encode(CmdClose{1});
  for (size_t n = 0; n < close.size(); ++n) {
    const auto d = decode_close(Bytes(close.begin(), close.begin() + long(n)));
    BOOST_REQUIRE(!d);
    BOOST_TEST(d.error().errno_value == v4l2::kEinval);
    BOOST_TEST(d.error().message.find("virtio_media_cmd_close") != std::string::npos, d.error().message);
  }
  const Bytes mmap = encode(CmdMmap{1, 0, 2});
  BOOST_TEST(!decode_mmap(Bytes(mmap.begin(), mmap.end() - 1)));
  BOOST_TEST(decode_mmap(mmap)->offset == 2u);
  // An event shorter than its kind's struct (a trimmed single-planar DQBUF) is refused, as Linux does.
  Bytes dq = encode(EventDqbuf{});
  dq.resize(kEventHeaderSize + v4l2::Buffer::kSize + v4l2::Plane::kSize);
  BOOST_TEST(!decode_event_header(dq));
  BOOST_TEST(!decode_config(Bytes(39)));
  BOOST_TEST(!decode_resp_mmap(Bytes(23)));
}

BOOST_AUTO_TEST_CASE(unknown_commands_are_refused_with_enotty) {
  for (uint32_t cmd : {0u, 6u, 0xFFFFFFFFu}) {
    Bytes b(kCmdHeaderSize, 0);
    b[0] = uint8_t(cmd), b[1] = uint8_t(cmd >> 8), b[2] = uint8_t(cmd >> 16), b[3] = uint8_t(cmd >> 24);
    const auto d = decode_cmd_header(b);
    BOOST_REQUIRE(!d);
    BOOST_TEST(d.error().errno_value == v4l2::kEnotty);
  }
  BOOST_TEST(int(decode_cmd_header(encode(CmdMunmap{}))->cmd) == int(Cmd::Munmap));
}
