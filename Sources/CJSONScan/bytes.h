// The byte tests the CJSONScan loops share (internal: not part of the module's header). All static inline.
#ifndef CJSONSCAN_BYTES_H
#define CJSONSCAN_BYTES_H

#include <stddef.h>
#include <stdint.h>

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

// Skips the common bytes (plain, or a one-byte escape) at the start of `source[0..<count]`; returns how many, and sets
// `*escaped` when an escape was among them.
static inline size_t skip_common_run(const uint8_t *source, size_t count, int *escaped) {
    size_t read = 0;
    for (;;) {
        read += plain_length(source + read, count - read);
        if (read + 1 >= count || source[read] != '\\' || !common_escape(source[read + 1])) return read;
        *escaped = 1;
        read += 2;
    }
}

static inline int is_digit(uint8_t byte) { return byte >= '0' && byte <= '9'; }

// A number at `index`: the offset after it, or 0 when it is not one.
static inline size_t skip_number(const uint8_t *source, size_t count, size_t index) {
    if (source[index] == '-') index++;
    if (index >= count) return 0;
    if (source[index] == '0') {
        index++;
    } else if (is_digit(source[index])) {
        while (index < count && is_digit(source[index])) index++;
    } else {
        return 0;
    }
    if (index < count && source[index] == '.') {
        index++;
        if (index >= count || !is_digit(source[index])) return 0;
        while (index < count && is_digit(source[index])) index++;
    }
    if (index < count && (source[index] == 'e' || source[index] == 'E')) {
        index++;
        if (index < count && (source[index] == '+' || source[index] == '-')) index++;
        if (index >= count || !is_digit(source[index])) return 0;
        while (index < count && is_digit(source[index])) index++;
    }
    return index;
}

static inline size_t skip_literal(const uint8_t *source, size_t count, size_t index, const char *literal, size_t length) {
    if (count - index < length) return 0;
    for (size_t offset = 0; offset < length; offset++)
        if (source[index + offset] != (uint8_t)literal[offset]) return 0;
    return index + length;
}

// A number or literal (`true`, `false`, `null`) at `index`, whose first byte is `byte`: the offset after it, or 0.
static inline size_t skip_scalar(const uint8_t *source, size_t count, size_t index, int byte) {
    if (byte == '-' || (byte >= '0' && byte <= '9')) return skip_number(source, count, index);
    if (byte == 't') return skip_literal(source, count, index, "true", 4);
    if (byte == 'f') return skip_literal(source, count, index, "false", 5);
    if (byte == 'n') return skip_literal(source, count, index, "null", 4);
    return 0;
}

// The containers a value reader has open, innermost last: one bit each (1 = object, 0 = array), up to 256.
typedef struct {
    uint64_t objects[4];
    size_t depth;
} container_stack;

static inline void push_container(container_stack *open, int object) {
    uint64_t bit = (uint64_t)1 << (open->depth & 63);
    uint64_t *word = &open->objects[open->depth >> 6];
    *word = object ? (*word | bit) : (*word & ~bit);
    open->depth++;
}

// Whether the innermost open container (there must be one) is an object.
static inline int innermost_is_object(const container_stack *open) {
    return (open->objects[(open->depth - 1) >> 6] >> ((open->depth - 1) & 63)) & 1;
}

#endif
