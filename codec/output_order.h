// When a decoded picture leaves a hardware decoder: the output order model
// (H.264 §C.4.5.3 "bumping" with the stream's reorder depth), shared by every
// backend and the timing-only scan so both release a picture at the same unit.
// The decoding library is then only a pixel source; when it hands a picture
// out does not decide when the device outputs it.
//
// A picture is output once it is decoded and either more pictures wait for
// output than the reorder depth allows (the one of smallest picture order
// count goes) or an IDR picture arrives (every waiting picture goes before
// it, §C.4.4 with no_output_of_prior_pics_flag 0), or at the drain.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "codec/h264_slice_header.h"
#include "codec/unit_header.h"

namespace vvsim::codec {

// What the bitstream says of a decoded picture, for its output.
struct PictureArrival {
  int64_t order_count = 0;
  bool releases_prior = false;  // every waiting picture leaves first (H.264 IDR, HEVC IRAP with NoRaslOutputFlag)
  bool discards_prior = false;  // ... or is discarded without output (H.265 §C.5.2.2 NoOutputOfPriorPicsFlag)
  bool output = true;           // HEVC PicOutputFlag 0: the picture never waits for output
  uint32_t reorder_depth = 0;
  // HEVC SpsMaxLatencyPictures: a waiting picture leaves once this many
  // pictures decoded after it precede it in output order (§C.5.2.3).
  std::optional<uint32_t> max_latency;
};

// The ids that leave at a picture's arrival, in output order, and those discarded.
struct LeavingPictures {
  std::vector<uint64_t> output, discarded;
};

// The reorder buffer: pictures named by the caller's ids (timestamps).
class OutputOrder {
 public:
  LeavingPictures arrive(uint64_t id, const PictureArrival& picture);
  // A decoded H.264 picture; returns the ids that leave now, in output order.
  std::vector<uint64_t> decoded(uint64_t id, int64_t order_count, bool clears_prior, uint32_t reorder_depth) {
    return arrive(id, PictureArrival{order_count, clears_prior, false, true, reorder_depth, std::nullopt}).output;
  }
  // Drain: every waiting picture, in output order.
  std::vector<uint64_t> flush();
  size_t waiting() const { return waiting_.size(); }

 private:
  struct Waiting {
    uint64_t id;
    int64_t order_count;
    uint32_t latency = 0;  // PicLatencyCount
  };
  bool must_bump(const PictureArrival& picture) const;
  void output_smallest(std::vector<uint64_t>& out);
  std::vector<Waiting> waiting_;  // in decoding order
};

// The picture order count's most significant part (H.264 §8.2.1.1, H.265
// §8.3.1): the previous one, stepped by MaxPicOrderCntLsb when the lsb
// wrapped against the previous lsb.
int64_t wrapped_order_count_msb(int64_t prev_msb, int64_t prev_lsb, int64_t lsb, int64_t max_lsb);

// The reorder depth of an H.264 sequence: the VUI's max_num_reorder_frames;
// without it none for pic_order_cnt_type 2 (output order is decoding order,
// §8.2.1.3), else MaxDpbFrames of the level (Table A-1: MaxDpbMbs over the
// picture's macroblocks, at most 16; §A.3.1 h), E.2.1 inference).
uint32_t h264_reorder_depth(const SpsInfo& sps);

// Picture order counts of H.264 frames (§8.2.1, types 0, 1 and 2). A
// picture with memory_management_control_operation 5 counts 0 after its
// decoding, and the counts after it start from there (§8.2.1).
class H264OrderCount {
 public:
  int64_t next(const SpsInfo& sps, const SliceOrderFields& slice);
  void reset() { *this = H264OrderCount{}; }

 private:
  int64_t count(const SpsInfo& sps, const SliceOrderFields& slice);
  int64_t type0(const SpsInfo& sps, const SliceOrderFields& slice);
  int64_t frame_num_offset(const SpsInfo& sps, const SliceOrderFields& slice);
  int64_t top_ = 0;                                  // TopFieldOrderCnt of the last picture
  int64_t prev_msb_ = 0, prev_lsb_ = 0;               // type 0: of the previous reference picture
  int64_t prev_frame_num_offset_ = 0, prev_frame_num_ = 0;  // types 1, 2
};

// The model fed an H.264 NAL unit stream: parameter sets and each access
// unit's first slice as they arrive, then the access unit's decoding.
class H264OutputOrder {
 public:
  // `first_slice`: the NAL unit is the first slice of its access unit.
  void note_nal(const NalInfo& nal, const uint8_t* data, size_t size, bool first_slice);
  // The access unit whose first slice came last was decoded as picture `id`.
  std::vector<uint64_t> picture_decoded(uint64_t id);
  std::vector<uint64_t> flush() { return order_.flush(); }
  // The depth of the sequence of the last first slice (0 before any).
  uint32_t reorder_depth() const { return pending_ ? pending_->depth : 0; }
  // Whether the access unit whose first slice came last releases every
  // waiting picture first (an IDR picture or memory_management_control_operation 5).
  bool pending_clears_prior() const { return pending_ && pending_->clears_prior; }
  bool pending_idr() const { return pending_ && pending_->idr; }
  size_t waiting() const { return order_.waiting(); }
  // Why the model cannot follow the stream (field pictures, a slice whose
  // order fields do not parse); empty when it can.
  const std::string& unsupported() const { return unsupported_; }
  void reset();

 private:
  struct Pending {
    int64_t order_count = 0;
    bool idr = false, clears_prior = false;
    uint32_t depth = 0;
  };
  std::map<uint32_t, SpsInfo> sps_;
  std::map<uint32_t, PpsInfo> pps_;
  H264OrderCount counts_;
  OutputOrder order_;
  std::optional<Pending> pending_;
  std::string unsupported_;
};

// The pixel side: pictures a library handed out wait until the model has
// released their id (their timestamp), and leave in the model's order.
class PictureRelease {
 public:
  void from_library(std::vector<Picture>& pictures);  // moves them in
  void released(const std::vector<uint64_t>& ids);
  // Pictures the model discarded: dropped now, or when the library hands them out.
  void discarded(const std::vector<uint64_t>& ids);
  // The pictures that may leave now. A released id the library never hands
  // out (a picture it dropped) is passed over once the library hands out one
  // released after it.
  std::vector<Picture> take();
  // Drain: the released ones, then whatever else the library handed out.
  std::vector<Picture> take_all();
  void clear();

 private:
  bool from_library_has(uint64_t id) const;
  Picture take_from_library(uint64_t id);
  std::deque<Picture> library_;  // in the library's order
  std::deque<uint64_t> due_;     // released, in output order
  std::vector<uint64_t> discarded_;  // not handed out yet
};

}  // namespace vvsim::codec
