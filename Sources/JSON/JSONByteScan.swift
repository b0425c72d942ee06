import CJSONScan

/// The byte scans over JSON string content that both the reader and the writer need, sixteen bytes per step
/// (`CJSONScan`, SSE2). Pure functions of their arguments.
enum JSONByteScan {
    /// The offset of the first byte at or after `from` that ends plain string content when reading: `"`, `\`, below
    /// 0x20, at or above 0x80 (validated as UTF-8 separately); `bytes.count` when none does.
    @inline(__always)
    static func plainEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard let base = bytes.baseAddress, from < bytes.count else { return from }
        return from + pmr_json_plain_length(base + from, bytes.count - from)
    }

    /// Copies the plain content (see ``plainEnd(_:from:)``) at `source` (`count` bytes) to `target` (`room` bytes)
    /// and returns its length, at most `room`; bytes after it, up to `room`, may be overwritten.
    @inline(__always)
    static func copyPlain(to target: UnsafeMutablePointer<UInt8>, room: Int, from source: UnsafePointer<UInt8>, count: Int) -> Int {
        pmr_json_copy_plain(target, room, source, count)
    }

    /// The offset of the first byte at or after `from` that a JSON string literal must escape (`"`, `\`, below
    /// 0x20); `bytes.count` when none does.
    @inline(__always)
    static func unescapedEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard let base = bytes.baseAddress, from < bytes.count else { return from }
        return from + pmr_json_unescaped_length(base + from, bytes.count - from)
    }
}
