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

static inline size_t skip_whitespace(const uint8_t *source, size_t count, size_t index) {
    while (index < count && (source[index] == ' ' || source[index] == '\n' || source[index] == '\r' || source[index] == '\t'))
        index++;
    return index;
}

// A string at `index` (on its opening quote) of common bytes only: the offset after its closing quote, or 0.
static inline size_t skip_common_string(const uint8_t *source, size_t count, size_t index) {
    int escaped = 0;
    index++;
    index += pmr_json_skip_common(source + index, count - index, &escaped);
    if (index >= count || source[index] != '"') return 0;
    return index + 1;
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

int pmr_json_skip_value(const uint8_t *source, size_t count, size_t max_depth, size_t *end) {
    uint64_t objects[4] = {0, 0, 0, 0};  // one bit per open container: 1 = object, 0 = array
    size_t depth = 0;
    size_t index = 0;
    if (max_depth > 256) max_depth = 256;
    for (;;) {
        // A value is expected.
        index = skip_whitespace(source, count, index);
        if (index >= count) return 0;
        uint8_t byte = source[index];
        size_t next = 0;
        if (byte == '{' || byte == '[') {
            int object = byte == '{';
            if (depth >= max_depth) return 0;
            index = skip_whitespace(source, count, index + 1);
            if (index >= count) return 0;
            if (source[index] == (object ? '}' : ']')) {
                next = index + 1;  // empty: a complete value
            } else {
                uint64_t bit = (uint64_t)1 << (depth & 63);
                objects[depth >> 6] = object ? (objects[depth >> 6] | bit) : (objects[depth >> 6] & ~bit);
                depth++;
                if (object) {  // the first key and its ':'
                    if (source[index] != '"' || !(index = skip_common_string(source, count, index))) return 0;
                    index = skip_whitespace(source, count, index);
                    if (index >= count || source[index] != ':') return 0;
                    index++;
                }
                continue;
            }
        } else if (byte == '"') {
            next = skip_common_string(source, count, index);
        } else if (byte == '-' || is_digit(byte)) {
            next = skip_number(source, count, index);
        } else if (byte == 't') {
            next = skip_literal(source, count, index, "true", 4);
        } else if (byte == 'f') {
            next = skip_literal(source, count, index, "false", 5);
        } else if (byte == 'n') {
            next = skip_literal(source, count, index, "null", 4);
        }
        if (!next) return 0;
        index = next;
        // A value is complete: close containers until one goes on with ','.
        for (;;) {
            if (depth == 0) {
                *end = index;
                return 1;
            }
            int object = (objects[(depth - 1) >> 6] >> ((depth - 1) & 63)) & 1;
            index = skip_whitespace(source, count, index);
            if (index >= count) return 0;
            byte = source[index++];
            if (byte == ',') {
                if (object) {
                    index = skip_whitespace(source, count, index);
                    if (index >= count || source[index] != '"' || !(index = skip_common_string(source, count, index))) return 0;
                    index = skip_whitespace(source, count, index);
                    if (index >= count || source[index] != ':') return 0;
                    index++;
                }
                break;
            }
            if (byte != (object ? '}' : ']')) return 0;
            depth--;
        }
    }
}

// ---- Embedded JSON: a document carried, still escaped, in the content of a JSON string ------------------------------
//
// Each byte of the embedded document appears in the string content either as itself (plain ASCII) or as an escape:
// '"' as \", '\\' as \\\\, '/' as itself or \/, newline, return and tab as \n \r \t. Anything else (a \u escape,
// \b or \f, a byte at or above 0x80, a raw control byte) makes the reader give up (return -1).

// The embedded byte at `*index` (advancing past its one or two content bytes); -1 at the string's closing quote or
// when the content is not common; -2 at the end of the content.
static inline int embedded_byte(const uint8_t *source, size_t count, size_t *index) {
    if (*index >= count) return -2;
    uint8_t byte = source[*index];
    if (byte == '"' || byte < 0x20 || byte >= 0x80) return -1;
    if (byte != '\\') {
        (*index)++;
        return byte;
    }
    if (*index + 1 >= count) return -2;
    switch (source[*index + 1]) {
    case '"': *index += 2; return '"';
    case '\\': *index += 2; return '\\';
    case '/': *index += 2; return '/';
    case 'n': *index += 2; return '\n';
    case 'r': *index += 2; return '\r';
    case 't': *index += 2; return '\t';
    default: return -1;
    }
}

// The next embedded byte without consuming it (see embedded_byte).
static inline int peek_embedded(const uint8_t *source, size_t count, size_t index) {
    return embedded_byte(source, count, &index);
}

static inline size_t skip_embedded_whitespace(const uint8_t *source, size_t count, size_t index) {
    for (;;) {
        size_t next = index;
        int byte = embedded_byte(source, count, &next);
        if (byte != ' ' && byte != '\n' && byte != '\r' && byte != '\t') return index;
        index = next;
    }
}

// An embedded string at `index` (on its escaped opening quote): the offset after its escaped closing quote, or 0.
// Its own escapes must be the one-byte ones (an embedded \\ then one of " \\ / b f n r t).
static inline size_t skip_embedded_string(const uint8_t *source, size_t count, size_t index) {
    index += 2;  // \"
    for (;;) {
        index += plain_length(source + index, count - index);
        int byte = embedded_byte(source, count, &index);
        if (byte == '"') return index;
        if (byte == '\\') {
            int escape = embedded_byte(source, count, &index);
            if (escape < 0 || !common_escape((uint8_t)escape)) return 0;
            continue;
        }
        if (byte < 0x20) return 0;  // the end, a control byte, or content we do not handle
    }
}

static inline size_t skip_embedded_number(const uint8_t *source, size_t count, size_t index) {
    // Numbers are plain ASCII: read them as they are.
    return skip_number(source, count, index);
}

int pmr_json_embedded_object(const uint8_t *source, size_t count, size_t max_depth, pmr_json_member *members, int capacity,
                             size_t *end) {
    uint64_t objects[4] = {0, 0, 0, 0};  // one bit per open container: 1 = object, 0 = array
    size_t depth = 0;
    int found = 0;
    size_t value_start = 0;  // of the top-level member being read
    size_t index = skip_embedded_whitespace(source, count, 0);
    if (max_depth > 256) max_depth = 256;
    if (max_depth == 0 || peek_embedded(source, count, index) != '{') return -1;
    for (;;) {
        // A value is expected.
        index = skip_embedded_whitespace(source, count, index);
        if (depth == 1) value_start = index;
        int byte = peek_embedded(source, count, index);
        size_t next = 0;
        if (byte == '{' || byte == '[') {
            int object = byte == '{';
            if (depth >= max_depth) return -1;
            index = skip_embedded_whitespace(source, count, index + 1);
            if (peek_embedded(source, count, index) == (object ? '}' : ']')) {
                next = index + 1;  // empty: a complete value
            } else {
                uint64_t bit = (uint64_t)1 << (depth & 63);
                objects[depth >> 6] = object ? (objects[depth >> 6] | bit) : (objects[depth >> 6] & ~bit);
                depth++;
                if (object) {  // the first key and its ':'
                    if (peek_embedded(source, count, index) != '"') return -1;
                    size_t key = index;
                    if (!(index = skip_embedded_string(source, count, index))) return -1;
                    if (depth == 1) {
                        if (found == capacity) return -1;
                        members[found].key_start = key;
                        members[found].key_end = index;
                    }
                    index = skip_embedded_whitespace(source, count, index);
                    if (peek_embedded(source, count, index) != ':') return -1;
                    index++;
                }
                continue;
            }
        } else if (byte == '"') {
            next = skip_embedded_string(source, count, index);
        } else if (byte == '-' || (byte >= '0' && byte <= '9')) {
            next = skip_embedded_number(source, count, index);
        } else if (byte == 't') {
            next = skip_literal(source, count, index, "true", 4);
        } else if (byte == 'f') {
            next = skip_literal(source, count, index, "false", 5);
        } else if (byte == 'n') {
            next = skip_literal(source, count, index, "null", 4);
        }
        if (!next) return -1;
        index = next;
        if (depth == 1) {
            members[found].value_start = value_start;
            members[found].value_end = index;
            found++;
        }
        // A value is complete: close containers until one goes on with ','.
        for (;;) {
            if (depth == 0) {
                // The document is complete: only whitespace, then the string's closing quote.
                index = skip_embedded_whitespace(source, count, index);
                if (index >= count || source[index] != '"') return -1;
                *end = index + 1;
                return found;
            }
            int object = (objects[(depth - 1) >> 6] >> ((depth - 1) & 63)) & 1;
            index = skip_embedded_whitespace(source, count, index);
            byte = peek_embedded(source, count, index);
            if (byte == ',') {
                index++;
                if (object) {
                    index = skip_embedded_whitespace(source, count, index);
                    if (peek_embedded(source, count, index) != '"') return -1;
                    size_t key = index;
                    if (!(index = skip_embedded_string(source, count, index))) return -1;
                    if (depth == 1) {
                        if (found == capacity) return -1;
                        members[found].key_start = key;
                        members[found].key_end = index;
                    }
                    index = skip_embedded_whitespace(source, count, index);
                    if (peek_embedded(source, count, index) != ':') return -1;
                    index++;
                }
                break;
            }
            if (byte != (object ? '}' : ']')) return -1;
            index++;
            if (--depth == 1) {  // a top-level member's container value is complete
                members[found].value_start = value_start;
                members[found].value_end = index;
                found++;
            }
        }
    }
}
