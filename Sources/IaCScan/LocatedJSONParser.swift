import JSON

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
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            var end = index
            while end < bytes.count, bytes[end] >= UInt8(ascii: "a"), bytes[end] <= UInt8(ascii: "z") { end += 1 }
            switch try parseLiteral(to: end) {
            case .bool(let flag): return SourceNode(.bool(flag), at: position)
            default: return SourceNode(.null, at: position)
            }
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

    /// A string, number, `true`, `false` or `null` literal: its extent is found here, its value (escapes, UTF-8,
    /// number grammar) comes from the `JSON` target's parser, so both parsers read literals alike.
    private mutating func parseLiteral(to end: Int) throws(SyntaxError) -> JSONValue {
        let start = index
        do {
            let value = try JSONParser.parse(Array(UnsafeBufferPointer(rebasing: bytes[start..<end])))
            index = end
            return value
        } catch {
            index = start + error.offset
            throw failure(error.reason)
        }
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        var end = index + 1
        while end < bytes.count {
            switch bytes[end] {
            case UInt8(ascii: "\\"): end += 2
            case UInt8(ascii: "\""):
                guard case .string(let text) = try parseLiteral(to: end + 1) else { throw failure("expected a string") }
                return text
            case 0..<0x20:
                return try parseLiteral(to: end + 1).stringValue ?? ""  // the JSON parser names the control character
            default: end += 1
            }
        }
        index = bytes.count
        throw failure("unterminated string")
    }

    private mutating func parseNumber() throws(SyntaxError) -> String {
        var end = index
        while end < bytes.count {
            switch bytes[end] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                 UInt8(ascii: "e"), UInt8(ascii: "E"):
                end += 1
            default:
                guard case .number(let text) = try parseLiteral(to: end) else { throw failure("invalid number") }
                return text
            }
        }
        guard case .number(let text) = try parseLiteral(to: end) else { throw failure("invalid number") }
        return text
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
