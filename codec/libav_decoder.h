// H.264, HEVC and MPEG-2 decoding on libavcodec (FFmpeg), single-threaded
// for determinism. The H.264/HEVC v6 unit is one NAL unit: NAL units are
// gathered into access units (codec/access_unit.h) and each access unit goes
// to libavcodec as one packet; a unit of InputUnit::AccessUnit is cut into its
// NAL units and its access unit ends with it; an MPEG-2 unit is one access
// unit already. Pictures leave in presentation order with the timestamp of
// their access unit's first slice; libavcodec's frame buffers are lent, not
// copied. Tune-in is libavcodec's default: decoding starts at an H.264 IDR
// picture or recovery point (SEI), an HEVC IRAP picture, an MPEG-2 I picture;
// access units before it are skipped.
//
// Content no v6 image format can carry (bit depth above 8, 4:2:2, 4:4:4) is
// refused as Unsupported when its sequence header is parsed (libavcodec's
// get_format callback), naming profile, chroma format and bit depth.
#pragma once

#include <memory>
#include <string>

#include "codec/access_unit.h"
#include "codec/codec.h"
#include "codec/decoder_support.h"
#include "codec/hevc_output_order.h"
#include "codec/output_order.h"
#include "codec/work_accounting.h"

struct AVCodecContext;
struct AVPacket;
struct AVFrame;
extern "C" {
#include <libavutil/pixfmt.h>
}

namespace vvsim::codec {

class LibavDecoder : public Decoder {
 public:
  explicit LibavDecoder(CodecId codec);
  ~LibavDecoder() override;
  LibavDecoder(const LibavDecoder&) = delete;
  LibavDecoder& operator=(const LibavDecoder&) = delete;

  CodecId codec() const override { return codec_; }
  DecodeResult decode(const uint8_t* data, size_t size, uint64_t timestamp) override;
  DecodeResult flush() override;
  void reset() override;

  // Buffers a stream needs in flight: reference pictures (H.264 and HEVC at
  // most 16, MPEG-2 two) + the picture being decoded + one on display.
  static uint32_t min_output_buffers(CodecId codec) { return codec == CodecId::MPEG2 ? 2 + 2 : 16 + 2; }

 private:
  static AVPixelFormat pick_format(AVCodecContext* ctx, const AVPixelFormat* offered);
  bool open();
  void close();
  // Sends one packet (null: end of stream) and collects the pictures it releases.
  void send(const uint8_t* data, size_t size, uint64_t timestamp, DecodeResult& result);
  void decode_nal_unit(const uint8_t* data, size_t size, uint64_t timestamp, DecodeResult& result);
  // A unit of InputUnit::AccessUnit: its NAL units, then the access unit decoded.
  void decode_whole_access_unit(const uint8_t* data, size_t size, uint64_t timestamp, DecodeResult& result);
  void decode_mpeg2_unit(const uint8_t* data, size_t size, uint64_t timestamp, DecodeResult& result);
  void decode_access_unit(const AccessUnit& au, DecodeResult& result);
  // Sends an access unit unless the decoder is still waiting for a tune-in
  // point; true when it was sent and accepted.
  bool send_unless_tuning_in(const uint8_t* data, size_t size, uint64_t timestamp, bool has_picture, bool tune_in,
                             DecodeResult& result);
  void receive_pictures(DecodeResult& result);
  void take_picture(DecodeResult& result);
  // Whether H.264/HEVC pictures leave by the output order model (not for H.264 field coding).
  bool follows_output_order() const {
    return codec_ == CodecId::H264 ? output_order_.unsupported().empty()
                                   : codec_ == CodecId::HEVC && hevc_order_.unsupported().empty();
  }
  // The model's picture `id` was decoded: the pictures that leave or are discarded.
  void picture_decoded(uint64_t id, DecodeResult& result);
  // The library's end of stream: every picture it holds comes out; it forgets its references.
  void drain_library(DecodeResult& result);
  // The pictures that leave with `result` (all at the drain), each new size announced.
  void release_pictures(DecodeResult& result, bool drain);

  CodecId codec_;
  AVCodecContext* ctx_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* frame_ = nullptr;
  AccessUnitAssembler access_units_;
  bool waiting_for_tune_in_ = true;  // after start, reset, or a drain that dropped the references
  uint32_t mpeg2_references_ = 0;    // I/P pictures sent since the tune-in point
  std::string refused_;  // set by pick_format (ctx_->opaque is the decoder) when the stream is refused
  FormatAnnouncer format_{min_output_buffers(codec_)};
  H264PictureWork picture_work_;
  HevcPictureWork hevc_work_;
  Mpeg2PictureWork mpeg2_work_;
  H264OutputOrder output_order_;
  HevcOutputOrder hevc_order_;
  PictureRelease release_;
};

}  // namespace vvsim::codec
