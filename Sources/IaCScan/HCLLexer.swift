/// Tokens of Terraform's native syntax (HCL2), enough to find resource blocks and read attribute values: identifiers,
/// numbers, quoted strings and heredocs (with or without `${…}`/`%{…}` templates), punctuation, line breaks.
/// Comments (`#`, `//`, `/* */`) are dropped. Never traps; unterminated strings, heredocs and comments, and templates
/// nested deeper than ``maximumDepth`` throw ``SyntaxError``.
struct HCLToken {
    enum Kind: Equatable {
        case identifier(String)
        case number(String)
        /// A quoted string or heredoc: its value when it has no template sequence, else `nil`.
        case string(literal: String?)
        case punctuation(String)
        case newline
    }

    var kind: Kind
    var position: SourcePosition
    /// Byte range in the file (for describing expressions as written).
    var start: Int
    var end: Int
}

struct HCLLexer {
    static let maximumDepth = 256

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var tracker: PositionTracker

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.tracker = PositionTracker(bytes)
    }

    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>) throws(SyntaxError) -> [HCLToken] {
        var lexer = HCLLexer(bytes)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { lexer.index = 3 }
        return try lexer.run()
    }

    private mutating func run() throws(SyntaxError) -> [HCLToken] {
        var tokens: [HCLToken] = []
        while index < bytes.count {
            let byte = bytes[index]
            let start = index
            switch byte {
            case 0x20, 0x09, 0x0D:
                index += 1
            case 0x0A:
                tokens.append(token(.newline, from: start))
                index += 1
            case UInt8(ascii: "#"):
                skipLine()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                skipLine()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                let position = tracker.position(at: index)
                index += 2
                while index < bytes.count, !(bytes[index] == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/")) {
                    if bytes[index] == 0x0A { tokens.append(token(.newline, from: index)) }
                    index += 1
                }
                guard index < bytes.count else { throw SyntaxError(position: position, message: "HCL: unterminated /* comment") }
                index += 2
            case UInt8(ascii: "\""):
                let position = tracker.position(at: start)
                let literal = try quotedString(depth: 0)
                tokens.append(HCLToken(kind: .string(literal: literal), position: position, start: start, end: index))
            case UInt8(ascii: "<") where peek(1) == UInt8(ascii: "<") && heredocFollows():
                let position = tracker.position(at: start)
                let literal = try heredoc(position: position)
                tokens.append(HCLToken(kind: .string(literal: literal), position: position, start: start, end: index))
                tokens.append(token(.newline, from: index - 1))
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let position = tracker.position(at: start)
                index += 1
                while index < bytes.count {
                    let next = bytes[index]
                    if isDigit(next) || next == UInt8(ascii: ".") && peek(1).map(isDigit) == true {
                        index += 1
                    } else if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
                        index += 1
                        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                    } else {
                        break
                    }
                }
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                tokens.append(HCLToken(kind: .number(text), position: position, start: start, end: index))
            default:
                if isIdentifierStart(byte) {
                    let position = tracker.position(at: start)
                    index += 1
                    while index < bytes.count, isIdentifierPart(bytes[index]) { index += 1 }
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    tokens.append(HCLToken(kind: .identifier(text), position: position, start: start, end: index))
                } else {
                    let position = tracker.position(at: start)
                    let length = operatorLength(at: index)
                    index += length
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    tokens.append(HCLToken(kind: .punctuation(text), position: position, start: start, end: index))
                }
            }
        }
        return tokens
    }

    private mutating func token(_ kind: HCLToken.Kind, from start: Int) -> HCLToken {
        HCLToken(kind: kind, position: tracker.position(at: start), start: start, end: start + 1)
    }

    private func peek(_ offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func skipLine() {
        while index < bytes.count, bytes[index] != 0x0A { index += 1 }
    }

    private func operatorLength(at offset: Int) -> Int {
        guard offset + 1 < bytes.count else { return 1 }
        let pair = (bytes[offset], bytes[offset + 1])
        switch pair {
        case (UInt8(ascii: "="), UInt8(ascii: "=")), (UInt8(ascii: "!"), UInt8(ascii: "=")),
             (UInt8(ascii: "<"), UInt8(ascii: "=")), (UInt8(ascii: ">"), UInt8(ascii: "=")),
             (UInt8(ascii: "="), UInt8(ascii: ">")), (UInt8(ascii: "&"), UInt8(ascii: "&")),
             (UInt8(ascii: "|"), UInt8(ascii: "|")):
            return 2
        case (UInt8(ascii: "."), UInt8(ascii: ".")) where offset + 2 < bytes.count && bytes[offset + 2] == UInt8(ascii: "."):
            return 3
        default:
            // A whole UTF-8 sequence, so that text slices stay valid.
            var length = 1
            while offset + length < bytes.count, bytes[offset + length] & 0xC0 == 0x80 { length += 1 }
            return length
        }
    }

    /// After the opening quote: the string's value, or `nil` when it holds a template sequence. Leaves `index` past
    /// the closing quote.
    private mutating func quotedString(depth: Int) throws(SyntaxError) -> String? {
        let position = tracker.position(at: index)
        guard depth < Self.maximumDepth else { throw SyntaxError(position: position, message: "HCL: templates nested deeper than \(Self.maximumDepth) levels") }
        index += 1  // "
        var utf8: [UInt8] = []
        var isTemplate = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                if isTemplate { return nil }
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw SyntaxError(position: position, message: "HCL: invalid UTF-8 in a string")
                }
                return text
            case 0x0A:
                throw SyntaxError(position: position, message: "HCL: unterminated string")
            case UInt8(ascii: "\\"):
                index += 1
                try appendEscape(into: &utf8, stringPosition: position)
            case UInt8(ascii: "$"), UInt8(ascii: "%"):
                if peek(1) == byte, peek(2) == UInt8(ascii: "{") {  // $${ and %%{ are literal
                    utf8.append(byte)
                    utf8.append(UInt8(ascii: "{"))
                    index += 3
                } else if peek(1) == UInt8(ascii: "{") {
                    isTemplate = true
                    index += 2
                    try skipTemplateSequence(depth: depth + 1, stringPosition: position)
                } else {
                    utf8.append(byte)
                    index += 1
                }
            default:
                utf8.append(byte)
                index += 1
            }
        }
        throw SyntaxError(position: position, message: "HCL: unterminated string")
    }

    /// Skips the inside of `${ … }` up to and past its closing brace (nested braces and strings included).
    private mutating func skipTemplateSequence(depth: Int, stringPosition: SourcePosition) throws(SyntaxError) {
        var braces = 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                _ = try quotedString(depth: depth)
            case UInt8(ascii: "{"):
                braces += 1
                guard braces <= Self.maximumDepth else {
                    throw SyntaxError(position: stringPosition, message: "HCL: braces nested deeper than \(Self.maximumDepth) levels")
                }
                index += 1
            case UInt8(ascii: "}"):
                braces -= 1
                index += 1
                if braces == 0 { return }
            default:
                index += 1
            }
        }
        throw SyntaxError(position: stringPosition, message: "HCL: unterminated template sequence in a string")
    }

    private mutating func appendEscape(into output: inout [UInt8], stringPosition: SourcePosition) throws(SyntaxError) {
        guard index < bytes.count else { throw SyntaxError(position: stringPosition, message: "HCL: unterminated string") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = byte == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<count {
                guard index < bytes.count, let digit = hexDigit(bytes[index]) else {
                    throw SyntaxError(position: stringPosition, message: "HCL: invalid \\\(Character(Unicode.Scalar(byte))) escape")
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw SyntaxError(position: stringPosition, message: "HCL: escape is not a Unicode scalar")
            }
            UTF8.encode(scalar) { output.append($0) }
        default:
            throw SyntaxError(position: stringPosition, message: "HCL: invalid escape \\\(Character(Unicode.Scalar(byte)))")
        }
    }

    private func heredocFollows() -> Bool {
        var offset = index + 2
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        return offset < bytes.count && isIdentifierStart(bytes[offset])
    }

    /// `<<MARK` or `<<-MARK`, a line break, lines up to one holding only `MARK` (blanks around it allowed).
    /// The value keeps each line's break; `<<-` removes the common leading blanks. `nil` for a template.
    private mutating func heredoc(position: SourcePosition) throws(SyntaxError) -> String? {
        index += 2
        let indented = bytes[index] == UInt8(ascii: "-")
        if indented { index += 1 }
        let markerStart = index
        while index < bytes.count, isIdentifierPart(bytes[index]) { index += 1 }
        let marker = Array(UnsafeBufferPointer(rebasing: bytes[markerStart..<index]))
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D { index += 1 }
        guard index < bytes.count, bytes[index] == 0x0A else {
            throw SyntaxError(position: position, message: "HCL: a heredoc marker must end its line")
        }
        index += 1
        var lines: [ArraySlice<UInt8>] = []
        while index < bytes.count {
            var lineEnd = index
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let line = Array(UnsafeBufferPointer(rebasing: bytes[index..<lineEnd]))
            let trimmed = line.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }.reversed()
            index = lineEnd
            if Array(trimmed) == marker {
                return heredocValue(lines, indented: indented)
            }
            lines.append(line[...])
            if index < bytes.count { index += 1 }
        }
        throw SyntaxError(position: position, message: "HCL: unterminated heredoc (no closing \(String(decoding: marker, as: UTF8.self)))")
    }

    private func heredocValue(_ lines: [ArraySlice<UInt8>], indented: Bool) -> String? {
        var lines = lines
        if indented {
            let blanks = lines.filter { $0.contains { $0 != 0x20 && $0 != 0x09 } }
                .map { $0.prefix { $0 == 0x20 || $0 == 0x09 }.count }.min() ?? 0
            lines = lines.map { $0.dropFirst(min(blanks, $0.prefix { $0 == 0x20 || $0 == 0x09 }.count)) }
        }
        var utf8: [UInt8] = []
        for line in lines {
            utf8.append(contentsOf: line)
            utf8.append(0x0A)
        }
        var previous: UInt8 = 0
        for (offset, byte) in utf8.enumerated() {
            if byte == UInt8(ascii: "{"), previous == UInt8(ascii: "$") || previous == UInt8(ascii: "%") {
                let escaped = offset >= 2 && utf8[offset - 2] == previous
                if !escaped { return nil }
            }
            previous = byte
        }
        return String(validating: utf8, as: UTF8.self)
    }

    private func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte) || byte == UInt8(ascii: "-")
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
