// VP8 and VP9 decoding on libvpx, one frame per input unit, single-threaded
// for determinism.
#pragma once

#include <vpx/vpx_decoder.h>

#include <memory>

#include "codec/codec.h"
#include "codec/decoder_support.h"
#include "codec/vpx_frame_pool.h"
#include "codec/work_accounting.h"

namespace vvsim::codec {

class VpxDecoder : public Decoder {
 public:
  explicit VpxDecoder(CodecId codec);
  ~VpxDecoder() override;
  VpxDecoder(const VpxDecoder&) = delete;
  VpxDecoder& operator=(const VpxDecoder&) = delete;

  CodecId codec() const override { return codec_; }
  DecodeResult decode(const uint8_t* data, size_t size, uint64_t timestamp) override;
  DecodeResult flush() override;
  void reset() override;

  // Buffers a stream needs in flight: reference slots + the frame being decoded + one on display.
  static uint32_t min_output_buffers(CodecId codec) { return codec == CodecId::VP8 ? 3 + 1 + 1 : 8 + 1 + 1; }

 private:
  bool open();
  void collect_pictures(DecodeResult& result, uint64_t timestamp);

  CodecId codec_;
  // VP9's frame buffers, each held by the pictures lent it (null for VP8).
  std::shared_ptr<VpxFramePool> pool_;
  // Shared with the pictures lent out of VP8's frame buffers, which may outlive
  // a reset (a new context) or the decoder; null when libvpx refused to open.
  std::shared_ptr<vpx_codec_ctx_t> ctx_;
  bool waiting_for_key_ = true;  // after start, reset or a corrupt unit
  FormatAnnouncer format_{min_output_buffers(codec_)};
  VpxFrameWork frame_work_;
};

}  // namespace vvsim::codec
