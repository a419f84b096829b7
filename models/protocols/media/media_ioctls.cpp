#include "models/protocols/media/media_ioctls.h"

#include "models/protocols/media/v4l2_wire.h"

namespace vvsim::virtio_media {

namespace {

using D = IoctlDir;

constexpr IoctlInfo kIoctls[] = {
    {Ioctl::QueryCap, "QUERYCAP", D::Read, 104, true},
    {Ioctl::EnumFmt, "ENUM_FMT", D::ReadWrite, v4l2::FmtDesc::kSize, false},
    {Ioctl::GFmt, "G_FMT", D::ReadWrite, v4l2::Format::kSize, false},
    {Ioctl::SFmt, "S_FMT", D::ReadWrite, v4l2::Format::kSize, false},
    {Ioctl::ReqBufs, "REQBUFS", D::ReadWrite, v4l2::RequestBuffers::kSize, false},
    {Ioctl::QueryBuf, "QUERYBUF", D::ReadWrite, v4l2::Buffer::kSize, false},
    {Ioctl::QBuf, "QBUF", D::ReadWrite, v4l2::Buffer::kSize, false},
    {Ioctl::ExpBuf, "EXPBUF", D::ReadWrite, 64, false},
    {Ioctl::DqBuf, "DQBUF", D::ReadWrite, v4l2::Buffer::kSize, true},
    {Ioctl::StreamOn, "STREAMON", D::Write, 4, false},
    {Ioctl::StreamOff, "STREAMOFF", D::Write, 4, false},
    {Ioctl::GParm, "G_PARM", D::ReadWrite, v4l2::StreamParm::kSize, false},
    {Ioctl::SParm, "S_PARM", D::ReadWrite, v4l2::StreamParm::kSize, false},
    {Ioctl::GCtrl, "G_CTRL", D::ReadWrite, v4l2::Control::kSize, false},
    {Ioctl::SCtrl, "S_CTRL", D::ReadWrite, v4l2::Control::kSize, false},
    {Ioctl::QueryCtrl, "QUERYCTRL", D::ReadWrite, v4l2::QueryCtrl::kSize, false},
    {Ioctl::QueryMenu, "QUERYMENU", D::ReadWrite, v4l2::QueryMenu::kSize, false},
    {Ioctl::GJpegComp, "G_JPEGCOMP", D::Read, 140, true},
    {Ioctl::SJpegComp, "S_JPEGCOMP", D::Write, 140, true},
    {Ioctl::TryFmt, "TRY_FMT", D::ReadWrite, v4l2::Format::kSize, false},
    {Ioctl::LogStatus, "LOG_STATUS", D::None, 0, true},
    {Ioctl::GExtCtrls, "G_EXT_CTRLS", D::ReadWrite, v4l2::ExtControls::kSize, false},
    {Ioctl::SExtCtrls, "S_EXT_CTRLS", D::ReadWrite, v4l2::ExtControls::kSize, false},
    {Ioctl::TryExtCtrls, "TRY_EXT_CTRLS", D::ReadWrite, v4l2::ExtControls::kSize, false},
    {Ioctl::EnumFrameSizes, "ENUM_FRAMESIZES", D::ReadWrite, v4l2::FrmSizeEnum::kSize, false},
    {Ioctl::EncoderCmd, "ENCODER_CMD", D::ReadWrite, v4l2::EncoderCmd::kSize, false},
    {Ioctl::TryEncoderCmd, "TRY_ENCODER_CMD", D::ReadWrite, v4l2::EncoderCmd::kSize, false},
    {Ioctl::DqEvent, "DQEVENT", D::Read, v4l2::Event::kSize, true},
    {Ioctl::SubscribeEvent, "SUBSCRIBE_EVENT", D::Write, v4l2::EventSubscription::kSize, false},
    {Ioctl::UnsubscribeEvent, "UNSUBSCRIBE_EVENT", D::Write, v4l2::EventSubscription::kSize, false},
    {Ioctl::CreateBufs, "CREATE_BUFS", D::ReadWrite, 256, false},
    {Ioctl::PrepareBuf, "PREPARE_BUF", D::ReadWrite, v4l2::Buffer::kSize, false},
    {Ioctl::GSelection, "G_SELECTION", D::ReadWrite, v4l2::Selection::kSize, false},
    {Ioctl::SSelection, "S_SELECTION", D::ReadWrite, v4l2::Selection::kSize, false},
    {Ioctl::DecoderCmd, "DECODER_CMD", D::ReadWrite, v4l2::DecoderCmd::kSize, false},
    {Ioctl::TryDecoderCmd, "TRY_DECODER_CMD", D::ReadWrite, v4l2::DecoderCmd::kSize, false},
    {Ioctl::QueryExtCtrl, "QUERY_EXT_CTRL", D::ReadWrite, v4l2::QueryExtCtrl::kSize, false},
};

}  // namespace

std::optional<IoctlInfo> ioctl_info(uint32_t code) {
  for (const auto& i : kIoctls)
    if (uint32_t(i.code) == code) return i;
  return std::nullopt;
}

const char* ioctl_name(uint32_t code) {
  const auto info = ioctl_info(code);
  return info ? info->name : "unknown ioctl";
}

}  // namespace vvsim::virtio_media
