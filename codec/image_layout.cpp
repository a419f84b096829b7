#include "codec/image_layout.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>

#include "codec/pixel_convert.h"

namespace vvsim::codec {
namespace {

struct FormatInfo {
  ImageFormat format;
  const char* fourcc;
  uint32_t planes;
  uint32_t buffers;  // 1: every plane in buffer 0; else plane i in buffer i
};

constexpr std::array<FormatInfo, 5> kFormats = {{
    {ImageFormat::RGB3, "RGB3", 1, 1},
    {ImageFormat::NV12, "NV12", 2, 1},
    {ImageFormat::NM12, "NM12", 2, 2},
    {ImageFormat::YU12, "YU12", 3, 1},
    {ImageFormat::YM12, "YM12", 3, 3},
}};

const FormatInfo& info(ImageFormat format) {
  for (const auto& f : kFormats)
    if (f.format == format) return f;
  return kFormats[0];  // unreachable: every enumerator is in the table
}

bool is_subsampled(ImageFormat format) { return format != ImageFormat::RGB3; }

// Bytes of one row and number of rows of plane `plane` of a coded frame.
struct PlaneGeometry {
  uint32_t row_bytes, rows;
};

PlaneGeometry plane_geometry(ImageFormat format, uint32_t plane, uint32_t width, uint32_t height) {
  if (format == ImageFormat::RGB3) return {3 * width, height};
  if (plane == 0) return {width, height};
  bool interleaved = format == ImageFormat::NV12 || format == ImageFormat::NM12;
  return {(interleaved ? 2 : 1) * chroma_width(width), chroma_height(height)};
}

uint32_t plane_buffer(ImageFormat format, uint32_t plane) {
  return info(format).buffers == 1 ? 0 : plane;
}

uint64_t align_up(uint64_t value, uint32_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

Status check_dimensions(ImageFormat format, uint32_t width, uint32_t height, const Rect& crop) {
  if (width == 0 || height == 0 || width > kMaxCodedDimension || height > kMaxCodedDimension)
    return Error{fmt::format("coded size {}x{} outside 1..{}", width, height, kMaxCodedDimension)};
  if (crop.width == 0 || crop.height == 0 || uint64_t{crop.left} + crop.width > width ||
      uint64_t{crop.top} + crop.height > height)
    return Error{fmt::format("crop {}x{} at ({},{}) not inside the coded {}x{} frame", crop.width,
                       crop.height, crop.left, crop.top, width, height)};
  if (is_subsampled(format) && (crop.left % 2 || crop.top % 2))
    return Error{fmt::format("crop origin ({},{}) must be even for a 4:2:0 format", crop.left, crop.top)};
  return {};
}

// Fills buffer_sizes from the planes and checks that planes sharing a buffer
// do not overlap.
Status finish_buffers(ImageLayout& layout) {
  layout.buffer_sizes.assign(info(layout.format).buffers, 0);
  for (size_t i = 0; i < layout.planes.size(); ++i) {
    const PlaneLayout& p = layout.planes[i];
    uint64_t end = uint64_t{p.offset} + p.size;
    if (end > UINT32_MAX) return Error{fmt::format("plane {}: offset + buffer_size exceeds 32 bits", i)};
    layout.buffer_sizes[p.buffer_index] =
        std::max<uint32_t>(layout.buffer_sizes[p.buffer_index], static_cast<uint32_t>(end));
    for (size_t j = 0; j < i; ++j) {
      const PlaneLayout& q = layout.planes[j];
      if (q.buffer_index != p.buffer_index) continue;
      auto q_end = uint64_t{q.offset} +
                   plane_geometry(layout.format, j, layout.coded_width, layout.coded_height).rows *
                       uint64_t{q.stride};
      auto p_end = uint64_t{p.offset} +
                   plane_geometry(layout.format, i, layout.coded_width, layout.coded_height).rows *
                       uint64_t{p.stride};
      if (p.offset < q_end && q.offset < p_end)
        return Error{fmt::format("plane {} [{}, {}) overlaps plane {} [{}, {}) in buffer {}", i, p.offset,
                           p_end, j, q.offset, q_end, p.buffer_index)};
    }
  }
  return {};
}

// Re-checks a layout before touching memory through it: the caller may have
// built it by hand rather than through the two constructors above.
Status check_layout(const ImageLayout& layout) {
  if (auto s = check_dimensions(layout.format, layout.coded_width, layout.coded_height, layout.crop); !s.ok())
    return s;
  const FormatInfo& f = info(layout.format);
  if (layout.planes.size() != f.planes || layout.buffer_sizes.size() != f.buffers)
    return Error{fmt::format("{} layout needs {} planes in {} buffers, has {} planes and {} buffers",
                       f.fourcc, f.planes, f.buffers, layout.planes.size(),
                       layout.buffer_sizes.size())};
  for (uint32_t i = 0; i < f.planes; ++i) {
    const PlaneLayout& p = layout.planes[i];
    auto g = plane_geometry(layout.format, i, layout.coded_width, layout.coded_height);
    if (p.buffer_index != plane_buffer(layout.format, i))
      return Error{fmt::format("plane {} must be in buffer {}", i, plane_buffer(layout.format, i))};
    if (p.stride < g.row_bytes)
      return Error{fmt::format("plane {}: stride {} below the {} bytes of a row", i, p.stride, g.row_bytes)};
    uint64_t extent = uint64_t{p.stride} * (g.rows - 1) + g.row_bytes;
    if (extent > p.size || uint64_t{p.offset} + p.size > layout.buffer_sizes[p.buffer_index])
      return Error{fmt::format("plane {}: {} bytes at offset {} do not fit buffer {} of {} bytes", i,
                         extent, p.offset, p.buffer_index, layout.buffer_sizes[p.buffer_index])};
  }
  return {};
}

// check_layout's finding, named as the layout's.
Status in_layout(const Status& finding) { return Error{"layout: " + finding.error().message}; }

template <typename Span>
Status check_buffers(const ImageLayout& layout, const std::vector<Span>& buffers) {
  if (buffers.size() != layout.buffer_sizes.size())
    return Error{fmt::format("{} needs {} buffers, {} given", image_fourcc(layout.format),
                       layout.buffer_sizes.size(), buffers.size())};
  for (size_t b = 0; b < buffers.size(); ++b)
    if (buffers[b].size < layout.buffer_sizes[b] || (!buffers[b].data && layout.buffer_sizes[b]))
      return Error{fmt::format("buffer {} holds {} bytes, the layout needs {}", b, buffers[b].size,
                         layout.buffer_sizes[b])};
  return {};
}

// Where row `row`, byte `col` of a plane's visible window lives.
size_t plane_index(const ImageLayout& layout, uint32_t plane, uint32_t row, uint32_t col) {
  const PlaneLayout& p = layout.planes[plane];
  bool chroma = plane > 0 && is_subsampled(layout.format);
  uint32_t top = chroma ? layout.crop.top / 2 : layout.crop.top;
  uint32_t left_px = chroma ? layout.crop.left / 2 : layout.crop.left;
  uint32_t bytes_per_px = layout.format == ImageFormat::RGB3                          ? 3
                          : (layout.format == ImageFormat::NV12 ||
                             layout.format == ImageFormat::NM12) && plane == 1 ? 2
                                                                               : 1;
  return size_t{p.offset} + size_t{top + row} * p.stride + size_t{left_px} * bytes_per_px + col;
}

void read_rgb(const ImageLayout& layout, const uint8_t* buf, Picture& pic) {
  uint32_t cw = chroma_width(pic.width), ch = chroma_height(pic.height);
  std::vector<int> u_sum(size_t{cw} * ch, 0), v_sum(u_sum.size(), 0), n(u_sum.size(), 0);
  for (uint32_t r = 0; r < pic.height; ++r)
    for (uint32_t c = 0; c < pic.width; ++c) {
      const uint8_t* px = buf + plane_index(layout, 0, r, 3 * c);
      pic.y[size_t{r} * pic.width + c] = clamp_byte(rgb_to_y(px[0], px[1], px[2]));
      size_t ci = size_t{r / 2} * cw + c / 2;
      u_sum[ci] += rgb_to_u(px[0], px[1], px[2]);
      v_sum[ci] += rgb_to_v(px[0], px[1], px[2]);
      ++n[ci];
    }
  for (size_t i = 0; i < u_sum.size(); ++i) {  // chroma: rounded mean of the 2x2 block
    pic.u[i] = clamp_byte((u_sum[i] + n[i] / 2) / n[i]);
    pic.v[i] = clamp_byte((v_sum[i] + n[i] / 2) / n[i]);
  }
}

bool is_interleaved(ImageFormat format) { return format == ImageFormat::NV12 || format == ImageFormat::NM12; }

// The visible part of a plane: bytes of one row and rows.
PlaneGeometry visible_geometry(const ImageLayout& layout, uint32_t plane) {
  return plane_geometry(layout.format, plane, layout.crop.width, layout.crop.height);
}

// Writes the visible bytes of row `row` of plane `plane` of the layout, made
// from the picture, to out.
void make_row(const Picture& pic, const ImageLayout& layout, uint32_t plane, uint32_t row, uint8_t* out) {
  const uint32_t cw = chroma_width(pic.width);
  if (layout.format == ImageFormat::RGB3) {
    const uint8_t *y = pic.plane_row(0, row), *u = pic.plane_row(1, row / 2), *v = pic.plane_row(2, row / 2);
    for (uint32_t c = 0; c < pic.width; ++c) yuv_to_rgb(y[c], u[c / 2], v[c / 2], out + 3 * c);
  } else if (plane == 0) {
    std::copy_n(pic.plane_row(0, row), pic.width, out);
  } else if (is_interleaved(layout.format)) {
    interleave(pic.plane_row(1, row), pic.plane_row(2, row), cw, out);
  } else {
    std::copy_n(pic.plane_row(plane, row), cw, out);
  }
}

// Copies the visible rows of the three I420 planes out of the layout.
void read_yuv(const ImageLayout& layout, const std::vector<const uint8_t*>& bufs, Picture& pic) {
  uint32_t cw = chroma_width(pic.width), ch = chroma_height(pic.height);
  auto buffer_of = [&](uint32_t plane) { return bufs[layout.planes[plane].buffer_index]; };
  for (uint32_t r = 0; r < pic.height; ++r)
    std::copy_n(buffer_of(0) + plane_index(layout, 0, r, 0), pic.width, pic.y.data() + size_t{r} * pic.width);
  for (uint32_t r = 0; r < ch; ++r) {
    auto* u = pic.u.data() + size_t{r} * cw;
    auto* v = pic.v.data() + size_t{r} * cw;
    if (is_interleaved(layout.format)) {
      const uint8_t* row = buffer_of(1) + plane_index(layout, 1, r, 0);
      deinterleave(row, cw, u, v);
    } else {
      std::copy_n(buffer_of(1) + plane_index(layout, 1, r, 0), cw, u);
      std::copy_n(buffer_of(2) + plane_index(layout, 2, r, 0), cw, v);
    }
  }
}

// The planes that live in `buffer`, in address order.
std::vector<uint32_t> planes_in(const ImageLayout& layout, uint32_t buffer) {
  std::vector<uint32_t> planes;
  for (uint32_t p = 0; p < layout.planes.size(); ++p)
    if (layout.planes[p].buffer_index == buffer) planes.push_back(p);
  std::sort(planes.begin(), planes.end(),
            [&](uint32_t a, uint32_t b) { return layout.planes[a].offset < layout.planes[b].offset; });
  return planes;
}

// Random access to a buffer held in pieces; rows read in increasing order
// cost a walk of the pieces once.
class PieceReader {
 public:
  explicit PieceReader(const BufferPieces& pieces) : pieces_(pieces) {}
  // n bytes from offset: in place when they lie in one piece, else gathered into scratch.
  const uint8_t* bytes(uint64_t offset, size_t n, std::vector<uint8_t>& scratch) {
    if (offset < start_) index_ = 0, start_ = 0;
    while (offset >= start_ + pieces_[index_].size) start_ += pieces_[index_++].size;
    if (offset + n <= start_ + pieces_[index_].size) return pieces_[index_].data + (offset - start_);
    scratch.resize(n);
    uint64_t piece_start = start_;
    for (size_t i = index_, done = 0; done < n; piece_start += pieces_[i++].size) {
      const uint64_t from = offset + done - piece_start;
      const size_t k = std::min<uint64_t>(n - done, pieces_[i].size - from);
      std::copy_n(pieces_[i].data + from, k, scratch.data() + done);
      done += k;
    }
    return scratch.data();
  }
  // n bytes from offset handed to `out` as they lie, piece by piece: no copy.
  void emit(uint64_t offset, size_t n, const PixelSink& out) {
    if (n == 0) return;
    if (offset < start_) index_ = 0, start_ = 0;
    while (offset >= start_ + pieces_[index_].size) start_ += pieces_[index_++].size;
    for (size_t i = index_, done = 0; done < n; ++i) {
      const uint64_t from = i == index_ ? offset - start_ : 0;
      const size_t k = std::min<uint64_t>(n - done, pieces_[i].size - from);
      out(pieces_[i].data + from, k);
      done += k;
    }
  }

 private:
  const BufferPieces& pieces_;
  size_t index_ = 0;
  uint64_t start_ = 0;  // buffer offset of pieces_[index_]
};

void emit_planes(const Picture& pic, const PixelSink& out) {
  for (const auto* plane : {&pic.y, &pic.u, &pic.v}) out(plane->data(), plane->size());
}

}  // namespace

std::string image_fourcc(ImageFormat format) { return info(format).fourcc; }

std::optional<ImageFormat> image_format_from_fourcc(const std::string& fourcc) {
  for (const auto& f : kFormats)
    if (fourcc == f.fourcc) return f.format;
  return std::nullopt;
}

uint32_t plane_count(ImageFormat format) { return info(format).planes; }
uint32_t buffer_count(ImageFormat format) { return info(format).buffers; }
uint32_t chroma_width(uint32_t width) { return (width + 1) / 2; }
uint32_t chroma_height(uint32_t height) { return (height + 1) / 2; }

Picture make_picture(uint32_t width, uint32_t height) {
  Picture p;
  p.width = width;
  p.height = height;
  p.y.assign(size_t{width} * height, 128);
  p.u.assign(size_t{chroma_width(width)} * chroma_height(height), 128);
  p.v = p.u;
  return p;
}

Status check_picture(const Picture& picture) {
  size_t luma = size_t{picture.width} * picture.height;
  size_t chroma = size_t{chroma_width(picture.width)} * chroma_height(picture.height);
  if (luma == 0) return Error{fmt::format("picture is empty ({}x{})", picture.width, picture.height)};
  if (!picture.has_pixels) return {};
  if (picture.lent) {
    const auto& d = picture.lent->data;
    if (std::find(d.begin(), d.end(), nullptr) != d.end()) return Error{"picture lends a null plane"};
    return {};
  }
  if (picture.y.size() != luma || picture.u.size() != chroma || picture.v.size() != chroma)
    return Error{fmt::format("picture {}x{} needs planes of {}/{}/{} bytes, has {}/{}/{}", picture.width,
                       picture.height, luma, chroma, chroma, picture.y.size(), picture.u.size(),
                       picture.v.size())};
  return {};
}

Picture owned_picture(const Picture& picture) {
  Picture p = picture;
  if (!picture.lent) return p;
  p.lent.reset();
  const uint32_t cw = chroma_width(p.width), ch = chroma_height(p.height);
  for (uint32_t plane = 0; plane < 3; ++plane) {
    const uint32_t row_bytes = plane == 0 ? p.width : cw, rows = plane == 0 ? p.height : ch;
    auto& out = plane == 0 ? p.y : plane == 1 ? p.u : p.v;
    out.clear();
    out.reserve(size_t{row_bytes} * rows);  // once, and no zero-fill: rows appended to an empty plane regrew it
    for (uint32_t r = 0; r < rows; ++r) {
      const uint8_t* line = picture.plane_row(plane, r);
      out.insert(out.end(), line, line + row_bytes);
    }
  }
  return p;
}

Result<ImageLayout> default_layout(ImageFormat format, uint32_t coded_width, uint32_t coded_height,
                                   uint32_t stride_alignment, std::optional<Rect> crop) {
  Rect visible = crop.value_or(Rect{0, 0, coded_width, coded_height});
  if (stride_alignment == 0 || (stride_alignment & (stride_alignment - 1)))
    return Error{fmt::format("stride alignment {} is not a power of two", stride_alignment)};
  if (auto s = check_dimensions(format, coded_width, coded_height, visible); !s.ok()) return s.error();
  ImageLayout layout{format, coded_width, coded_height, visible, {}, {}};
  uint64_t packed_end = 0;  // end of the previous plane in a single-buffer format
  for (uint32_t i = 0; i < plane_count(format); ++i) {
    auto g = plane_geometry(format, i, coded_width, coded_height);
    uint64_t stride = align_up(g.row_bytes, stride_alignment);
    uint64_t offset = buffer_count(format) == 1 ? packed_end : 0;
    uint64_t size = stride * g.rows;
    if (offset + size > UINT32_MAX) return Error{"layout exceeds 32-bit buffer sizes"};
    layout.planes.push_back({plane_buffer(format, i), static_cast<uint32_t>(offset),
                             static_cast<uint32_t>(stride), static_cast<uint32_t>(size)});
    packed_end = offset + size;
  }
  if (auto s = finish_buffers(layout); !s.ok()) return s.error();
  return layout;
}

Result<ImageLayout> layout_from_driver(ImageFormat format, uint32_t coded_width, uint32_t coded_height,
                                       const Rect& crop, const std::vector<PlaneFormatValues>& plane_values) {
  if (auto s = check_dimensions(format, coded_width, coded_height, crop); !s.ok()) return s.error();
  if (plane_values.size() != plane_count(format))
    return Error{fmt::format("{} has {} planes, {} given", image_fourcc(format),
                                      plane_count(format), plane_values.size())};
  ImageLayout layout{format, coded_width, coded_height, crop, {}, {}};
  for (uint32_t i = 0; i < plane_values.size(); ++i) {
    const PlaneFormatValues& v = plane_values[i];
    auto g = plane_geometry(format, i, coded_width, coded_height);
    if (v.stride < g.row_bytes)
      return Error{fmt::format("plane {}: stride {} below the {} bytes of a row", i,
                                        v.stride, g.row_bytes)};
    uint64_t needed = uint64_t{v.stride} * g.rows;
    if (v.buffer_size < needed)
      return Error{fmt::format("plane {}: buffer_size {} below stride {} x {} rows = {}",
                                        i, v.buffer_size, v.stride, g.rows, needed)};
    layout.planes.push_back({plane_buffer(format, i), v.offset, v.stride, v.buffer_size});
  }
  if (auto s = finish_buffers(layout); !s.ok()) return s.error();
  return layout;
}

Status check_picture_fits(const Picture& picture, const ImageLayout& layout) {
  if (auto s = check_layout(layout); !s.ok()) return in_layout(s);
  if (auto s = check_picture(picture); !s.ok()) return s;
  if (picture.width != layout.crop.width || picture.height != layout.crop.height)
    return Error{fmt::format("picture {}x{} does not match the {}x{} crop", picture.width,
                        picture.height, layout.crop.width, layout.crop.height)};
  return {};
}

Status write_picture(const Picture& picture, const ImageLayout& layout,
                     const std::vector<ByteSpan>& buffers) {
  if (auto status = check_picture_fits(picture, layout); !status.ok()) return status;
  if (!picture.has_pixels) return Error{"picture has no pixels (timing-only decoder)"};
  if (auto s = check_buffers(layout, buffers); !s.ok()) return s;
  for (uint32_t p = 0; p < layout.planes.size(); ++p) {
    uint8_t* buf = buffers[layout.planes[p].buffer_index].data;
    for (uint32_t r = 0; r < visible_geometry(layout, p).rows; ++r)
      make_row(picture, layout, p, r, buf + plane_index(layout, p, r, 0));
  }
  return {};
}

void write_layout_range(const Picture& picture, const ImageLayout& layout, uint32_t buffer, uint64_t offset,
                        uint8_t* dst, uint64_t n) {
  thread_local std::vector<uint8_t> cut_row;  // a row the range's edge cuts
  const uint64_t end = offset + n;
  uint64_t cursor = offset;  // bytes of the range before it are written
  for (const uint32_t p : planes_in(layout, buffer)) {
    const uint64_t first = plane_index(layout, p, 0, 0), stride = layout.planes[p].stride;
    const auto g = visible_geometry(layout, p);
    for (uint64_t r = first >= cursor ? 0 : (cursor - first) / stride; r < g.rows; ++r) {
      const uint64_t start = first + r * stride, stop = start + g.row_bytes;
      if (start >= end) break;
      if (stop <= cursor) continue;
      if (start > cursor) std::fill_n(dst + (cursor - offset), start - cursor, 0), cursor = start;
      const uint64_t to = std::min(stop, end);
      if (cursor == start && to == stop) {
        make_row(picture, layout, p, static_cast<uint32_t>(r), dst + (start - offset));
      } else {
        cut_row.resize(g.row_bytes);
        make_row(picture, layout, p, static_cast<uint32_t>(r), cut_row.data());
        std::copy(cut_row.data() + (cursor - start), cut_row.data() + (to - start), dst + (cursor - offset));
      }
      cursor = to;
    }
  }
  if (cursor < end) std::fill_n(dst + (cursor - offset), end - cursor, 0);
}

namespace {
// The visible rows of one plane, in place: in one run when the rows follow each
// other without padding (fewer, longer updates of the checksum), else row by row.
void emit_plane(const ImageLayout& layout, const std::vector<BufferPieces>& buffers, uint32_t plane, uint32_t row_bytes,
                uint32_t rows, const PixelSink& out) {
  PieceReader reader(buffers[layout.planes[plane].buffer_index]);
  if (layout.planes[plane].stride == row_bytes) {
    reader.emit(plane_index(layout, plane, 0, 0), size_t{row_bytes} * rows, out);
    return;
  }
  for (uint32_t r = 0; r < rows; ++r) reader.emit(plane_index(layout, plane, r, 0), row_bytes, out);
}

// Each buffer's first byte and total size: the spans check_buffers checks.
const std::vector<ConstByteSpan>& whole_buffers(const std::vector<BufferPieces>& buffers) {
  thread_local std::vector<ConstByteSpan> whole;
  whole.clear();
  for (const auto& pieces : buffers) {
    size_t total = 0;
    for (const auto& piece : pieces) total += piece.size;
    whole.emplace_back(pieces.empty() ? nullptr : pieces.front().data, total);
  }
  return whole;
}
}  // namespace

Status check_readable(const ImageLayout& layout, const std::vector<BufferPieces>& buffers) {
  if (auto s = check_layout(layout); !s.ok()) return in_layout(s);
  if (auto s = check_buffers(layout, whole_buffers(buffers)); !s.ok()) return s;
  return {};
}

Status stream_i420(const ImageLayout& layout, const std::vector<BufferPieces>& buffers, const PixelSink& out,
                   Picture& picture) {
  thread_local std::vector<uint8_t> scratch;
  if (auto status = check_readable(layout, buffers); !status.ok()) return status;
  if (layout.format == ImageFormat::RGB3) {  // chroma comes from 2x2 blocks: the whole frame at once
    const size_t size = whole_buffers(buffers)[0].size;
    const uint8_t* all = PieceReader(buffers[0]).bytes(0, size, scratch);
    auto status = read_picture_into(layout, {ConstByteSpan(all, size)}, picture);
    if (status.ok()) emit_planes(picture, out);
    return status;
  }
  const uint32_t w = layout.crop.width, cw = chroma_width(w), ch = chroma_height(layout.crop.height);
  emit_plane(layout, buffers, 0, w, layout.crop.height, out);
  if (!is_interleaved(layout.format)) {
    for (const uint32_t plane : {1u, 2u}) emit_plane(layout, buffers, plane, cw, ch, out);
    return {};
  }
  // Both components in one pass over the interleaved plane, then each handed on whole.
  thread_local std::vector<uint8_t> u, v;
  u.resize(size_t{cw} * ch);
  v.resize(u.size());
  PieceReader chroma(buffers[layout.planes[1].buffer_index]);
  for (uint32_t r = 0; r < ch; ++r)
    deinterleave(chroma.bytes(plane_index(layout, 1, r, 0), 2 * size_t{cw}, scratch), cw, u.data() + size_t{r} * cw,
                 v.data() + size_t{r} * cw);
  out(u.data(), u.size());
  out(v.data(), v.size());
  return {};
}

Status read_picture_into(const ImageLayout& layout, const std::vector<ConstByteSpan>& buffers, Picture& pic) {
  if (auto s = check_layout(layout); !s.ok()) return in_layout(s);
  if (auto s = check_buffers(layout, buffers); !s.ok()) return s;
  pic.width = layout.crop.width;
  pic.height = layout.crop.height;
  pic.y.resize(size_t{pic.width} * pic.height);  // no work when `pic` already had this size
  pic.u.resize(size_t{chroma_width(pic.width)} * chroma_height(pic.height));
  pic.v.resize(pic.u.size());
  std::vector<const uint8_t*> bufs;
  for (const auto& b : buffers) bufs.push_back(b.data);
  if (layout.format == ImageFormat::RGB3) read_rgb(layout, bufs[0], pic);
  else read_yuv(layout, bufs, pic);
  return {};
}

Result<Picture> read_picture(const ImageLayout& layout, const std::vector<ConstByteSpan>& buffers) {
  Picture pic;
  auto status = read_picture_into(layout, buffers, pic);
  if (!status.ok()) return status.error();
  return pic;
}

}  // namespace vvsim::codec
