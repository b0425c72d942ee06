#include "CJSONScan.h"

#if defined(__SSE2__)
#include <emmintrin.h>

// One bit per byte of `v` that is not plain content: '"', '\\', or below 0x20 / at or above 0x80 in one signed
// comparison (bytes >= 0x80 are negative as signed bytes).
static inline unsigned not_plain(__m128i v) {
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

static inline int is_plain(uint8_t byte) { return byte != '"' && byte != '\\' && byte >= 0x20 && byte < 0x80; }
static inline int needs_escape(uint8_t byte) { return byte == '"' || byte == '\\' || byte < 0x20; }

// The byte an escape character stands for when it is one ASCII byte; 0 for 'u' and invalid escape characters.
static inline uint8_t common_escape(uint8_t escape) {
    switch (escape) {
    case '"': case '\\': case '/': return escape;
    case 'b': return 0x08;
    case 'f': return 0x0C;
    case 'n': return 0x0A;
    case 'r': return 0x0D;
    case 't': return 0x09;
    default: return 0;
    }
}

// The length of the plain run at the start of `source[0..<count]`.
static inline size_t plain_length(const uint8_t *source, size_t count) {
    size_t index = 0;
#if defined(__SSE2__)
    for (; index + 16 <= count; index += 16) {
        unsigned ends = not_plain(_mm_loadu_si128((const __m128i *)(source + index)));
        if (ends) return index + (size_t)__builtin_ctz(ends);
    }
#endif
    while (index < count && is_plain(source[index])) index++;
    return index;
}

size_t pmr_json_skip_common(const uint8_t *source, size_t count, int *escaped) {
    size_t read = 0;
    for (;;) {
        read += plain_length(source + read, count - read);
        if (read + 1 >= count || source[read] != '\\' || !common_escape(source[read + 1])) return read;
        *escaped = 1;
        read += 2;
    }
}

size_t pmr_json_decode_common(uint8_t *target, size_t room, const uint8_t *source, size_t count, size_t *consumed) {
    size_t read = 0, written = 0;
    for (;;) {
#if defined(__SSE2__)
        if (read + 16 <= count && written + 16 <= room) {
            __m128i v = _mm_loadu_si128((const __m128i *)(source + read));
            _mm_storeu_si128((__m128i *)(target + written), v);
            unsigned ends = not_plain(v);
            if (!ends) {
                read += 16;
                written += 16;
                continue;
            }
            size_t plain = (size_t)__builtin_ctz(ends);
            read += plain;
            written += plain;
        } else
#endif
        {
            while (read < count && written < room && is_plain(source[read])) target[written++] = source[read++];
        }
        if (read + 1 >= count || written >= room || source[read] != '\\') break;
        uint8_t decoded = common_escape(source[read + 1]);
        if (!decoded) break;
        target[written++] = decoded;
        read += 2;
    }
    *consumed = read;
    return written;
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
