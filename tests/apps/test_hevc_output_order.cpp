// The HEVC output order model (codec/hevc_output_order.h) on streams made by
// libx265 at test time, against ffmpeg's own reading of them: the display
// order ffprobe reports (each frame's packet position names its access
// unit) and, from trace_headers, the reorder depth, the latency limit and
// the NAL unit types (IDR, CRA, RASL pictures).
#define BOOST_TEST_MODULE hevc_output_order
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "codec/bitstream_reader.h"
#include "codec/hevc_output_order.h"
#include "tests/apps/output_order_checks.h"

using namespace real_content;
using namespace vvsim::codec;

namespace {

constexpr long kIdrWRadl = 19, kCra = 21, kRaslN = 8, kRaslR = 9;

struct Released {
  std::vector<size_t> order;           // decode indices of the pictures, in output order
  std::vector<size_t> count_per_step;  // pictures released when each decoded picture arrived
};

// Feeds the model each NAL unit as a decoder gets it; an access unit counts
// as decoded when the next one begins (or at the end). Pictures the model
// skips (RASL) get no decode index.
Released run_model(const std::string& file) {
  const ParsedStream stream = read_bitstream_file(file);
  BOOST_REQUIRE_MESSAGE(stream.status.ok(), stream.status.error_message());
  HevcOutputOrder model;
  Released out;
  bool has_slice = false;
  size_t pictures = 0;
  const auto decoded = [&] {
    if (!has_slice || model.pending_skipped()) return;
    const auto leaving = model.picture_decoded(pictures++);
    BOOST_CHECK(leaving.discarded.empty());
    out.order.insert(out.order.end(), leaving.output.begin(), leaving.output.end());
    out.count_per_step.push_back(leaving.output.size());
  };
  for (const auto& unit : stream.units) {
    const auto nal = parse_hevc_nal(unit.data.data(), unit.data.size());
    BOOST_REQUIRE(nal);
    if (starts_hevc_access_unit(*nal, has_slice)) decoded(), has_slice = false;
    model.note_nal(*nal, unit.data.data(), unit.data.size());
    has_slice = has_slice || nal->is_slice;
  }
  decoded();
  BOOST_CHECK_EQUAL(model.unsupported(), "");
  const auto rest = model.flush();
  out.order.insert(out.order.end(), rest.begin(), rest.end());
  return out;
}

// The slice NAL unit types of the pictures (one slice segment per picture), in decoding order.
std::vector<long> picture_nal_types(const std::string& file, const std::string& dir) {
  std::vector<long> types;
  for (long t : traced(file, "nal_unit_type", dir))
    if (t < 32) types.push_back(t);
  BOOST_REQUIRE_EQUAL(types.size(), traced(file, "first_slice_segment_in_pic_flag", dir).size());
  return types;
}

// By hand (§C.5.2): a picture releases every waiting one first if it is an
// IDR picture, then the smallest waits out once more than `depth` wait.
std::vector<size_t> counts_by_hand(const std::vector<long>& types, size_t depth) {
  std::vector<size_t> counts;
  size_t waiting = 0;
  for (long type : types) {
    const bool idr = type == kIdrWRadl || type == 20;
    size_t out = idr ? waiting : 0;
    waiting = (idr ? 0 : waiting) + 1;
    if (waiting > depth) ++out, --waiting;
    counts.push_back(out);
  }
  return counts;
}

// The most pictures decoded after any picture that precede it in display
// order: the latency limit releases nothing early while this stays below it.
size_t largest_latency(const std::vector<size_t>& display) {
  size_t largest = 0;
  for (size_t at = 0; at < display.size(); ++at) {
    size_t count = 0;
    for (size_t before = 0; before < at; ++before) count += display[before] > display[at];
    largest = std::max(largest, count);
  }
  return largest;
}

// The reorder and latency limits of the stream's only SPS (one sub-layer), from trace_headers.
std::pair<size_t, size_t> traced_limits(const std::string& file, const std::string& dir) {
  BOOST_REQUIRE_EQUAL(traced(file, "sps_max_sub_layers_minus1", dir).at(0), 0);
  const auto reorder = traced(file, "sps_max_num_reorder_pics[0]", dir);
  const auto latency_plus1 = traced(file, "sps_max_latency_increase_plus1[0]", dir);
  BOOST_REQUIRE(!reorder.empty() && !latency_plus1.empty());
  return {size_t(reorder.at(0)), size_t(reorder.at(0) + latency_plus1.at(0) - 1)};
}

void check(const Released& released, const std::vector<size_t>& display, const std::vector<long>& types,
           size_t depth) {
  BOOST_CHECK_EQUAL_COLLECTIONS(released.order.begin(), released.order.end(), display.begin(), display.end());
  const auto expected = counts_by_hand(types, depth);
  BOOST_CHECK_EQUAL_COLLECTIONS(released.count_per_step.begin(), released.count_per_step.end(), expected.begin(),
                                expected.end());
}

const std::string kOpenGop = "-c:v libx265 -x265-params log-level=error:bframes=3:b-pyramid=1:keyint=16:min-keyint=16:"
                             "scenecut=0";

}  // namespace

// Open GOPs: the mid-stream CRA pictures (NoRaslOutputFlag 0) release
// nothing, their RASL pictures are decoded and ordered like any other.
BOOST_AUTO_TEST_CASE(hevc_b_pyramid_pictures_leave_in_display_order_at_the_reorder_depth) {
  const std::string dir = workdir("hevc_order_open_gop"), file = dir + "/in.hevc";
  encode(file, "176x144", 40, kOpenGop, dir);
  const auto [depth, max_latency] = traced_limits(file, dir);
  BOOST_REQUIRE_EQUAL(depth, 2u);  // the stream really reorders
  const auto types = picture_nal_types(file, dir);
  BOOST_REQUIRE_EQUAL(types.size(), 40u);
  BOOST_REQUIRE_GT(count_of(types, kCra), 0);
  BOOST_REQUIRE_GT(count_of(types, kRaslN) + count_of(types, kRaslR), 0);
  const auto display = display_order(file, dir);
  BOOST_REQUIRE_LT(largest_latency(display), max_latency);
  check(run_model(file), display, types, depth);
}

// Closed GOPs: every IDR picture releases the pictures still waiting before it.
BOOST_AUTO_TEST_CASE(hevc_idr_pictures_release_every_waiting_picture) {
  const std::string dir = workdir("hevc_order_closed_gop"), file = dir + "/in.hevc";
  encode(file, "176x144", 30, kOpenGop + ":open-gop=0:keyint=10:min-keyint=10", dir);
  const auto [depth, max_latency] = traced_limits(file, dir);
  BOOST_REQUIRE_GT(depth, 0u);
  const auto types = picture_nal_types(file, dir);
  BOOST_REQUIRE_EQUAL(count_of(types, kIdrWRadl) + count_of(types, 20), 3);
  const auto display = display_order(file, dir);
  BOOST_REQUIRE_LT(largest_latency(display), max_latency);
  check(run_model(file), display, types, depth);
}

// A stream cut at a CRA picture (its parameter sets put in front): the CRA
// picture starts decoding (NoRaslOutputFlag 1), its RASL pictures are not
// decoded and never leave, as ffmpeg skips them; the full run's pictures
// equal ffmpeg's.
BOOST_AUTO_TEST_CASE(hevc_stream_cut_at_a_cra_picture_skips_its_rasl_pictures) {
  const std::string dir = workdir("hevc_order_cut_at_cra"), whole = dir + "/whole.hevc", file = dir + "/cut.hevc";
  encode(whole, "176x144", 40, kOpenGop, dir);
  const std::string bytes = slurp(whole), start_code("\0\0\1", 3);
  std::string parameter_sets;
  size_t cra_at = std::string::npos;
  for (size_t at = bytes.find(start_code); at != std::string::npos; at = bytes.find(start_code, at + 3)) {
    const int type = (bytes[at + 3] >> 1) & 0x3f;
    const size_t end = std::min(bytes.find(start_code, at + 3), bytes.size());
    if (type >= 32 && type <= 34) parameter_sets += bytes.substr(at, end - at);
    if (type == kCra) {
      cra_at = at;
      break;
    }
  }
  BOOST_REQUIRE(cra_at != std::string::npos);
  {
    std::ofstream out(file, std::ios::binary);
    out << parameter_sets << bytes.substr(cra_at);
  }
  const auto types = picture_nal_types(file, dir);
  BOOST_REQUIRE_EQUAL(types.at(0), kCra);
  const auto next_irap = std::find_if(types.begin() + 1, types.end(), [](long t) { return t >= 16 && t <= 23; });
  const long rasl = std::count_if(types.begin(), next_irap, [](long t) { return t == kRaslN || t == kRaslR; });
  BOOST_REQUIRE_GT(rasl, 0);  // the first CRA picture's, skipped; a later CRA picture's are decoded
  const auto display = display_order(file, dir);  // ffmpeg skips the RASL pictures too
  BOOST_REQUIRE_EQUAL(display.size(), types.size() - size_t(rasl));
  const Released released = run_model(file);
  BOOST_CHECK_EQUAL_COLLECTIONS(released.order.begin(), released.order.end(), display.begin(), display.end());
  expect_same_frames(vvsim_frames(file, dir), ffmpeg_frames(file, dir), display.size(), 176 * 144 * 3 / 2);
}

// The device's output time, by hand, in a closed-GOP stream of reorder depth
// 2 (one engine job per v6 unit, in stream order; an access unit is decoded
// when the first NAL unit after it arrives): the first IDR picture (display
// first, POC 0) waits until three pictures wait, i.e. it leaves with the job
// of the NAL unit after the third picture's slice segment; the two pictures
// still waiting at the second IDR picture leave with the job of the NAL unit
// after that IDR picture's slice segment. Their decode stage in the CSV must
// end exactly when that job ends in the trace.
BOOST_AUTO_TEST_CASE(hevc_picture_leaves_at_the_end_of_the_job_that_releases_it) {
  const std::string dir = workdir("hevc_order_engine"), file = dir + "/in.hevc";
  encode(file, "176x144", 20, kOpenGop + ":open-gop=0:keyint=10:min-keyint=10", dir);
  BOOST_REQUIRE_EQUAL(traced_limits(file, dir).first, 2u);
  // NAL unit types in file order, from the file's own start codes.
  const std::string bytes = slurp(file), start_code("\0\0\1", 3);
  std::vector<int> nal_types;
  for (size_t at = bytes.find(start_code); at != std::string::npos && at + 3 < bytes.size();
       at = bytes.find(start_code, at + 3))
    nal_types.push_back((bytes[at + 3] >> 1) & 0x3f);
  std::vector<size_t> slices;  // NAL unit index of each picture's slice segment (one per picture)
  for (size_t i = 0; i < nal_types.size(); ++i)
    if (nal_types[i] < 32) slices.push_back(i);
  BOOST_REQUIRE_EQUAL(slices.size(), 20u);
  const auto is_idr = [&](size_t picture) { return nal_types[slices[picture]] == kIdrWRadl || nal_types[slices[picture]] == 20; };
  BOOST_REQUIRE(is_idr(0) && is_idr(10));
  std::vector<std::pair<std::string, size_t>> expected{{"0", slices[2] + 1}};  // timestamp (decode index), releasing unit
  std::vector<size_t> before_idr;  // decode indices of the first GOP, in display order
  for (size_t index : display_order(file, dir))
    if (index < 10) before_idr.push_back(index);
  BOOST_REQUIRE_EQUAL(before_idr.size(), 10u);
  for (size_t i = 8; i < 10; ++i) expected.emplace_back(std::to_string(before_idr[i]), slices[10] + 1);

  const auto r = run(kBin + " run " + kSrc + "/scenarios/default.yaml --quiet --out " + dir + "/out --input " + file +
                         " --csv " + dir + "/frames.csv --trace " + dir + "/trace.json",
                     dir);
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto job_ends_ns = codec_job_ends_ns(dir + "/trace.json");
  BOOST_REQUIRE_GT(job_ends_ns.size(), slices[10] + 1);
  for (const auto& [timestamp, releasing_unit] : expected) {
    const double decode_end = decode_end_ns(dir + "/frames.csv", timestamp);
    BOOST_TEST_CONTEXT("timestamp " << timestamp) { BOOST_CHECK_CLOSE(decode_end, job_ends_ns[releasing_unit], 1e-6); }
  }
}

// §C.5.2.3 by hand: with reorder depth 3 and SpsMaxLatencyPictures 2, picture
// A (POC 8) leaves once two later-decoded pictures precede it in output order
// (POC 4, then 2), though only three wait; a picture with PicOutputFlag 0 never
// waits. §C.5.2.2: an IRAP picture with NoOutputOfPriorPicsFlag 1 discards
// every waiting picture.
BOOST_AUTO_TEST_CASE(hevc_latency_limit_and_no_output_of_prior_pics_by_hand) {
  OutputOrder order;
  PictureArrival p;
  p.reorder_depth = 3;
  p.max_latency = 2;
  p.order_count = 8;
  BOOST_CHECK(order.arrive(1, p).output.empty());
  p.order_count = 4;
  BOOST_CHECK(order.arrive(2, p).output.empty());  // A's count 1
  p.order_count = 6;
  p.output = false;
  BOOST_CHECK(order.arrive(3, p).output.empty());  // not output: A's count stays 1
  p.output = true;
  p.order_count = 2;
  const auto leaving = order.arrive(4, p);  // A's count 2: the bumping outputs the smallest first until A is out
  BOOST_CHECK((leaving.output == std::vector<uint64_t>{4, 2, 1}));
  p.order_count = 10;
  BOOST_CHECK(order.arrive(5, p).output.empty());
  p.order_count = 0;
  p.discards_prior = true;
  const auto irap = order.arrive(6, p);
  BOOST_CHECK(irap.output.empty());
  BOOST_CHECK((irap.discarded == std::vector<uint64_t>{5}));
  BOOST_CHECK((order.flush() == std::vector<uint64_t>{6}));
}
