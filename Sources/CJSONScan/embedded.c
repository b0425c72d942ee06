// Embedded JSON: a document carried, still escaped, in the content of a JSON string (see CJSONScan.h).
#include "CJSONScan.h"
#include "bytes.h"

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
    // Compact JSON, the usual case: the next byte is a token's, plain and not a space.
    if (index < count && source[index] != ' ' && source[index] != '\\') return index;
    for (;;) {
        size_t next = index;
        int byte = embedded_byte(source, count, &next);
        if (byte != ' ' && byte != '\n' && byte != '\r' && byte != '\t') return index;
        index = next;
    }
}

// An embedded string at `index` (on its escaped opening quote): the offset after its escaped closing quote, or 0.
// Its own escapes must be the one-byte ones (an embedded \\ then one of " \\ / b f n r t).
static inline __attribute__((always_inline)) size_t skip_embedded_string(const uint8_t *source, size_t count, size_t index) {
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
            next = skip_number(source, count, index);  // numbers are plain ASCII
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
