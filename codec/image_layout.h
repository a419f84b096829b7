// Image layouts of the v6 image formats: where each plane of a raw picture
// lives in the buffers backing one resource, and conversion between those
// bytes and the codec layer's I420 Picture.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "common/result.h"

namespace vvsim::codec {

// The v6 image formats. The spec lists NV12 twice; the review thread (and
// V4L2) name the two-buffer variant NM12.
enum class ImageFormat {
  RGB3,  // one packed R,G,B plane, 3 bytes per pixel
  NV12,  // Y plane then interleaved U/V plane, one buffer
  NM12,  // NV12 with Y and UV in two buffers
  YU12,  // Y, U, V planes in one buffer (I420)
  YM12   // YU12 with Y, U and V in three buffers
};

std::string image_fourcc(ImageFormat format);
std::optional<ImageFormat> image_format_from_fourcc(const std::string& fourcc);
uint32_t plane_count(ImageFormat format);
uint32_t buffer_count(ImageFormat format);

struct PlaneLayout {
  uint32_t buffer_index = 0;  // which backing buffer of the resource holds the plane
  uint32_t offset = 0;        // first byte of the plane in that buffer
  uint32_t stride = 0;        // bytes between the starts of two rows
  uint32_t size = 0;          // bytes the plane occupies from offset (stride * rows)
};

struct ImageLayout {
  ImageFormat format = ImageFormat::NV12;
  uint32_t coded_width = 0, coded_height = 0;
  Rect crop;                              // visible picture inside the coded frame
  std::vector<PlaneLayout> planes;        // plane_count(format) entries
  std::vector<uint32_t> buffer_sizes;     // bytes each backing buffer must hold
};

// One virtio_video_plane_format as the driver sent it (plain values; the wire
// decoding lives with the device).
struct PlaneFormatValues {
  uint32_t buffer_size = 0, stride = 0, offset = 0;
};

// A window onto memory the caller owns (a backing buffer of a resource).
struct ByteSpan {
  uint8_t* data = nullptr;
  size_t size = 0;
};
struct ConstByteSpan {
  const uint8_t* data = nullptr;
  size_t size = 0;
  ConstByteSpan() = default;
  ConstByteSpan(const uint8_t* d, size_t n) : data(d), size(n) {}
  ConstByteSpan(ByteSpan s) : data(s.data), size(s.size) {}  // NOLINT: a writable span reads too
};

// The device's preferred layout: planes packed one after another, each row
// stride rounded up to stride_alignment bytes (a power of two, 1 for tight).
// crop defaults to the whole coded frame.
Result<ImageLayout> default_layout(ImageFormat format, uint32_t coded_width, uint32_t coded_height,
                                   uint32_t stride_alignment = 1, std::optional<Rect> crop = std::nullopt);

// Checks a layout the driver proposes. plane_values holds exactly
// plane_count(format) entries; buffer_size is read as the bytes the plane
// occupies from its offset (see docs/codec-encode.md).
Result<ImageLayout> layout_from_driver(ImageFormat format, uint32_t coded_width, uint32_t coded_height,
                                       const Rect& crop, const std::vector<PlaneFormatValues>& plane_values);

// Converts an I420 picture of the crop size into the layout, the visible
// picture at the crop origin; bytes outside the planes' visible rows are left
// untouched. Refuses (writing nothing) a picture of the wrong size, a buffer
// count other than buffer_count(format), or a buffer smaller than the layout needs.
// The checks write_picture makes of the picture alone (a size-only picture
// from a timing-only decoder passes them when its size matches the crop).
Status check_picture_fits(const Picture& picture, const ImageLayout& layout);
Status write_picture(const Picture& picture, const ImageLayout& layout,
                     const std::vector<ByteSpan>& buffers);

// Bytes [offset, offset + n) of backing buffer `buffer` of `picture` in
// `layout`, into dst: the visible rows where write_picture puts them, zeros
// between and around them. A buffer made piece by piece (guest memory page by
// page) this way holds what write_picture writes into a zeroed buffer. The
// picture must pass check_picture_fits and have pixels.
void write_layout_range(const Picture& picture, const ImageLayout& layout, uint32_t buffer, uint64_t offset,
                        uint8_t* dst, uint64_t n);

// The bytes of one backing buffer as the pieces of memory that hold them, in
// buffer order (guest memory pages read in place).
using BufferPieces = std::vector<ConstByteSpan>;
// Receives raw I420 bytes, in order, in pieces.
using PixelSink = std::function<void(const uint8_t* data, size_t n)>;
// The checks stream_i420 makes before reading (read_picture_into's).
Status check_readable(const ImageLayout& layout, const std::vector<BufferPieces>& buffers);
// Streams the crop rectangle of the layout as raw I420 (the Y, U and V planes
// back to back, as read_picture's planes) to `out`, reading the buffers where
// they lie: rows are handed out in place when they lie in one piece, chroma
// of an interleaved format is separated a row at a time. `picture` is scratch
// for formats that need the whole frame converted (RGB3).
Status stream_i420(const ImageLayout& layout, const std::vector<BufferPieces>& buffers, const PixelSink& out,
                   Picture& picture);

// Reads the crop rectangle of the layout back as an I420 picture.
Result<Picture> read_picture(const ImageLayout& layout, const std::vector<ConstByteSpan>& buffers);
// The same into `picture`, reusing its planes (a stream of frames of one size
// then allocates nothing).
Status read_picture_into(const ImageLayout& layout, const std::vector<ConstByteSpan>& buffers, Picture& picture);

// Bytes of an I420 picture of this size, and its chroma plane dimensions.
uint32_t chroma_width(uint32_t width);
uint32_t chroma_height(uint32_t height);
// A Picture of the given size with planes allocated (mid grey).
Picture make_picture(uint32_t width, uint32_t height);
// Whether the picture's planes match its width and height, and if not why not.
Status check_picture(const Picture& picture);
// The picture with its planes in y/u/v (lent planes copied out): to keep it
// past the decoder's next call.
Picture owned_picture(const Picture& picture);

}  // namespace vvsim::codec
