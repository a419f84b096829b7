#include "codec/scan_decoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <stdexcept>

#include "codec/access_unit.h"
#include "codec/decoder_support.h"
#include "codec/h264_decoder.h"
#include "codec/hevc_output_order.h"
#include "codec/libav_decoder.h"
#include "codec/output_order.h"
#include "codec/start_code_headers.h"
#include "codec/unit_header.h"
#include "codec/vpx_decoder.h"
#include "codec/work_accounting.h"

namespace vvsim::codec {

namespace {

Picture size_only_picture(uint32_t width, uint32_t height, uint64_t timestamp) {
  Picture p;
  p.width = width;
  p.height = height;
  p.timestamp = timestamp;
  p.has_pixels = false;
  return p;
}

// The picture-format bookkeeping the backends do (FormatAnnouncer), on
// size-only pictures.
class FormatTracker {
 public:
  explicit FormatTracker(uint32_t min_buffers) : announcer_(min_buffers) {}
  void picture(DecodeResult& result, uint32_t width, uint32_t height, uint64_t timestamp) {
    result.pictures.push_back(size_only_picture(width, height, timestamp));
  }
  // Once the unit's work and pictures are known, as each backend does.
  void finish(DecodeResult& result, bool drained) {
    announcer_.announce(result, drained);
    result.work.produces_picture = !result.pictures.empty();
  }
  void reset() { announcer_.reset(); }

 private:
  FormatAnnouncer announcer_;
};

// Decoded pictures waiting for the output order model to release them, each of its own size.
class WaitingPictures {
 public:
  void decoded(uint64_t timestamp, uint32_t width, uint32_t height) { waiting_.push_back({timestamp, width, height}); }
  // The pictures the model released leave, in its order.
  void show(const std::vector<uint64_t>& released, FormatTracker& format, DecodeResult& result) {
    for (uint64_t ts : released) {
      const Decoded d = take(ts);
      format.picture(result, d.width, d.height, ts);
    }
  }
  void discard(const std::vector<uint64_t>& ids) {
    for (uint64_t ts : ids) take(ts);
  }
  void clear() { waiting_.clear(); }

 private:
  struct Decoded {
    uint64_t timestamp;
    uint32_t width, height;
  };
  Decoded take(uint64_t ts) {
    const auto it = std::find_if(waiting_.begin(), waiting_.end(), [ts](const Decoded& d) { return d.timestamp == ts; });
    const Decoded d = *it;
    waiting_.erase(it);
    return d;
  }
  std::deque<Decoded> waiting_;
};

// Mirrors VpxDecoder: key-frame gating after start, reset or a bad header;
// one picture per unit that shows a frame (a VP9 superframe shows at most one).
class ScanVpxDecoder : public Decoder {
 public:
  explicit ScanVpxDecoder(CodecId codec)
      : codec_(codec), format_(VpxDecoder::min_output_buffers(codec)), frame_work_(codec) {}
  CodecId codec() const override { return codec_; }

  DecodeResult decode(const uint8_t* data, size_t size, uint64_t timestamp) override {
    DecodeResult result;
    if (!admit_vpx_unit(codec_, true, size_limit_, data, size, waiting_for_key_, result)) return result;
    if (shows_picture(data, size)) format_.picture(result, width_, height_, timestamp);
    frame_work_.charge_unit(data, size, result.work);
    format_.finish(result, false);
    return result;
  }
  DecodeResult flush() override { return {}; }
  void reset() override {
    waiting_for_key_ = true;
    format_.reset();
    frame_work_.reset();
  }

 private:
  // Follows the frame size through key frames; true if a frame is shown.
  bool shows_picture(const uint8_t* data, size_t size) {
    if (codec_ == CodecId::VP8) return note_size(parse_vp8_header(data, size));
    bool shows = false;
    for (const auto& [offset, length] : split_vp9_superframe(data, size))
      shows = note_size(parse_vp9_header(data + offset, length)) || shows;
    return shows;
  }
  bool note_size(const std::optional<UnitHeader>& h) {
    if (!h) return false;
    if (h->width != 0) width_ = h->width, height_ = h->height;
    return h->shows_picture;
  }

  CodecId codec_;
  FormatTracker format_;
  VpxFrameWork frame_work_;
  bool waiting_for_key_ = true;
  uint32_t width_ = 0, height_ = 0;
};

// A unit of a start-code scan (ScanH264Decoder, ScanHevcDecoder), as the
// backends take it: one NAL unit, or a whole access unit cut into its NAL
// units and decoded at the unit's end (InputUnit::AccessUnit).
template <class Scan>
DecodeResult decode_scanned(Scan& scan, CodecId codec, InputUnit input, const uint8_t* data, size_t size,
                            uint64_t timestamp) {
  DecodeResult result;
  if (input == InputUnit::Nal) {
    if (!scan.scan_nal_unit(data, size, timestamp, result)) return result;
  } else {
    const auto nal_unit = [&](const uint8_t* d, size_t n, DecodeResult& r) { scan.scan_nal_unit(d, n, timestamp, r); };
    if (decode_nal_units_of(codec, data, size, nal_unit, result)) scan.decode_access_unit(result);
  }
  scan.finish_unit(result);
  return result;
}

// Mirrors LibavDecoder's access-unit assembly and tune-in (at an IDR picture
// or a recovery point); every access unit with a slice is a picture that
// leaves when the output order model (codec/output_order.h) releases it.
class ScanH264Decoder : public Decoder {
 public:
  // `drain_drops_references`: as libavcodec, whose end of stream (the only
  // way to release its held pictures) forgets its references; openh264 keeps them.
  explicit ScanH264Decoder(bool drain_drops_references)
      : drain_drops_references_(drain_drops_references), format_(H264Decoder::kMinOutputBuffers) {}
  CodecId codec() const override { return CodecId::H264; }

  DecodeResult decode(const uint8_t* data, size_t size, uint64_t timestamp) override {
    return decode_scanned(*this, CodecId::H264, input_unit_, data, size, timestamp);
  }
  // One NAL unit; false when it is refused (`result` says why).
  bool scan_nal_unit(const uint8_t* data, size_t size, uint64_t timestamp, DecodeResult& result) {
    const auto nal = admit_nal_unit(CodecId::H264, "scan", true, size_limit_, data, size, result);
    if (!nal) return false;
    const bool had_slice = au_has_slice_, begins = starts_access_unit(*nal, had_slice);
    if (begins) decode_access_unit(result);
    if (!au_open_ || (nal->is_slice && !au_has_slice_)) au_timestamp_ = timestamp;  // as AccessUnitAssembler
    au_open_ = true;
    if (nal->type == uint8_t(NalType::Sps)) {
      if (auto sps = parse_sps(data, size)) width_ = sps->width, height_ = sps->height;
    }
    picture_work_.note_parameter_set(*nal, data, size);
    output_order_.note_nal(*nal, data, size, begins || !had_slice);
    au_has_slice_ = au_has_slice_ || nal->is_slice;
    au_is_idr_ = au_is_idr_ || nal->type == uint8_t(NalType::Idr) || sei_has_recovery_point(data, size);
    if (nal->is_slice && !(waiting_for_idr_ && !au_is_idr_))
      picture_work_.charge_slice(data, size, begins || !had_slice, result.work);
    return true;
  }
  void finish_unit(DecodeResult& result) { format_.finish(result, false); }
  DecodeResult flush() override {
    DecodeResult result;
    decode_access_unit(result);
    if (drain_drops_references_ && output_order_.reorder_depth() > 0) waiting_for_idr_ = true;
    decoded_.show(output_order_.flush(), format_, result);
    format_.finish(result, true);
    return result;
  }
  void reset() override {
    au_open_ = au_has_slice_ = au_is_idr_ = false;
    waiting_for_idr_ = true;
    format_.reset();
    picture_work_.reset();
    output_order_.reset();
    decoded_.clear();
  }

  // Ends the access unit being gathered: the next one begins, or the stream or the unit ends.
  void decode_access_unit(DecodeResult& result) {
    const bool open = au_open_, has_slice = au_has_slice_, is_idr = au_is_idr_;
    au_open_ = au_has_slice_ = au_is_idr_ = false;
    if (!open) return;
    result.about_timestamp = au_timestamp_;
    if (waiting_for_idr_ && has_slice && !is_idr) {
      result.message = kWaitingForTuneIn;
      return;
    }
    if (has_slice && is_idr) waiting_for_idr_ = false;
    if (!has_slice || width_ == 0) return;
    decoded_.decoded(au_timestamp_, width_, height_);
    decoded_.show(output_order_.picture_decoded(au_timestamp_), format_, result);
  }

 private:
  bool drain_drops_references_;
  FormatTracker format_;
  H264PictureWork picture_work_;
  H264OutputOrder output_order_;
  WaitingPictures decoded_;
  bool au_open_ = false, au_has_slice_ = false, au_is_idr_ = false;
  bool waiting_for_idr_ = true;
  uint64_t au_timestamp_ = 0;
  uint32_t width_ = 0, height_ = 0;
};

// Mirrors LibavDecoder on HEVC: access-unit assembly, tune-in at an IRAP
// picture, RASL pictures of an IRAP picture with NoRaslOutputFlag 1 skipped;
// every other access unit with a slice segment is a picture that leaves when
// the output order model (codec/hevc_output_order.h) releases it.
class ScanHevcDecoder : public Decoder {
 public:
  ScanHevcDecoder() : format_(LibavDecoder::min_output_buffers(CodecId::HEVC)) {}
  CodecId codec() const override { return CodecId::HEVC; }

  DecodeResult decode(const uint8_t* data, size_t size, uint64_t timestamp) override {
    return decode_scanned(*this, CodecId::HEVC, input_unit_, data, size, timestamp);
  }
  // One NAL unit; false when it is refused (`result` says why).
  bool scan_nal_unit(const uint8_t* data, size_t size, uint64_t timestamp, DecodeResult& result) {
    const auto nal = admit_nal_unit(CodecId::HEVC, "scan", true, size_limit_, data, size, result);
    if (!nal) return false;
    if (starts_hevc_access_unit(*nal, au_has_slice_)) decode_access_unit(result);
    if (!au_open_ || (nal->is_slice && !au_has_slice_)) au_timestamp_ = timestamp;  // as AccessUnitAssembler
    au_open_ = true;
    if (nal->type == kHevcSps) {
      if (const auto sps = parse_hevc_sps(data, size)) width_ = sps->visible_width, height_ = sps->visible_height;
    }
    picture_work_.note_parameter_set(*nal, data, size);
    order_.note_nal(*nal, data, size);
    au_has_slice_ = au_has_slice_ || nal->is_slice;
    au_is_irap_ = au_is_irap_ || nal->frame_type == FrameType::Key;
    if (nal->is_slice && !(waiting_for_irap_ && !au_is_irap_) && !order_.pending_skipped())
      picture_work_.charge_slice(data, size, result.work);
    return true;
  }
  void finish_unit(DecodeResult& result) { format_.finish(result, false); }
  DecodeResult flush() override {
    DecodeResult result;
    decode_access_unit(result);
    if (order_.reorder_depth() > 0) {  // libavcodec's end of stream drops its references
      waiting_for_irap_ = true;
      order_.restart_at_next_irap();
    }
    decoded_.show(order_.flush(), format_, result);
    format_.finish(result, true);
    return result;
  }
  void reset() override {
    au_open_ = au_has_slice_ = au_is_irap_ = false;
    waiting_for_irap_ = true;
    format_.reset();
    picture_work_.reset();
    order_.reset();
    decoded_.clear();
  }

  // Ends the access unit being gathered: the next one begins, or the stream or the unit ends.
  void decode_access_unit(DecodeResult& result) {
    const bool open = au_open_, has_slice = au_has_slice_, is_irap = au_is_irap_;
    au_open_ = au_has_slice_ = au_is_irap_ = false;
    if (!open) return;
    result.about_timestamp = au_timestamp_;
    if (has_slice && order_.pending_skipped() && !waiting_for_irap_) {
      result.message = kSkippedRaslPicture;
      return;
    }
    if (waiting_for_irap_ && has_slice && !is_irap) {
      result.message = kWaitingForTuneIn;
      return;
    }
    if (has_slice) waiting_for_irap_ = false;
    if (!has_slice || width_ == 0) return;
    decoded_.decoded(au_timestamp_, width_, height_);
    const LeavingPictures leaving = order_.picture_decoded(au_timestamp_);
    decoded_.discard(leaving.discarded);
    if (!leaving.discarded.empty() && result.message.empty())
      result.message = discarded_pictures_message(leaving.discarded.size());
    decoded_.show(leaving.output, format_, result);
  }

 private:
  FormatTracker format_;
  HevcPictureWork picture_work_;
  HevcOutputOrder order_;
  WaitingPictures decoded_;
  bool au_open_ = false, au_has_slice_ = false, au_is_irap_ = false;
  bool waiting_for_irap_ = true;
  uint64_t au_timestamp_ = 0;
  uint32_t width_ = 0, height_ = 0;
};

// Mirrors LibavDecoder on MPEG-2 (one access unit per unit): tune-in at an
// I picture; unless the sequence is low_delay, a B picture is shown as soon
// as it is decoded and an I or P picture when the next I or P picture is
// (§7.6: display order), the last one at the drain, after which decoding
// resumes at the next I picture.
class ScanMpeg2Decoder : public Decoder {
 public:
  ScanMpeg2Decoder() : format_(LibavDecoder::min_output_buffers(CodecId::MPEG2)) {}
  CodecId codec() const override { return CodecId::MPEG2; }

  DecodeResult decode(const uint8_t* data, size_t size, uint64_t timestamp) override {
    if (auto refused = refuse_unit(true, "scan", size)) return *refused;
    DecodeResult result;
    result.work.bitstream_bytes = static_cast<uint32_t>(size);
    const auto type = mpeg2_picture_type(data, size);
    result.work.frame_type = type.value_or(FrameType::Unknown);
    const auto& sequence = work_.note_sequence(data, size);
    if (!type) return result;
    if (waiting_for_i_ && type != FrameType::Key) {
      result.message = kWaitingForTuneIn;
      return result;
    }
    if (type == FrameType::BiPredicted && references_ < 2) {
      result.message = kMpeg2BWithoutReferences;
      return result;
    }
    waiting_for_i_ = false;
    references_ += type != FrameType::BiPredicted;
    work_.charge_picture(data, size, result.work);
    if (sequence && (sequence->low_delay || type == FrameType::BiPredicted)) {
      format_.picture(result, sequence->width, sequence->height, timestamp);
    } else if (sequence) {
      show_held(result);
      held_ = Held{sequence->width, sequence->height, timestamp};
    }
    format_.finish(result, false);
    return result;
  }
  DecodeResult flush() override {
    DecodeResult result;
    const auto& sequence = work_.sequence();
    if (sequence && !sequence->low_delay) {  // libavcodec's end of stream drops its references
      show_held(result);
      waiting_for_i_ = true;
      references_ = 0;
    }
    format_.finish(result, true);
    return result;
  }
  void reset() override {
    waiting_for_i_ = true;
    references_ = 0;
    held_.reset();
    format_.reset();
    work_.reset();
  }

 private:
  struct Held {
    uint32_t width, height;
    uint64_t timestamp;
  };
  void show_held(DecodeResult& result) {
    if (held_) format_.picture(result, held_->width, held_->height, held_->timestamp);
    held_.reset();
  }

  FormatTracker format_;
  Mpeg2PictureWork work_;
  bool waiting_for_i_ = true;
  uint32_t references_ = 0;  // I/P pictures since the tune-in point
  std::optional<Held> held_;  // the last I or P picture, shown when the next one is decoded
};

// The scan sizes HEVC pictures from their SPS: one it cannot read is refused.
std::string hevc_scan_support(UnitSource& units) {
  for (size_t i = 0; i < units.size(); ++i) {
    const auto& d = units.unit(i).data;
    const auto nal = parse_hevc_nal(d.data(), d.size());
    if (nal && nal->type == kHevcSps && !parse_hevc_sps(d.data(), d.size()))
      return fmt::format("unit {}: HEVC sequence parameter set not understood", i);
  }
  return {};
}

}  // namespace

std::string scan_stream_support(CodecId codec, UnitSource& units) {
  if (codec == CodecId::HEVC) return hevc_scan_support(units);
  if (codec != CodecId::H264) return {};
  // Pictures leave by the output order model, which does not follow field coding.
  for (size_t i = 0; i < units.size(); ++i) {
    const auto& d = units.unit(i).data;
    const auto nal = parse_nal(d.data(), d.size());
    if (!nal || nal->type != uint8_t(NalType::Sps)) continue;
    const auto sps = parse_sps(d.data(), d.size());
    if (!sps) return fmt::format("unit {}: sequence parameter set not understood", i);
    if (!sps->frame_mbs_only)
      return fmt::format("unit {}: field or frame/field adaptive coding (frame_mbs_only_flag 0): its output order "
                         "is not modelled",
                         i);
  }
  return {};
}

std::unique_ptr<Decoder> make_scan_decoder(CodecId codec) { return make_scan_decoder(codec, decoder_backends(codec).front()); }

std::unique_ptr<Decoder> make_scan_decoder(CodecId codec, DecoderBackend backend) {
  if (codec == CodecId::H264) return std::make_unique<ScanH264Decoder>(backend == DecoderBackend::Libavcodec);
  if (codec == CodecId::VP8 || codec == CodecId::VP9) return std::make_unique<ScanVpxDecoder>(codec);
  if (codec == CodecId::MPEG2) return std::make_unique<ScanMpeg2Decoder>();
  if (codec == CodecId::HEVC) return std::make_unique<ScanHevcDecoder>();
  throw std::invalid_argument(fmt::format("no scan decoder for {} (scan_stream_support refuses it)", fourcc_of(codec)));
}

}  // namespace vvsim::codec
