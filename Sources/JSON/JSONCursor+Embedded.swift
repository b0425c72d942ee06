import CJSONScan

extension JSONCursor {
    /// The most top-level members ``embeddedObjectMembers(_:)`` reads in one pass (Config's task definitions have ~20).
    static let maximumEmbeddedMembers = 128

    /// When the next value is a string whose decoded text is one JSON object (Config's `configuration` string in an
    /// API reply) of common bytes only: consumes the string and returns, in document order, the index in `names` and
    /// the built value of each top-level member whose key is in `names`; other members are validated, not built.
    /// Returns `nil`, consuming nothing, for any other value, or when the text holds what the fast reader does not
    /// handle (a `\u` escape at either level, a byte at or above 0x80, more than ``maximumEmbeddedMembers`` members,
    /// or any error): the caller then decodes the string (``decodeString(into:)``) and reads the document the usual
    /// way, which also names any error.
    ///
    /// One pass over the escaped text (`CJSONScan`), instead of decoding it and scanning the decoded copy: the same
    /// members and values as that, for every text it accepts.
    /// - Throws: ``JSONParseError`` only if a member it validated then failed to build (never expected).
    public mutating func embeddedObjectMembers(_ names: JSONKeySet) throws(JSONParseError) -> [(index: Int, value: JSONValue)]? {
        skipWhitespace()
        guard let base = bytes.baseAddress, offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { return nil }
        let contentStart = offset + 1
        let content = UnsafeBufferPointer(start: base + contentStart, count: bytes.count - contentStart)
        let outcome = withUnsafeTemporaryAllocation(of: pmr_json_member.self, capacity: Self.maximumEmbeddedMembers) {
            members -> (end: Int, found: Result<[(index: Int, value: JSONValue)], JSONParseError>)? in
            var end = 0
            let count = pmr_json_embedded_object(
                content.baseAddress, content.count, JSONParser.maximumDepth, members.baseAddress, Int32(members.count), &end
            )
            guard count >= 0 else { return nil }
            var found: [(index: Int, value: JSONValue)] = []
            found.reserveCapacity(8)
            for member in members[0..<Int(count)] {
                let index: Int
                do throws(JSONParseError) {
                    index = try Self.embeddedKeyIndex(content, member.key_start..<member.key_end, names)
                    guard index >= 0 else { continue }
                    found.append((index, try Self.embeddedValue(content, member.value_start..<member.value_end)))
                } catch {
                    return (end, .failure(JSONParseError(reason: error.reason, offset: contentStart + member.key_start)))
                }
            }
            return (end, .success(found))
        }
        guard let outcome else { return nil }
        offset = contentStart + outcome.end
        return try outcome.found.get()
    }

    /// The index in `names` of an embedded key (`range` from its escaped opening quote to after its escaped closing
    /// quote): its bytes between the quotes when they hold no escape, else the decoded key.
    private static func embeddedKeyIndex(
        _ content: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ names: JSONKeySet
    ) throws(JSONParseError) -> Int {
        let inner = UnsafeBufferPointer(rebasing: content[(range.lowerBound + 2)..<(range.upperBound - 2)])
        if !inner.contains(UInt8(ascii: "\\")) { return names.index(of: inner) }
        guard case .string(let key) = try embeddedValue(content, range) else { return -1 }
        return Array(key.utf8).withUnsafeBufferPointer { names.index(of: $0) }
    }

    /// The value of the embedded JSON text in `range` (validated by the scan): a string without escapes or a number
    /// straight from its bytes, anything else decoded one level, then parsed.
    private static func embeddedValue(_ content: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(JSONParseError) -> JSONValue {
        let text = UnsafeBufferPointer(rebasing: content[range])
        let backslash = UInt8(ascii: "\\")
        if text.count >= 4, text[0] == backslash, text[text.count - 2] == backslash {
            // `\"…\"`: a string; its content is its bytes when no other backslash is in it.
            let inner = UnsafeBufferPointer(rebasing: text[2..<(text.count - 2)])
            if !inner.contains(backslash) { return .string(String(decoding: inner, as: UTF8.self)) }
        } else if let first = text.first, first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
            return .number(String(decoding: text, as: UTF8.self))  // numbers are plain ASCII, validated by the scan
        }
        return try JSONParser.parse(JSONCursor.unescaped(text))
    }
}
