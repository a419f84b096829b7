#include "codec/libav_decoder.h"

#include <fmt/format.h>

#include "codec/content_refusal.h"
#include "codec/decoder_support.h"
#include "codec/libav_library.h"
#include "codec/start_code_headers.h"
#include "codec/image_layout.h"

namespace vvsim::codec {

namespace {

// The chroma planes of a 4:0:0 picture: neutral grey, one row lent for every row.
const uint8_t* neutral_chroma_row() {
  static const std::vector<uint8_t> row(kMaxCodedDimension / 2 + 1, 128);
  return row.data();
}

bool is_carried(AVPixelFormat f) {
  return f == AV_PIX_FMT_YUV420P || f == AV_PIX_FMT_YUVJ420P || f == AV_PIX_FMT_GRAY8;
}

std::string av_error_text(int error) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  libav().av_strerror(error, text, sizeof text);
  return text;
}

const char* codec_name(AVCodecID id) {
  switch (id) {
    case AV_CODEC_ID_H264: return "H.264";
    case AV_CODEC_ID_HEVC: return "HEVC";
    case AV_CODEC_ID_MPEG2VIDEO: return "MPEG-2";
    default: return libav().avcodec_get_name(id);
  }
}

// Why libavcodec's output format `f` has no v6 image format, naming the
// stream's profile, chroma format and bit depth; empty when one carries it.
std::string unsupported_reason(const AVCodecContext* ctx, AVPixelFormat f) {
  if (is_carried(f)) return {};
  const AVPixFmtDescriptor* desc = libav().av_pix_fmt_desc_get(f);
  const char* profile = libav().avcodec_profile_name(ctx->codec_id, ctx->profile);
  std::string chroma = "unknown chroma format";
  int depth = 0;
  if (desc) {
    depth = desc->comp[0].depth;
    chroma = desc->nb_components < 3                                  ? "4:0:0"
             : desc->log2_chroma_w == 1 && desc->log2_chroma_h == 1 ? "4:2:0"
             : desc->log2_chroma_w == 1                               ? "4:2:2"
                                                                      : "4:4:4";
  }
  return fmt::format("{} {} profile, {} chroma, {}-bit: no v6 image format carries it (8-bit 4:2:0 or 4:0:0 only)",
                     codec_name(ctx->codec_id), profile ? profile : "unknown", chroma, depth);
}

}  // namespace

// libavcodec's get_format callback, called when a sequence header is parsed
// (its size already set, no picture allocated): the first software format
// offered, or none (libavcodec then refuses the header) with the reason left
// in the decoder's `refused_`.
AVPixelFormat LibavDecoder::pick_format(AVCodecContext* ctx, const AVPixelFormat* offered) {
  auto* self = static_cast<LibavDecoder*>(ctx->opaque);
  const auto size = check_picture_size(codec_name(ctx->codec_id), static_cast<uint32_t>(ctx->width),
                                       static_cast<uint32_t>(ctx->height), self->size_limit_);
  if (!size) {
    self->refused_ = size.error().message;
    return AV_PIX_FMT_NONE;
  }
  for (const AVPixelFormat* f = offered; *f != AV_PIX_FMT_NONE; ++f) {
    const AVPixFmtDescriptor* desc = libav().av_pix_fmt_desc_get(*f);
    if (desc && (desc->flags & AV_PIX_FMT_FLAG_HWACCEL)) continue;
    self->refused_ = unsupported_reason(ctx, *f);
    if (self->refused_.empty()) return *f;
    break;
  }
  return AV_PIX_FMT_NONE;
}

LibavDecoder::LibavDecoder(CodecId codec) : codec_(codec) { open(); }

LibavDecoder::~LibavDecoder() { close(); }

bool LibavDecoder::open() {
  const AVCodecID id = codec_ == CodecId::HEVC    ? AV_CODEC_ID_HEVC
                       : codec_ == CodecId::MPEG2 ? AV_CODEC_ID_MPEG2VIDEO
                                                  : AV_CODEC_ID_H264;
  // Its errors reach the user as unit statuses, not as log lines between vvsim's.
  libav().av_log_set_level(AV_LOG_QUIET);
  const AVCodec* library = libav().avcodec_find_decoder(id);
  ctx_ = library ? libav().avcodec_alloc_context3(library) : nullptr;
  packet_ = libav().av_packet_alloc();
  frame_ = libav().av_frame_alloc();
  if (!ctx_ || !packet_ || !frame_) {
    close();
    return false;
  }
  ctx_->thread_count = 1;  // no frame or slice threads: the same pictures on every run
  ctx_->opaque = this;
  ctx_->get_format = pick_format;
  if (libav().avcodec_open2(ctx_, library, nullptr) < 0) {
    close();
    return false;
  }
  return true;
}

void LibavDecoder::close() {
  libav().avcodec_free_context(&ctx_);
  libav().av_packet_free(&packet_);
  libav().av_frame_free(&frame_);
}

void LibavDecoder::reset() {
  close();
  open();
  access_units_.clear();
  waiting_for_tune_in_ = true;
  mpeg2_references_ = 0;
  refused_.clear();
  format_.reset();
  picture_work_.reset();
  hevc_work_.reset();
  mpeg2_work_.reset();
  output_order_.reset();
  hevc_order_.reset();
  release_.clear();
}

DecodeResult LibavDecoder::decode(const uint8_t* data, size_t size, uint64_t timestamp) {
  DecodeResult result;
  if (codec_ == CodecId::MPEG2) {
    decode_mpeg2_unit(data, size, timestamp, result);
  } else if (input_unit_ == InputUnit::AccessUnit) {
    decode_whole_access_unit(data, size, timestamp, result);
  } else {
    decode_nal_unit(data, size, timestamp, result);
  }
  release_pictures(result, false);
  result.work.produces_picture = !result.pictures.empty();
  return result;
}

void LibavDecoder::decode_nal_unit(const uint8_t* data, size_t size, uint64_t timestamp, DecodeResult& result) {
  const auto nal = admit_nal_unit(codec_, "libavcodec", ctx_ != nullptr, size_limit_, data, size, result);
  if (!nal) return;
  const bool hevc = codec_ == CodecId::HEVC;
  const bool tune_in = hevc ? nal->frame_type == FrameType::Key
                            : nal->type == uint8_t(NalType::Idr) || sei_has_recovery_point(data, size);
  const bool begins = hevc ? starts_hevc_access_unit(*nal, access_units_.has_slice())
                           : starts_access_unit(*nal, access_units_.has_slice());
  const bool had_slice = access_units_.has_slice();
  if (const auto completed = access_units_.add(*nal, begins, tune_in, data, size, timestamp))
    decode_access_unit(*completed, result);
  const bool charged = nal->is_slice && !(waiting_for_tune_in_ && !access_units_.is_random_access());
  // Skipped before a tune-in point (send_unless_tuning_in) or a RASL picture not decoded: no work.
  if (hevc) {
    hevc_work_.note_parameter_set(*nal, data, size);
    hevc_order_.note_nal(*nal, data, size);
    if (charged && !(follows_output_order() && hevc_order_.pending_skipped()))
      hevc_work_.charge_slice(data, size, result.work);
    return;
  }
  picture_work_.note_parameter_set(*nal, data, size);
  output_order_.note_nal(*nal, data, size, begins || !had_slice);
  if (charged) picture_work_.charge_slice(data, size, begins || !had_slice, result.work);
}

void LibavDecoder::decode_whole_access_unit(const uint8_t* data, size_t size, uint64_t timestamp,
                                            DecodeResult& result) {
  const auto nal_unit = [&](const uint8_t* d, size_t n, DecodeResult& r) { decode_nal_unit(d, n, timestamp, r); };
  if (!decode_nal_units_of(codec_, data, size, nal_unit, result)) return;
  if (const auto au = access_units_.finish()) decode_access_unit(*au, result);  // the unit's end ends it
}

void LibavDecoder::decode_mpeg2_unit(const uint8_t* data, size_t size, uint64_t timestamp, DecodeResult& result) {
  if (auto refused = refuse_unit(ctx_ != nullptr, "libavcodec", size)) {
    result = *refused;
    return;
  }
  result.work.bitstream_bytes = static_cast<uint32_t>(size);
  const auto type = mpeg2_picture_type(data, size);
  result.work.frame_type = type.value_or(FrameType::Unknown);
  mpeg2_work_.note_sequence(data, size);
  if (type == FrameType::BiPredicted && !waiting_for_tune_in_ && mpeg2_references_ < 2) {
    result.message = kMpeg2BWithoutReferences;
    return;
  }
  // Skipped before a tune-in point (send_unless_tuning_in): no work.
  if (type && !(waiting_for_tune_in_ && type != FrameType::Key)) mpeg2_work_.charge_picture(data, size, result.work);
  send_unless_tuning_in(data, size, timestamp, type.has_value(), type == FrameType::Key, result);
  if (type && type != FrameType::BiPredicted && !waiting_for_tune_in_) ++mpeg2_references_;
}

// Under the output order model an H.264 IDR picture (an HEVC IRAP picture
// with NoRaslOutputFlag 1) releases every picture before it; libavcodec would
// hand them out over the next pictures, so it is drained first (the picture
// drops its references anyway). After a memory management reset the library
// is not drained (the picture still references earlier ones): the waiting
// pictures leave as libavcodec hands them out. An HEVC RASL picture the model
// skips is not sent (libavcodec would skip it too).
void LibavDecoder::decode_access_unit(const AccessUnit& au, DecodeResult& result) {
  result.about_timestamp = au.timestamp;
  const bool hevc = codec_ == CodecId::HEVC;
  const bool ordered = follows_output_order() && au.has_slice;
  const bool releases_prior = hevc ? hevc_order_.pending_releases_prior() : output_order_.pending_idr();
  const size_t waiting = hevc ? hevc_order_.waiting() : output_order_.waiting();
  if (ordered && releases_prior && waiting > 0 && ctx_->has_b_frames > 0) drain_library(result);
  if (ordered && hevc && hevc_order_.pending_skipped() && !waiting_for_tune_in_) {
    result.message = kSkippedRaslPicture;
    return;
  }
  const bool sent = send_unless_tuning_in(au.bytes.data(), au.bytes.size(), au.timestamp, au.has_slice,
                                          au.is_random_access, result);
  if (ordered && sent && result.status == UnitStatus::Ok) picture_decoded(au.timestamp, result);
}

void LibavDecoder::picture_decoded(uint64_t id, DecodeResult& result) {
  if (codec_ == CodecId::H264) {
    release_.released(output_order_.picture_decoded(id));
    return;
  }
  const LeavingPictures leaving = hevc_order_.picture_decoded(id);
  release_.discarded(leaving.discarded);
  release_.released(leaving.output);
  if (!leaving.discarded.empty() && result.message.empty())
    result.message = discarded_pictures_message(leaving.discarded.size());
}

bool LibavDecoder::send_unless_tuning_in(const uint8_t* data, size_t size, uint64_t timestamp, bool has_picture,
                                         bool tune_in, DecodeResult& result) {
  // libavcodec would decode the pictures before a tune-in point and not
  // output them; they are skipped, and said to be, instead.
  if (waiting_for_tune_in_ && has_picture && !tune_in) {
    result.message = kWaitingForTuneIn;
    return false;
  }
  if (has_picture) waiting_for_tune_in_ = false;
  send(data, size, timestamp, result);
  return true;
}

void LibavDecoder::drain_library(DecodeResult& result) {
  send(nullptr, 0, 0, result);
  libav().avcodec_flush_buffers(ctx_);
}

void LibavDecoder::release_pictures(DecodeResult& result, bool drain) {
  if (codec_ != CodecId::MPEG2) {  // in the library's order once the model cannot follow the stream
    release_.from_library(result.pictures);
    result.pictures = drain || !follows_output_order() ? release_.take_all() : release_.take();
  }
  format_.announce(result, drain);
}

void LibavDecoder::send(const uint8_t* data, size_t size, uint64_t timestamp, DecodeResult& result) {
  AVPacket* packet = nullptr;  // null: drain
  if (data) {
    libav().av_packet_unref(packet_);
    packet_->data = const_cast<uint8_t*>(data);  // not refcounted: libavcodec copies it
    packet_->size = static_cast<int>(size);
    packet_->pts = static_cast<int64_t>(timestamp);
    packet = packet_;
  }
  const int sent = libav().avcodec_send_packet(ctx_, packet);
  if (!refused_.empty() || sent < 0) {
    result.status = refused_.empty() ? UnitStatus::Corrupt : UnitStatus::Unsupported;
    result.message = refused_.empty() ? "libavcodec: " + av_error_text(sent) : refused_;
  }
  receive_pictures(result);
}

void LibavDecoder::receive_pictures(DecodeResult& result) {
  while (libav().avcodec_receive_frame(ctx_, frame_) == 0) {
    const std::string why = unsupported_reason(ctx_, static_cast<AVPixelFormat>(frame_->format));
    if (!why.empty()) {
      result.status = UnitStatus::Unsupported;
      result.message = why;
      libav().av_frame_unref(frame_);
      continue;
    }
    take_picture(result);
  }
}

void LibavDecoder::take_picture(DecodeResult& result) {
  const uint32_t w = static_cast<uint32_t>(frame_->width), h = static_cast<uint32_t>(frame_->height);
  // The picture holds its own reference to the frame buffer: valid however long it is kept.
  std::shared_ptr<AVFrame> held(libav().av_frame_alloc(), [](AVFrame* f) { libav().av_frame_free(&f); });
  libav().av_frame_move_ref(held.get(), frame_);
  Picture p;
  p.width = w;
  p.height = h;
  Picture::LentPlanes lent;
  const bool gray = held->format == AV_PIX_FMT_GRAY8;
  for (int plane = 0; plane < 3; ++plane) {
    lent.data[plane] = plane > 0 && gray ? neutral_chroma_row() : held->data[plane];
    lent.stride[plane] = plane > 0 && gray ? 0 : static_cast<uint32_t>(held->linesize[plane]);
  }
  p.timestamp = static_cast<uint64_t>(held->pts != AV_NOPTS_VALUE ? held->pts : held->best_effort_timestamp);
  p.corrupt = held->decode_error_flags != 0 || (held->flags & AV_FRAME_FLAG_CORRUPT);
  lent.keep = std::move(held);
  p.lent = std::move(lent);
  result.pictures.push_back(std::move(p));
}

DecodeResult LibavDecoder::flush() {
  DecodeResult result;
  if (!ctx_) return result;
  if (const auto last = access_units_.finish()) decode_access_unit(*last, result);
  // Pictures are held only for reordering (has_b_frames). Releasing them
  // takes libavcodec's end of stream, after which it forgets its references:
  // decoding then resumes at the next tune-in point.
  const uint32_t depth = codec_ == CodecId::HEVC ? hevc_order_.reorder_depth() : output_order_.reorder_depth();
  if (ctx_->has_b_frames > 0 || (follows_output_order() && depth > 0)) {
    drain_library(result);
    waiting_for_tune_in_ = true;
    mpeg2_references_ = 0;
    hevc_order_.restart_at_next_irap();
  }
  if (follows_output_order())
    release_.released(codec_ == CodecId::HEVC ? hevc_order_.flush() : output_order_.flush());
  release_pictures(result, true);
  result.work.produces_picture = !result.pictures.empty();
  return result;
}

}  // namespace vvsim::codec
