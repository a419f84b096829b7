// The V4L2 values virtio-media carries (linux/videodev2.h, 64-bit layout),
// spelled out here so the wire codec owns its numbers; the tests check each
// against the system header.
#pragma once

#include <cstdint>

namespace vvsim::virtio_media::v4l2 {

constexpr uint32_t fourcc(char a, char b, char c, char d) {
  return uint32_t(uint8_t(a)) | uint32_t(uint8_t(b)) << 8 | uint32_t(uint8_t(c)) << 16 | uint32_t(uint8_t(d)) << 24;
}

// enum v4l2_buf_type
constexpr uint32_t kBufTypeVideoCapture = 1, kBufTypeVideoOutput = 2;
constexpr uint32_t kBufTypeVideoCaptureMplane = 9, kBufTypeVideoOutputMplane = 10;

// enum v4l2_memory (virtio-media: MMAP, SHARED_PAGES = USERPTR, VIRTIO_OBJECT = DMABUF)
constexpr uint32_t kMemoryMmap = 1, kMemoryUserptr = 2, kMemoryDmabuf = 4;

constexpr uint32_t kFieldNone = 1;        // enum v4l2_field
constexpr uint32_t kColorspaceRec709 = 3;  // enum v4l2_colorspace

// Pixel formats: the compressed ones the device decodes and the raw one it writes.
constexpr uint32_t kPixFmtH264 = fourcc('H', '2', '6', '4');
constexpr uint32_t kPixFmtHevc = fourcc('H', 'E', 'V', 'C');
constexpr uint32_t kPixFmtVp8 = fourcc('V', 'P', '8', '0');
constexpr uint32_t kPixFmtVp9 = fourcc('V', 'P', '9', '0');
constexpr uint32_t kPixFmtMpeg2 = fourcc('M', 'P', 'G', '2');
constexpr uint32_t kPixFmtYuv420 = fourcc('Y', 'U', '1', '2');  // planar I420 in one memory plane

constexpr uint32_t kFmtFlagCompressed = 0x1, kFmtFlagDynResolution = 0x8;  // v4l2_fmtdesc.flags

// v4l2_buffer.flags
constexpr uint32_t kBufFlagMapped = 0x1, kBufFlagQueued = 0x2, kBufFlagDone = 0x4;
constexpr uint32_t kBufFlagKeyframe = 0x8, kBufFlagPframe = 0x10, kBufFlagBframe = 0x20;
constexpr uint32_t kBufFlagError = 0x40, kBufFlagTimestampCopy = 0x4000, kBufFlagLast = 0x100000;

// v4l2_requestbuffers.capabilities
constexpr uint32_t kBufCapSupportsMmap = 0x1, kBufCapSupportsUserptr = 0x2;

// device_caps
constexpr uint32_t kCapVideoM2mMplane = 0x4000, kCapStreaming = 0x04000000;

// Events
constexpr uint32_t kEventEos = 2, kEventSourceChange = 5;
constexpr uint32_t kEventSrcChResolution = 0x1;

// Decoder and encoder commands
constexpr uint32_t kDecCmdStart = 0, kDecCmdStop = 1, kDecCmdPause = 2, kDecCmdResume = 3;
constexpr uint32_t kEncCmdStart = 0, kEncCmdStop = 1;

// v4l2_frmsizeenum.type
constexpr uint32_t kFrmSizeTypeDiscrete = 1, kFrmSizeTypeStepwise = 3;

// Selection targets
constexpr uint32_t kSelTgtCompose = 0x100, kSelTgtComposeDefault = 0x101, kSelTgtComposeBounds = 0x102;

// Controls
constexpr uint32_t kCidMinBuffersForCapture = 0x00980927;
constexpr uint32_t kCidMpeg2Profile = 0x00990a0f, kCidH264Profile = 0x00990a6b;  // V4L2_CID_MPEG_VIDEO_*_PROFILE
constexpr uint32_t kCidVp8Profile = 0x00990aff, kCidVp9Profile = 0x00990b00, kCidHevcProfile = 0x00990b67;
constexpr uint32_t kCtrlTypeInteger = 1, kCtrlTypeMenu = 3;  // enum v4l2_ctrl_type
constexpr uint32_t kCtrlFlagReadOnly = 0x0004, kCtrlFlagVolatile = 0x0080;
constexpr uint32_t kCtrlFlagNextCtrl = 0x80000000, kCtrlFlagNextCompound = 0x40000000;  // in a query's id
constexpr uint32_t kMaxFrames = 32;  // VIDEO_MAX_FRAME
constexpr uint32_t kCtrlClassCodec = 0x00990000;  // V4L2_CTRL_CLASS_CODEC (was _MPEG)
constexpr uint32_t kCtrlWhichCurVal = 0;
constexpr uint32_t kCidMpegVideoGopSize = 0x009909cb, kCidMpegVideoBitrate = 0x009909cf;
constexpr uint32_t kCidMpegVideoForceKeyFrame = 0x009909e5;

// Linux errno values (asm-generic/errno-base.h, errno.h) the device answers with.
constexpr uint32_t kEperm = 1, kEio = 5, kEnomem = 12, kEfault = 14, kEbusy = 16, kEinval = 22;
constexpr uint32_t kEnospc = 28, kEpipe = 32, kEnotty = 25, kEagain = 11, kEtimedout = 110;
constexpr uint32_t kEacces = 13, kErange = 34, kEopnotsupp = 95;

}  // namespace vvsim::virtio_media::v4l2
