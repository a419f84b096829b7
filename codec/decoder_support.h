// Pieces both decoder backends share: the checks every unit passes before a
// library sees it, and copying a library's plane into a tight I420 plane.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "codec/unit_header.h"

namespace vvsim::codec {

// A result refusing the unit when the library is not available or the unit's
// size is implausible; nothing when the unit may be decoded.
std::optional<DecodeResult> refuse_unit(bool library_ready, const char* library, size_t size);

// The checks every VP8/VP9 unit passes before a library (or the scan
// decoder) sees it: size, frame header, key-frame gating. Fills `result` (bytes,
// frame type, or why the unit goes no further) and returns the header when the
// unit is to be decoded; nothing when `result` is final. Content
// content_refusal.h refuses (VP9 profiles 1-3, sizes above `limit`) is Unsupported.
std::optional<UnitHeader> admit_vpx_unit(CodecId codec, bool library_ready, const PictureSizeLimit& limit,
                                         const uint8_t* data, size_t size, bool& waiting_for_key, DecodeResult& result);
// The same for an H.264 or HEVC NAL unit: size and NAL header, and an H.264
// SPS that sps_refusal refuses is Unsupported.
std::optional<NalInfo> admit_nal_unit(CodecId codec, const char* library, bool library_ready,
                                      const PictureSizeLimit& limit, const uint8_t* data, size_t size,
                                      DecodeResult& result);

// A unit of InputUnit::AccessUnit (H.264 or HEVC): cut into its NAL units as
// the stream index cuts a file (codec/elementary_stream.h), each given to
// `nal_unit` with a result of its own, summed into `result` as one unit's:
// every byte, the picture of its first slice, the pictures released, the
// first failure. The caller then closes the access unit. False (with
// `result` saying why) when the unit is not start-code delimited.
using NalUnitStep = std::function<void(const uint8_t* data, size_t size, DecodeResult& result)>;
bool decode_nal_units_of(CodecId codec, const uint8_t* data, size_t size, const NalUnitStep& nal_unit,
                         DecodeResult& result);

// Copies `height` rows of `width` bytes from a strided plane.
void copy_plane(const uint8_t* src, int stride, uint32_t width, uint32_t height, std::vector<uint8_t>& dst);

// When a decoder tells of a new picture size (new_format, before the pictures
// of that size). A hardware decoder knows it once it parses the sequence
// header the picture's first slice names, so the unit charged for that
// picture announces it, when no earlier picture is still inside the decoder
// (the change then cannot overtake one); otherwise the first picture of the
// new size to leave does. Fed the same results, the scan decides the same.
class FormatAnnouncer {
 public:
  explicit FormatAnnouncer(uint32_t min_output_buffers) : min_output_buffers_(min_output_buffers) {}
  // After a unit's work and pictures are known; `drained`: a flush, after
  // which no picture is left inside.
  void announce(DecodeResult& result, bool drained);
  void reset();

 private:
  void change_to(uint32_t width, uint32_t height, DecodeResult& result);
  uint32_t min_output_buffers_;
  StreamFormat current_{};
  uint64_t inside_ = 0;  // pictures charged and not out yet
};

}  // namespace vvsim::codec
