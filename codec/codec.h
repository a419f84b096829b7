// The codec layer's contract: what a decoder or encoder backend takes and
// yields. Knows nothing of SystemC or virtio; the device model turns the work
// figures reported here into cycles.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace vvsim::codec {

enum class CodecId { VP8, VP9, H264, HEVC, MPEG2 };
constexpr CodecId kAllCodecs[] = {CodecId::VP8, CodecId::VP9, CodecId::H264, CodecId::HEVC, CodecId::MPEG2};

// No plausible compressed unit is larger (an 8K intra frame at very high
// quality is a few MiB); larger ones are refused as corrupt before decoding.
constexpr size_t kMaxUnitBytes = 64u << 20;

// Largest coded dimension accepted; keeps every size computation in 32 bits.
constexpr uint32_t kMaxCodedDimension = 16384;

// The largest picture a decoder accepts (the device's caps). A header that
// declares a larger one is refused as Unsupported when it is parsed, before
// anything is allocated for the picture.
struct PictureSizeLimit {
  uint32_t max_width = kMaxCodedDimension, max_height = kMaxCodedDimension;
};

// The v6 fourcc of a bitstream format ("VP80", "VP90", "H264", "HEVC", "MPG2").
std::string fourcc_of(CodecId codec);
std::optional<CodecId> codec_from_fourcc(const std::string& fourcc);

enum class FrameType { Key, Inter, BiPredicted, Unknown };

struct Rect {
  uint32_t left = 0, top = 0, width = 0, height = 0;
};

// A decoded picture as planar I420 of its visible size (tightly packed:
// Y is width*height, U and V are ceil(width/2)*ceil(height/2)).
struct Picture {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> y, u, v;
  // Instead of y/u/v, a decoder may lend the planes of its own frame buffer
  // (no copy per frame): valid until the decoder's next call, which may reuse
  // the buffer, unless `held`; `keep` holds the buffer across the decoder's
  // reset or destruction. Encoders take pictures with their own planes.
  struct LentPlanes {
    std::array<const uint8_t*, 3> data{};  // Y, U, V
    std::array<uint32_t, 3> stride{};      // bytes between two rows
    std::shared_ptr<const void> keep;
    bool held = false;  // the decoder writes no more into the buffer while `keep` is held
  };
  std::optional<LentPlanes> lent;
  // First byte of row `row` of plane 0 (Y), 1 (U) or 2 (V), lent or owned.
  const uint8_t* plane_row(uint32_t plane, uint32_t row) const {
    if (lent) return lent->data[plane] + size_t{row} * lent->stride[plane];
    const uint32_t row_bytes = plane == 0 ? width : (width + 1) / 2;
    return (plane == 0 ? y : plane == 1 ? u : v).data() + size_t{row} * row_bytes;
  }
  uint64_t timestamp = 0;
  bool corrupt = false;  // decoder concealed an error: the v6 ERR flag
  // False from a timing-only decoder: size and timestamp are known, the planes are empty.
  bool has_pixels = true;
};

// A format change the decoder detected; reported before the first picture
// of the new format.
struct StreamFormat {
  uint32_t coded_width = 0, coded_height = 0;  // padded to the codec's block size
  Rect visible;                                // crop rectangle in the coded frame
  uint32_t min_output_buffers = 0;             // buffers the stream needs in flight
};

// One picture a unit codes, as the timing model charges it.
struct CodedPicture {
  uint32_t macroblocks = 0;  // 16x16 blocks of the picture (a field: half its frame's)
  FrameType frame_type = FrameType::Unknown;
};

// What a hardware block would have done for one input unit; the device's
// timing model turns this into cycles. Each picture is charged once, for
// its own size: an H.264 picture on the first slice of its access unit.
struct UnitWork {
  uint32_t coded_width = 0, coded_height = 0;
  // The visible size the picture's sequence header gives (H.264, HEVC,
  // MPEG-2), 0 when the unit charges no picture or its codec sizes it otherwise.
  uint32_t visible_width = 0, visible_height = 0;
  uint32_t macroblocks = 0;  // of the (first) picture the unit is charged for, 0 if none
  uint32_t bitstream_bytes = 0;
  FrameType frame_type = FrameType::Unknown;
  bool produces_picture = false;  // false for parameter sets, SEI, invisible frames
  // Pictures the unit codes after the first (a VP9 superframe's shown frame
  // after its hidden one): each is charged as a unit of its own, but for the bytes.
  std::vector<CodedPicture> further_pictures;
  // A later slice of a picture charged on its first slice: it codes picture
  // data, so it is not a unit without a picture, but adds no macroblocks.
  bool continues_picture = false;
};

enum class UnitStatus {
  Ok,          // unit accepted (may have yielded no picture yet)
  Corrupt,     // the unit could not be decoded; decoder stays usable, resumes at next key frame
  Unsupported  // well-formed but a feature this backend cannot decode
};

struct DecodeResult {
  UnitStatus status = UnitStatus::Ok;
  std::string message;                   // why, for Corrupt/Unsupported
  // The timestamp of the unit `status` and `message` are about when it is not
  // the unit just given (an access unit completes on the next one's first NAL unit).
  std::optional<uint64_t> about_timestamp;
  std::optional<StreamFormat> new_format;  // set before pictures of that format
  std::vector<Picture> pictures;          // in presentation order
  UnitWork work;
};

// What one H.264/HEVC input unit holds: one NAL unit (the v6 spec's unit), or
// one whole access unit (AUD, parameter sets, SEI and every slice of a picture,
// as V4L2_PIX_FMT_H264 buffers and most hardware decoders take them), which
// the decoder splits into its NAL units and closes at the unit's end.
enum class InputUnit { Nal, AccessUnit };

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual CodecId codec() const = 0;
  // One input unit (a VP8/VP9 frame, an H.264/HEVC NAL unit or access unit as
  // take_input_units says, an MPEG-2 access unit) with its timestamp.
  virtual DecodeResult decode(const uint8_t* data, size_t size, uint64_t timestamp) = 0;
  // End of stream / drain: return every picture still held, in presentation order.
  virtual DecodeResult flush() = 0;
  // Forget all state (STOP / seek); the next decodable unit is a key frame.
  virtual void reset() = 0;
  void limit_picture_size(PictureSizeLimit limit) { size_limit_ = limit; }
  // What an H.264/HEVC unit holds (other codecs ignore it); set before the first unit.
  void take_input_units(InputUnit unit) { input_unit_ = unit; }

 protected:
  PictureSizeLimit size_limit_;
  InputUnit input_unit_ = InputUnit::Nal;
};

// The libraries a decoder can be built on.
enum class DecoderBackend { Libavcodec, Openh264, Libvpx };
const char* backend_name(DecoderBackend backend);  // "libavcodec", "openh264", "libvpx"
std::optional<DecoderBackend> decoder_backend_from_name(const std::string& name);
// The backends that decode `codec`, the default first.
std::vector<DecoderBackend> decoder_backends(CodecId codec);

// A decoder on `codec`'s default backend, or on `backend` (which must be one
// of decoder_backends(codec)).
std::unique_ptr<Decoder> make_decoder(CodecId codec);
std::unique_ptr<Decoder> make_decoder(CodecId codec, DecoderBackend backend);

struct EncoderConfig {
  CodecId codec = CodecId::VP8;
  uint32_t width = 0, height = 0;
  uint32_t bitrate_bps = 1'000'000;
  uint32_t framerate = 30;
  uint32_t keyframe_interval = 0;  // 0: only the first frame and forced ones
};

// Whether the encoders take frames of this size, and if not why not (width
// and height even, within 2..16384): the one rule for encoded and generated sizes.
Status check_encoder_size(uint32_t width, uint32_t height);

struct EncodedUnit {
  std::vector<uint8_t> data;
  uint64_t timestamp = 0;
  FrameType frame_type = FrameType::Unknown;
  UnitWork work;
};

struct EncodeResult {
  UnitStatus status = UnitStatus::Ok;
  std::string message;
  std::vector<EncodedUnit> units;  // in decode order
};

// The work of one encode call, as the hardware does it once per frame: the
// picture's macroblocks and frame type once (from the unit that codes it, not
// from a parameter set before it or once per slice), the bytes of every unit.
UnitWork encoded_frame_work(const EncodeResult& result);

class Encoder {
 public:
  virtual ~Encoder() = default;
  virtual CodecId codec() const = 0;
  // `picture` has its own planes (y/u/v), not lent ones.
  virtual EncodeResult encode(const Picture& picture, bool force_key_frame) = 0;
  virtual EncodeResult flush() = 0;
  virtual void set_bitrate(uint32_t bitrate_bps) = 0;
  virtual uint32_t min_bitrate() const = 0;
  virtual uint32_t max_bitrate() const = 0;
  // Switches to pictures of a new size: returns the units still pending at
  // the old size; the next encoded frame is a key frame at the new size.
  virtual EncodeResult set_resolution(uint32_t width, uint32_t height) = 0;
};

// An encoder, or why not: check_encoder_config's reason or the library's own
// (the call that refused and its message).
Result<std::unique_ptr<Encoder>> make_encoder(const EncoderConfig& config);
// Whether make_encoder can build an encoder for config, and if not why not.
Status check_encoder_config(const EncoderConfig& config);
// The library behind make_encoder for `codec` and its version ("libvpx v1.12.0"):
// what a cache of encoded streams must key on besides the configuration.
std::string encoder_library_version(CodecId codec);

}  // namespace vvsim::codec
