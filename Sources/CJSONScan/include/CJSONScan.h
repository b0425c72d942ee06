// Byte scans over JSON string content for the Swift `JSON` target: sixteen bytes per step with SSE2 (baseline on
// x86_64), one at a time elsewhere. Pure functions: they read `count` bytes at `source` and
// write at most `room` bytes at `target`; nothing else.
#ifndef CJSONSCAN_H
#define CJSONSCAN_H

#include <stddef.h>
#include <stdint.h>

/// The length of the prefix of `source[0..<count]` that is plain string content when reading JSON: no '"', no '\\',
/// no byte below 0x20, no byte at or above 0x80 (those are validated as UTF-8 separately).
size_t pmr_json_plain_length(const uint8_t *source, size_t count);

/// Copies the plain prefix (as `pmr_json_plain_length`) of `source[0..<count]` to `target` and returns its length,
/// at most `room`. Bytes after the returned length, up to `room`, may be overwritten.
size_t pmr_json_copy_plain(uint8_t *target, size_t room, const uint8_t *source, size_t count);

/// The length of the prefix of `source[0..<count]` that a JSON string literal can hold unescaped: no '"', no '\\', no
/// byte below 0x20.
size_t pmr_json_unescaped_length(const uint8_t *source, size_t count);

#endif
