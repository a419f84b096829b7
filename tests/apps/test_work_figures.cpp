// The work figures every decoder reports for the timing model (macroblocks
// per picture, pictures per unit, frame types), on streams made at test time,
// against ffmpeg's trace_headers parse of the same stream: each picture is
// charged once, for its own size, on the real backends and the timing-only scan.
#define BOOST_TEST_MODULE work_figures
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "codec/bitstream_reader.h"
#include "codec/scan_decoder.h"
#include "codec/start_code_headers.h"
#include "codec/unit_header.h"
#include "models/engine/codec_engine.h"
#include "tests/apps/real_content.h"

using namespace real_content;
using namespace vvsim::codec;

namespace {

// trace_headers' lines in stream order: ("Packet", size), ("Frame", 0) and (syntax element, value).
std::vector<std::pair<std::string, long>> trace(const std::string& file, const std::string& dir) {
  const auto r = run("ffmpeg -hide_banner -nostats -i " + file + " -c:v copy -bsf:v trace_headers -f null -", dir);
  std::vector<std::pair<std::string, long>> out;
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    // "[trace_headers @ 0x..] <bit position> <name> <bits> = <value>", "... Packet: <bytes> bytes", "... Frame"
    if (w.size() < 4 || w[0] != "[trace_headers") continue;
    if (w[3] == "Packet:" && w.size() > 4) out.emplace_back("Packet", std::stol(w[4]));
    else if (w[3] == "Frame") out.emplace_back("Frame", 0);
    else if (w.size() >= 7 && w[w.size() - 2] == "=") out.emplace_back(w[4], std::stol(w.back()));
  }
  return out;
}

using Decoders = std::vector<std::pair<std::string, std::unique_ptr<Decoder>>>;

// Every backend of `codec` but `unable` (one that does not decode the stream), and the scan.
Decoders every_decoder(CodecId codec, std::optional<DecoderBackend> unable = std::nullopt) {
  Decoders out;
  for (const auto backend : decoder_backends(codec))
    if (backend != unable) out.emplace_back(backend_name(backend), make_decoder(codec, backend));
  out.emplace_back("timing-only scan", make_scan_decoder(codec));
  return out;
}

// The pictures a unit's work charges: the first and any further ones.
std::vector<CodedPicture> charged(const UnitWork& work) {
  std::vector<CodedPicture> out;
  if (work.macroblocks != 0) out.push_back({work.macroblocks, work.frame_type});
  out.insert(out.end(), work.further_pictures.begin(), work.further_pictures.end());
  return out;
}

void check_pictures(const std::vector<CodedPicture>& got, const std::vector<CodedPicture>& expected,
                    const std::string& where) {
  BOOST_TEST_CONTEXT(where) {
    BOOST_REQUIRE_EQUAL(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
      BOOST_CHECK_EQUAL(got[i].macroblocks, expected[i].macroblocks);
      BOOST_CHECK(got[i].frame_type == expected[i].frame_type);
    }
  }
}

// H.264 per slice, from the trace: its picture's macroblocks (the active
// SPS's, a field half of them) on a first slice, none on a later one.
std::vector<CodedPicture> h264_expected_per_slice(const std::string& file, const std::string& dir) {
  struct Sps {
    long width_mbs = 0, height_map_units = 0, frame_mbs_only = 1;
  };
  std::map<long, Sps> sps;
  std::map<long, long> pps_sps;
  std::vector<CodedPicture> out;
  long nal_type = 0, sps_id = 0, pps_id = 0, first_mb = -1, slice_type = 0;
  for (const auto& [name, value] : trace(file, dir)) {
    if (name == "nal_unit_type") nal_type = value;
    else if (nal_type == 7 && name == "seq_parameter_set_id") sps_id = value;
    else if (name == "pic_width_in_mbs_minus1") sps[sps_id].width_mbs = value + 1;
    else if (name == "pic_height_in_map_units_minus1") sps[sps_id].height_map_units = value + 1;
    else if (name == "frame_mbs_only_flag") sps[sps_id].frame_mbs_only = value;
    else if (nal_type == 8 && name == "pic_parameter_set_id") pps_id = value;
    else if (nal_type == 8 && name == "seq_parameter_set_id") pps_sps[pps_id] = value;
    else if (name == "first_mb_in_slice") first_mb = value;
    else if (name == "slice_type") slice_type = value % 5;
    else if ((nal_type == 1 || nal_type == 5) && name == "pic_parameter_set_id") {
      const Sps& s = sps[pps_sps[value]];
      const long frame_mbs = s.width_mbs * s.height_map_units * (2 - s.frame_mbs_only);
      const FrameType type = slice_type == 2 ? FrameType::Key : slice_type == 1 ? FrameType::BiPredicted : FrameType::Inter;
      out.push_back({first_mb == 0 ? uint32_t(frame_mbs) : 0u, type});
    }
  }
  return out;
}

// Feeds every unit of `file` to each decoder and compares each slice's (HEVC:
// slice segment's) work with `expected`, one entry per slice in stream order.
void check_slice_work(CodecId codec, const std::string& file, const std::vector<CodedPicture>& expected,
                      size_t pictures, Decoders decoders) {
  size_t first_slices = 0;
  for (const auto& e : expected) first_slices += e.macroblocks != 0;
  BOOST_REQUIRE_EQUAL(first_slices, pictures);
  const ParsedStream stream = read_bitstream_file(file);
  BOOST_REQUIRE(stream.status.ok());
  for (auto& [name, decoder] : decoders) {
    size_t slice = 0, charged_pictures = 0;
    for (const auto& u : stream.units) {
      const auto result = decoder->decode(u.data.data(), u.data.size(), u.timestamp);
      const auto nal = codec == CodecId::HEVC ? parse_hevc_nal(u.data.data(), u.data.size())
                                              : parse_nal(u.data.data(), u.data.size());
      if (!nal || !nal->is_slice) {
        BOOST_CHECK_EQUAL(result.work.macroblocks, 0u);
        continue;
      }
      BOOST_REQUIRE_LT(slice, expected.size());
      const auto got = charged(result.work);
      charged_pictures += got.size();
      const auto& e = expected[slice];
      BOOST_TEST_CONTEXT(name << " slice " << slice) {
        BOOST_CHECK_EQUAL(result.work.macroblocks, e.macroblocks);
        BOOST_CHECK(result.work.frame_type == e.frame_type);
        BOOST_CHECK_EQUAL(result.work.continues_picture, e.macroblocks == 0);
      }
      ++slice;
    }
    BOOST_CHECK_EQUAL(slice, expected.size());
    BOOST_CHECK_EQUAL(charged_pictures, pictures);
  }
}

void check_h264_work(const std::string& file, const std::string& dir, size_t pictures,
                     std::optional<DecoderBackend> unable = std::nullopt) {
  check_slice_work(CodecId::H264, file, h264_expected_per_slice(file, dir), pictures,
                   every_decoder(CodecId::H264, unable));
}

// The packets trace_headers reads (one access unit each), by their size.
std::vector<long> packet_bytes(const std::string& file, const std::string& dir) {
  std::vector<long> out;
  for (const auto& [name, value] : trace(file, dir))
    if (name == "Packet") out.push_back(value);
  return out;
}

}  // namespace

// One whole access unit per unit (InputUnit::AccessUnit), four slices per
// picture and B-frames: each unit is charged its own picture once (the
// macroblocks and type of its first slice, from the trace) and all its bytes
// (the trace's packet), so under the default profile it costs
//   cycles_per_unit + cycles_per_byte * bytes + round(cycles_per_macroblock * macroblocks * factor(type))
// on every backend and the scan.
BOOST_AUTO_TEST_CASE(h264_access_unit_units_are_charged_one_picture_each) {
  const std::string dir = workdir("work_h264_access_units"), file = dir + "/a.h264";
  encode(file, "176x144", 12, "-c:v libx264 -x264-params slices=4:bframes=2", dir);
  std::vector<CodedPicture> pictures;
  for (const auto& slice : h264_expected_per_slice(file, dir))
    if (slice.macroblocks != 0) pictures.push_back(slice);
  const auto bytes = packet_bytes(file, dir);
  BOOST_REQUIRE_EQUAL(pictures.size(), 12u);
  BOOST_REQUIRE_EQUAL(bytes.size(), pictures.size());
  BOOST_REQUIRE_NE(picture_types(file, dir).find('B'), std::string::npos);
  const ParsedStream stream = read_bitstream_file(file);
  BOOST_REQUIRE(stream.status.ok());
  AccessUnitSource units(CodecId::H264, std::make_shared<UnitsInMemory>(stream.units));
  BOOST_REQUIRE_EQUAL(units.size(), pictures.size());
  const vvsim::models::CodecEngineProfile profile;  // cost() refers into it
  const auto& cost = profile.cost(vvsim::models::JobKind::Decode, CodecId::H264);
  for (auto& [name, decoder] : every_decoder(CodecId::H264)) {
    decoder->take_input_units(InputUnit::AccessUnit);
    for (size_t i = 0; i < units.size(); ++i) {
      const auto& u = units.unit(i);
      const auto result = decoder->decode(u.data.data(), u.data.size(), u.timestamp);
      const CodedPicture& e = pictures[i];
      const double factor = e.frame_type == FrameType::Key           ? cost.key_frame_factor
                            : e.frame_type == FrameType::BiPredicted ? cost.bipred_frame_factor
                                                                     : cost.inter_frame_factor;
      const uint64_t cycles = cost.cycles_per_unit + cost.cycles_per_byte * uint64_t(bytes[i]) +
                              uint64_t(std::llround(double(cost.cycles_per_macroblock * e.macroblocks) * factor));
      BOOST_TEST_CONTEXT(name << " access unit " << i) {
        BOOST_CHECK(result.status == UnitStatus::Ok);
        BOOST_CHECK_EQUAL(result.work.bitstream_bytes, uint32_t(bytes[i]));
        BOOST_CHECK_EQUAL(result.work.macroblocks, e.macroblocks);
        BOOST_CHECK(result.work.frame_type == e.frame_type);
        BOOST_CHECK_EQUAL(vvsim::models::unit_cycles(cost, result.work), cycles);
      }
    }
  }
}

// Four slices per picture, B-frames, then a second sequence of another size:
// each picture is charged once (on its first slice), for its own SPS's size:
// the first IDR, the first P, and the first IDR of the 96x64 sequence included.
BOOST_AUTO_TEST_CASE(h264_each_picture_is_charged_once_for_its_own_size_over_its_slices) {
  const std::string dir = workdir("work_h264_slices"), big = dir + "/a.h264", small = dir + "/b.h264";
  encode(big, "176x144", 10, "-c:v libx264 -x264-params slices=4:bframes=2", dir);
  encode(small, "96x64", 6, "-c:v libx264 -x264-params slices=2:bframes=2", dir);
  const std::string both = dir + "/both.h264";
  std::ofstream(both, std::ios::binary) << slurp(big) << slurp(small);
  BOOST_REQUIRE_NE(picture_types(both, dir).find('B'), std::string::npos);
  const auto first_mb = traced(both, "first_mb_in_slice", dir);
  BOOST_REQUIRE_GE(first_mb.size(), 4u * 10 + 2 * 6);  // the slices are really there
  const auto widths = traced(both, "pic_width_in_mbs_minus1", dir);
  BOOST_REQUIRE(std::find(widths.begin(), widths.end(), 10) != widths.end());
  BOOST_REQUIRE(std::find(widths.begin(), widths.end(), 5) != widths.end());
  check_h264_work(both, dir, picture_types(both, dir).size());
}

// MBAFF: frame pictures of a stream that is not frame_mbs_only, whose height
// counts map units of two macroblock rows.
BOOST_AUTO_TEST_CASE(h264_mbaff_pictures_are_charged_for_their_frame_macroblocks) {
  const std::string dir = workdir("work_h264_mbaff"), file = dir + "/in.h264";
  encode(file, "176x144", 6, "-c:v libx264 -x264-params interlaced=1:bframes=2", dir);
  BOOST_REQUIRE_EQUAL(count_of(traced(file, "frame_mbs_only_flag", dir), 0), long(traced(file, "frame_mbs_only_flag", dir).size()));
  BOOST_REQUIRE_EQUAL(count_of(traced(file, "field_pic_flag", dir), 1), 0);
  check_h264_work(file, dir, 6, DecoderBackend::Openh264);  // openh264 decodes no interlaced content
}

// VP9 with alt-ref superframes: the hidden frame and the shown one are each
// charged for their own size; frames whose references have different sign
// biases (compound prediction allowed) are bi-predicted.
BOOST_AUTO_TEST_CASE(vp9_superframe_frames_each_pay_and_compound_frames_are_bipredicted) {
  const std::string dir = workdir("work_vp9_arf"), raw = dir + "/in.yuv", file = dir + "/in.ivf";
  BOOST_REQUIRE_EQUAL(run("ffmpeg -v error -y -f lavfi -i testsrc2=size=176x144:rate=25 -frames:v 30 -pix_fmt yuv420p "
                          "-f rawvideo " + raw, dir).status, 0);
  BOOST_REQUIRE_EQUAL(run("vpxenc --ivf --codec=vp9 -w 176 -h 144 --fps=25/1 --auto-alt-ref=1 --lag-in-frames=16 "
                          "--limit=30 --target-bitrate=200 -q -o " + file + " " + raw, dir).status, 0);
  // Per unit, from the trace: the frames it codes (not show-existing ones) and their types.
  std::vector<std::vector<CodedPicture>> expected;
  long show_existing = 0, key = 0, intra_only = 0, bias_mask = 0;
  auto end_frame = [&] {
    if (expected.empty() || show_existing) return;
    const bool compound = bias_mask != 0 && bias_mask != 7;
    const FrameType type = key || intra_only ? FrameType::Key : compound ? FrameType::BiPredicted : FrameType::Inter;
    expected.back().push_back({11 * 9, type});
  };
  bool in_frame = false;
  for (const auto& [name, value] : trace(file, dir)) {
    if (name == "Packet" || name == "Frame") {
      if (in_frame) end_frame();
      in_frame = name == "Frame";
      if (name == "Packet") expected.emplace_back();
      show_existing = key = intra_only = bias_mask = 0;
    } else if (name == "show_existing_frame") show_existing = value;
    else if (name == "frame_type") key = value == 0;
    else if (name == "intra_only") intra_only = value;
    else if (name.rfind("ref_frame_sign_bias[", 0) == 0) bias_mask |= value << (name[20] - '1');
  }
  if (in_frame) end_frame();
  size_t superframes = 0, bipredicted = 0;
  for (const auto& unit : expected) {
    superframes += unit.size() == 2;
    for (const auto& p : unit) bipredicted += p.frame_type == FrameType::BiPredicted;
  }
  BOOST_REQUIRE_GT(superframes, 0u);
  BOOST_REQUIRE_GT(bipredicted, 0u);
  const ParsedStream stream = read_bitstream_file(file);
  BOOST_REQUIRE_EQUAL(stream.units.size(), expected.size());
  for (auto& [name, decoder] : every_decoder(CodecId::VP9))
    for (size_t i = 0; i < stream.units.size(); ++i) {
      const auto& u = stream.units[i];
      const auto result = decoder->decode(u.data.data(), u.data.size(), u.timestamp);
      check_pictures(charged(result.work), expected[i], name + " unit " + std::to_string(i));
    }
}

// HEVC with two slice segments per picture and B-frames, then a second
// sequence of another size: each picture is charged once, on its first slice
// segment, for its own SPS's size (pic_width/height_in_luma_samples in 16x16
// blocks), typed by its slice_type; the first picture and the first of the
// 96x64 sequence included. Expected per slice segment from the trace.
BOOST_AUTO_TEST_CASE(hevc_each_picture_is_charged_once_for_its_own_size) {
  const std::string dir = workdir("work_hevc_slices"), big = dir + "/a.hevc", small = dir + "/b.hevc";
  encode(big, "176x144", 10, "-c:v libx265 -x265-params slices=2:bframes=2:log-level=error", dir);
  encode(small, "96x64", 6, "-c:v libx265 -x265-params slices=2:bframes=2:log-level=error", dir);
  const std::string both = dir + "/both.hevc";
  std::ofstream(both, std::ios::binary) << slurp(big) << slurp(small);
  BOOST_REQUIRE_NE(picture_types(both, dir).find('B'), std::string::npos);
  std::map<long, std::pair<long, long>> sps;  // id -> luma size
  std::map<long, long> pps_sps;
  std::vector<CodedPicture> expected;
  long nal_type = 0, sps_id = 0, pps_id = 0, first = 0, slice_pps = 0;
  for (const auto& [name, value] : trace(both, dir)) {
    if (name == "nal_unit_type") nal_type = value;
    else if (name == "sps_seq_parameter_set_id") sps_id = value;
    else if (name == "pic_width_in_luma_samples") sps[sps_id].first = value;
    else if (name == "pic_height_in_luma_samples") sps[sps_id].second = value;
    else if (name == "pps_pic_parameter_set_id") pps_id = value;
    else if (name == "pps_seq_parameter_set_id") pps_sps[pps_id] = value;
    else if (name == "first_slice_segment_in_pic_flag") first = value;
    else if (name == "slice_pic_parameter_set_id") slice_pps = value;
    else if (nal_type < 32 && name == "slice_type") {
      const auto [w, h] = sps[pps_sps[slice_pps]];
      const FrameType type = value == 2 ? FrameType::Key : value == 1 ? FrameType::Inter : FrameType::BiPredicted;
      // A later slice segment is typed by its NAL unit type only (IRAP: Key): its slice_type follows
      // slice_segment_address, which is not read.
      const bool irap = nal_type >= 16 && nal_type <= 23;
      if (first) expected.push_back({uint32_t((w + 15) / 16 * ((h + 15) / 16)), type});
      else expected.push_back({0, irap ? FrameType::Key : FrameType::Unknown});
    }
  }
  size_t later_segments = 0;
  for (const auto& e : expected) later_segments += e.macroblocks == 0;
  // The second slice segments are really there (the 96x64 pictures, one CTU row high, have one segment).
  BOOST_REQUIRE_GE(later_segments, 10u);
  BOOST_REQUIRE(std::count_if(expected.begin(), expected.end(), [](auto& e) { return e.macroblocks == 24; }) == 6);
  check_slice_work(CodecId::HEVC, both, expected, picture_types(both, dir).size(), every_decoder(CodecId::HEVC));
}
