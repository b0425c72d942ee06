// Strings: skip, decode and measure runs of common string content (see CJSONScan.h).
#include "CJSONScan.h"
#include "bytes.h"

size_t pmr_json_skip_common(const uint8_t *source, size_t count, int *escaped) {
    return skip_common_run(source, count, escaped);
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
