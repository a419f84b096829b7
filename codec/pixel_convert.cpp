#include "codec/pixel_convert.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vvsim::codec {

// The chroma conversions run on every row of every frame: 16 pairs at a time
// where SSE2 is there (every x86-64), the rest byte by byte.
void interleave(const uint8_t* u, const uint8_t* v, uint32_t n, uint8_t* uv) {
  uint32_t c = 0;
#if defined(__SSE2__)
  for (; c + 16 <= n; c += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(u + c));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(v + c));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(uv + 2 * c), _mm_unpacklo_epi8(a, b));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(uv + 2 * c + 16), _mm_unpackhi_epi8(a, b));
  }
#endif
  for (; c < n; ++c) {
    uv[2 * c] = u[c];
    uv[2 * c + 1] = v[c];
  }
}

// Both components in one pass: each row is read once, not once per component.
void deinterleave(const uint8_t* uv, uint32_t n, uint8_t* u, uint8_t* v) {
  uint32_t c = 0;
#if defined(__SSE2__)
  const __m128i low_bytes = _mm_set1_epi16(0x00ff);
  for (; c + 16 <= n; c += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(uv + 2 * c));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(uv + 2 * c + 16));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(u + c),
                     _mm_packus_epi16(_mm_and_si128(a, low_bytes), _mm_and_si128(b, low_bytes)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(v + c), _mm_packus_epi16(_mm_srli_epi16(a, 8), _mm_srli_epi16(b, 8)));
  }
#endif
  for (; c < n; ++c) {
    u[c] = uv[2 * c];
    v[c] = uv[2 * c + 1];
  }
}

}  // namespace vvsim::codec
