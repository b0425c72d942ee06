/// An RFC 8259 JSON parser that keeps the line and column of every value and key (``SourceNode``).
///
/// Separate from the `JSON` target's parser, which the Lambda uses and which stays lean. Never traps: malformed
/// text, invalid UTF-8 and nesting deeper than ``maximumDepth`` throw ``SyntaxError`` with the position.
/// A UTF-8 byte-order mark at the start is skipped.
struct LocatedJSONParser {
    static let maximumDepth = 256

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private var tracker: PositionTracker

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.tracker = PositionTracker(bytes)
    }

    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> SourceNode {
        let result: Result<SourceNode, SyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            var parser = LocatedJSONParser(bytes: buffer)
            return Result { () throws(SyntaxError) -> SourceNode in try parser.parseDocument() }
        }
        return try result.get()
    }

    private mutating func parseDocument() throws(SyntaxError) -> SourceNode {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw failure("unexpected data after the JSON value") }
        return value
    }

    private mutating func here() -> SourcePosition { tracker.position(at: index) }

    private mutating func parseValue() throws(SyntaxError) -> SourceNode {
        guard index < bytes.count else { throw failure("unexpected end of input") }
        let position = here()
        switch bytes[index] {
        case UInt8(ascii: "{"): return SourceNode(try parseObject(), at: position)
        case UInt8(ascii: "["): return SourceNode(try parseArray(), at: position)
        case UInt8(ascii: "\""): return SourceNode(.string(try parseString()), at: position)
        case UInt8(ascii: "t"): try expectLiteral("true"); return SourceNode(.bool(true), at: position)
        case UInt8(ascii: "f"): try expectLiteral("false"); return SourceNode(.bool(false), at: position)
        case UInt8(ascii: "n"): try expectLiteral("null"); return SourceNode(.null, at: position)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return SourceNode(.number(try parseNumber()), at: position)
        default: throw failure("unexpected character")
        }
    }

    private mutating func parseObject() throws(SyntaxError) -> SourceNode.Content {
        try enterContainer()
        index += 1  // {
        var members: [SourceMember] = []
        skipWhitespace()
        if consumeIf(UInt8(ascii: "}")) {
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let keyPosition = here()
            let key = try parseString()
            skipWhitespace()
            guard consumeIf(UInt8(ascii: ":")) else { throw failure("expected ':' after an object key") }
            skipWhitespace()
            members.append(SourceMember(key: key, keyPosition: keyPosition, value: try parseValue()))
            skipWhitespace()
            if consumeIf(UInt8(ascii: ",")) { continue }
            guard consumeIf(UInt8(ascii: "}")) else { throw failure("expected ',' or '}' in an object") }
            depth -= 1
            return .object(members)
        }
    }

    private mutating func parseArray() throws(SyntaxError) -> SourceNode.Content {
        try enterContainer()
        index += 1  // [
        var elements: [SourceNode] = []
        skipWhitespace()
        if consumeIf(UInt8(ascii: "]")) {
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            if consumeIf(UInt8(ascii: ",")) { continue }
            guard consumeIf(UInt8(ascii: "]")) else { throw failure("expected ',' or ']' in an array") }
            depth -= 1
            return .array(elements)
        }
    }

    private mutating func enterContainer() throws(SyntaxError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        index += 1  // opening quote
        var utf8: [UInt8] = []
        var start = index
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                index += 1
                guard let text = String(validating: utf8, as: UTF8.self) else { throw failure("invalid UTF-8 in a string") }
                return text
            case UInt8(ascii: "\\"):
                utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                index += 1
                try appendEscape(into: &utf8)
                start = index
            case 0..<0x20:
                throw failure("unescaped control character in a string")
            default:
                index += 1
            }
        }
        throw failure("unterminated string")
    }

    private mutating func appendEscape(into output: inout [UInt8]) throws(SyntaxError) {
        guard index < bytes.count else { throw failure("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            let first = try parseHex4()
            var scalarValue = UInt32(first)
            if (0xD800...0xDBFF).contains(first) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw failure("lone high surrogate in \\u escape") }
                index += 2
                let second = try parseHex4()
                guard (0xDC00...0xDFFF).contains(second) else { throw failure("invalid low surrogate in \\u escape") }
                scalarValue = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(first) {
                throw failure("lone low surrogate in \\u escape")
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { throw failure("invalid \\u escape") }
            UTF8.encode(scalar) { output.append($0) }
        default:
            throw failure("invalid escape character")
        }
    }

    private mutating func parseHex4() throws(SyntaxError) -> UInt16 {
        guard index + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let digit = hexDigit(bytes[index]) else { throw failure("invalid hex digit in \\u escape") }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(SyntaxError) -> String {
        let start = index
        _ = consumeIf(UInt8(ascii: "-"))
        guard index < bytes.count else { throw failure("truncated number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if isDigit(bytes[index]) {
            skipDigits()
        } else {
            throw failure("invalid number")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("digit expected after '.'") }
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("digit expected in exponent") }
            skipDigits()
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(SyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("unexpected end of input") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for offset in 0..<count where bytes[index + offset] != expected[offset] {
            throw failure("invalid literal")
        }
        index += count
    }

    private mutating func consumeIf(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func failure(_ reason: String) -> SyntaxError {
        SyntaxError(position: here(), message: reason)
    }
}

func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

func hexDigit(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
