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
    private let bytes: UnsafeBufferPointer<UInt8>
    /// The offset of the next unread byte.
    public private(set) var offset = 0
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
        let key = UnsafeBufferPointer(rebasing: bytes[keyStart..<keyEnd])
        return escaped ? names.index(ofEscaped: key) : names.index(of: key)
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
    public mutating func skipValue() throws(JSONParseError) {
        skipWhitespace()
        guard offset < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            try enterObject()
            while try nextMember(JSONKeySet.none) != nil { try skipValue() }
        case UInt8(ascii: "["):
            try enterArray()
            while try nextElement() { try skipValue() }
        case UInt8(ascii: "\""): _ = try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw failure("unexpected character")
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
        } else {
            try skipValue()
        }
        do {
            return try JSONParser.parse(Array(UnsafeBufferPointer(rebasing: bytes[start..<offset])))
        } catch {
            throw JSONParseError(reason: error.reason, offset: start + error.offset)
        }
    }

    /// When the next value is a string: consumes it and replaces `buffer`'s content with its decoded UTF-8 bytes
    /// (escapes resolved), returning `true`. Otherwise consumes nothing and returns `false`.
    public mutating func decodeString(into buffer: inout [UInt8]) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { return false }
        let start = offset + 1
        let escaped = try skipString()
        let content = UnsafeBufferPointer(rebasing: bytes[start..<(offset - 1)])
        if escaped {
            buffer = JSONCursor.unescaped(content)
        } else {
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: content)
        }
        return true
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
            offset = Self.plainASCIIEnd(bytes, from: offset)
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
                try skipEscape()
                continue
            }
            if byte < 0x20 { throw failure("unescaped control character in a string") }
            nonASCII = true  // ≥ 0x80: validated as UTF-8 once the string ends
            offset += 1
        }
        throw failure("unterminated string")
    }

    /// The offset of the first byte at or after `from` that ends a run of plain string content: `"`, `\`, a control
    /// character or a non-ASCII byte (or `bytes.count`). Eight bytes at a time; the word tests may stop early (then
    /// the byte loop goes on) but never miss such a byte.
    @inline(__always)
    static func plainASCIIEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard let base = bytes.baseAddress else { return from }
        let end = bytes.count
        var index = from
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= end {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let special = ((quote &- ones) & ~quote)  // a byte equal to '"'
                | ((backslash &- ones) & ~backslash)  // a byte equal to '\'
                | ((word &- ones &* 0x20) & ~word)  // a byte below 0x20
                | word  // a byte at or above 0x80
            if special & highs != 0 { break }
            index += 8
        }
        while index < end {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            index += 1
        }
        return index
    }

    /// Validates one escape (cursor after the backslash), as ``JSONParser`` does.
    private mutating func skipEscape() throws(JSONParseError) {
        guard offset < bytes.count else { throw failure("unterminated escape") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return
        case UInt8(ascii: "u"):
            let first = try hex4()
            if (0xD800...0xDBFF).contains(first) {
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u")
                else { throw failure("lone high surrogate in \\u escape") }
                offset += 2
                guard (0xDC00...0xDFFF).contains(try hex4()) else { throw failure("invalid low surrogate in \\u escape") }
            } else if (0xDC00...0xDFFF).contains(first) {
                throw failure("lone low surrogate in \\u escape")
            }
        default:
            throw failure("invalid escape character")
        }
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

    private mutating func skipWhitespace() {
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

    /// The decoded form of already validated string content (escapes resolved, `\u` as UTF-8): runs without a
    /// backslash are copied whole; the result is never longer than the content.
    static func unescaped(_ content: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard let source = content.baseAddress, !content.isEmpty else { return [] }
        return [UInt8](unsafeUninitializedCapacity: content.count) { output, written in
            written = output.baseAddress.map { unescape(source, count: content.count, into: $0) } ?? 0
        }
    }

    /// Writes the decoded bytes of `count` validated content bytes at `source` to `target` (room for `count` bytes:
    /// the output is never longer); returns how many were written.
    private static func unescape(_ source: UnsafePointer<UInt8>, count: Int, into target: UnsafeMutablePointer<UInt8>) -> Int {
        var index = 0
        var length = 0
        while index < count {
            let byte = source[index]
            if byte != UInt8(ascii: "\\") {
                target[length] = byte
                length += 1
                index += 1
                continue
            }
            guard index + 1 < count else { break }
            let escape = source[index + 1]
            index += 2
            var decoded: UInt8
            switch escape {
            case UInt8(ascii: "b"): decoded = 0x08
            case UInt8(ascii: "f"): decoded = 0x0C
            case UInt8(ascii: "n"): decoded = 0x0A
            case UInt8(ascii: "r"): decoded = 0x0D
            case UInt8(ascii: "t"): decoded = 0x09
            case UInt8(ascii: "u"):
                var scalarValue = hex4(source, at: index, count: count)
                index += 4
                if (0xD800...0xDBFF).contains(scalarValue) {
                    scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (hex4(source, at: index + 2, count: count) &- 0xDC00)
                    index += 6
                }
                if let encoded = UTF8.encode(Unicode.Scalar(scalarValue) ?? "\u{FFFD}") {
                    for unit in encoded where length < count {
                        target[length] = unit
                        length += 1
                    }
                }
                continue
            default: decoded = escape  // " \\ /
            }
            target[length] = decoded
            length += 1
        }
        return length
    }

    private static func hex4(_ source: UnsafePointer<UInt8>, at position: Int, count: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in position..<min(position + 4, count) { value = value << 4 | UInt32(hexDigit(source[offset]) ?? 0) }
        return value
    }
}

/// The member names a ``JSONCursor`` reader is looking for, as UTF-8 bytes; lookup compares bytes, no allocation.
public struct JSONKeySet: Sendable {
    private let names: [[UInt8]]

    public init(_ names: [String]) {
        self.names = names.map { Array($0.utf8) }
    }

    /// No names: every key is "other".
    public static let none = JSONKeySet([])

    /// The index of `key` (raw bytes without escapes), or `-1`.
    func index(of key: UnsafeBufferPointer<UInt8>) -> Int {
        for (index, name) in names.enumerated() where name.count == key.count {
            if name.withUnsafeBufferPointer({ $0.elementsEqual(key) }) { return index }
        }
        return -1
    }

    /// The index of a key written with escapes (`"Pid\u004dode"`), decoded first.
    func index(ofEscaped key: UnsafeBufferPointer<UInt8>) -> Int {
        JSONCursor.unescaped(key).withUnsafeBufferPointer { index(of: $0) }
    }
}
