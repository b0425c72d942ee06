#include "CJSONScan.h"

#if defined(__SSE2__)
#include <emmintrin.h>

// One bit per byte of `v` that ends plain content: '"', '\\', or below 0x20 / at or above 0x80 in one signed
// comparison (bytes >= 0x80 are negative as signed bytes).
static inline unsigned plain_ends(__m128i v) {
    __m128i ends = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    ends = _mm_or_si128(ends, _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    return (unsigned)_mm_movemask_epi8(ends);
}

// One bit per byte of `v` that a string literal must escape: '"', '\\', or (unsigned) below 0x20.
static inline unsigned escape_needed(__m128i v) {
    __m128i ends = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    ends = _mm_or_si128(ends, _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v));
    return (unsigned)_mm_movemask_epi8(ends);
}
#endif

static inline int ends_plain(uint8_t byte) { return byte == '"' || byte == '\\' || byte < 0x20 || byte >= 0x80; }
static inline int needs_escape(uint8_t byte) { return byte == '"' || byte == '\\' || byte < 0x20; }

size_t pmr_json_plain_length(const uint8_t *source, size_t count) {
    size_t index = 0;
#if defined(__SSE2__)
    for (; index + 16 <= count; index += 16) {
        unsigned ends = plain_ends(_mm_loadu_si128((const __m128i *)(source + index)));
        if (ends) return index + (size_t)__builtin_ctz(ends);
    }
#endif
    while (index < count && !ends_plain(source[index])) index++;
    return index;
}

size_t pmr_json_copy_plain(uint8_t *target, size_t room, const uint8_t *source, size_t count) {
    size_t limit = count < room ? count : room;
    size_t index = 0;
#if defined(__SSE2__)
    for (; index + 16 <= limit; index += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(source + index));
        _mm_storeu_si128((__m128i *)(target + index), v);
        unsigned ends = plain_ends(v);
        if (ends) return index + (size_t)__builtin_ctz(ends);
    }
#endif
    while (index < limit && !ends_plain(source[index])) {
        target[index] = source[index];
        index++;
    }
    return index;
}

size_t pmr_json_unescaped_length(const uint8_t *source, size_t count) {
    size_t index = 0;
#if defined(__SSE2__)
    for (; index + 16 <= count; index += 16) {
        unsigned ends = escape_needed(_mm_loadu_si128((const __m128i *)(source + index)));
        if (ends) return index + (size_t)__builtin_ctz(ends);
    }
#endif
    while (index < count && !needs_escape(source[index])) index++;
    return index;
}
