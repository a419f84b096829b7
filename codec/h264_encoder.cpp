#include "codec/h264_encoder.h"

#include <fmt/format.h>

#include "codec/annexb_writer.h"
#include "codec/image_layout.h"

namespace vvsim::codec {
namespace {

FrameType frame_type_of(EVideoFrameType type) {
  switch (type) {
    case videoFrameTypeIDR:
    case videoFrameTypeI: return FrameType::Key;
    case videoFrameTypeP: return FrameType::Inter;
    default: return FrameType::Unknown;
  }
}

// nal_unit_type 1..5 are coded slices: the NAL that yields the picture.
bool is_slice(const uint8_t* nal, size_t size) {
  size_t header = start_code_length(nal, size);
  if (header >= size) return false;
  int type = nal[header] & 0x1f;
  return type >= 1 && type <= 5;
}

}  // namespace

Status H264Encoder::open() {
  if (WelsCreateSVCEncoder(&encoder_) != 0 || !encoder_) return Error{"WelsCreateSVCEncoder failed"};
  int quiet = WELS_LOG_QUIET;
  encoder_->SetOption(ENCODER_OPTION_TRACE_LEVEL, &quiet);
  return initialise();
}

H264Encoder::~H264Encoder() {
  if (!encoder_) return;
  if (initialised_) encoder_->Uninitialize();
  WelsDestroySVCEncoder(encoder_);
}

Status H264Encoder::initialise() {
  if (initialised_) encoder_->Uninitialize();
  initialised_ = false;
  SEncParamExt p;
  encoder_->GetDefaultParams(&p);
  p.iUsageType = CAMERA_VIDEO_REAL_TIME;
  p.iPicWidth = static_cast<int>(config().width);
  p.iPicHeight = static_cast<int>(config().height);
  p.iTargetBitrate = static_cast<int>(config().bitrate_bps);
  p.iMaxBitrate = static_cast<int>(max_bitrate());  // lets set_bitrate go up to the limit
  p.iRCMode = RC_BITRATE_MODE;
  p.fMaxFrameRate = static_cast<float>(config().framerate);
  p.bEnableFrameSkip = false;          // every picture yields a frame
  p.bEnableSceneChangeDetect = false;  // key frames only where EncoderBase asks
  p.uiIntraPeriod = 0;
  p.eSpsPpsIdStrategy = CONSTANT_ID;
  p.iEntropyCodingModeFlag = 0;        // CAVLC: baseline
  p.iMultipleThreadIdc = 1;            // deterministic output
  p.iTemporalLayerNum = 1;
  p.iSpatialLayerNum = 1;
  SSpatialLayerConfig& layer = p.sSpatialLayers[0];
  layer.uiProfileIdc = PRO_BASELINE;
  layer.iVideoWidth = p.iPicWidth;
  layer.iVideoHeight = p.iPicHeight;
  layer.fFrameRate = p.fMaxFrameRate;
  layer.iSpatialBitrate = p.iTargetBitrate;
  layer.iMaxSpatialBitrate = p.iMaxBitrate;
  layer.sSliceArgument.uiSliceMode = SM_SINGLE_SLICE;
  if (int rc = encoder_->InitializeExt(&p); rc != cmResultSuccess)
    return Error{fmt::format("openh264 InitializeExt({}x{}) failed: {}", config().width, config().height, rc)};
  int format = videoFormatI420;
  encoder_->SetOption(ENCODER_OPTION_DATAFORMAT, &format);
  initialised_ = true;
  return {};
}

void H264Encoder::apply_bitrate() {
  if (!initialised_) return;
  SBitrateInfo rate{SPATIAL_LAYER_ALL, static_cast<int>(config().bitrate_bps)};
  encoder_->SetOption(ENCODER_OPTION_BITRATE, &rate);
}

// A fresh initialisation starts the new size with SPS, PPS and an IDR frame.
Status H264Encoder::apply_resolution() { return initialise(); }

EncodeResult H264Encoder::encode_frame(const Picture& picture, bool key_frame) {
  if (!initialised_) return encode_error("H.264 encoder is not initialised");
  SSourcePicture source{};
  source.iColorFormat = videoFormatI420;
  source.iPicWidth = static_cast<int>(picture.width);
  source.iPicHeight = static_cast<int>(picture.height);
  source.iStride[0] = source.iPicWidth;
  source.iStride[1] = source.iStride[2] = static_cast<int>(chroma_width(picture.width));
  // The planes are only read; openh264's picture type has no const flavour.
  source.pData[0] = const_cast<uint8_t*>(picture.y.data());
  source.pData[1] = const_cast<uint8_t*>(picture.u.data());
  source.pData[2] = const_cast<uint8_t*>(picture.v.data());
  source.uiTimeStamp = static_cast<long long>(frames_in_ * 1000 / config().framerate);
  if (key_frame) encoder_->ForceIntraFrame(true);
  SFrameBSInfo info{};
  if (int rc = encoder_->EncodeFrame(&source, &info); rc != cmResultSuccess)
    return encode_error(fmt::format("openh264 EncodeFrame failed: {}", rc));
  ++frames_in_;
  if (info.eFrameType == videoFrameTypeSkip || info.eFrameType == videoFrameTypeInvalid)
    return encode_error(fmt::format("openh264 produced no frame (type {})", info.eFrameType));
  return split_nal_units(info, picture.timestamp);
}

EncodeResult H264Encoder::split_nal_units(const SFrameBSInfo& info, uint64_t timestamp) const {
  EncodeResult result;
  FrameType type = frame_type_of(info.eFrameType);
  for (int l = 0; l < info.iLayerNum; ++l) {
    const SLayerBSInfo& layer = info.sLayerInfo[l];
    const uint8_t* nal = layer.pBsBuf;
    for (int n = 0; n < layer.iNalCount; ++n) {
      size_t size = static_cast<size_t>(layer.pNalLengthInByte[n]);
      EncodedUnit unit;
      unit.data.assign(nal, nal + size);
      unit.timestamp = timestamp;
      unit.frame_type = type;
      unit.work = unit_work(size, type, is_slice(nal, size));
      result.units.push_back(std::move(unit));
      nal += size;
    }
  }
  return result;
}

}  // namespace vvsim::codec
