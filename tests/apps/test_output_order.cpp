// The output order model (codec/output_order.h) on H.264 streams made by
// libx264 at test time, against ffmpeg's own reading of them: the display
// order ffprobe reports (each frame's packet position names its access unit)
// and, from trace_headers, the reorder depth and which pictures are IDR.
#define BOOST_TEST_MODULE output_order
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "codec/bitstream_reader.h"
#include "codec/output_order.h"
#include "tests/apps/output_order_checks.h"

using namespace real_content;
using namespace vvsim::codec;

namespace {

struct Released {
  std::vector<size_t> order;          // decode indices of the pictures, in output order
  std::vector<size_t> count_per_step;  // pictures released when each access unit was decoded
};

// Feeds the model each NAL unit as a decoder gets it; an access unit counts as
// decoded when the next one begins (or at the end), as the decoders see it.
Released run_model(const std::string& file) {
  const ParsedStream stream = read_bitstream_file(file);
  BOOST_REQUIRE_MESSAGE(stream.status.ok(), stream.status.error_message());
  H264OutputOrder model;
  Released out;
  bool has_slice = false;
  size_t pictures = 0;
  const auto decoded = [&] {
    if (!has_slice) return;
    const auto ids = model.picture_decoded(pictures++);
    out.order.insert(out.order.end(), ids.begin(), ids.end());
    out.count_per_step.push_back(ids.size());
  };
  for (const auto& unit : stream.units) {
    const auto nal = parse_nal(unit.data.data(), unit.data.size());
    BOOST_REQUIRE(nal);
    const bool begins = starts_access_unit(*nal, has_slice);
    if (begins) decoded(), has_slice = false;
    model.note_nal(*nal, unit.data.data(), unit.data.size(), nal->is_slice && !has_slice);
    has_slice = has_slice || nal->is_slice;
  }
  decoded();
  BOOST_CHECK_EQUAL(model.unsupported(), "");
  const auto rest = model.flush();
  out.order.insert(out.order.end(), rest.begin(), rest.end());
  return out;
}

// The model released the pictures in ffprobe's display order of the file.
void check_display_order(const Released& released, const std::string& file, const std::string& dir) {
  const auto expected_order = display_order(file, dir);
  BOOST_CHECK_EQUAL_COLLECTIONS(released.order.begin(), released.order.end(), expected_order.begin(),
                                expected_order.end());
}

}  // namespace

// B-pyramid with three B-frames (reorder depth 2) and an IDR every 12 frames.
// By hand: an IDR picture releases every picture still waiting; otherwise a
// picture is released once more than `depth` pictures wait.
BOOST_AUTO_TEST_CASE(h264_b_pyramid_pictures_leave_in_display_order_at_the_reorder_depth) {
  const std::string dir = workdir("output_order_pyramid"), file = dir + "/in.h264";
  encode(file, "176x144", 30, "-c:v libx264 -x264-params bframes=3:b-pyramid=normal:keyint=12:min-keyint=12:scenecut=0",
         dir);
  const auto depth = traced(file, "max_num_reorder_frames", dir);
  BOOST_REQUIRE(!depth.empty());
  BOOST_REQUIRE_EQUAL(depth.front(), 2);  // the stream really reorders
  BOOST_REQUIRE_EQUAL(traced(file, "first_mb_in_slice", dir).size(), 30u);  // one slice per access unit
  std::vector<bool> idr;  // per access unit, from its slice's NAL type
  for (long type : traced(file, "nal_unit_type", dir))
    if (type == 1 || type == 5) idr.push_back(type == 5);
  BOOST_REQUIRE_EQUAL(idr.size(), 30u);
  BOOST_REQUIRE_EQUAL(std::count(idr.begin(), idr.end(), true), 3);

  const Released released = run_model(file);
  check_display_order(released, file, dir);
  std::vector<size_t> expected_counts;
  size_t waiting = 0;
  for (bool is_idr : idr) {
    size_t out = is_idr ? waiting : 0;
    waiting = (is_idr ? 0 : waiting) + 1;
    if (waiting > size_t(depth.front())) ++out, --waiting;
    expected_counts.push_back(out);
  }
  BOOST_CHECK_EQUAL_COLLECTIONS(released.count_per_step.begin(), released.count_per_step.end(),
                                expected_counts.begin(), expected_counts.end());
}

// Without B-frames libx264 writes pic_order_cnt_type 2: output order is
// decoding order and every picture leaves as soon as it is decoded.
BOOST_AUTO_TEST_CASE(h264_without_b_frames_pictures_leave_at_once) {
  const std::string dir = workdir("output_order_no_b"), file = dir + "/in.h264";
  encode(file, "176x144", 10, "-c:v libx264 -profile:v baseline", dir);
  const auto poc_types = traced(file, "pic_order_cnt_type", dir);
  BOOST_REQUIRE(!poc_types.empty());
  BOOST_REQUIRE_EQUAL(count_of(poc_types, 2), long(poc_types.size()));
  const Released released = run_model(file);
  BOOST_CHECK_EQUAL(released.count_per_step.size(), 10u);
  for (size_t n : released.count_per_step) BOOST_CHECK_EQUAL(n, 1u);
  check_display_order(released, file, dir);
}

// Without a VUI reorder depth the level's DPB decides (Table A-1): level 1.1
// has MaxDpbMbs 900, a 176x144 picture 99 macroblocks: 9 pictures may wait.
BOOST_AUTO_TEST_CASE(h264_reorder_depth_without_vui_is_the_levels_dpb_size) {
  SpsInfo sps;
  sps.level_idc = 11;
  sps.coded_width = 176, sps.coded_height = 144;
  sps.pic_order_cnt_type = 0;
  BOOST_CHECK_EQUAL(h264_reorder_depth(sps), 900u / 99u);
  sps.level_idc = 40;  // MaxDpbMbs 32768: capped at 16 frames
  BOOST_CHECK_EQUAL(h264_reorder_depth(sps), 16u);
  sps.pic_order_cnt_type = 2;  // output order is decoding order
  BOOST_CHECK_EQUAL(h264_reorder_depth(sps), 0u);
  sps.max_num_reorder_frames = 3;
  BOOST_CHECK_EQUAL(h264_reorder_depth(sps), 3u);
}

// The device's output time, by hand: in a reorder-depth-2 stream the IDR
// picture (display first) is released when the third access unit after it is
// complete, i.e. by the job of that access unit's first NAL unit (one engine
// job per v6 unit, in stream order); its decode stage in the CSV must end
// exactly when that job ends in the trace. On openh264, which hands the IDR
// picture out one access unit earlier, as on libavcodec.
BOOST_AUTO_TEST_CASE(h264_picture_leaves_at_the_end_of_the_job_that_releases_it) {
  const std::string file = kSrc + "/tests/codec/fixtures/h264_x264_high_bframes.h264";
  for (const std::string backend : {"libavcodec", "openh264"}) {
    const std::string dir = workdir("output_order_engine_" + backend);
    BOOST_REQUIRE_EQUAL(traced(file, "max_num_reorder_frames", dir).at(0), 2);
    // NAL unit types in file order, from the start codes (00 00 01) of the file itself
    // (trace_headers also prints the parameter sets the demuxer puts in front).
    const std::string bytes = slurp(file);
    std::vector<int> nal_types;
    for (size_t at = bytes.find(std::string("\0\0\1", 3)); at != std::string::npos && at + 3 < bytes.size();
         at = bytes.find(std::string("\0\0\1", 3), at + 3))
      nal_types.push_back(bytes[at + 3] & 0x1f);
    std::vector<size_t> slices;  // NAL unit index of each slice (one slice per access unit)
    for (size_t i = 0; i < nal_types.size(); ++i)
      if (nal_types[i] == 1 || nal_types[i] == 5) slices.push_back(i);
    BOOST_REQUIRE_EQUAL(slices.size(), traced(file, "first_mb_in_slice", dir).size());
    BOOST_REQUIRE_GE(slices.size(), 4u);
    BOOST_REQUIRE_EQUAL(nal_types[slices[0]], 5);
    const size_t releasing_unit = slices[3];  // the third access unit after the IDR begins with its slice

    const auto r = run(kBin + " run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir + "/out --input " + file +
                           " --csv " + dir + "/frames.csv --trace " + dir + "/trace.json --set device.decoders.H264=" +
                           backend,
                       dir);
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    const auto job_ends_ns = codec_job_ends_ns(dir + "/trace.json");
    BOOST_REQUIRE_GT(job_ends_ns.size(), releasing_unit);
    const double decode_end = decode_end_ns(dir + "/frames.csv", "0");
    BOOST_TEST_CONTEXT(backend) { BOOST_CHECK_CLOSE(decode_end, job_ends_ns[releasing_unit], 1e-6); }
  }
}

// Weighted prediction, reference list modifications and memory management
// operations (x264 weightp=2, ref=4, B-pyramid): the model reads every slice
// header through dec_ref_pic_marking (it reports no unread header) and still
// orders the pictures as ffprobe displays them.
BOOST_AUTO_TEST_CASE(h264_slice_headers_with_weights_and_marking_are_read_through) {
  const std::string dir = workdir("output_order_weights"), file = dir + "/in.h264";
  encode(file, "176x144", 30,
         "-c:v libx264 -x264-params bframes=3:b-pyramid=normal:weightp=2:weightb=1:ref=4:keyint=12:min-keyint=12:"
         "scenecut=0",
         dir);
  BOOST_REQUIRE_GT(count_of(traced(file, "luma_weight_l0_flag[1]", dir), 1), 0);
  BOOST_REQUIRE_GT(count_of(traced(file, "modification_of_pic_nums_idc", dir), 1), 0);
  BOOST_REQUIRE_GT(count_of(traced(file, "memory_management_control_operation", dir), 1), 0);
  BOOST_REQUIRE_EQUAL(count_of(traced(file, "memory_management_control_operation", dir), 5), 0);
  const Released released = run_model(file);
  check_display_order(released, file, dir);
}

// §8.2.1.3 by hand (pic_order_cnt_type 2): frame_num 0 (IDR), 1, 2 count 0, 2,
// 4; a picture with memory_management_control_operation 5 counts 0 after its
// decoding and the next one counts as if frame_num restarted: frame_num 1 gives 2.
BOOST_AUTO_TEST_CASE(h264_memory_management_reset_restarts_the_order_counts) {
  SpsInfo sps;
  sps.pic_order_cnt_type = 2;
  H264OrderCount counts;
  SliceOrderFields slice;
  slice.nal_ref_idc = 1;
  slice.idr = true;
  BOOST_CHECK_EQUAL(counts.next(sps, slice), 0);
  slice.idr = false;
  slice.frame_num = 1;
  BOOST_CHECK_EQUAL(counts.next(sps, slice), 2);
  slice.frame_num = 2;
  slice.resets_order = true;
  BOOST_CHECK_EQUAL(counts.next(sps, slice), 0);
  slice.frame_num = 1;
  slice.resets_order = false;
  BOOST_CHECK_EQUAL(counts.next(sps, slice), 2);
  // The reset picture releases every waiting one first, as an IDR picture does.
  OutputOrder order;
  BOOST_CHECK(order.decoded(1, 4, false, 2).empty());
  BOOST_CHECK(order.decoded(2, 2, false, 2).empty());
  const auto released = order.decoded(3, 0, true, 2);
  BOOST_CHECK((released == std::vector<uint64_t>{2, 1}));
}
