// The hot byte loops over JSON string content for the Swift `JSON` target: sixteen bytes per step with SSE2 (baseline
// on x86_64), one at a time elsewhere. Each function handles only the common bytes (plain ASCII and the escapes that
// stand for one ASCII byte: \" \\ \/ \b \f \n \r \t) and stops at anything else, which the Swift caller validates:
// the closing quote, a \u escape or an invalid one, a control byte, a byte at or above 0x80, the end of the input.
// Pure functions: they read `count` bytes at `source` and write at most `room` bytes at `target`; nothing else.
#ifndef CJSONSCAN_H
#define CJSONSCAN_H

#include <stddef.h>
#include <stdint.h>

/// Skips the common bytes at the start of `source[0..<count]`; returns how many. Sets `*escaped` to 1 when an escape
/// was among them (it is left alone otherwise).
size_t pmr_json_skip_common(const uint8_t *source, size_t count, int *escaped);

/// Decodes the common bytes at the start of `source[0..<count]` into `target` (escapes resolved) until one is not
/// common or `room` bytes are written; returns how many bytes were written and sets `*consumed` to how many were read.
/// Bytes after the written ones, up to `room`, may be overwritten.
size_t pmr_json_decode_common(uint8_t *target, size_t room, const uint8_t *source, size_t count, size_t *consumed);

/// Skips the one JSON value at the start of `source[0..<count]` (after optional whitespace), validating it, when it is
/// made only of common bytes: strings of plain ASCII and one-byte escapes, numbers, literals, objects and arrays
/// nested at most `max_depth` deep. Returns 1 and sets `*end` to the offset after the value; returns 0, having
/// decided nothing, for anything else (a \u escape, a byte at or above 0x80, deeper nesting, any error or
/// truncation): the caller then reads the value its own way. Never accepts a value RFC 8259 rejects.
int pmr_json_skip_value(const uint8_t *source, size_t count, size_t max_depth, size_t *end);

/// One top-level member of an embedded object (see `pmr_json_embedded_object`): offsets into the string content, the
/// key from its escaped opening quote to after its escaped closing quote, the value from its first to after its last
/// byte, both still escaped.
typedef struct {
    size_t key_start, key_end, value_start, value_end;
} pmr_json_member;

/// Reads string content `source[0..<count]` (after a JSON string's opening quote) whose decoded text is one JSON
/// object (Config's `configuration` string in an API reply) without decoding it: validates that object, nested at most
/// `max_depth` deep, and the closing quote after it, and records its top-level members. Handles the common case only:
/// every byte ASCII, no `\u` escape at either level, no more than `capacity` members. Returns the member count and
/// sets `*end` to the offset after the closing quote; returns -1, having decided nothing, for anything else (the
/// caller then decodes the string and reads it its own way). Never accepts text a decode-then-parse would reject.
int pmr_json_embedded_object(const uint8_t *source, size_t count, size_t max_depth, pmr_json_member *members, int capacity,
                             size_t *end);

/// The length of the prefix of `source[0..<count]` that a JSON string literal can hold unescaped: no '"', no '\\',
/// no byte below 0x20.
size_t pmr_json_unescaped_length(const uint8_t *source, size_t count);

#endif
