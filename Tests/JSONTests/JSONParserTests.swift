import JSON
import Testing

/// Parses `text` and returns the error, or `nil` when it parsed.
private func parseError(_ bytes: [UInt8]) -> JSONParseError? {
    do {
        _ = try JSONParser.parse(bytes)
        return nil
    } catch {
        return error
    }
}

@Suite("JSONParser: accepted documents")
struct JSONParserAcceptTests {
    @Test("every value kind at the top level, with surrounding whitespace")
    func topLevelKinds() throws {
        #expect(try JSONParser.parse("null") == .null)
        #expect(try JSONParser.parse(" true ") == .bool(true))
        #expect(try JSONParser.parse("\tfalse\n") == .bool(false))
        #expect(try JSONParser.parse("\r\n42\r\n") == .number("42"))
        #expect(try JSONParser.parse("\"x\"") == .string("x"))
        #expect(try JSONParser.parse("[]") == .array([]))
        #expect(try JSONParser.parse("{}") == .object(JSONObject()))
    }

    @Test("nested arrays and objects keep order and values")
    func nested() throws {
        let value = try JSONParser.parse(#" { "b" : [1, "two", null, true, false, {"c": {}}], "a" : { "d" : [ ] } } "#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["b", "a"])
        let array = try #require(value["b"]?.arrayValue)
        #expect(array.count == 6)
        #expect(array[0] == .number("1"))
        #expect(array[1] == .string("two"))
        #expect(array[2] == .null)
        #expect(array[3] == .bool(true))
        #expect(array[4] == .bool(false))
        #expect(array[5]["c"] == .object(JSONObject()))
        #expect(value["a"]?["d"] == .array([]))
        #expect(value["missing"] == nil)
        #expect(value["b"]?.typeName == "array")
        #expect(value.typeName == "object")
    }

    @Test("numbers keep their literal text", arguments: [
        "0", "-0", "1", "-1", "1705615540.112", "1705615540", "1e5", "1E5", "1e+5", "1e-5", "-0.5e3", "0.000",
        "12345678901234567890", "1705615540112", "123456789012345678901234567890.123456789", "2.50",
    ])
    func numberLiteral(_ literal: String) throws {
        #expect(try JSONParser.parse(literal) == .number(literal))
        #expect(try JSONParser.parse("[\(literal)]") == .array([.number(literal)]))
        #expect(try JSONParser.parse("{\"n\":\(literal)}")["n"]?.numberText == literal)
    }

    @Test("string escapes", arguments: [
        (#""\"""#, "\""),
        (#""\\""#, "\\"),
        (#""\/""#, "/"),
        (#""\b""#, "\u{08}"),
        (#""\f""#, "\u{0C}"),
        (#""\n""#, "\n"),
        (#""\r""#, "\r"),
        (#""\t""#, "\t"),
        (#""a\"b\\c\/d\be\ff\ng\rh\ti""#, "a\"b\\c/d\u{08}e\u{0C}f\ng\rh\ti"),
        (#""\u00e9""#, "é"),
        (#""\u00E9t\u00e9""#, "été"),
        (#""\u0000""#, "\u{0}"),
        (#""\u001f""#, "\u{1F}"),
        (#""\u20AC""#, "€"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\uD83D\uDE00!""#, "😀!"),
        (#""x\ud83c\uddeb\ud83c\uddf7y""#, "x🇫🇷y"),
        (#""\uffff""#, "\u{FFFF}"),
        ("\"caf\u{e9} 😀 raw\"", "café 😀 raw"),
    ])
    func escapes(_ json: String, _ expected: String) throws {
        #expect(try JSONParser.parse(json) == .string(expected))
    }

    @Test("duplicate keys: lookup returns the last member; all members are kept")
    func duplicateKeys() throws {
        let value = try JSONParser.parse(#"{"a":1,"b":true,"a":2}"#)
        #expect(value["a"] == .number("2"))
        #expect(value["b"] == .bool(true))
        let object = try #require(value.objectValue)
        #expect(object.keys == ["a", "b", "a"])
        #expect(object["a"]?.numberText == "2")
    }

    @Test("nesting exactly maximumDepth deep is accepted (arrays and objects)")
    func maximumDepthAccepted() throws {
        let depth = JSONParser.maximumDepth
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSONParser.parse(arrays)
        var levels = 0
        while let inner = value.arrayValue {
            levels += 1
            guard let first = inner.first else { break }
            value = first
        }
        #expect(levels == depth)

        let objects = String(repeating: #"{"k":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        _ = try JSONParser.parse(objects)

        // Mixed containers: depth counts both kinds.
        let mixed = String(repeating: "[{\"k\":", count: depth / 2) + "0" + String(repeating: "}]", count: depth / 2)
        _ = try JSONParser.parse(mixed)
    }

    @Test("sibling containers do not accumulate depth")
    func siblingsDoNotAccumulateDepth() throws {
        let elements = Array(repeating: "[[]]", count: JSONParser.maximumDepth * 2).joined(separator: ",")
        let value = try JSONParser.parse("[\(elements)]")
        #expect(value.arrayValue?.count == JSONParser.maximumDepth * 2)
    }
}

@Suite("JSONParser: rejected documents throw JSONParseError")
struct JSONParserRejectTests {
    static let invalidTextCases: [(String, String)] = [
        ("empty input", ""),
        ("only whitespace", "  \n\t "),
        ("lone high surrogate at end", #""\ud83d""#),
        ("lone high surrogate before text", #""\ud83dx""#),
        ("high surrogate followed by non-surrogate escape", #""\ud83d\u0041""#),
        ("high surrogate followed by another high", #""\ud83d\ud83d""#),
        ("lone low surrogate", #""\ude00""#),
        ("reversed surrogate pair", #""\ude00\ud83d""#),
        ("invalid escape \\x", #""\x41""#),
        ("invalid escape \\U", #""\U0041""#),
        ("invalid escape \\'", #""\'""#),
        ("invalid escape \\0", #""\0""#),
        ("short \\u escape", #""\u12""#),
        ("non-hex \\u escape", #""\u12G4""#),
        ("backslash at end of input", "\"\\"),
        ("raw newline in string", "\"a\nb\""),
        ("raw tab in string", "\"a\tb\""),
        ("raw NUL in string", "\"a\u{0}b\""),
        ("raw 0x1F in string", "\"\u{1F}\""),
        ("raw control after an escape", "\"\\n\u{01}\""),
        ("trailing comma in array", "[1,]"),
        ("trailing comma in object", #"{"a":1,}"#),
        ("leading comma in array", "[,1]"),
        ("double comma", "[1,,2]"),
        ("leading zero", "01"),
        ("negative leading zero", "-01"),
        ("leading zero in array", "[01]"),
        ("fraction without integer part", ".5"),
        ("fraction without digits", "1."),
        ("negative fraction without digits", "-1.e5"),
        ("bare minus", "-"),
        ("plus sign", "+1"),
        ("exponent without digits", "1e"),
        ("signed exponent without digits", "1e+"),
        ("hex number", "0x10"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("unterminated string", #""abc"#),
        ("unterminated string after escape", #""abc\n"#),
        ("unterminated array", "[1,2"),
        ("unterminated empty array", "["),
        ("unterminated object", #"{"a":1"#),
        ("unterminated object after key", #"{"a""#),
        ("unterminated object after colon", #"{"a":"#),
        ("unterminated empty object", "{"),
        ("trailing garbage after object", "{} x"),
        ("two top-level values", "1 2"),
        ("trailing garbage after literal", "truex"),
        ("truncated literal", "nul"),
        ("wrong literal case", "True"),
        ("single-quoted string", "'a'"),
        ("unquoted key", "{a:1}"),
        ("non-string key", "{1:1}"),
        ("missing colon", #"{"a" 1}"#),
        ("missing comma in array", "[1 2]"),
        ("missing comma in object", #"{"a":1 "b":2}"#),
        ("comment", "[1] // c"),
        ("closing bracket only", "]"),
        ("mismatched brackets", "[1}"),
    ]

    @Test("invalid text", arguments: invalidTextCases)
    func invalidText(_ label: String, _ text: String) {
        let bytes = Array(text.utf8)
        let error = parseError(bytes)
        #expect(error != nil, "\(label): \(text.debugDescription) was accepted")
        if let error {
            #expect(!error.reason.isEmpty)
            #expect((0...bytes.count).contains(error.offset), "\(label): offset \(error.offset) outside the input")
        }
    }

    static let invalidByteSequences: [(String, [UInt8])] = [
        ("0xFF inside a string", [0x22, 0xFF, 0x22]),
        ("0xFE inside a string", [0x22, 0x61, 0xFE, 0x22]),
        ("lone continuation byte", [0x22, 0x80, 0x22]),
        ("overlong encoding of '/'", [0x22, 0xC0, 0xAF, 0x22]),
        ("truncated 3-byte sequence", [0x22, 0xE2, 0x82, 0x22]),
        ("UTF-8 encoded surrogate D800", [0x22, 0xED, 0xA0, 0x80, 0x22]),
        ("code point above U+10FFFF", [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22]),
        ("invalid byte after an escape (slow path)", [0x22, 0x5C, 0x6E, 0xFF, 0x22]),
        ("invalid byte in an object key", [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]),
        ("invalid byte outside strings", [0xFF]),
        ("UTF-8 BOM before the value", [0xEF, 0xBB, 0xBF, 0x31]),
        ("NUL byte after the value", [0x31, 0x00]),
    ]

    @Test("invalid bytes", arguments: invalidByteSequences)
    func invalidBytes(_ label: String, _ bytes: [UInt8]) {
        let error = parseError(bytes)
        #expect(error != nil, "\(label): \(bytes) was accepted")
        if let error {
            #expect((0...bytes.count).contains(error.offset))
        }
    }

    @Test("nesting one deeper than maximumDepth is rejected (arrays and objects)")
    func tooDeep() {
        let depth = JSONParser.maximumDepth + 1
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(parseError(Array(arrays.utf8)) != nil)
        let objects = String(repeating: #"{"k":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        #expect(parseError(Array(objects.utf8)) != nil)
    }

    @Test("hostile nesting (100 000 levels, closed or not) throws instead of overflowing the stack")
    func hostileNesting() {
        let openOnly = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(parseError(openOnly) != nil)
        let closed = openOnly + [UInt8](repeating: UInt8(ascii: "]"), count: 100_000)
        #expect(parseError(closed) != nil)
        let objects = Array(String(repeating: #"{"a":"#, count: 100_000).utf8)
        #expect(parseError(objects) != nil)
    }

    @Test("every truncation of a real document is rejected without a crash")
    func everyPrefixOfARealDocument() throws {
        let document = Array(#"{"a":[1,-2.5e3,"\u00e9\ud83d\ude00",true,false,null,{"b":"c\n"}]}"#.utf8)
        _ = try JSONParser.parse(document)
        for length in 0..<document.count {
            let prefix = Array(document[0..<length])
            #expect(parseError(prefix) != nil, "prefix of length \(length) was accepted")
        }
    }

    @Test("every single-byte corruption of a document is either parsed or rejected, never a crash")
    func byteCorruptions() {
        let document = Array(#"{"k":["\u00e9",1.5,true,null]}"#.utf8)
        var rejected = 0
        for position in document.indices {
            for replacement: UInt8 in [0x00, 0x22, 0x5C, 0x7B, 0x5D, 0x80, 0xFF] {
                var corrupted = document
                corrupted[position] = replacement
                if parseError(corrupted) != nil { rejected += 1 }
            }
        }
        #expect(rejected > 0)
    }
}
