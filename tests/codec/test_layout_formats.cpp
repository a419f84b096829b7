// Image layouts: byte positions computed by hand from the v6 format
// descriptions, round trips for every format, and refusals.
#define BOOST_TEST_MODULE layout_formats
#include <boost/test/unit_test.hpp>

#include <numeric>

#include "codec/image_layout.h"
#include "codec/synthetic.h"

using namespace vvsim::codec;

namespace {

// A 4x2 picture whose samples name themselves: Y 10..17, U 20,21, V 30,31.
Picture tiny_picture() {
  Picture p = make_picture(4, 2);
  std::iota(p.y.begin(), p.y.end(), 10);
  p.u = {20, 21};
  p.v = {30, 31};
  return p;
}

ImageLayout layout_or_fail(const vvsim::Result<ImageLayout>& r) {
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error_message());
  return *r;
}

struct Buffers {
  std::vector<std::vector<uint8_t>> storage;
  explicit Buffers(const ImageLayout& l, uint8_t fill = 0xAB) {
    for (uint32_t size : l.buffer_sizes) storage.emplace_back(size, fill);
  }
  std::vector<ByteSpan> spans() {
    std::vector<ByteSpan> s;
    for (auto& b : storage) s.push_back({b.data(), b.size()});
    return s;
  }
  std::vector<ConstByteSpan> const_spans() {
    std::vector<ConstByteSpan> s;
    for (auto& b : storage) s.emplace_back(b.data(), b.size());
    return s;
  }
};

std::vector<uint8_t> bytes(std::initializer_list<int> v) { return {v.begin(), v.end()}; }

}  // namespace

BOOST_AUTO_TEST_CASE(nv12_4x2_bytes) {
  ImageLayout l = layout_or_fail(default_layout(ImageFormat::NV12, 4, 2));
  BOOST_TEST(l.buffer_sizes == std::vector<uint32_t>{12});
  Buffers b(l);
  BOOST_REQUIRE(write_picture(tiny_picture(), l, b.spans()).ok());
  // Y rows (stride 4), then one row of U,V pairs.
  BOOST_TEST(b.storage[0] == bytes({10, 11, 12, 13, 14, 15, 16, 17, 20, 30, 21, 31}));
}

BOOST_AUTO_TEST_CASE(nm12_4x2_bytes) {
  ImageLayout l = layout_or_fail(default_layout(ImageFormat::NM12, 4, 2));
  BOOST_TEST(l.buffer_sizes == (std::vector<uint32_t>{8, 4}));
  Buffers b(l);
  BOOST_REQUIRE(write_picture(tiny_picture(), l, b.spans()).ok());
  BOOST_TEST(b.storage[0] == bytes({10, 11, 12, 13, 14, 15, 16, 17}));
  BOOST_TEST(b.storage[1] == bytes({20, 30, 21, 31}));
}

BOOST_AUTO_TEST_CASE(yu12_and_ym12_4x2_bytes) {
  ImageLayout single = layout_or_fail(default_layout(ImageFormat::YU12, 4, 2));
  Buffers s(single);
  BOOST_REQUIRE(write_picture(tiny_picture(), single, s.spans()).ok());
  BOOST_TEST(s.storage[0] == bytes({10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 30, 31}));

  ImageLayout multi = layout_or_fail(default_layout(ImageFormat::YM12, 4, 2));
  Buffers m(multi);
  BOOST_REQUIRE(write_picture(tiny_picture(), multi, m.spans()).ok());
  BOOST_TEST(m.storage[0] == bytes({10, 11, 12, 13, 14, 15, 16, 17}));
  BOOST_TEST(m.storage[1] == bytes({20, 21}));
  BOOST_TEST(m.storage[2] == bytes({30, 31}));
}

// Stride 8 (alignment 8) and a 2x2 crop at (2,0) inside a 4x2 coded NV12
// frame: visible bytes land at column 2 of each row, padding stays 0xAB.
BOOST_AUTO_TEST_CASE(nv12_stride_and_crop_bytes) {
  ImageLayout l = layout_or_fail(default_layout(ImageFormat::NV12, 4, 2, 8, Rect{2, 0, 2, 2}));
  BOOST_TEST(l.planes[0].stride == 8u);
  BOOST_TEST(l.planes[1].offset == 16u);
  BOOST_TEST(l.buffer_sizes[0] == 24u);
  Picture p = make_picture(2, 2);
  p.y = {1, 2, 3, 4};
  p.u = {5};
  p.v = {6};
  Buffers b(l);
  BOOST_REQUIRE(write_picture(p, l, b.spans()).ok());
  const int X = 0xAB;
  BOOST_TEST(b.storage[0] == bytes({X, X, 1, 2, X, X, X, X,   // Y row 0
                                    X, X, 3, 4, X, X, X, X,   // Y row 1
                                    X, X, 5, 6, X, X, X, X})); // UV row: chroma column 1
}

// The four pixels share the chroma of pure red in BT.601 limited range
// (U 90, V 240: D = -38, E = 112); by the integer formulas in docs/codec.md
// (coefficients x 2^13, + 4096, >> 13):
//   Y 81  (C = 65):  R = (620035 + 1464400 + 4096) >> 13 = 254,
//                    G = (620035 - 745920 + 121942 + 4096) >> 13 = 0, B = (620035 - 627950 + 4096) < 0 -> 0
//   Y 235 (C = 219): R = (2089041 + 1464400 + 4096) >> 13 = 434 -> 255,
//                    G = (2089041 - 745920 + 121942 + 4096) >> 13 = 179, B = (2089041 - 627950 + 4096) >> 13 = 178
//   Y 16  (C = 0):   R = (1464400 + 4096) >> 13 = 179, G and B negative -> 0
BOOST_AUTO_TEST_CASE(rgb3_2x2_bytes) {
  ImageLayout l = layout_or_fail(default_layout(ImageFormat::RGB3, 2, 2));
  BOOST_TEST(l.planes[0].stride == 6u);
  Picture p = make_picture(2, 2);
  p.y = {81, 235, 16, 81};
  p.u = {90};
  p.v = {240};
  Buffers b(l);
  BOOST_REQUIRE(write_picture(p, l, b.spans()).ok());
  BOOST_TEST(b.storage[0] == bytes({254, 0, 0, 255, 179, 178,  //
                                    179, 0, 0, 254, 0, 0}));
}

BOOST_AUTO_TEST_CASE(default_layout_sizes_1080p) {
  ImageLayout nv12 = layout_or_fail(default_layout(ImageFormat::NV12, 1920, 1088, 64, Rect{0, 0, 1920, 1080}));
  BOOST_TEST(nv12.planes[1].offset == 1920u * 1088);
  BOOST_TEST(nv12.buffer_sizes[0] == 1920u * 1088 * 3 / 2);
  ImageLayout ym12 = layout_or_fail(default_layout(ImageFormat::YM12, 1000, 500, 64));
  BOOST_TEST(ym12.planes[0].stride == 1024u);
  BOOST_TEST(ym12.planes[1].stride == 512u);  // 500 chroma bytes rounded to 64
  BOOST_TEST((ym12.buffer_sizes == std::vector<uint32_t>{1024 * 500, 512 * 250, 512 * 250}));
  ImageLayout rgb = layout_or_fail(default_layout(ImageFormat::RGB3, 5, 3, 4));
  BOOST_TEST(rgb.planes[0].stride == 16u);  // 15 bytes rounded to 4
}

// Write then read gives the same I420 for every YUV format, with odd
// alignment, a cropped window and odd crop sizes.
BOOST_AUTO_TEST_CASE(yuv_round_trip_every_format) {
  TestPattern pattern(34, 17, 7);
  Picture source = pattern.frame(3);
  for (ImageFormat f : {ImageFormat::NV12, ImageFormat::NM12, ImageFormat::YU12, ImageFormat::YM12}) {
    ImageLayout l = layout_or_fail(default_layout(f, 48, 24, 16, Rect{4, 2, 34, 17}));
    Buffers b(l);
    BOOST_REQUIRE(write_picture(source, l, b.spans()).ok());
    auto back = read_picture(l, b.const_spans());
    BOOST_REQUIRE_MESSAGE(back.ok(), back.error_message());
    BOOST_TEST(back->y == source.y, image_fourcc(f));
    BOOST_TEST(back->u == source.u, image_fourcc(f));
    BOOST_TEST(back->v == source.v, image_fourcc(f));
  }
}

// RGB3 quantises: each sample comes back within 2 (Y) and 3 (U, V) of the
// original for in-gamut content: noise with Y in 60..187 and U, V in 112..143.
BOOST_AUTO_TEST_CASE(rgb3_round_trip_tolerance) {
  Picture source = make_picture(64, 48);
  uint32_t state = 12345;
  auto next = [&state](int base, int span) {
    state = state * 1664525u + 1013904223u;
    return static_cast<uint8_t>(base + (state >> 24) % span);
  };
  for (auto& v : source.y) v = next(60, 128);
  for (auto& v : source.u) v = next(112, 32);
  for (auto& v : source.v) v = next(112, 32);
  ImageLayout l = layout_or_fail(default_layout(ImageFormat::RGB3, 64, 48, 32));
  Buffers b(l);
  BOOST_REQUIRE(write_picture(source, l, b.spans()).ok());
  auto back = read_picture(l, b.const_spans());
  BOOST_REQUIRE_MESSAGE(back.ok(), back.error_message());
  int worst_y = 0, worst_c = 0;
  for (size_t i = 0; i < source.y.size(); ++i)
    worst_y = std::max(worst_y, std::abs(int(back->y[i]) - int(source.y[i])));
  for (size_t i = 0; i < source.u.size(); ++i) {
    worst_c = std::max(worst_c, std::abs(int(back->u[i]) - int(source.u[i])));
    worst_c = std::max(worst_c, std::abs(int(back->v[i]) - int(source.v[i])));
  }
  BOOST_TEST_MESSAGE("RGB3 round trip worst error: Y " << worst_y << ", chroma " << worst_c);
  BOOST_TEST(worst_y <= 2);
  BOOST_TEST(worst_c <= 3);
}

BOOST_AUTO_TEST_CASE(driver_layout_accepted_and_sized) {
  // NV12 in one buffer, UV plane placed after a gap.
  auto r = layout_from_driver(ImageFormat::NV12, 64, 32, Rect{0, 0, 64, 30},
                              {{64 * 32, 64, 0}, {64 * 16 + 100, 64, 4096}});
  ImageLayout l = layout_or_fail(r);
  BOOST_TEST(l.buffer_sizes[0] == 4096u + 64 * 16 + 100);
  BOOST_TEST(l.planes[1].buffer_index == 0u);
  auto m = layout_or_fail(layout_from_driver(ImageFormat::YM12, 16, 16, Rect{0, 0, 16, 16},
                                             {{256, 16, 0}, {64, 8, 0}, {128, 16, 0}}));
  BOOST_TEST((m.buffer_sizes == std::vector<uint32_t>{256, 64, 128}));
}

BOOST_AUTO_TEST_CASE(driver_layout_refusals) {
  Rect full{0, 0, 64, 32};
  auto refused = [](const vvsim::Result<ImageLayout>& r, const std::string& needle) {
    BOOST_REQUIRE(!r.ok());
    const std::string& e = r.error().message;
    BOOST_TEST(e.find(needle) != std::string::npos, "error '" << e << "' lacks '" << needle << "'");
  };
  refused(layout_from_driver(ImageFormat::NV12, 64, 32, full, {{64 * 32, 63, 0}, {64 * 16, 64, 2048}}),
          "plane 0: stride 63");
  refused(layout_from_driver(ImageFormat::NV12, 64, 32, full, {{64 * 32, 64, 0}, {64 * 16 - 1, 64, 2048}}),
          "plane 1: buffer_size");
  refused(layout_from_driver(ImageFormat::NV12, 64, 32, full, {{64 * 32, 64, 0}, {64 * 16, 64, 2000}}),
          "overlaps");
  refused(layout_from_driver(ImageFormat::NV12, 64, 32, full, {{64 * 32, 64, 0}}), "2 planes");
  refused(layout_from_driver(ImageFormat::NV12, 64, 32, Rect{0, 0, 65, 32},
                             {{64 * 32, 64, 0}, {64 * 16, 64, 2048}}),
          "not inside");
  refused(layout_from_driver(ImageFormat::NV12, 64, 32, Rect{1, 0, 62, 32},
                             {{64 * 32, 64, 0}, {64 * 16, 64, 2048}}),
          "even");
  refused(layout_from_driver(ImageFormat::RGB3, 64, 32, full, {{0xFFFFFFF0u, 192, 0x100}}), "32 bits");
  refused(default_layout(ImageFormat::NV12, 0, 32), "coded size");
  refused(default_layout(ImageFormat::NV12, 64, 32, 3), "power of two");
}

// A buffer one byte short, a missing buffer, or a picture of the wrong size
// is refused, and not a byte is written.
BOOST_AUTO_TEST_CASE(write_refusals_touch_nothing) {
  ImageLayout l = layout_or_fail(default_layout(ImageFormat::NM12, 4, 2));
  Buffers b(l);
  b.storage[1].resize(3, 0xAB);
  auto status = write_picture(tiny_picture(), l, b.spans());
  BOOST_TEST(!status.ok());
  BOOST_TEST(status.error_message().find("buffer 1 holds 3 bytes") != std::string::npos, status.error_message());
  for (auto& s : b.storage)
    for (uint8_t v : s) BOOST_TEST(v == 0xAB);

  Buffers good(l);
  auto one = good.spans();
  one.pop_back();
  BOOST_TEST(write_picture(tiny_picture(), l, one).error_message().find("needs 2 buffers") != std::string::npos);
  BOOST_TEST(write_picture(make_picture(2, 2), l, good.spans()).error_message().find("does not match") != std::string::npos);
  Picture empty;
  BOOST_TEST(write_picture(empty, l, good.spans()).error_message().find("empty") != std::string::npos);
  Picture short_planes = tiny_picture();
  short_planes.v.pop_back();
  BOOST_TEST(write_picture(short_planes, l, good.spans()).error_message().find("needs planes") != std::string::npos);
  for (auto& s : good.storage)
    for (uint8_t v : s) BOOST_TEST(v == 0xAB);
  // A hand-built layout whose plane runs past its buffer is refused too.
  ImageLayout broken = l;
  broken.planes[0].stride = 5;
  BOOST_TEST(!write_picture(tiny_picture(), broken, good.spans()).ok());
  BOOST_TEST(!read_picture(broken, good.const_spans()).ok());
}

BOOST_AUTO_TEST_CASE(fourcc_names) {
  for (ImageFormat f : {ImageFormat::RGB3, ImageFormat::NV12, ImageFormat::NM12, ImageFormat::YU12, ImageFormat::YM12})
    BOOST_TEST((image_format_from_fourcc(image_fourcc(f)) == f));
  BOOST_TEST(image_fourcc(ImageFormat::NM12) == "NM12");
  BOOST_TEST(!image_format_from_fourcc("XR24"));
  BOOST_TEST(plane_count(ImageFormat::YU12) == 3u);
  BOOST_TEST(buffer_count(ImageFormat::YU12) == 1u);
  BOOST_TEST(buffer_count(ImageFormat::YM12) == 3u);
}
