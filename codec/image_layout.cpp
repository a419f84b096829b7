#include "codec/image_layout.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>

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

std::string check_dimensions(ImageFormat format, uint32_t width, uint32_t height, const Rect& crop) {
  if (width == 0 || height == 0 || width > kMaxCodedDimension || height > kMaxCodedDimension)
    return fmt::format("coded size {}x{} outside 1..{}", width, height, kMaxCodedDimension);
  if (crop.width == 0 || crop.height == 0 || uint64_t{crop.left} + crop.width > width ||
      uint64_t{crop.top} + crop.height > height)
    return fmt::format("crop {}x{} at ({},{}) not inside the coded {}x{} frame", crop.width,
                       crop.height, crop.left, crop.top, width, height);
  if (is_subsampled(format) && (crop.left % 2 || crop.top % 2))
    return fmt::format("crop origin ({},{}) must be even for a 4:2:0 format", crop.left, crop.top);
  return {};
}

// Fills buffer_sizes from the planes and checks that planes sharing a buffer
// do not overlap.
std::string finish_buffers(ImageLayout& layout) {
  layout.buffer_sizes.assign(info(layout.format).buffers, 0);
  for (size_t i = 0; i < layout.planes.size(); ++i) {
    const PlaneLayout& p = layout.planes[i];
    uint64_t end = uint64_t{p.offset} + p.size;
    if (end > UINT32_MAX) return fmt::format("plane {}: offset + buffer_size exceeds 32 bits", i);
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
        return fmt::format("plane {} [{}, {}) overlaps plane {} [{}, {}) in buffer {}", i, p.offset,
                           p_end, j, q.offset, q_end, p.buffer_index);
    }
  }
  return {};
}

// Re-checks a layout before touching memory through it: the caller may have
// built it by hand rather than through the two constructors above.
std::string check_layout(const ImageLayout& layout) {
  if (auto e = check_dimensions(layout.format, layout.coded_width, layout.coded_height, layout.crop);
      !e.empty())
    return e;
  const FormatInfo& f = info(layout.format);
  if (layout.planes.size() != f.planes || layout.buffer_sizes.size() != f.buffers)
    return fmt::format("{} layout needs {} planes in {} buffers, has {} planes and {} buffers",
                       f.fourcc, f.planes, f.buffers, layout.planes.size(),
                       layout.buffer_sizes.size());
  for (uint32_t i = 0; i < f.planes; ++i) {
    const PlaneLayout& p = layout.planes[i];
    auto g = plane_geometry(layout.format, i, layout.coded_width, layout.coded_height);
    if (p.buffer_index != plane_buffer(layout.format, i))
      return fmt::format("plane {} must be in buffer {}", i, plane_buffer(layout.format, i));
    if (p.stride < g.row_bytes)
      return fmt::format("plane {}: stride {} below the {} bytes of a row", i, p.stride, g.row_bytes);
    uint64_t extent = uint64_t{p.stride} * (g.rows - 1) + g.row_bytes;
    if (extent > p.size || uint64_t{p.offset} + p.size > layout.buffer_sizes[p.buffer_index])
      return fmt::format("plane {}: {} bytes at offset {} do not fit buffer {} of {} bytes", i,
                         extent, p.offset, p.buffer_index, layout.buffer_sizes[p.buffer_index]);
  }
  return {};
}

template <typename Span>
std::string check_buffers(const ImageLayout& layout, const std::vector<Span>& buffers) {
  if (buffers.size() != layout.buffer_sizes.size())
    return fmt::format("{} needs {} buffers, {} given", image_fourcc(layout.format),
                       layout.buffer_sizes.size(), buffers.size());
  for (size_t b = 0; b < buffers.size(); ++b)
    if (buffers[b].size < layout.buffer_sizes[b] || (!buffers[b].data && layout.buffer_sizes[b]))
      return fmt::format("buffer {} holds {} bytes, the layout needs {}", b, buffers[b].size,
                         layout.buffer_sizes[b]);
  return {};
}

uint8_t clamp_byte(int v) { return static_cast<uint8_t>(std::clamp(v, 0, 255)); }

// BT.601 limited range ("studio swing"), 8-bit fixed point (coefficients x256).
void yuv_to_rgb(int y, int u, int v, uint8_t* rgb) {
  int c = y - 16, d = u - 128, e = v - 128;
  rgb[0] = clamp_byte((298 * c + 409 * e + 128) >> 8);
  rgb[1] = clamp_byte((298 * c - 100 * d - 208 * e + 128) >> 8);
  rgb[2] = clamp_byte((298 * c + 516 * d + 128) >> 8);
}
int rgb_to_y(int r, int g, int b) { return ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16; }
int rgb_to_u(int r, int g, int b) { return ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128; }
int rgb_to_v(int r, int g, int b) { return ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128; }

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

void write_rgb(const Picture& pic, const ImageLayout& layout, uint8_t* buf) {
  uint32_t cw = chroma_width(pic.width);
  for (uint32_t r = 0; r < pic.height; ++r)
    for (uint32_t c = 0; c < pic.width; ++c) {
      size_t ci = size_t{r / 2} * cw + c / 2;
      yuv_to_rgb(pic.y[size_t{r} * pic.width + c], pic.u[ci], pic.v[ci],
                 buf + plane_index(layout, 0, r, 3 * c));
    }
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

// Copies the visible rows of the three I420 planes to or from the layout.
// ToLayout copies picture -> buffers (PictureT is then const), else back.
template <bool ToLayout, typename PictureT, typename BufPtr>
void copy_yuv(const ImageLayout& layout, const std::vector<BufPtr>& bufs, PictureT& pic) {
  uint32_t cw = chroma_width(pic.width), ch = chroma_height(pic.height);
  auto buffer_of = [&](uint32_t plane) { return bufs[layout.planes[plane].buffer_index]; };
  for (uint32_t r = 0; r < pic.height; ++r) {
    auto* row = buffer_of(0) + plane_index(layout, 0, r, 0);
    auto* src = pic.y.data() + size_t{r} * pic.width;
    if constexpr (ToLayout) std::copy_n(src, pic.width, row);
    else std::copy_n(row, pic.width, src);
  }
  bool interleaved = layout.format == ImageFormat::NV12 || layout.format == ImageFormat::NM12;
  for (uint32_t r = 0; r < ch; ++r) {
    auto* u = pic.u.data() + size_t{r} * cw;
    auto* v = pic.v.data() + size_t{r} * cw;
    if (interleaved) {
      auto* row = buffer_of(1) + plane_index(layout, 1, r, 0);
      for (uint32_t c = 0; c < cw; ++c) {
        if constexpr (ToLayout) { row[2 * c] = u[c]; row[2 * c + 1] = v[c]; }
        else { u[c] = row[2 * c]; v[c] = row[2 * c + 1]; }
      }
    } else {
      auto* urow = buffer_of(1) + plane_index(layout, 1, r, 0);
      auto* vrow = buffer_of(2) + plane_index(layout, 2, r, 0);
      if constexpr (ToLayout) { std::copy_n(u, cw, urow); std::copy_n(v, cw, vrow); }
      else { std::copy_n(urow, cw, u); std::copy_n(vrow, cw, v); }
    }
  }
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

std::string check_picture(const Picture& picture) {
  size_t luma = size_t{picture.width} * picture.height;
  size_t chroma = size_t{chroma_width(picture.width)} * chroma_height(picture.height);
  if (luma == 0) return fmt::format("picture is empty ({}x{})", picture.width, picture.height);
  if (!picture.has_pixels) return {};
  if (picture.y.size() != luma || picture.u.size() != chroma || picture.v.size() != chroma)
    return fmt::format("picture {}x{} needs planes of {}/{}/{} bytes, has {}/{}/{}", picture.width,
                       picture.height, luma, chroma, chroma, picture.y.size(), picture.u.size(),
                       picture.v.size());
  return {};
}

LayoutOrError default_layout(ImageFormat format, uint32_t coded_width, uint32_t coded_height,
                             uint32_t stride_alignment, std::optional<Rect> crop) {
  Rect visible = crop.value_or(Rect{0, 0, coded_width, coded_height});
  if (stride_alignment == 0 || (stride_alignment & (stride_alignment - 1)))
    return {std::nullopt, fmt::format("stride alignment {} is not a power of two", stride_alignment)};
  if (auto e = check_dimensions(format, coded_width, coded_height, visible); !e.empty())
    return {std::nullopt, e};
  ImageLayout layout{format, coded_width, coded_height, visible, {}, {}};
  uint64_t packed_end = 0;  // end of the previous plane in a single-buffer format
  for (uint32_t i = 0; i < plane_count(format); ++i) {
    auto g = plane_geometry(format, i, coded_width, coded_height);
    uint64_t stride = align_up(g.row_bytes, stride_alignment);
    uint64_t offset = buffer_count(format) == 1 ? packed_end : 0;
    uint64_t size = stride * g.rows;
    if (offset + size > UINT32_MAX) return {std::nullopt, "layout exceeds 32-bit buffer sizes"};
    layout.planes.push_back({plane_buffer(format, i), static_cast<uint32_t>(offset),
                             static_cast<uint32_t>(stride), static_cast<uint32_t>(size)});
    packed_end = offset + size;
  }
  if (auto e = finish_buffers(layout); !e.empty()) return {std::nullopt, e};
  return {layout, {}};
}

LayoutOrError layout_from_driver(ImageFormat format, uint32_t coded_width, uint32_t coded_height,
                                 const Rect& crop, const std::vector<PlaneFormatValues>& plane_values) {
  if (auto e = check_dimensions(format, coded_width, coded_height, crop); !e.empty())
    return {std::nullopt, e};
  if (plane_values.size() != plane_count(format))
    return {std::nullopt, fmt::format("{} has {} planes, {} given", image_fourcc(format),
                                      plane_count(format), plane_values.size())};
  ImageLayout layout{format, coded_width, coded_height, crop, {}, {}};
  for (uint32_t i = 0; i < plane_values.size(); ++i) {
    const PlaneFormatValues& v = plane_values[i];
    auto g = plane_geometry(format, i, coded_width, coded_height);
    if (v.stride < g.row_bytes)
      return {std::nullopt, fmt::format("plane {}: stride {} below the {} bytes of a row", i,
                                        v.stride, g.row_bytes)};
    uint64_t needed = uint64_t{v.stride} * g.rows;
    if (v.buffer_size < needed)
      return {std::nullopt, fmt::format("plane {}: buffer_size {} below stride {} x {} rows = {}",
                                        i, v.buffer_size, v.stride, g.rows, needed)};
    layout.planes.push_back({plane_buffer(format, i), v.offset, v.stride, v.buffer_size});
  }
  if (auto e = finish_buffers(layout); !e.empty()) return {std::nullopt, e};
  return {layout, {}};
}

LayoutStatus check_picture_fits(const Picture& picture, const ImageLayout& layout) {
  if (auto e = check_layout(layout); !e.empty()) return {"layout: " + e};
  if (auto e = check_picture(picture); !e.empty()) return {e};
  if (picture.width != layout.crop.width || picture.height != layout.crop.height)
    return {fmt::format("picture {}x{} does not match the {}x{} crop", picture.width,
                        picture.height, layout.crop.width, layout.crop.height)};
  return {};
}

LayoutStatus write_picture(const Picture& picture, const ImageLayout& layout,
                           const std::vector<ByteSpan>& buffers) {
  if (auto status = check_picture_fits(picture, layout); !status.ok()) return status;
  if (!picture.has_pixels) return {"picture has no pixels (timing-only decoder)"};
  if (auto e = check_buffers(layout, buffers); !e.empty()) return {e};
  std::vector<uint8_t*> bufs;
  for (const auto& b : buffers) bufs.push_back(b.data);
  if (layout.format == ImageFormat::RGB3) {
    write_rgb(picture, layout, bufs[0]);
  } else {
    copy_yuv<true>(layout, bufs, picture);
  }
  return {};
}

LayoutStatus read_picture_into(const ImageLayout& layout, const std::vector<ConstByteSpan>& buffers, Picture& pic) {
  if (auto e = check_layout(layout); !e.empty()) return {"layout: " + e};
  if (auto e = check_buffers(layout, buffers); !e.empty()) return {e};
  pic.width = layout.crop.width;
  pic.height = layout.crop.height;
  pic.y.resize(size_t{pic.width} * pic.height);  // no work when `pic` already had this size
  pic.u.resize(size_t{chroma_width(pic.width)} * chroma_height(pic.height));
  pic.v.resize(pic.u.size());
  std::vector<const uint8_t*> bufs;
  for (const auto& b : buffers) bufs.push_back(b.data);
  if (layout.format == ImageFormat::RGB3) read_rgb(layout, bufs[0], pic);
  else copy_yuv<false>(layout, bufs, pic);
  return {};
}

PictureOrError read_picture(const ImageLayout& layout, const std::vector<ConstByteSpan>& buffers) {
  Picture pic;
  auto status = read_picture_into(layout, buffers, pic);
  if (!status.ok()) return {std::nullopt, status.error};
  return {std::move(pic), {}};
}

}  // namespace vvsim::codec
