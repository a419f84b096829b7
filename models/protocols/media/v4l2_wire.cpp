#include "models/protocols/media/v4l2_wire.h"

#include <algorithm>
#include <cstring>

#include "models/protocols/media/v4l2_constants.h"
#include "tlm_virtio/le_bytes.h"

namespace vvsim::virtio_media::v4l2 {

namespace le = tlm_virtio::le;

namespace {

// The offsets of <linux/videodev2.h> on x86_64 / aarch64 (checked by the tests).
constexpr size_t kFormatPix = 8;  // v4l2_format.fmt follows type and 4 bytes of alignment
constexpr size_t kPlaneFormatStride = 20, kPlaneFormatsAt = kFormatPix + 20;
constexpr size_t kNumPlanesAt = kFormatPix + 180;
constexpr size_t kBufferTimestamp = 24, kBufferSequence = 56;

// Sizes as sums of the fields and the 64-bit alignment padding.
static_assert(Format::kSize == 4 + 4 + 200, "type, padding to the union's 8-byte alignment, fmt");
static_assert(kPlaneFormatsAt + kMaxPlanes * kPlaneFormatStride == kNumPlanesAt);
static_assert(Buffer::kSize == 5 * 4 + 4 + 16 + 16 + 2 * 4 + 8 + 2 * 4 + 4 + 4, "...timestamp@24, m@64, pad at the end");
static_assert(Plane::kSize == 4 + 4 + 8 + 4 + 11 * 4);
static_assert(RequestBuffers::kSize == 4 * 4 + 1 + 3);
static_assert(FmtDesc::kSize == 3 * 4 + 32 + 2 * 4 + 3 * 4);
static_assert(FrmSizeEnum::kSize == 3 * 4 + 6 * 4 + 2 * 4);
static_assert(Selection::kSize == 3 * 4 + 16 + 9 * 4);
static_assert(EventSubscription::kSize == 3 * 4 + 5 * 4);
static_assert(Event::kSize == 4 + 4 + 64 + 2 * 4 + 16 + 4 + 8 * 4 + 4, "u aligned to 8, tail padding to 8");
static_assert(DecoderCmd::kSize == 2 * 4 + 16 * 4);
static_assert(EncoderCmd::kSize == 2 * 4 + 8 * 4);
static_assert(Control::kSize == 2 * 4);
static_assert(ExtControls::kSize == 5 * 4 + 4 + 8, "controls pointer aligned to 8");
static_assert(ExtControl::kSize == 3 * 4 + 8);
static_assert(StreamParm::kSize == 4 + 200);
static_assert(QueryCtrl::kSize == 2 * 4 + 32 + 5 * 4 + 2 * 4);
static_assert(QueryExtCtrl::kSize == 2 * 4 + 32 + 4 * 8 + 4 * 4 + 4 * 4 + 32 * 4, "...dims[4], reserved[32]");
static_assert(QueryMenu::kSize == 2 * 4 + 32 + 4, "packed: no tail padding after the 8-byte union");

void put_string(uint8_t* out, size_t capacity, const std::string& s) {
  const size_t n = std::min(s.size(), capacity - 1);
  std::memcpy(out, s.data(), n);  // the encoder's output starts zeroed: the NUL is there
}

std::string get_string(const uint8_t* in, size_t capacity) {
  const auto* end = std::find(in, in + capacity, uint8_t{0});
  return std::string(in, end);
}

}  // namespace

bool is_multiplanar(uint32_t t) { return t == kBufTypeVideoCaptureMplane || t == kBufTypeVideoOutputMplane; }
bool is_output(uint32_t t) { return t == kBufTypeVideoOutput || t == kBufTypeVideoOutputMplane; }

void Format::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out, type);
  le::put32(out + kFormatPix + 0, width);
  le::put32(out + kFormatPix + 4, height);
  le::put32(out + kFormatPix + 8, pixelformat);
  le::put32(out + kFormatPix + 12, field);
  le::put32(out + kFormatPix + 16, colorspace);
  for (size_t i = 0; i < kMaxPlanes; ++i) {
    le::put32(out + kPlaneFormatsAt + i * kPlaneFormatStride, planes[i].sizeimage);
    le::put32(out + kPlaneFormatsAt + i * kPlaneFormatStride + 4, planes[i].bytesperline);
  }
  out[kNumPlanesAt] = num_planes;
  out[kNumPlanesAt + 1] = flags;
  out[kNumPlanesAt + 2] = ycbcr_enc;
  out[kNumPlanesAt + 3] = quantization;
  out[kNumPlanesAt + 4] = xfer_func;
}

Format Format::decode(const uint8_t* in) {
  Format f;
  f.type = le::get32(in);
  f.width = le::get32(in + kFormatPix + 0);
  f.height = le::get32(in + kFormatPix + 4);
  f.pixelformat = le::get32(in + kFormatPix + 8);
  f.field = le::get32(in + kFormatPix + 12);
  f.colorspace = le::get32(in + kFormatPix + 16);
  for (size_t i = 0; i < kMaxPlanes; ++i) {
    f.planes[i].sizeimage = le::get32(in + kPlaneFormatsAt + i * kPlaneFormatStride);
    f.planes[i].bytesperline = le::get32(in + kPlaneFormatsAt + i * kPlaneFormatStride + 4);
  }
  f.num_planes = in[kNumPlanesAt];
  f.flags = in[kNumPlanesAt + 1];
  f.ycbcr_enc = in[kNumPlanesAt + 2];
  f.quantization = in[kNumPlanesAt + 3];
  f.xfer_func = in[kNumPlanesAt + 4];
  return f;
}

void Buffer::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, index);
  le::put32(out + 4, type);
  le::put32(out + 8, bytesused);
  le::put32(out + 12, flags);
  le::put32(out + 16, field);
  le::put64(out + kBufferTimestamp, uint64_t(timestamp.tv_sec));
  le::put64(out + kBufferTimestamp + 8, uint64_t(timestamp.tv_usec));
  le::put32(out + kBufferSequence, sequence);
  le::put32(out + 60, memory);
  le::put64(out + 64, m);
  le::put32(out + 72, length);
  le::put32(out + 80, request_fd);
}

Buffer Buffer::decode(const uint8_t* in) {
  Buffer b;
  b.index = le::get32(in + 0);
  b.type = le::get32(in + 4);
  b.bytesused = le::get32(in + 8);
  b.flags = le::get32(in + 12);
  b.field = le::get32(in + 16);
  b.timestamp.tv_sec = int64_t(le::get64(in + kBufferTimestamp));
  b.timestamp.tv_usec = int64_t(le::get64(in + kBufferTimestamp + 8));
  b.sequence = le::get32(in + kBufferSequence);
  b.memory = le::get32(in + 60);
  b.m = le::get64(in + 64);
  b.length = le::get32(in + 72);
  b.request_fd = le::get32(in + 80);
  return b;
}

void Plane::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, bytesused);
  le::put32(out + 4, length);
  le::put64(out + 8, m);
  le::put32(out + 16, data_offset);
}

Plane Plane::decode(const uint8_t* in) {
  return {le::get32(in), le::get32(in + 4), le::get64(in + 8), le::get32(in + 16)};
}

void RequestBuffers::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, count);
  le::put32(out + 4, type);
  le::put32(out + 8, memory);
  le::put32(out + 12, capabilities);
  out[16] = flags;
}

RequestBuffers RequestBuffers::decode(const uint8_t* in) {
  return {le::get32(in), le::get32(in + 4), le::get32(in + 8), le::get32(in + 12), in[16]};
}

void FmtDesc::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, index);
  le::put32(out + 4, type);
  le::put32(out + 8, flags);
  put_string(out + 12, 32, description);
  le::put32(out + 44, pixelformat);
  le::put32(out + 48, mbus_code);
}

FmtDesc FmtDesc::decode(const uint8_t* in) {
  return {le::get32(in), le::get32(in + 4), le::get32(in + 8), get_string(in + 12, 32), le::get32(in + 44),
          le::get32(in + 48)};
}

void FrmSizeEnum::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, index);
  le::put32(out + 4, pixel_format);
  le::put32(out + 8, type);
  if (type == kFrmSizeTypeDiscrete) {
    le::put32(out + 12, min_width);
    le::put32(out + 16, min_height);
    return;
  }
  const uint32_t stepwise[] = {min_width, max_width, step_width, min_height, max_height, step_height};
  for (size_t i = 0; i < 6; ++i) le::put32(out + 12 + 4 * i, stepwise[i]);
}

FrmSizeEnum FrmSizeEnum::decode(const uint8_t* in) {
  FrmSizeEnum f;
  f.index = le::get32(in + 0);
  f.pixel_format = le::get32(in + 4);
  f.type = le::get32(in + 8);
  if (f.type == kFrmSizeTypeDiscrete) {
    f.min_width = f.max_width = le::get32(in + 12);
    f.min_height = f.max_height = le::get32(in + 16);
    return f;
  }
  uint32_t* stepwise[] = {&f.min_width, &f.max_width, &f.step_width, &f.min_height, &f.max_height, &f.step_height};
  for (size_t i = 0; i < 6; ++i) *stepwise[i] = le::get32(in + 12 + 4 * i);
  return f;
}

void Selection::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, type);
  le::put32(out + 4, target);
  le::put32(out + 8, flags);
  le::put32(out + 12, uint32_t(left));
  le::put32(out + 16, uint32_t(top));
  le::put32(out + 20, width);
  le::put32(out + 24, height);
}

Selection Selection::decode(const uint8_t* in) {
  return {le::get32(in),           le::get32(in + 4),  le::get32(in + 8), int32_t(le::get32(in + 12)),
          int32_t(le::get32(in + 16)), le::get32(in + 20), le::get32(in + 24)};
}

void EventSubscription::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, type);
  le::put32(out + 4, id);
  le::put32(out + 8, flags);
}

EventSubscription EventSubscription::decode(const uint8_t* in) {
  return {le::get32(in), le::get32(in + 4), le::get32(in + 8)};
}

void Event::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, type);
  le::put32(out + 8, src_change_changes);  // u.src_change.changes, first member of the 64-byte union at 8
  le::put32(out + 72, pending);
  le::put32(out + 76, sequence);
  le::put64(out + 80, uint64_t(timestamp_sec));
  le::put64(out + 88, uint64_t(timestamp_nsec));
  le::put32(out + 96, id);
}

Event Event::decode(const uint8_t* in) {
  Event e;
  e.type = le::get32(in + 0);
  e.src_change_changes = le::get32(in + 8);
  e.pending = le::get32(in + 72);
  e.sequence = le::get32(in + 76);
  e.timestamp_sec = int64_t(le::get64(in + 80));
  e.timestamp_nsec = int64_t(le::get64(in + 88));
  e.id = le::get32(in + 96);
  return e;
}

void DecoderCmd::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, cmd);
  le::put32(out + 4, flags);
  le::put64(out + 8, stop_pts);
}

DecoderCmd DecoderCmd::decode(const uint8_t* in) { return {le::get32(in), le::get32(in + 4), le::get64(in + 8)}; }

void EncoderCmd::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, cmd);
  le::put32(out + 4, flags);
}

EncoderCmd EncoderCmd::decode(const uint8_t* in) { return {le::get32(in), le::get32(in + 4)}; }

void Control::encode(uint8_t* out) const {
  le::put32(out + 0, id);
  le::put32(out + 4, uint32_t(value));
}

Control Control::decode(const uint8_t* in) { return {le::get32(in), int32_t(le::get32(in + 4))}; }

void ExtControls::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, which);
  le::put32(out + 4, count);
  le::put32(out + 8, error_idx);
  le::put32(out + 12, request_fd);
  le::put64(out + 24, controls);
}

ExtControls ExtControls::decode(const uint8_t* in) {
  return {le::get32(in), le::get32(in + 4), le::get32(in + 8), le::get32(in + 12), le::get64(in + 24)};
}

void ExtControl::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, id);
  le::put32(out + 4, size);
  le::put64(out + 12, uint64_t(value64));
}

ExtControl ExtControl::decode(const uint8_t* in) {
  return {le::get32(in), le::get32(in + 4), int64_t(le::get64(in + 12))};
}

void QueryCtrl::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, id);
  le::put32(out + 4, type);
  put_string(out + 8, 32, name);
  le::put32(out + 40, uint32_t(minimum));
  le::put32(out + 44, uint32_t(maximum));
  le::put32(out + 48, uint32_t(step));
  le::put32(out + 52, uint32_t(default_value));
  le::put32(out + 56, flags);
}

QueryCtrl QueryCtrl::decode(const uint8_t* in) {
  return {le::get32(in),          le::get32(in + 4),          get_string(in + 8, 32),
          int32_t(le::get32(in + 40)), int32_t(le::get32(in + 44)), int32_t(le::get32(in + 48)),
          int32_t(le::get32(in + 52)), le::get32(in + 56)};
}

void QueryExtCtrl::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, id);
  le::put32(out + 4, type);
  put_string(out + 8, 32, name);
  le::put64(out + 40, uint64_t(minimum));
  le::put64(out + 48, uint64_t(maximum));
  le::put64(out + 56, step);
  le::put64(out + 64, uint64_t(default_value));
  le::put32(out + 72, flags);
  le::put32(out + 76, elem_size);
  le::put32(out + 80, elems);
  le::put32(out + 84, nr_of_dims);
}

QueryExtCtrl QueryExtCtrl::decode(const uint8_t* in) {
  return {le::get32(in),          le::get32(in + 4),          get_string(in + 8, 32),    int64_t(le::get64(in + 40)),
          int64_t(le::get64(in + 48)), le::get64(in + 56),    int64_t(le::get64(in + 64)), le::get32(in + 72),
          le::get32(in + 76),     le::get32(in + 80),         le::get32(in + 84)};
}

void QueryMenu::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, id);
  le::put32(out + 4, index);
  put_string(out + 8, 32, name);
}

QueryMenu QueryMenu::decode(const uint8_t* in) { return {le::get32(in), le::get32(in + 4), get_string(in + 8, 32)}; }

void StreamParm::encode(uint8_t* out) const {
  std::fill(out, out + kSize, 0);
  le::put32(out + 0, type);
  le::put32(out + 4, capability);
  le::put32(out + 8, mode);
  le::put32(out + 12, timeperframe_numerator);
  le::put32(out + 16, timeperframe_denominator);
  le::put32(out + 20, extendedmode);
  le::put32(out + 24, buffers);
}

StreamParm StreamParm::decode(const uint8_t* in) {
  return {le::get32(in),      le::get32(in + 4),  le::get32(in + 8), le::get32(in + 12),
          le::get32(in + 16), le::get32(in + 20), le::get32(in + 24)};
}

}  // namespace vvsim::virtio_media::v4l2
