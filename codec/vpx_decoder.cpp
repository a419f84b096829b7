#include "codec/vpx_decoder.h"

#include <fmt/format.h>

#include "codec/decoder_support.h"
#include <vpx/vp8dx.h>

#include <cstring>

#include "codec/image_layout.h"
#include "codec/unit_header.h"

namespace vvsim::codec {

VpxDecoder::VpxDecoder(CodecId codec) : codec_(codec), frame_work_(codec) { open(); }

VpxDecoder::~VpxDecoder() = default;

bool VpxDecoder::open() {
  vpx_codec_dec_cfg_t cfg{};
  cfg.threads = 1;
  vpx_codec_iface_t* iface = codec_ == CodecId::VP8 ? vpx_codec_vp8_dx() : vpx_codec_vp9_dx();
  auto ctx = std::make_unique<vpx_codec_ctx_t>();
  ctx_.reset();
  pool_.reset();
  if (vpx_codec_dec_init(ctx.get(), iface, &cfg, 0) != VPX_CODEC_OK) return false;
  pool_ = VpxFramePool::attach(ctx.get());
  ctx_.reset(ctx.release(), [pool = pool_](vpx_codec_ctx_t* c) {  // libvpx releases its frames into the pool
    vpx_codec_destroy(c);
    delete c;
  });
  return true;
}

void VpxDecoder::reset() {
  open();
  waiting_for_key_ = true;
  format_.reset();
  frame_work_.reset();
}

DecodeResult VpxDecoder::decode(const uint8_t* data, size_t size, uint64_t timestamp) {
  DecodeResult result;
  if (!admit_vpx_unit(codec_, ctx_ != nullptr, size_limit_, data, size, waiting_for_key_, result)) return result;
  vpx_codec_ctx_t* ctx = ctx_.get();
  if (vpx_codec_decode(ctx, data, static_cast<unsigned int>(size), nullptr, 0) != VPX_CODEC_OK) {
    result.status = UnitStatus::Corrupt;
    const char* detail = vpx_codec_error_detail(ctx);
    result.message = fmt::format("libvpx: {}{}{}", vpx_codec_error(ctx), detail ? ": " : "", detail ? detail : "");
    waiting_for_key_ = true;
    return result;
  }
  collect_pictures(result, timestamp);
  frame_work_.charge_unit(data, size, result.work);
  format_.announce(result, false);
  result.work.produces_picture = !result.pictures.empty();
  return result;
}

void VpxDecoder::collect_pictures(DecodeResult& result, uint64_t timestamp) {
  vpx_codec_iter_t iter = nullptr;
  while (const vpx_image_t* img = vpx_codec_get_frame(ctx_.get(), &iter)) {
    if (img->fmt != VPX_IMG_FMT_I420) {
      result.status = UnitStatus::Unsupported;
      result.message = fmt::format("decoded image format {:#x} is not 8-bit 4:2:0", int(img->fmt));
      return;
    }
    Picture p;
    p.width = img->d_w;
    p.height = img->d_h;
    Picture::LentPlanes lent;
    for (const int plane : {VPX_PLANE_Y, VPX_PLANE_U, VPX_PLANE_V}) {
      lent.data[plane] = img->planes[plane];
      lent.stride[plane] = static_cast<uint32_t>(img->stride[plane]);
    }
    if (pool_) {
      lent.keep = pool_->lend(*img);
      lent.held = true;
    } else {
      lent.keep = ctx_;
    }
    p.lent = std::move(lent);
    p.timestamp = timestamp;
    int corrupted = 0;
    if (vpx_codec_control(ctx_.get(), VP8D_GET_FRAME_CORRUPTED, &corrupted) == VPX_CODEC_OK) p.corrupt = corrupted != 0;
    result.pictures.push_back(std::move(p));
  }
}

// libvpx holds no frames back (no reordering, g_lag is an encoder notion).
DecodeResult VpxDecoder::flush() { return {}; }

}  // namespace vvsim::codec
