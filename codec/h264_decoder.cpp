#include "codec/h264_decoder.h"

#include <fmt/format.h>

#include "codec/decoder_support.h"

#include <cstring>

namespace vvsim::codec {

namespace {

// openh264 holds at most this many pictures for reordering (max_dec_frame_buffering 16).
constexpr int kMaxFlushRounds = 17;

}  // namespace

H264Decoder::H264Decoder() { open(); }

H264Decoder::~H264Decoder() { close(); }

bool H264Decoder::open() {
  if (WelsCreateDecoder(&decoder_) != 0 || !decoder_) return false;
  SDecodingParam param{};
  param.sVideoProperty.eVideoBsType = VIDEO_BITSTREAM_AVC;
  param.eEcActiveIdc = ERROR_CON_DISABLE;  // no concealment: damaged pictures are reported, not invented
  int threads = 0;
  decoder_->SetOption(DECODER_OPTION_NUM_OF_THREADS, &threads);
  int quiet = WELS_LOG_QUIET;  // its errors reach the user as unit statuses, not as log lines between vvsim's
  decoder_->SetOption(DECODER_OPTION_TRACE_LEVEL, &quiet);
  if (decoder_->Initialize(&param) != 0) {
    close();
    return false;
  }
  return true;
}

void H264Decoder::close() {
  if (!decoder_) return;
  decoder_->Uninitialize();
  WelsDestroyDecoder(decoder_);
  decoder_ = nullptr;
}

void H264Decoder::reset() {
  close();
  open();
  access_units_.clear();
  waiting_for_idr_ = true;
  format_.reset();
  picture_work_.reset();
  output_order_.reset();
  release_.clear();
}

DecodeResult H264Decoder::decode(const uint8_t* data, size_t size, uint64_t timestamp) {
  DecodeResult result;
  if (input_unit_ == InputUnit::Nal) {
    if (!decode_nal_unit(data, size, timestamp, result)) return result;  // refused: nothing leaves with it
  } else {
    const auto nal_unit = [&](const uint8_t* d, size_t n, DecodeResult& r) { decode_nal_unit(d, n, timestamp, r); };
    if (decode_nal_units_of(CodecId::H264, data, size, nal_unit, result))
      if (const auto au = access_units_.finish()) decode_access_unit(*au, result);  // the unit's end ends it
  }
  release_pictures(result, false);
  result.work.produces_picture = !result.pictures.empty();
  return result;
}

bool H264Decoder::decode_nal_unit(const uint8_t* data, size_t size, uint64_t timestamp, DecodeResult& result) {
  const auto nal = admit_nal_unit(CodecId::H264, "openh264", decoder_ != nullptr, size_limit_, data, size, result);
  if (!nal) return false;
  const bool had_slice = access_units_.has_slice(), begins = starts_access_unit(*nal, had_slice);
  const auto completed =
      access_units_.add(*nal, begins, nal->type == uint8_t(NalType::Idr), data, size, timestamp);
  if (completed) decode_access_unit(*completed, result);
  picture_work_.note_parameter_set(*nal, data, size);
  output_order_.note_nal(*nal, data, size, begins || !had_slice);
  // Skipped before an IDR picture (decode_access_unit): no work.
  if (nal->is_slice && !(waiting_for_idr_ && !access_units_.is_random_access()))
    picture_work_.charge_slice(data, size, begins || !had_slice, result.work);
  return true;
}

void H264Decoder::release_pictures(DecodeResult& result, bool drain) {
  const bool ordered = output_order_.unsupported().empty();
  release_.from_library(result.pictures);
  result.pictures = drain || !ordered ? release_.take_all() : release_.take();
  format_.announce(result, drain);
}

void H264Decoder::take_picture(const SBufferInfo& info, uint8_t* planes[3], DecodeResult& result) {
  const auto& buf = info.UsrData.sSystemBuffer;
  const uint32_t w = static_cast<uint32_t>(buf.iWidth), h = static_cast<uint32_t>(buf.iHeight);
  Picture p;
  p.width = w;
  p.height = h;
  copy_plane(planes[0], buf.iStride[0], w, h, p.y);
  copy_plane(planes[1], buf.iStride[1], (w + 1) / 2, (h + 1) / 2, p.u);
  copy_plane(planes[2], buf.iStride[1], (w + 1) / 2, (h + 1) / 2, p.v);
  p.timestamp = info.uiOutYuvTimeStamp;
  result.pictures.push_back(std::move(p));
}

void H264Decoder::decode_access_unit(const AccessUnit& au, DecodeResult& result) {
  const bool has_slice = au.has_slice, is_idr = au.is_random_access;
  result.about_timestamp = au.timestamp;
  if (waiting_for_idr_ && has_slice && !is_idr) {
    result.message = "skipped: waiting for an IDR picture";
    return;
  }
  // Under the output order model an IDR picture (or a memory management reset) releases every picture before it.
  const bool ordered = output_order_.unsupported().empty() && has_slice;
  if (ordered && output_order_.pending_clears_prior() && output_order_.waiting() > 0) drain_library(result);
  uint8_t* planes[3] = {};
  SBufferInfo info{};
  info.uiInBsTimeStamp = au.timestamp;
  const DECODING_STATE state =
      decoder_->DecodeFrameNoDelay(au.bytes.data(), static_cast<int>(au.bytes.size()), planes, &info);
  if (state != dsErrorFree && state != dsFramePending) {
    result.status = UnitStatus::Corrupt;
    result.message = fmt::format("openh264: decoding state {:#x}", int(state));
    waiting_for_idr_ = true;
  } else if (has_slice && is_idr) {
    waiting_for_idr_ = false;
  }
  if (info.iBufferStatus == 1) take_picture(info, planes, result);
  if (ordered && result.status == UnitStatus::Ok)
    release_.released(output_order_.picture_decoded(au.timestamp));
}

void H264Decoder::drain_library(DecodeResult& result) {
  int end = 1;
  decoder_->SetOption(DECODER_OPTION_END_OF_STREAM, &end);
  // Each FlushFrame releases at most one picture held for reordering.
  for (int round = 0; round < kMaxFlushRounds; ++round) {
    uint8_t* planes[3] = {};
    SBufferInfo info{};
    decoder_->FlushFrame(planes, &info);
    if (info.iBufferStatus != 1) break;
    take_picture(info, planes, result);
  }
  end = 0;
  decoder_->SetOption(DECODER_OPTION_END_OF_STREAM, &end);
}

DecodeResult H264Decoder::flush() {
  DecodeResult result;
  if (!decoder_) return result;
  if (const auto last = access_units_.finish()) decode_access_unit(*last, result);
  drain_library(result);
  release_.released(output_order_.flush());
  release_pictures(result, true);
  result.work.produces_picture = !result.pictures.empty();
  return result;
}

}  // namespace vvsim::codec
