// The output order model (codec/output_order.h) fed an HEVC NAL unit stream:
// H.265 §C.5.2 "output order DPB operation". A picture's order count is its
// PicOrderCntVal (§8.3.1); it waits for output until more pictures wait
// than the highest sub-layer's sps_max_num_reorder_pics allow, or until
// SpsMaxLatencyPictures pictures decoded after it precede it in output
// order. An IRAP picture with NoRaslOutputFlag 1 (IDR, BLA, a CRA that
// starts decoding or follows an end of sequence) releases every waiting
// picture first, or discards them when NoOutputOfPriorPicsFlag is 1. The
// RASL pictures of such an IRAP picture are not decoded (their references
// are missing) and never leave.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codec/output_order.h"
#include "codec/start_code_headers.h"

namespace vvsim::codec {

// What a decoder says of a RASL picture it does not decode.
inline constexpr const char* kSkippedRaslPicture =
    "skipped: RASL picture of the IRAP picture decoding started at (its reference pictures are missing)";

// What a decoder says when an IRAP picture discards the pictures waiting for output.
std::string discarded_pictures_message(size_t pictures);

class HevcOutputOrder {
 public:
  // Parameter sets, end of sequence and each picture's first slice segment,
  // as they arrive; other NAL units are ignored.
  void note_nal(const NalInfo& nal, const uint8_t* data, size_t size);
  // The picture whose first slice segment came last was decoded as `id`.
  LeavingPictures picture_decoded(uint64_t id);
  std::vector<uint64_t> flush() { return order_.flush(); }
  // The highest sub-layer's sps_max_num_reorder_pics of the last picture's sequence (0 before any).
  uint32_t reorder_depth() const { return pending_ ? pending_->arrival.reorder_depth : 0; }
  // The pending picture releases (or discards) every waiting picture first.
  bool pending_releases_prior() const {
    return pending_ && (pending_->arrival.releases_prior || pending_->arrival.discards_prior);
  }
  // The pending picture is a RASL picture of an IRAP picture with NoRaslOutputFlag 1: it is not decoded.
  bool pending_skipped() const { return pending_ && pending_->skipped; }
  size_t waiting() const { return order_.waiting(); }
  // Why the model cannot follow the stream (a slice segment header it cannot read); empty when it can.
  const std::string& unsupported() const { return unsupported_; }
  void reset() { *this = HevcOutputOrder{}; }
  // Decoding resumes at the next IRAP picture as at the start (after a drain that dropped the references).
  void restart_at_next_irap() { sequence_starts_ = true; }

 private:
  struct Pending {
    PictureArrival arrival;
    bool skipped = false;
  };
  void note_first_slice(uint8_t type, const uint8_t* data, size_t size);
  int64_t order_count(uint8_t type, uint32_t temporal_id, bool no_rasl_output, uint32_t lsb, uint32_t log2_max_lsb);

  std::map<uint32_t, HevcSps> sps_;
  std::map<uint32_t, HevcPps> pps_;
  bool sequence_starts_ = true;        // the next IRAP picture has NoRaslOutputFlag 1 (start, after an end of sequence)
  bool rasl_skipped_ = false;          // the last IRAP picture had NoRaslOutputFlag 1: its RASL pictures are skipped
  bool any_picture_ = false;           // a picture was decoded since the start (NoOutputOfPriorPicsFlag applies after one)
  int64_t prev_tid0_msb_ = 0, prev_tid0_lsb_ = 0;  // of prevTid0Pic (§8.3.1)
  OutputOrder order_;
  std::optional<Pending> pending_;
  std::string unsupported_;
};

}  // namespace vvsim::codec
