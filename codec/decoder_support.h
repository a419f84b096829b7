// Pieces both decoder backends share: the checks every unit passes before a
// library sees it, and copying a library's plane into a tight I420 plane.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"

namespace vvsim::codec {

// A result refusing the unit when the library is not available or the unit's
// size is implausible; nothing when the unit may be decoded.
std::optional<DecodeResult> refuse_unit(bool library_ready, const char* library, size_t size);

// Copies `height` rows of `width` bytes from a strided plane.
void copy_plane(const uint8_t* src, int stride, uint32_t width, uint32_t height, std::vector<uint8_t>& dst);

}  // namespace vvsim::codec
