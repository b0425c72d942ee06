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

// A member's key and its ':' at `index` (after whitespace): the offset after the ':', or 0. Records the key's range in
// `member` unless it is null.
static inline size_t read_embedded_key(const uint8_t *source, size_t count, size_t index, pmr_json_member *member) {
    index = skip_embedded_whitespace(source, count, index);
    if (peek_embedded(source, count, index) != '"') return 0;
    size_t key = index;
    if (!(index = skip_embedded_string(source, count, index))) return 0;
    if (member) {
        member->key_start = key;
        member->key_end = index;
    }
    index = skip_embedded_whitespace(source, count, index);
    if (peek_embedded(source, count, index) != ':') return 0;
    return index + 1;
}

int pmr_json_embedded_object(const uint8_t *source, size_t count, size_t max_depth, pmr_json_member *members, int capacity,
                             size_t *end) {
    container_stack open = {{0, 0, 0, 0}, 0};
    int found = 0;
    size_t value_start = 0;  // of the top-level member being read
    size_t index = skip_embedded_whitespace(source, count, 0);
    if (max_depth > 256) max_depth = 256;
    if (max_depth == 0 || peek_embedded(source, count, index) != '{') return -1;
    for (;;) {
        // A value is expected.
        index = skip_embedded_whitespace(source, count, index);
        if (open.depth == 1) value_start = index;
        int byte = peek_embedded(source, count, index);
        size_t next = 0;
        if (byte == '{' || byte == '[') {
            int object = byte == '{';
            if (open.depth >= max_depth || (object && open.depth == 0 && found == capacity)) return -1;
            index = skip_embedded_whitespace(source, count, index + 1);
            if (peek_embedded(source, count, index) == (object ? '}' : ']')) {
                next = index + 1;  // empty: a complete value
            } else {
                push_container(&open, object);
                if (object && !(index = read_embedded_key(source, count, index, open.depth == 1 ? &members[found] : 0))) {
                    return -1;  // the first key
                }
                continue;
            }
        } else if (byte == '"') {
            next = skip_embedded_string(source, count, index);
        } else if (byte >= 0) {
            next = skip_scalar(source, count, index, byte);  // numbers and literals are plain ASCII
        }
        if (!next) return -1;
        index = next;
        if (open.depth == 1) {
            members[found].value_start = value_start;
            members[found].value_end = index;
            found++;
        }
        // A value is complete: close containers until one goes on with ','.
        for (;;) {
            if (open.depth == 0) {
                // The document is complete: only whitespace, then the string's closing quote.
                index = skip_embedded_whitespace(source, count, index);
                if (index >= count || source[index] != '"') return -1;
                *end = index + 1;
                return found;
            }
            int object = innermost_is_object(&open);
            index = skip_embedded_whitespace(source, count, index);
            byte = peek_embedded(source, count, index);
            if (byte == ',') {
                if (object && open.depth == 1 && found == capacity) return -1;
                if (object && !(index = read_embedded_key(source, count, index + 1, open.depth == 1 ? &members[found] : 0))) {
                    return -1;
                }
                if (!object) index++;
                break;
            }
            if (byte != (object ? '}' : ']')) return -1;
            index++;
            if (--open.depth == 1) {  // a top-level member's container value is complete
                members[found].value_start = value_start;
                members[found].value_end = index;
                found++;
            }
        }
    }
}
