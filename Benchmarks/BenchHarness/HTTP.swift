#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The parts of a request head the hot path needs; the full header list is parsed later, off the clock.
struct HeadSummary {
    var method: String
    var target: String
    var version: String
    var contentLength: Int
    var wantsClose: Bool
    var chunked: Bool
    /// `X-Amz-Target`, when present.
    var amzTarget: String?
}

enum HTTPParse {
    static let contentLength = Array("content-length".utf8)
    static let connection = Array("connection".utf8)
    static let transferEncoding = Array("transfer-encoding".utf8)
    static let amzTarget = Array("x-amz-target".utf8)

    /// Offset just past the `\r\n\r\n` ending a head that starts at `start`, or `nil` when not complete yet.
    static func headEnd(_ buffer: [UInt8], from start: Int) -> Int? {
        let available = buffer.count - start
        guard available >= 4 else { return nil }
        return buffer.withUnsafeBufferPointer { bytes -> Int? in
            var index = start
            let last = bytes.count - 3
            while index < last {
                // Skip ahead on anything that is not CR (heads are short; this is a few hundred compares).
                if bytes[index + 3] != 0x0A {
                    index += bytes[index + 3] == 0x0D ? 1 : 4
                    continue
                }
                if bytes[index] == 0x0D && bytes[index + 1] == 0x0A && bytes[index + 2] == 0x0D {
                    return index + 4
                }
                index += 1
            }
            return nil
        }
    }

    /// Parses the head in `buffer[start..<end]` (`end` just past the blank line); `nil` when malformed.
    static func summary(_ buffer: [UInt8], start: Int, end: Int) -> HeadSummary? {
        buffer.withUnsafeBufferPointer { bytes -> HeadSummary? in
            var lineStart = start
            var result: HeadSummary?
            var contentLength: Int?
            var badLength = false
            while lineStart < end - 2 {
                var lineEnd = lineStart
                while lineEnd + 1 < end && !(bytes[lineEnd] == 0x0D && bytes[lineEnd + 1] == 0x0A) { lineEnd += 1 }
                if result == nil {
                    // Request line: METHOD SP TARGET SP VERSION
                    var first = lineStart
                    while first < lineEnd && bytes[first] != 0x20 { first += 1 }
                    var second = first + 1
                    while second < lineEnd && bytes[second] != 0x20 { second += 1 }
                    guard first < lineEnd, second < lineEnd, first > lineStart, second > first + 1 else { return nil }
                    result = HeadSummary(
                        method: string(bytes, lineStart, first), target: string(bytes, first + 1, second),
                        version: string(bytes, second + 1, lineEnd), contentLength: 0, wantsClose: false,
                        chunked: false, amzTarget: nil
                    )
                } else {
                    var colon = lineStart
                    while colon < lineEnd && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
                    guard colon < lineEnd, colon > lineStart else { return nil }
                    var valueStart = colon + 1
                    while valueStart < lineEnd && (bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09) { valueStart += 1 }
                    var valueEnd = lineEnd
                    while valueEnd > valueStart && (bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09) { valueEnd -= 1 }
                    if nameEquals(bytes, lineStart, colon, Self.contentLength) {
                        var value = 0
                        var digits = 0
                        for position in valueStart..<valueEnd {
                            let byte = bytes[position]
                            guard byte >= 0x30 && byte <= 0x39, digits < 12 else {
                                badLength = true
                                break
                            }
                            value = value * 10 + Int(byte - 0x30)
                            digits += 1
                        }
                        if digits == 0 || (contentLength != nil && contentLength != value) { badLength = true }
                        contentLength = value
                    } else if nameEquals(bytes, lineStart, colon, Self.connection) {
                        if asciiLower(string(bytes, valueStart, valueEnd)).contains("close") { result!.wantsClose = true }
                    } else if nameEquals(bytes, lineStart, colon, Self.transferEncoding) {
                        result!.chunked = true
                    } else if nameEquals(bytes, lineStart, colon, Self.amzTarget) {
                        result!.amzTarget = string(bytes, valueStart, valueEnd)
                    }
                }
                lineStart = lineEnd + 2
            }
            guard var summary = result, !badLength else { return nil }
            summary.contentLength = contentLength ?? 0
            if summary.version == "HTTP/1.0" { summary.wantsClose = true }
            return summary
        }
    }

    /// Every header field of a stored head, in wire order (request line skipped).
    static func headers(_ head: [UInt8]) -> [(name: String, value: String)] {
        let text = String(decoding: head, as: UTF8.self)
        var result: [(name: String, value: String)] = []
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true).dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...]).trimmedOWS()
            result.append((name, value))
        }
        return result
    }

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
    }

    private static func nameEquals(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ lower: [UInt8]) -> Bool {
        guard to - from == lower.count else { return false }
        for offset in 0..<lower.count {
            var byte = bytes[from + offset]
            if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
            if byte != lower[offset] { return false }
        }
        return true
    }
}

func asciiLower(_ text: String) -> String {
    String(decoding: text.utf8.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 + 0x20 : $0 }, as: UTF8.self)
}

extension String {
    /// Without leading and trailing spaces and tabs.
    func trimmedOWS() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }

    /// The value of the first header named `name` (ASCII case-insensitive) in `headers`.
    static func header(_ name: String, in headers: [(name: String, value: String)]) -> String? {
        let wanted = asciiLower(name)
        return headers.first { asciiLower($0.name) == wanted }?.value
    }
}

/// One complete HTTP/1.1 response with `Content-Length`.
func httpResponse(status: Int, reason: String, headers: [(String, String)], body: [UInt8]) -> [UInt8] {
    var text = "HTTP/1.1 \(status) \(reason)\r\n"
    for (name, value) in headers {
        text += "\(name): \(value)\r\n"
    }
    text += "Content-Length: \(body.count)\r\n\r\n"
    return Array(text.utf8) + body
}
