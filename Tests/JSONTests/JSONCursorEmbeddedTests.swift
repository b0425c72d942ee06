import JSON
import Testing

/// `JSONCursor.embeddedObjectMembers(_:)` reads a JSON object carried, still escaped, in a JSON string: whenever it
/// answers, it must answer exactly what decoding the string and parsing the text gives; otherwise it must leave the
/// string to the caller (nil, nothing consumed).
@Suite("JSONCursor.embeddedObjectMembers: the escaped object read as the decoded one")
struct JSONCursorEmbeddedTests {
    static let names = JSONKeySet(["PidMode", "pidMode", "Status", "Family", "Revision", ""])
    static let nameList = ["PidMode", "pidMode", "Status", "Family", "Revision", ""]

    /// The reference: the string decoded and its text parsed; the wanted members in order, or nil when the text is
    /// not one JSON object.
    static func reference(_ document: [UInt8]) -> [String]? {
        guard case .string(let text)? = try? JSONParser.parse(document), case .object(let object)? = try? JSONParser.parse(text)
        else { return nil }
        return object.members.compactMap { member in
            Self.nameList.firstIndex(of: member.key).map { "\($0)=\(String(decoding: JSONWriter.serialize(member.value), as: UTF8.self))" }
        }
    }

    /// The fast reader's answer on `document` (a whole JSON document that should be one string), and whether the
    /// cursor then stood exactly after it.
    static func embedded(_ document: [UInt8]) -> (members: [String]?, consumedAll: Bool, threw: Bool) {
        document.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer)
            do throws(JSONParseError) {
                guard let found = try cursor.embeddedObjectMembers(names) else { return (nil, cursor.offset == 0, false) }
                let members = found.map { "\($0.index)=\(String(decoding: JSONWriter.serialize($0.value), as: UTF8.self))" }
                return (members, cursor.offset == document.count, false)
            } catch {
                return (nil, false, true)
            }
        }
    }

    static func check(_ document: [UInt8], mustAnswer: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = reference(document)
        let answer = embedded(document)
        let text = String(decoding: document.prefix(120), as: UTF8.self)
        #expect(!answer.threw, "threw on \(text)", sourceLocation: sourceLocation)
        if let members = answer.members {
            #expect(members == expected, "\(text)", sourceLocation: sourceLocation)
            #expect(answer.consumedAll, "did not stop after the string: \(text)", sourceLocation: sourceLocation)
        } else {
            #expect(answer.consumedAll, "consumed input without answering: \(text)", sourceLocation: sourceLocation)
            #expect(!mustAnswer, "no answer for a common document: \(text)", sourceLocation: sourceLocation)
        }
    }

    /// `text` as a JSON string document (the writer's escaping: `"` and `\` escaped, controls as \n-style escapes).
    static func asString(_ text: String) -> [UInt8] { JSONWriter.serialize(.string(text)) }

    @Test("common documents are answered exactly as decode-then-parse", arguments: [
        #"{"PidMode":"host","Family":"web","Revision":7,"ContainerDefinitions":[{"Name":"a","Environment":[{"Name":"X","Value":"y"}]}]}"#,
        #"{}"#, #"{"pidMode":"task","PidMode":null}"#, #" { "PidMode" : "host" , "x" : [ 1 , -2.5e+3 , true , false , null ] } "#,
        "{\n\t\"PidMode\":\r\n\"host\"\n}\n", #"{"PidMode":{"nested":{"deep":[[[]]]}},"Status":"ACTIVE"}"#,
        #"{"PidMode":"a\"b\\c\/d\n\t","":1,"Family":"x/y"}"#, #"{"PidMode":"host","PidMode":"task"}"#,
        #"{"a":{"PidMode":"host"},"Revision":0}"#,
    ])
    func commonDocuments(_ text: String) {
        Self.check(Self.asString(text), mustAnswer: true)
    }

    @Test("anything else: the same answer, or none", arguments: [
        #"[1,2]"#, #""PidMode""#, #"42"#, #"{"PidMode":"h\u00f6st"}"#, #"{"PidMode":"hÃ¶st"}"#, "{\"PidMode\":\"é\"}",
        #"{"PidMode":"host"} x"#, #"{"PidMode":"host",}"#, #"{"PidMode":"host""#, #"{"PidMode" "host"}"#, #"{"a":01}"#,
        #"{"a":1.}"#, #"{"a":-}"#, #"{"a":tru}"#, #"{"a":[1,]}"#, #"{"a":[1 2]}"#, #"{"a"::1}"#, "{\"a\":\"\u{1}\"}",
        #"{"a":"\q"}"#, #"{"\u0050idMode":"host"}"#, "", " ", "{", "}",
        "{\"a\":" + String(repeating: "[", count: 255) + String(repeating: "]", count: 255) + "}",
        "{\"a\":" + String(repeating: "[", count: 256) + String(repeating: "]", count: 256) + "}",
    ])
    func otherDocuments(_ text: String) {
        Self.check(Self.asString(text))
    }

    @Test("outer escapes the writer never uses: \\/, \\u, \\b; raw bytes the outer string forbids")
    func outerForms() {
        for raw in [
            #""{\"PidMode\":\"a\/b\"}""#, #""{\"PidMode\":\"\u0068ost\"}""#, #""{\u0022PidMode\":1}""#, #""{\"a\":\"\b\"}""#,
            #""{\"a\":1}\/""#, #""{\"a\":1}""#, #""{\"a\":1} ""#, #""{\"a\":1}\n""#, #""{\"a\":1}\t \r""#, "\"{\"a\":1}\"",
            "\"{\\\"a\\\":\u{1}1}\"", #""{\"a\":1}"#, #""{\"a\":1}\"#, #""{\"a\":\"x\\\"}""#, #""{\"a\":\"\\\\\"}""#,
        ] {
            Self.check(Array(raw.utf8))
        }
    }

    @Test("more members than one pass reads: answered by the caller's way")
    func manyMembers() {
        let many = "{" + (0..<200).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"PidMode\":\"host\"}"
        Self.check(Self.asString(many))
        let fewer = "{" + (0..<100).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"PidMode\":\"host\"}"
        Self.check(Self.asString(fewer), mustAnswer: true)
    }

    @Test("every prefix of a common document: never a wrong answer")
    func truncations() {
        let document = Self.asString(#"{"PidMode":"host","x":[1,{"y":"a\"b"}],"Revision":12}"#)
        for cut in 0...document.count { Self.check(Array(document.prefix(cut))) }
    }
}
