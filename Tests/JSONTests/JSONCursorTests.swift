import JSON
import Testing

/// Skips the whole document with a cursor; `nil` when accepted, else the error.
private func cursorError(_ bytes: [UInt8]) -> JSONParseError? {
    bytes.withUnsafeBufferPointer { buffer -> JSONParseError? in
        var cursor = JSONCursor(buffer)
        do throws(JSONParseError) {
            try cursor.skipValue()
            try cursor.finish()
            return nil
        } catch {
            return error
        }
    }
}

private func parserAccepts(_ bytes: [UInt8]) -> Bool {
    (try? JSONParser.parse(bytes)) != nil
}

@Suite("JSONCursor: the focused scanner")
struct JSONCursorTests {
    static let documents: [String] = [
        "null", " true ", "false", "0", "-0.5e+3", "1E9", #""x""#, #""\u00e9\ud83d\ude00\n\"\\\/""#, "[]", "{}",
        #"{"a":[1,{"b":null}],"c":"d"}"#, "[[[[]]]]", #"{"é":"ü"}"#,
        // rejected ones
        "", " ", "{", "}", "[", "[1,]", "[,1]", #"{"a":1,}"#, #"{,"a":1}"#, #"{"a" 1}"#, #"{"a":}"#, #"{1:2}"#, "01",
        "-", "1.", "1e", "1e+", ".5", "tru", "nul", "falsey", #""abc"#, "\"\u{01}\"", #""\x""#, #""\u12""#,
        #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, "[1] 2", "{}{}", "[1 2]", #"{"a":1 "b":2}"#,
    ]

    @Test("accepts exactly what JSONParser accepts (valid, invalid and truncated documents)")
    func sameAcceptanceAsParser() {
        var inputs = Self.documents.map { Array($0.utf8) }
        inputs.append([0x22, 0xC3, 0x28, 0x22])  // invalid UTF-8 in a string
        inputs.append([0x22, 0xED, 0xA0, 0x80, 0x22])  // a UTF-8-encoded surrogate
        inputs.append([0x5B, 0xFF, 0x5D])
        for document in Self.documents.map({ Array($0.utf8) }) where document.count > 1 {
            for cut in 1..<document.count { inputs.append(Array(document.prefix(cut))) }
        }
        for input in inputs {
            let error = cursorError(input)
            #expect((error == nil) == parserAccepts(input), "\(String(decoding: input, as: UTF8.self)): cursor \(String(describing: error))")
            if let error { #expect((0...input.count).contains(error.offset)) }
        }
    }

    @Test("the 16-byte scan: a special byte at every position of a long string is found (accept, reject, decode as the parser)")
    func wordScanBoundaries() throws {
        let specials: [[UInt8]] = [
            Array(#"\""#.utf8), Array(#"\\"#.utf8), Array(#"\u00e9"#.utf8), [0xC3, 0xA9], [0x01], [0x7F], [0xC3], [0xFF],
            Array(#"\ud83d\ude00"#.utf8), [0x22],
        ]
        for special in specials {
            for position in 0..<40 {
                let content = Array(repeating: UInt8(ascii: "a"), count: position) + special + Array(repeating: UInt8(ascii: "b"), count: 40 - position)
                let document = [UInt8(ascii: "\"")] + content + [UInt8(ascii: "\"")]
                let parsed = try? JSONParser.parse(document)
                #expect((cursorError(document) == nil) == (parsed != nil), "\(special) at \(position)")
                var buffer: [UInt8] = []
                let decoded: Bool? = document.withUnsafeBufferPointer { raw in
                    var cursor = JSONCursor(raw)
                    return try? cursor.decodeString(into: &buffer)
                }
                if let text = parsed?.stringValue {
                    #expect(decoded == true && buffer == Array(text.utf8), "\(special) at \(position)")
                }
            }
        }
    }

    @Test("decodeString: strings longer than the buffer's room (grown mid-string) decode as the parser, buffer reused")
    func decodeStringGrowth() throws {
        // An escaped task definition of ~20 KB, like Config's `configuration` strings, then a short one in the same buffer.
        let inner = "{\"family\":\"web\",\"pidMode\":\"host\",\"env\":[" + (0..<600).map { "{\"name\":\"K\($0)\",\"value\":\"é\\u00e9😀\"}" }.joined(separator: ",") + "]}"
        var buffer: [UInt8] = []
        for text in [inner, "short", String(repeating: "x", count: 9_000), ""] {
            let document = Array(JSONWriter.serialize(.string(text)))
            let parsed = try #require(try JSONParser.parse(document).stringValue)
            let decoded: Bool = try document.withUnsafeBufferPointer { raw in
                var cursor = JSONCursor(raw)
                let decoded = try cursor.decodeString(into: &buffer)
                try cursor.finish()
                return decoded
            }
            #expect(decoded)
            #expect(buffer == Array(parsed.utf8), "\(text.prefix(40))… (\(text.utf8.count) bytes)")
        }
    }

    @Test("string(reusing:): a string value as the parser reads it, any other value consumed as nil", arguments: [
        #""AWS::ECS::TaskDefinition""#, #""AWS::ECS::Task\u0044efinition""#, #""AWS::ECS::TaskDefinitionX""#, #""""#,
        #""\"q\"""#, "\"é\"", "42", "null", "[1,{\"a\":\"b\"}]", "{}",
    ])
    func stringReusing(_ text: String) throws {
        let bytes = Array(text.utf8)
        let read: String? = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var cursor = JSONCursor(buffer)
            let value = try cursor.string(reusing: "AWS::ECS::TaskDefinition")
            try cursor.finish()
            return value
        }
        #expect(read == (try JSONParser.parse(bytes)).stringValue)
    }

    @Test("nesting: 256 levels accepted, 257 rejected, like the parser")
    func depthLimit() {
        let at = Array((String(repeating: "[", count: 256) + String(repeating: "]", count: 256)).utf8)
        let over = Array((String(repeating: "[", count: 257) + String(repeating: "]", count: 257)).utf8)
        #expect(cursorError(at) == nil)
        #expect(cursorError(over)?.reason.contains("nesting") == true)
        #expect(parserAccepts(at) && !parserAccepts(over))
    }

    @Test("every shared payload fixture: accepted as the parser accepts it")
    func fixtures() throws {
        for (name, bytes) in try PayloadFiles.all() {
            #expect((cursorError(bytes) == nil) == parserAccepts(bytes), "\(name)")
        }
    }

    @Test("nextMember: wanted keys by index, others -1, escaped keys decoded, values read or skipped")
    func members() throws {
        let text = #"{"skip":{"PidMode":"host","x":[1,2]},"Pid\u004dode":"task","other":[{"a":"}"}],"Family":"web","n":-1.5e3}"#
        let bytes = Array(text.utf8)
        let names = JSONKeySet(["PidMode", "Family", "n"])
        var seen: [String: JSONValue] = [:]
        var others = 0
        try bytes.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer)
            try cursor.enterObject()
            while let index = try cursor.nextMember(names) {
                if index >= 0 {
                    seen[["PidMode", "Family", "n"][index]] = try cursor.value()
                } else {
                    others += 1
                    try cursor.skipValue()
                }
            }
            try cursor.finish()
        }
        #expect(seen == ["PidMode": .string("task"), "Family": .string("web"), "n": .number("-1.5e3")])
        #expect(others == 2)
    }

    @Test("arrays element by element; peekKind; decodeString resolves escapes into the reused buffer")
    func arraysAndStrings() throws {
        let bytes = Array(#"[ "a\"b\\c\u00e9\ud83d\ude00" , {"k":1} , 7 , "plain" ]"#.utf8)
        var buffer: [UInt8] = Array(repeating: 0x41, count: 50)
        var kinds: [JSONCursor.Kind] = []
        var strings: [String] = []
        try bytes.withUnsafeBufferPointer { raw in
            var cursor = JSONCursor(raw)
            try cursor.enterArray()
            while try cursor.nextElement() {
                kinds.append(try cursor.peekKind())
                if try cursor.decodeString(into: &buffer) {
                    strings.append(String(decoding: buffer, as: UTF8.self))
                } else {
                    try cursor.skipValue()
                }
            }
            try cursor.finish()
        }
        #expect(kinds == [.string, .object, .number, .string])
        #expect(strings == ["a\"b\\c\u{e9}\u{1F600}", "plain"])
    }

    @Test("enterObject on a non-object and a value left unread report an error, never trap")
    func misuse() throws {
        let bytes = Array(#"[1]"#.utf8)
        bytes.withUnsafeBufferPointer { raw in
            var cursor = JSONCursor(raw)
            #expect(throws: JSONParseError.self) { try cursor.enterObject() }
        }
        let object = Array(#"{"a":1,"b":2}"#.utf8)
        object.withUnsafeBufferPointer { raw in
            var cursor = JSONCursor(raw)
            #expect(throws: JSONParseError.self) {
                try cursor.enterObject()
                _ = try cursor.nextMember(.none)
                _ = try cursor.nextMember(.none)  // the value 1 was not consumed
            }
        }
    }
}
