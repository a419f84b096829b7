// H.264 decoding on openh264. The v6 unit is one NAL unit: NALs are gathered
// into access units (H.264 §7.4.1.2.3) and an access unit is decoded when the
// first NAL of the next one arrives, or at flush; a unit of
// InputUnit::AccessUnit is cut into its NAL units and decoded at its end. Pictures leave in
// presentation order with the timestamp of their access unit's first NAL.
#pragma once

#include <wels/codec_api.h>

#include <vector>

#include "codec/access_unit.h"
#include "codec/codec.h"
#include "codec/decoder_support.h"
#include "codec/output_order.h"
#include "codec/work_accounting.h"

namespace vvsim::codec {

class H264Decoder : public Decoder {
 public:
  H264Decoder();
  ~H264Decoder() override;
  H264Decoder(const H264Decoder&) = delete;
  H264Decoder& operator=(const H264Decoder&) = delete;

  CodecId codec() const override { return CodecId::H264; }
  DecodeResult decode(const uint8_t* data, size_t size, uint64_t timestamp) override;
  DecodeResult flush() override;
  void reset() override;

  // Reference frames (up to 16) plus the picture being decoded and one on display.
  static constexpr uint32_t kMinOutputBuffers = 16 + 2;

 private:
  bool open();
  void close();
  // False when the NAL unit is refused (`result` says why).
  bool decode_nal_unit(const uint8_t* data, size_t size, uint64_t timestamp, DecodeResult& result);
  void decode_access_unit(const AccessUnit& au, DecodeResult& result);
  void take_picture(const SBufferInfo& info, uint8_t* planes[3], DecodeResult& result);
  // Every picture openh264 holds for reordering comes out; decoding goes on.
  void drain_library(DecodeResult& result);
  // The pictures that leave with `result` by the output order model (all at
  // the drain, in openh264's order when the model cannot follow the stream).
  void release_pictures(DecodeResult& result, bool drain);

  ISVCDecoder* decoder_ = nullptr;
  AccessUnitAssembler access_units_;
  bool waiting_for_idr_ = true;
  FormatAnnouncer format_{kMinOutputBuffers};
  H264PictureWork picture_work_;
  H264OutputOrder output_order_;
  PictureRelease release_;
};

}  // namespace vvsim::codec
