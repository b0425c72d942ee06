import CJSONScan

/// The hot byte loops over JSON string content that the reader and the writer share (`CJSONScan`: sixteen bytes per
/// step with SSE2). They handle the common bytes (plain ASCII and the escapes that stand for one ASCII byte) and stop
/// at anything else for the caller to validate. Pure functions of their arguments.
enum JSONByteScan {
    /// The offset of the first byte at or after `from` that is not common string content (see the type's
    /// description), and whether an escape was passed over.
    @inline(__always)
    static func commonEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> (end: Int, escaped: Bool) {
        guard let base = bytes.baseAddress, from < bytes.count else { return (from, false) }
        var escaped: Int32 = 0
        let length = pmr_json_skip_common(base + from, bytes.count - from, &escaped)
        return (from + length, escaped != 0)
    }

    /// Decodes the common string content at `source` (`count` bytes) into `target` (`room` bytes) until a byte that
    /// is not common or the room is full: how many bytes were read and written. Bytes after the written ones, up to
    /// `room`, may be overwritten.
    @inline(__always)
    static func decodeCommon(
        to target: UnsafeMutablePointer<UInt8>, room: Int, from source: UnsafePointer<UInt8>, count: Int
    ) -> (read: Int, written: Int) {
        var consumed = 0
        let written = pmr_json_decode_common(target, room, source, count, &consumed)
        return (consumed, written)
    }

    /// The offset after the JSON value at `from` (leading whitespace included) when it is made only of common bytes
    /// and nested at most `maxDepth` deep, validated; `nil` (nothing decided) for any other value, valid or not.
    @inline(__always)
    static func commonValueEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, maxDepth: Int) -> Int? {
        guard let base = bytes.baseAddress, from < bytes.count, maxDepth >= 0 else { return nil }
        var end = 0
        guard pmr_json_skip_value(base + from, bytes.count - from, maxDepth, &end) == 1 else { return nil }
        return from + end
    }

    /// The offset of the first byte at or after `from` that a JSON string literal must escape (`"`, `\`, below
    /// 0x20); `bytes.count` when none does.
    @inline(__always)
    static func unescapedEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard let base = bytes.baseAddress, from < bytes.count else { return from }
        return from + pmr_json_unescaped_length(base + from, bytes.count - from)
    }
}
