#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A forward-only reader over the UTF-8 bytes of one JSON document that builds only the values its caller asks for.
///
/// The caller walks objects and arrays member by member (``enterObject()`` + ``nextMember(_:)``, ``enterArray()`` +
/// ``nextElement()``) and, for each value, either skips it (``skipValue()``), materialises it (``value()``), descends
/// into it, or copies a string's decoded content into a reusable buffer (``decodeString(into:)``). Skipping builds
/// nothing and allocates nothing, so reading five members of a 5 KB task definition costs one pass over its bytes.
///
/// Operational contract: the cursor accepts exactly the documents ``JSONParser`` accepts (RFC 8259, valid UTF-8, no
/// lone surrogates, nesting ≤ ``JSONParser/maximumDepth``), including in the parts it skips, and never traps on any
/// input: every problem is a ``JSONParseError`` with its byte offset. Each value must be consumed (skipped, read or
/// entered and left) before the next member or element is asked for. The bytes must outlive the cursor.
public struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The offset of the next unread byte.
    public internal(set) var offset = 0
    private var depth = 0
    /// Inside a container: a value was read, so the next token is `,` or the closing bracket.
    private var afterValue = false

    /// What the next value is, from its first byte.
    public enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null
    }

    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: Containers

    /// Consumes the `{` of the next value. - Throws: when the next value is not an object.
    public mutating func enterObject() throws(JSONParseError) {
        try enter(UInt8(ascii: "{"), "an object")
    }

    /// Consumes the `[` of the next value. - Throws: when the next value is not an array.
    public mutating func enterArray() throws(JSONParseError) {
        try enter(UInt8(ascii: "["), "an array")
    }

    /// Reads the next member's key and `:` in the object entered last, leaving the cursor on its value.
    /// - Parameter names: the keys the caller is interested in.
    /// - Returns: the index in `names` of the key, `-1` for any other key, `nil` after the closing `}` (consumed).
    public mutating func nextMember(_ names: JSONKeySet) throws(JSONParseError) -> Int? {
        guard let key = try nextKey() else { return nil }
        let text = UnsafeBufferPointer(rebasing: bytes[key.bytes])
        return key.escaped ? try names.index(ofEscaped: text) : names.index(of: text)
    }

    /// Reads the next member's key and `:` (see ``nextMember(_:)``): the key's content bytes and whether they hold an
    /// escape, `nil` after the closing `}` (consumed).
    private mutating func nextKey() throws(JSONParseError) -> (bytes: Range<Int>, escaped: Bool)? {
        skipWhitespace()
        guard offset < bytes.count else { throw failure("unexpected end of input") }
        if bytes[offset] == UInt8(ascii: "}") {
            offset += 1
            leave()
            return nil
        }
        if afterValue {
            guard bytes[offset] == UInt8(ascii: ",") else { throw failure("expected ',' or '}' in an object") }
            offset += 1
            skipWhitespace()
        }
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
        let keyStart = offset + 1
        let escaped = try skipString()
        let keyEnd = offset - 1
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw failure("expected ':' after an object key") }
        offset += 1
        skipWhitespace()
        afterValue = true
        return (keyStart..<keyEnd, escaped)
    }

    /// Moves to the next element of the array entered last.
    /// - Returns: `false` after the closing `]` (consumed).
    public mutating func nextElement() throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard offset < bytes.count else { throw failure("unexpected end of input") }
        if bytes[offset] == UInt8(ascii: "]") {
            offset += 1
            leave()
            return false
        }
        if afterValue {
            guard bytes[offset] == UInt8(ascii: ",") else { throw failure("expected ',' or ']' in an array") }
            offset += 1
            skipWhitespace()
        }
        afterValue = true
        return true
    }

    /// After the top-level value: only whitespace may follow.
    public mutating func finish() throws(JSONParseError) {
        skipWhitespace()
        guard offset == bytes.count else { throw failure("unexpected data after the JSON value") }
    }

    // MARK: Values

    /// The kind of the next value (after whitespace), without consuming it.
    public mutating func peekKind() throws(JSONParseError) -> Kind {
        skipWhitespace()
        guard offset < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw failure("unexpected character")
        }
    }

    /// Consumes the next value, validating it, without building anything.
    ///
    /// A value of common bytes only (ASCII strings with one-byte escapes, numbers, literals, containers) is skipped
    /// by one C loop (``JSONByteScan/commonValueEnd(_:from:maxDepth:)``); any other value, and every invalid one, by
    /// ``skipValueChecked()``, which names the error.
    public mutating func skipValue() throws(JSONParseError) {
        if let end = JSONByteScan.commonValueEnd(bytes, from: offset, maxDepth: JSONParser.maximumDepth - depth) {
            offset = end
            afterValue = true
            return
        }
        try skipValueChecked()
    }

    /// ``skipValue()`` for any value: one loop over the value's tokens, whatever its nesting (the open containers are
    /// bits of a 256-bit stack), validating each and naming the first error.
    private mutating func skipValueChecked() throws(JSONParseError) {
        var open = ContainerStack()
        while true {
            // A value is expected.
            skipWhitespace()
            guard offset < bytes.count else { throw failure("unexpected end of input") }
            switch bytes[offset] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = bytes[offset] == UInt8(ascii: "{")
                guard depth + open.count < JSONParser.maximumDepth else {
                    throw failure("nesting deeper than \(JSONParser.maximumDepth) levels")
                }
                offset += 1
                skipWhitespace()
                if offset < bytes.count, bytes[offset] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    offset += 1  // empty: a complete value
                } else {
                    open.push(isObject)
                    if isObject { try skipKeyAndColon() }
                    continue
                }
            case UInt8(ascii: "\""): _ = try skipString()
            case UInt8(ascii: "t"): try expectLiteral("true")
            case UInt8(ascii: "f"): try expectLiteral("false")
            case UInt8(ascii: "n"): try expectLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
            default: throw failure("unexpected character")
            }
            // A value is complete: close containers until one goes on with `,`.
            while true {
                guard let isObject = open.top else {
                    afterValue = true
                    return
                }
                skipWhitespace()
                guard offset < bytes.count else { throw failure("unexpected end of input") }
                let byte = bytes[offset]
                offset += 1
                if byte == UInt8(ascii: ",") {
                    if isObject { try skipKeyAndColon() }
                    break
                }
                guard byte == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    offset -= 1
                    throw failure(isObject ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
                }
                open.pop()
            }
        }
    }

    /// Inside an object being skipped: consumes a member's key and its `:`.
    private mutating func skipKeyAndColon() throws(JSONParseError) {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
            throw failure(offset < bytes.count ? "expected a string key" : "unexpected end of input")
        }
        _ = try skipString()
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw failure("expected ':' after an object key") }
        offset += 1
    }

    /// The containers ``skipValueChecked()`` has open, innermost last: one bit each (object or array), up to
    /// ``JSONParser/maximumDepth`` of them, with no allocation.
    private struct ContainerStack {
        private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        private(set) var count = 0

        /// Whether the innermost open container is an object; `nil` when none is open.
        var top: Bool? {
            guard count > 0 else { return nil }
            return bit(count - 1)
        }

        mutating func push(_ isObject: Bool) {
            let index = count
            let mask: UInt64 = 1 << UInt64(index & 63)
            switch index >> 6 {
            case 0: bits.0 = isObject ? bits.0 | mask : bits.0 & ~mask
            case 1: bits.1 = isObject ? bits.1 | mask : bits.1 & ~mask
            case 2: bits.2 = isObject ? bits.2 | mask : bits.2 & ~mask
            default: bits.3 = isObject ? bits.3 | mask : bits.3 & ~mask
            }
            count += 1
        }

        mutating func pop() {
            count -= 1
        }

        private func bit(_ index: Int) -> Bool {
            let word: UInt64
            switch index >> 6 {
            case 0: word = bits.0
            case 1: word = bits.1
            case 2: word = bits.2
            default: word = bits.3
            }
            return word & (1 << UInt64(index & 63)) != 0
        }
    }

    /// Consumes the next value and returns it built (meant for small values: a key, a status, a token).
    public mutating func value() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let start = offset
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") {
            // Fast path: a string without escapes (validated, UTF-8 checked) is its bytes.
            if try !skipString() {
                return .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(offset - 1)]), as: UTF8.self))
            }
        } else if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") || Self.isDigit(bytes[offset]) {
            // A number is its validated literal text, as ``JSONParser`` keeps it.
            try skipNumber()
            return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self))
        } else {
            try skipValue()
        }
        do {
            return try JSONParser.parse(Array(UnsafeBufferPointer(rebasing: bytes[start..<offset])))
        } catch {
            throw JSONParseError(reason: error.reason, offset: start + error.offset)
        }
    }

    /// Consumes the next value and returns it when it is a string (`nil` for any other value). When its bytes are
    /// `known`'s, `known` itself is returned: a value read again and again shares one string instead of a copy each.
    public mutating func string(reusing known: String? = nil) throws(JSONParseError) -> String? {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
            try skipValue()
            return nil
        }
        let start = offset
        if try !skipString() {
            let content = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(offset - 1)])
            if var known, known.utf8.count == content.count,
                known.withUTF8({ knownBytes in
                    guard let knownStart = knownBytes.baseAddress, let contentStart = content.baseAddress else { return true }  // both empty
                    return memcmp(knownStart, contentStart, content.count) == 0
                })
            {
                return known
            }
            return String(decoding: content, as: UTF8.self)
        }
        var buffer: [UInt8] = []
        offset = start
        _ = try decodeString(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// When the next value is a string: consumes it and replaces `buffer`'s content with its decoded UTF-8 bytes
    /// (escapes resolved), returning `true`. Otherwise consumes nothing and returns `false`.
    ///
    /// One pass validates and decodes (runs without an escape are copied whole, eight bytes are tested at a time),
    /// with the same checks as ``skipValue()``. `buffer` keeps its capacity between calls, so a reused buffer
    /// allocates only when a string is longer than any before.
    public mutating func decodeString(into buffer: inout [UInt8]) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { return false }
        let contentStart = offset + 1
        offset = contentStart
        var length = 0
        var nonASCII = false
        var room = max(buffer.capacity, Self.minimumDecodeRoom)
        while true {
            if buffer.count < room { buffer.append(contentsOf: repeatElement(0, count: room - buffer.count)) }
            var needed = 0
            let done = try buffer.withUnsafeMutableBufferPointer { output throws(JSONParseError) in
                try decodeContent(into: output, length: &length, nonASCII: &nonASCII, needed: &needed)
            }
            if done { break }
            room = max(room * 2, needed)
        }
        buffer.removeLast(buffer.count - length)
        if nonASCII, !Self.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[contentStart..<(offset - 1)])) {
            throw JSONParseError(reason: "invalid UTF-8 in a string", offset: contentStart)
        }
        return true
    }

    /// The room a decoded string starts with (grown by doubling).
    private static let minimumDecodeRoom = 4_096

    /// Decodes string content from `offset` into `output` after its first `length` bytes, validating escapes and
    /// control characters, until the closing quote (consumed: returns `true`) or until `output` lacks room for more
    /// (returns `false` with `needed` set; the cursor stays after what was decoded).
    ///
    /// Plain content and the one-byte escapes move sixteen bytes at a time (``JSONByteScan/decodeCommon(to:room:from:count:)``).
    private mutating func decodeContent(
        into output: UnsafeMutableBufferPointer<UInt8>,
        length: inout Int,
        nonASCII: inout Bool,
        needed: inout Int
    ) throws(JSONParseError) -> Bool {
        guard let target = output.baseAddress, let source = bytes.baseAddress else {
            needed = Self.minimumDecodeRoom
            return false
        }
        let end = bytes.count
        let room = output.count
        var read = offset
        var written = length
        defer {
            offset = read
            length = written
        }
        while true {
            let common = JSONByteScan.decodeCommon(to: target + written, room: room - written, from: source + read, count: end - read)
            read += common.read
            written += common.written
            guard written + 4 <= room else {
                needed = written + 4
                return false
            }
            guard read < end else {
                offset = read
                throw failure("unterminated string")
            }
            let byte = source[read]
            switch byte {
            case UInt8(ascii: "\""):
                read += 1
                return true
            case UInt8(ascii: "\\"):  // `\u`, or an escape to reject
                offset = read + 1
                let scalar = try escapedScalar()
                read = offset
                written += Self.writeUTF8(scalar, to: target + written)
            case 0..<0x20:
                offset = read
                throw failure("unescaped control character in a string")
            default:
                nonASCII = true  // ≥ 0x80: validated as UTF-8 once the string ends
                target[written] = byte
                read += 1
                written += 1
            }
        }
    }

    /// Validates one escape (cursor after the backslash), as ``JSONParser`` does, and returns the Unicode scalar value
    /// it stands for (a surrogate pair as one scalar above 0xFFFF).
    private mutating func escapedScalar() throws(JSONParseError) -> UInt32 {
        guard offset < bytes.count else { throw failure("unterminated escape") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return UInt32(byte)
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"):
            let scalar = UInt32(try hex4())
            if (0xD800...0xDBFF).contains(scalar) {
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u")
                else { throw failure("lone high surrogate in \\u escape") }
                offset += 2
                let low = UInt32(try hex4())
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("invalid low surrogate in \\u escape") }
                return 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard !(0xDC00...0xDFFF).contains(scalar) else { throw failure("lone low surrogate in \\u escape") }
            return scalar
        default:
            throw failure("invalid escape character")
        }
    }

    /// Writes a Unicode scalar value (not a surrogate, ≤ 0x10FFFF) as UTF-8; returns the byte count (1–4).
    private static func writeUTF8(_ scalar: UInt32, to target: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case 0..<0x80:
            target[0] = UInt8(scalar)
            return 1
        case 0x80..<0x800:
            target[0] = UInt8(0xC0 | scalar >> 6)
            target[1] = UInt8(0x80 | scalar & 0x3F)
            return 2
        case 0x800..<0x10000:
            target[0] = UInt8(0xE0 | scalar >> 12)
            target[1] = UInt8(0x80 | scalar >> 6 & 0x3F)
            target[2] = UInt8(0x80 | scalar & 0x3F)
            return 3
        default:
            target[0] = UInt8(0xF0 | scalar >> 18)
            target[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            target[2] = UInt8(0x80 | scalar >> 6 & 0x3F)
            target[3] = UInt8(0x80 | scalar & 0x3F)
            return 4
        }
    }

    // MARK: Scanning

    private mutating func enter(_ bracket: UInt8, _ name: String) throws(JSONParseError) {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == bracket else {
            throw failure(offset < bytes.count ? "expected \(name)" : "unexpected end of input")
        }
        depth += 1
        guard depth <= JSONParser.maximumDepth else { throw failure("nesting deeper than \(JSONParser.maximumDepth) levels") }
        offset += 1
        afterValue = false
    }

    private mutating func leave() {
        depth -= 1
        afterValue = true  // the container was a value of its parent
    }

    /// Consumes a string (cursor on its opening quote), validating escapes, control characters and UTF-8.
    /// - Returns: whether it contains an escape.
    private mutating func skipString() throws(JSONParseError) -> Bool {
        let start = offset
        offset += 1
        var escaped = false
        var nonASCII = false
        while true {
            let common = JSONByteScan.commonEnd(bytes, from: offset)
            offset = common.end
            escaped = escaped || common.escaped
            guard offset < bytes.count else { break }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                if nonASCII, !Self.isValidUTF8(UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(offset - 1)])) {
                    throw JSONParseError(reason: "invalid UTF-8 in a string", offset: start + 1)
                }
                return escaped
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                offset += 1
                _ = try escapedScalar()  // `\u`, or an escape to reject
                continue
            }
            if byte < 0x20 { throw failure("unescaped control character in a string") }
            nonASCII = true  // ≥ 0x80: validated as UTF-8 once the string ends
            offset += 1
        }
        throw failure("unterminated string")
    }

    private mutating func hex4() throws(JSONParseError) -> UInt16 {
        guard offset + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let digit = Self.hexDigit(bytes[offset]) else { throw failure("invalid hex digit in \\u escape") }
            value = value << 4 | UInt16(digit)
            offset += 1
        }
        return value
    }

    private mutating func skipNumber() throws(JSONParseError) {
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        guard offset < bytes.count else { throw failure("truncated number") }
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
        } else if Self.isDigit(bytes[offset]) {
            skipDigits()
        } else {
            throw failure("invalid number")
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard offset < bytes.count, Self.isDigit(bytes[offset]) else { throw failure("digit expected after '.'") }
            skipDigits()
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard offset < bytes.count, Self.isDigit(bytes[offset]) else { throw failure("digit expected in exponent") }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while offset < bytes.count, Self.isDigit(bytes[offset]) { offset += 1 }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { throw failure("unexpected end of input") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for index in 0..<count where bytes[offset + index] != expected[index] {
            throw failure("invalid literal")
        }
        offset += count
    }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    private func failure(_ reason: String) -> JSONParseError {
        JSONParseError(reason: reason, offset: offset)
    }

    // MARK: Byte helpers

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Whether `bytes` is well-formed UTF-8 (the standard library's rules, as `String(validating:)`), without
    /// allocating.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// The decoded form of string content (escapes resolved, `\u` as UTF-8), read by ``decodeString(into:)`` as if
    /// it stood between quotes: the one decoder of the reader, for the rare escaped key or embedded value.
    /// - Throws: ``JSONParseError`` when the content is not valid string content.
    static func unescaped(_ content: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> [UInt8] {
        var quoted: [UInt8] = []
        quoted.reserveCapacity(content.count + 2)
        quoted.append(UInt8(ascii: "\""))
        quoted.append(contentsOf: content)
        quoted.append(UInt8(ascii: "\""))
        var decoded: [UInt8] = []
        try quoted.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var cursor = JSONCursor(buffer)
            _ = try cursor.decodeString(into: &decoded)
        }
        return decoded
    }
}

/// The member names a ``JSONCursor`` reader is looking for, as UTF-8 bytes; lookup compares bytes, no allocation.
public struct JSONKeySet: Sendable {
    /// Every name's bytes, one after another.
    private let storage: [UInt8]
    /// Where each name lies in `storage`, in the order given.
    private let ranges: [Range<Int>]

    public init(_ names: [String]) {
        var storage: [UInt8] = []
        var ranges: [Range<Int>] = []
        for name in names {
            let start = storage.count
            storage.append(contentsOf: name.utf8)
            ranges.append(start..<storage.count)
        }
        self.storage = storage
        self.ranges = ranges
    }

    /// No names: every key is "other".
    public static let none = JSONKeySet([])

    /// The index of `key` (raw bytes without escapes), or `-1`: names of another length are passed over with one
    /// comparison, the others compared with `memcmp`.
    func index(of key: UnsafeBufferPointer<UInt8>) -> Int {
        guard let keyBytes = key.baseAddress else { return ranges.firstIndex { $0.isEmpty } ?? -1 }
        return storage.withUnsafeBufferPointer { names in
            ranges.withUnsafeBufferPointer { ranges in
                for index in ranges.indices where ranges[index].count == key.count {
                    if let name = names.baseAddress, memcmp(name + ranges[index].lowerBound, keyBytes, key.count) == 0 { return index }
                }
                return -1
            }
        }
    }

    /// The index of a key written with escapes (`"Pid\u004dode"`), decoded first.
    func index(ofEscaped key: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> Int {
        try JSONCursor.unescaped(key).withUnsafeBufferPointer { index(of: $0) }
    }
}
