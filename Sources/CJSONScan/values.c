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

// A member's key and its ':' at `index` (after whitespace): the offset after the ':', or 0.
static inline size_t skip_key_and_colon(const uint8_t *source, size_t count, size_t index) {
    index = skip_whitespace(source, count, index);
    if (index >= count || source[index] != '"' || !(index = skip_common_string(source, count, index))) return 0;
    index = skip_whitespace(source, count, index);
    if (index >= count || source[index] != ':') return 0;
    return index + 1;
}

int pmr_json_skip_value(const uint8_t *source, size_t count, size_t max_depth, size_t *end) {
    container_stack open = {{0, 0, 0, 0}, 0};
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
            if (open.depth >= max_depth) return 0;
            index = skip_whitespace(source, count, index + 1);
            if (index >= count) return 0;
            if (source[index] == (object ? '}' : ']')) {
                next = index + 1;  // empty: a complete value
            } else {
                push_container(&open, object);
                if (object && !(index = skip_key_and_colon(source, count, index))) return 0;  // the first key
                continue;
            }
        } else if (byte == '"') {
            next = skip_common_string(source, count, index);
        } else {
            next = skip_scalar(source, count, index, byte);
        }
        if (!next) return 0;
        index = next;
        // A value is complete: close containers until one goes on with ','.
        for (;;) {
            if (open.depth == 0) {
                *end = index;
                return 1;
            }
            int object = innermost_is_object(&open);
            index = skip_whitespace(source, count, index);
            if (index >= count) return 0;
            byte = source[index++];
            if (byte == ',') {
                if (object && !(index = skip_key_and_colon(source, count, index))) return 0;
                break;
            }
            if (byte != (object ? '}' : ']')) return 0;
            open.depth--;
        }
    }
}
