// H.264 made by libx264 at test time, through `vvsim run --dump-frames`,
// against ffmpeg's decode of the same file: every feature is confirmed in
// the bitstream by ffmpeg's trace_headers before the frames are compared.
#define BOOST_TEST_MODULE h264_real_content
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <utility>

#include "codec/bitstream_reader.h"
#include "codec/codec.h"
#include "codec/image_layout.h"
#include "codec/unit_header.h"
#include "tests/apps/real_content.h"

using namespace real_content;

namespace {

constexpr size_t kQcifFrameBytes = 176 * 144 * 3 / 2;

// (slice_type, nal_ref_idc) of every slice, in stream order.
std::vector<std::pair<long, long>> slice_types_with_ref_idc(const std::string& file, const std::string& dir) {
  const auto ref_idc = traced(file, "nal_ref_idc", dir), nal_types = traced(file, "nal_unit_type", dir);
  const auto slice_types = traced(file, "slice_type", dir);
  std::vector<std::pair<long, long>> out;
  size_t slice = 0;
  for (size_t i = 0; i < nal_types.size() && i < ref_idc.size(); ++i)
    if ((nal_types[i] == 1 || nal_types[i] == 5) && slice < slice_types.size())
      out.emplace_back(slice_types[slice++] % 5, ref_idc[i]);
  return out;
}


}  // namespace

BOOST_AUTO_TEST_CASE(x264_defaults_b_pyramid_cabac_weighted_b_match_ffmpeg) {
  const std::string dir = workdir("x264_defaults"), file = dir + "/in.h264";
  encode(file, "176x144", 20, "-c:v libx264 -x264-params bframes=3:b-pyramid=normal:weightb=1", dir);
  BOOST_REQUIRE_NE(picture_types(file, dir).find('B'), std::string::npos);
  bool referenced_b = false;  // B-pyramid: a B picture other pictures predict from
  for (const auto& [type, ref_idc] : slice_types_with_ref_idc(file, dir)) referenced_b |= type == 1 && ref_idc > 0;
  BOOST_CHECK(referenced_b);
  BOOST_CHECK_GT(count_of(traced(file, "entropy_coding_mode_flag", dir), 1), 0);  // CABAC
  BOOST_CHECK_GT(count_of(traced(file, "weighted_bipred_idc", dir), 2), 0);       // implicit weighted B
  expect_same_frames(vvsim_frames(file, dir), ffmpeg_frames(file, dir), 20, kQcifFrameBytes);
}

BOOST_AUTO_TEST_CASE(x264_slices_with_b_frames_match_ffmpeg) {
  const std::string dir = workdir("x264_slices"), file = dir + "/in.h264";
  encode(file, "176x144", 12, "-c:v libx264 -x264-params slices=4:bframes=2", dir);
  const auto first_mb = traced(file, "first_mb_in_slice", dir);
  BOOST_CHECK_GE(first_mb.size(), 4u * 12u);  // four slices per picture
  BOOST_CHECK_NE(picture_types(file, dir).find('B'), std::string::npos);
  expect_same_frames(vvsim_frames(file, dir), ffmpeg_frames(file, dir), 12, kQcifFrameBytes);
}

BOOST_AUTO_TEST_CASE(x264_mbaff_interlace_matches_ffmpeg) {
  const std::string dir = workdir("x264_mbaff"), file = dir + "/in.h264";
  encode(file, "176x144", 12, "-c:v libx264 -x264-params interlaced=1:bframes=2", dir);
  BOOST_REQUIRE_EQUAL(count_of(traced(file, "frame_mbs_only_flag", dir), 1), 0);
  BOOST_REQUIRE_GT(count_of(traced(file, "mb_adaptive_frame_field_flag", dir), 1), 0);
  expect_same_frames(vvsim_frames(file, dir), ffmpeg_frames(file, dir), 12, kQcifFrameBytes);
}

BOOST_AUTO_TEST_CASE(x264_monochrome_gives_neutral_chroma_like_ffmpeg_gray_to_yuv420p) {
  const std::string dir = workdir("x264_gray"), file = dir + "/in.h264";
  // Limited range, as the NV12 the device writes: ffmpeg decodes a full-range
  // stream to yuvj420p, which -pix_fmt yuv420p would then rescale.
  encode(file, "176x144", 10, "-c:v libx264 -pix_fmt gray -color_range tv -x264-params bframes=2", dir);
  BOOST_REQUIRE_EQUAL(count_of(traced(file, "video_full_range_flag", dir), 1), 0);
  const auto chroma_format = traced(file, "chroma_format_idc", dir);
  BOOST_REQUIRE(!chroma_format.empty());
  BOOST_REQUIRE_EQUAL(count_of(chroma_format, 0), long(chroma_format.size()));
  const std::string frames = vvsim_frames(file, dir);
  expect_same_frames(frames, ffmpeg_frames(file, dir), 10, kQcifFrameBytes);
  // Independent of ffmpeg's conversion: every chroma byte is the neutral 128.
  for (size_t f = 0; f + kQcifFrameBytes <= frames.size(); f += kQcifFrameBytes)
    for (size_t i = 176 * 144; i < kQcifFrameBytes; ++i)
      if (uint8_t(frames[f + i]) != 128) BOOST_FAIL("chroma byte " << i << " of frame " << f / kQcifFrameBytes << " is not 128");
}

// An open-GOP stream cut just before its second I picture (not an IDR: only
// a recovery point SEI says decoding may start there), as a receiver tuning
// in mid-stream sees it; the sequence and picture parameter sets are kept.
BOOST_AUTO_TEST_CASE(open_gop_cut_at_recovery_point_tunes_in_like_ffmpeg) {
  const std::string dir = workdir("x264_open_gop"), whole = dir + "/whole.h264", cut = dir + "/cut.h264";
  encode(whole, "176x144", 30, "-c:v libx264 -x264-params keyint=10:open-gop=1:bframes=2:scenecut=0", dir);
  const auto parsed = vvsim::codec::read_bitstream_file(whole);
  BOOST_REQUIRE(parsed.status.ok());
  std::ofstream out(cut, std::ios::binary);
  size_t au_start = 0, key_pictures = 0;
  bool cutting = false;
  for (size_t i = 0; i < parsed.units.size(); ++i) {
    const auto& d = parsed.units[i].data;
    const auto nal = vvsim::codec::parse_nal(d.data(), d.size());
    BOOST_REQUIRE(nal);
    if (!cutting && (nal->type == 7 || nal->type == 8)) out.write(reinterpret_cast<const char*>(d.data()), d.size());
    if (!cutting && nal->is_slice && nal->frame_type == vvsim::codec::FrameType::Key && nal->first_mb_in_slice == 0 &&
        ++key_pictures == 2) {
      BOOST_REQUIRE_EQUAL(nal->type, 1);  // a non-IDR I picture
      cutting = true;
      for (size_t j = au_start; j < i; ++j) {  // its access unit's SEI (the recovery point)
        const auto& sei = parsed.units[j].data;
        out.write(reinterpret_cast<const char*>(sei.data()), sei.size());
      }
    }
    if (cutting) out.write(reinterpret_cast<const char*>(d.data()), d.size());
    if (parsed.units[i].ends_frame) au_start = i + 1;
  }
  out.close();
  BOOST_REQUIRE(cutting);
  BOOST_REQUIRE_EQUAL(count_of(traced(cut, "nal_unit_type", dir), 5), 0);  // no IDR picture at all
  BOOST_REQUIRE(!traced(cut, "recovery_frame_cnt", dir).empty());
  const std::string frames = vvsim_frames(cut, dir);
  BOOST_CHECK_GT(frames.size(), 0u);
  expect_same_frames(frames, ffmpeg_frames(cut, dir), 0, 0);
}

BOOST_AUTO_TEST_CASE(openh264_stays_selectable_per_device_profile) {
  const std::string dir = workdir("openh264_selected"), file = dir + "/in.h264";
  encode(file, "176x144", 10, "-c:v libx264 -profile:v baseline", dir);
  const std::string ffmpeg = ffmpeg_frames(file, dir);
  expect_same_frames(vvsim_frames(file, dir, "--set device.decoders.H264=openh264"), ffmpeg, 10, kQcifFrameBytes);
  const auto wrong = run(kBin + " run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir + "/wrong --input " +
                             file + " --set device.decoders.H264=libvpx",
                         dir);
  BOOST_CHECK_NE(wrong.status, 0);
  BOOST_CHECK_NE(wrong.err.find("device.decoders.H264"), std::string::npos);
  BOOST_CHECK_NE(wrong.err.find("is not one of libavcodec, openh264"), std::string::npos);
}

// A 1080p IDR picture of ~940 KiB (noise at QP 26) does not fit the 256 KiB
// that used to be every stream's input buffer; by default the buffers are
// sized from the stream's coded size as a V4L2 driver's sizeimage: half a
// 4:2:0 picture of 1920x1088 (sizes aligned to 32) = 1566720 bytes, rounded up
// to 4 KiB = 1568768.
BOOST_AUTO_TEST_CASE(input_buffers_are_sized_from_the_coded_size_by_default) {
  const std::string dir = workdir("big_idr"), file = dir + "/in.h264";
  const auto made = run("ffmpeg -v error -y -f lavfi -i testsrc2=size=1920x1080:rate=25,noise=alls=30:allf=t+u "
                        "-frames:v 2 -c:v libx264 -preset ultrafast -qp 26 " + file, dir);
  BOOST_REQUIRE_MESSAGE(made.status == 0, made.err);
  auto stream = vvsim::codec::open_bitstream_file(file);
  BOOST_REQUIRE_MESSAGE(stream.units, stream.status.error_message());
  size_t largest = 0;
  for (size_t i = 0; i < stream.units->size(); ++i) largest = std::max(largest, stream.units->unit(i).data.size());
  constexpr size_t kSizeimage = (1920 * 1088 * 3 / 4 + 4095) / 4096 * 4096;
  BOOST_REQUIRE_GT(largest, 256u * 1024);
  BOOST_REQUIRE_LE(largest, kSizeimage);
  expect_same_frames(vvsim_frames(file, dir), ffmpeg_frames(file, dir), 2, 1920 * 1080 * 3 / 2);
  // Overridable: a scenario's input_buffer_kib still decides.
  const auto small = run(kBin + " run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir +
                             "/small --input " + file + " --set streams.0.input_buffer_kib=256",
                         dir);
  BOOST_CHECK_EQUAL(small.status, 6);
  BOOST_CHECK_MESSAGE(small.err.find("exceeds the 262144-byte input buffers") != std::string::npos, small.err);
}

// RGB3 pictures as the device writes them (codec::write_picture, the rows the
// device's output writes use) for every picture of an x264 stream with
// B-frames, against ffmpeg's rgb24 at swscale's bit-exact settings.
BOOST_AUTO_TEST_CASE(rgb3_output_is_bit_exact_with_ffmpeg_rgb24) {
  namespace c = vvsim::codec;
  const std::string dir = workdir("rgb3"), file = dir + "/in.h264";
  encode(file, "176x144", 10, "-c:v libx264 -bf 2", dir);
  BOOST_REQUIRE_NE(picture_types(file, dir).find('B'), std::string::npos);
  auto stream = c::open_bitstream_file(file);
  BOOST_REQUIRE_MESSAGE(stream.units, stream.status.error_message());
  const auto layout = c::default_layout(c::ImageFormat::RGB3, 176, 144, 1);
  BOOST_REQUIRE(layout.ok());
  std::string rgb;
  const auto write = [&](const c::DecodeResult& result) {
    for (const c::Picture& picture : result.pictures) {
      std::string frame(layout->buffer_sizes[0], '\0');
      std::vector<c::ByteSpan> spans{{reinterpret_cast<uint8_t*>(frame.data()), frame.size()}};
      BOOST_REQUIRE(c::write_picture(picture, *layout, spans).ok());
      rgb += frame;
    }
  };
  auto decoder = c::make_decoder(c::CodecId::H264);
  for (size_t i = 0; i < stream.units->size(); ++i) {
    const auto& unit = stream.units->unit(i);
    write(decoder->decode(unit.data.data(), unit.data.size(), unit.timestamp));
  }
  write(decoder->flush());
  const auto r = run("ffmpeg -v error -threads 1 -i " + file +
                         " -vf scale=flags=neighbor+full_chroma_int+accurate_rnd+bitexact -f rawvideo -pix_fmt rgb24 -y " +
                         dir + "/ffmpeg.rgb",
                     dir);
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  expect_same_frames(rgb, slurp(dir + "/ffmpeg.rgb"), 10, 176 * 144 * 3);
}
