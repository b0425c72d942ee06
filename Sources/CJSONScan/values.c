// Values: skip one JSON value of common bytes, validated (see CJSONScan.h).
#include "CJSONScan.h"
#include "bytes.h"

static inline size_t skip_whitespace(const uint8_t *source, size_t count, size_t index) {
    while (index < count && (source[index] == ' ' || source[index] == '\n' || source[index] == '\r' || source[index] == '\t'))
        index++;
    return index;
}

// A string at `index` (on its opening quote) of common bytes only: the offset after its closing quote, or 0.
static inline size_t skip_common_string(const uint8_t *source, size_t count, size_t index) {
    int escaped = 0;
    index++;
    index += skip_common_run(source + index, count - index, &escaped);
    if (index >= count || source[index] != '"') return 0;
    return index + 1;
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
