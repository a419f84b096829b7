// The ioctls a virtio-media device knows, by the code the IOCTL command
// carries (the _IOC_NR of the VIDIOC_* macro, §V4L2 ioctls), with the
// direction and size of their payload. The spec's own unsupported ioctls
// (QUERYCAP, DQBUF, DQEVENT, G/S_JPEGCOMP, LOG_STATUS) are listed so the
// device can answer them ENOTTY by name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace vvsim::virtio_media {

// _IOW: payload only in the readable part; _IOR: only in the writable part; _IOWR: both.
enum class IoctlDir { None, Write, Read, ReadWrite };

enum class Ioctl : uint32_t {
  QueryCap = 0, EnumFmt = 2, GFmt = 4, SFmt = 5, ReqBufs = 8, QueryBuf = 9, QBuf = 15, ExpBuf = 16, DqBuf = 17,
  StreamOn = 18, StreamOff = 19, GParm = 21, SParm = 22, GCtrl = 27, SCtrl = 28, QueryCtrl = 36, QueryMenu = 37,
  GJpegComp = 61, SJpegComp = 62,
  TryFmt = 64, LogStatus = 70, GExtCtrls = 71, SExtCtrls = 72, TryExtCtrls = 73, EnumFrameSizes = 74,
  EncoderCmd = 77, TryEncoderCmd = 78, DqEvent = 89, SubscribeEvent = 90, UnsubscribeEvent = 91,
  CreateBufs = 92, PrepareBuf = 93, GSelection = 94, SSelection = 95, DecoderCmd = 96, TryDecoderCmd = 97,
  QueryExtCtrl = 103,
};

struct IoctlInfo {
  Ioctl code;
  const char* name;  // without the VIDIOC_ prefix
  IoctlDir dir;
  size_t payload;  // bytes of the fixed payload (buffer and ext-control arrays follow it)
  // Replaced by another mechanism in virtio-media (§Unsupported ioctls): always ENOTTY.
  bool replaced;
};

// The entry for `code`; nothing for a code vvsim does not know (ENOTTY too).
std::optional<IoctlInfo> ioctl_info(uint32_t code);
// "G_FMT", or "unknown ioctl".
const char* ioctl_name(uint32_t code);

}  // namespace vvsim::virtio_media
