import Foundation
import JSON
import Testing

@Suite("JSONWriter")
struct JSONWriterTests {
    private func text(_ value: JSONValue) -> String {
        String(decoding: JSONWriter.serialize(value), as: UTF8.self)
    }

    @Test("compact output, members in stored order, numbers as their literal text")
    func compact() {
        let value = JSONValue.object(JSONObject([
            "z": .number("1705615540.112"),
            "a": .array([.null, .bool(true), .bool(false), .number("-0"), .number("1e5"), .number("12345678901234567890")]),
            "m": .object(JSONObject()),
            "s": .string("x"),
        ]))
        #expect(text(value) == #"{"z":1705615540.112,"a":[null,true,false,-0,1e5,12345678901234567890],"m":{},"s":"x"}"#)
        #expect(text(.array([])) == "[]")
        #expect(text(.string("")) == #""""#)
    }

    @Test("string escaping", arguments: [
        ("a\"b", #""a\"b""#),
        ("back\\slash", #""back\\slash""#),
        ("line\nbreak", #""line\nbreak""#),
        ("cr\r", #""cr\r""#),
        ("tab\t", #""tab\t""#),
        ("\u{0}", #""\u0000""#),
        ("\u{1}", #""\u0001""#),
        ("\u{08}", #""\u0008""#),
        ("\u{0C}", #""\u000c""#),
        ("\u{1B}[0m", #""\u001b[0m""#),
        ("\u{1F}", #""\u001f""#),
        ("/", #""/""#),
        ("\u{7F}", "\"\u{7F}\""),
        ("é", "\"é\""),
        ("😀", "\"😀\""),
        ("日本語", "\"日本語\""),
        ("\u{2028}", "\"\u{2028}\""),
    ])
    func escaping(_ input: String, _ expected: String) throws {
        #expect(JSONWriter.quoted(input) == expected)
        #expect(text(.string(input)) == expected)
        // And it reads back as the same string.
        #expect(try JSONParser.parse(expected) == .string(input))
    }

    @Test("non-ASCII passes through as raw UTF-8 bytes (no \\u escapes)")
    func rawUTF8() {
        let input = "café 😀 🇫🇷"
        let bytes = JSONWriter.serialize(.string(input))
        #expect(Array(bytes.dropFirst().dropLast()) == Array(input.utf8))
        #expect(!String(decoding: bytes, as: UTF8.self).contains("\\u"))
    }

    @Test("control characters in object keys are escaped too")
    func keyEscaping() throws {
        let value = JSONValue.object(JSONObject(["k\"\n\u{2}": .string("v")]))
        let written = text(value)
        #expect(written == #"{"k\"\n\u0002":"v"}"#)
        #expect(try JSONParser.parse(written) == value)
    }

    @Test("every scalar U+0000…U+00FF and a sample of the rest round-trips through write → parse")
    func scalarRoundTrip() throws {
        var scalars = (0...0xFF).compactMap(Unicode.Scalar.init)
        scalars += [0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF].compactMap(Unicode.Scalar.init)
        for scalar in scalars {
            let input = "<" + String(Character(scalar)) + ">"
            let written = JSONWriter.serialize(.string(input))
            #expect(written.allSatisfy { $0 >= 0x20 }, "U+\(String(scalar.value, radix: 16)) written with a raw control byte")
            #expect(try JSONParser.parse(written) == .string(input), "U+\(String(scalar.value, radix: 16))")
        }
    }

    @Test("the 16-byte scan: a character to escape at every position of a long string is escaped, the rest copied")
    func wordScanBoundaries() throws {
        for special in ["\"", "\\", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "😀", "/"] {
            for position in 0..<40 {
                let input = String(repeating: "a", count: position) + special + String(repeating: "b", count: 40 - position)
                let written = JSONWriter.serialize(.string(input))
                #expect(written.allSatisfy { $0 >= 0x20 }, "\(special.unicodeScalars.first!.value) at \(position)")
                #expect(try JSONParser.parse(written) == .string(input), "\(special.unicodeScalars.first!.value) at \(position)")
                #expect(written.count == input.utf8.count + 2 + (JSONWriter.quoted(special).utf8.count - 2 - special.utf8.count))
            }
        }
    }

    @Test("parse → serialize → parse is the identity on every real payload file (and on embedded JSON strings)")
    func payloadRoundTrip() throws {
        let files = try PayloadFiles.all()
        #expect(files.count >= 20, "expected the full fixture set, found \(files.count)")
        var embedded = 0
        for (name, bytes) in files {
            let first = try JSONParser.parse(bytes)
            let written = JSONWriter.serialize(first)
            let second = try JSONParser.parse(written)
            #expect(second == first, "\(name): round trip changed the document")
            // Serialising again gives the same bytes (the writer is deterministic and compact).
            #expect(JSONWriter.serialize(second) == written, "\(name)")
            // Strings that hold JSON documents (invokingEvent, configuration, ruleParameters) round-trip too.
            for member in first.objectValue?.members ?? [] {
                guard let inner = member.value.stringValue, inner.hasPrefix("{"),
                    let parsed = try? JSONParser.parse(inner)
                else { continue }
                embedded += 1
                #expect(try JSONParser.parse(JSONWriter.serialize(parsed)) == parsed, "\(name).\(member.key)")
            }
        }
        #expect(embedded >= 10, "expected the events' invokingEvent strings to be checked too")
    }

    @Test("our parse of every payload file matches Foundation's JSONSerialization structurally")
    func matchesFoundation() throws {
        let files = try PayloadFiles.all()
        #expect(!files.isEmpty)
        for (name, bytes) in files {
            let ours = try JSONParser.parse(bytes)
            let theirs = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            var mismatches: [String] = []
            compare(ours, theirs, path: name, mismatches: &mismatches)
            #expect(mismatches.isEmpty, "\(mismatches.prefix(5).joined(separator: "\n"))")
            // The invokingEvent string of events, compared the same way.
            if let inner = ours["invokingEvent"]?.stringValue {
                let innerOurs = try JSONParser.parse(inner)
                let innerTheirs = try JSONSerialization.jsonObject(with: Data(inner.utf8), options: [.fragmentsAllowed])
                var innerMismatches: [String] = []
                compare(innerOurs, innerTheirs, path: "\(name):invokingEvent", mismatches: &innerMismatches)
                #expect(innerMismatches.isEmpty, "\(innerMismatches.prefix(5).joined(separator: "\n"))")
            }
        }
    }

    /// Structural comparison: same keys, strings, booleans, nulls; numbers compared as `Double`.
    private func compare(_ ours: JSONValue, _ theirs: Any, path: String, mismatches: inout [String]) {
        switch ours {
        case .null:
            if !(theirs is NSNull) { mismatches.append("\(path): null vs \(theirs)") }
        case .bool(let flag):
            if let number = theirs as? NSNumber, isBoolean(number), number.boolValue == flag { return }
            mismatches.append("\(path): \(flag) vs \(theirs)")
        case .number(let text):
            guard let number = theirs as? NSNumber, !isBoolean(number), let ourDouble = Double(text) else {
                mismatches.append("\(path): number \(text) vs \(theirs)")
                return
            }
            if number.doubleValue != ourDouble { mismatches.append("\(path): \(text) vs \(number)") }
        case .string(let text):
            if (theirs as? String) != text { mismatches.append("\(path): \(text.debugDescription) vs \(theirs)") }
        case .array(let elements):
            guard let array = theirs as? [Any], array.count == elements.count else {
                mismatches.append("\(path): array of \(elements.count) vs \(type(of: theirs))")
                return
            }
            for (index, element) in elements.enumerated() {
                compare(element, array[index], path: "\(path)[\(index)]", mismatches: &mismatches)
            }
        case .object(let object):
            guard let dictionary = theirs as? [String: Any] else {
                mismatches.append("\(path): object vs \(type(of: theirs))")
                return
            }
            if Set(object.keys) != Set(dictionary.keys) {
                mismatches.append("\(path): keys \(object.keys.sorted()) vs \(dictionary.keys.sorted())")
            }
            for key in Set(object.keys) {
                guard let value = object[key], let other = dictionary[key] else { continue }
                compare(value, other, path: "\(path).\(key)", mismatches: &mismatches)
            }
        }
    }

    /// Whether Foundation produced this number from a JSON `true`/`false` (its boolean singleton class,
    /// `__NSCFBoolean` on Darwin and in swift-corelibs-foundation alike).
    private func isBoolean(_ number: NSNumber) -> Bool {
        String(describing: type(of: number)).contains("Boolean")
    }
}
