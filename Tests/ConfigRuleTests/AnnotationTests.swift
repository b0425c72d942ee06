import Testing

@testable import ConfigRule

@Suite("Evaluation.clampAnnotation")
struct AnnotationTests {
    private static let marker = " [truncated]"

    private func expectValid(_ result: String, from input: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.isEmpty, sourceLocation: sourceLocation)
        #expect(result.utf16.count <= 256, "\(result.utf16.count) UTF-16 units", sourceLocation: sourceLocation)
        // Valid UTF-16: no unpaired surrogates survive a re-encode.
        let reencoded = String(decoding: Array(result.utf16), as: UTF16.self)
        #expect(reencoded == result, sourceLocation: sourceLocation)
        #expect(!result.unicodeScalars.contains("\u{FFFD}") || input.unicodeScalars.contains("\u{FFFD}"),
            sourceLocation: sourceLocation)
    }

    @Test("text up to 256 UTF-16 units is kept unchanged", arguments: [1, 2, 100, 255, 256])
    func keptASCII(_ length: Int) {
        let text = String(repeating: "a", count: length)
        #expect(Evaluation.clampAnnotation(text) == text)
    }

    @Test("256 units made of surrogate pairs and ASCII are kept unchanged")
    func keptEmoji() {
        let text = String(repeating: "😀", count: 100) + String(repeating: "x", count: 56)
        #expect(text.utf16.count == 256)
        #expect(Evaluation.clampAnnotation(text) == text)
    }

    @Test("longer text is cut to ≤ 256 units and ends with ' [truncated]'", arguments: [257, 300, 1_000, 100_000])
    func truncatedASCII(_ length: Int) {
        let text = String((0..<length).map { Character(Unicode.Scalar(UInt8(97 + $0 % 26))) })
        let result = Evaluation.clampAnnotation(text)
        expectValid(result, from: text)
        #expect(result.hasSuffix(Self.marker))
        let kept = String(result.dropLast(Self.marker.count))
        #expect(text.hasPrefix(kept))
        #expect(kept.utf16.count >= 256 - Self.marker.utf16.count - 1, "kept only \(kept.utf16.count) units")
    }

    @Test("surrogate pairs and grapheme clusters are never split", arguments: 0..<8)
    func emojiNeverSplit(_ asciiPrefix: Int) {
        // Every offset parity: the cut lands inside a pair unless the implementation respects boundaries.
        for emoji in ["😀", "🇫🇷", "👩‍👩‍👧‍👦", "é", "e\u{301}"] {
            let text = String(repeating: "a", count: 240 + asciiPrefix) + String(repeating: emoji, count: 40)
            let result = Evaluation.clampAnnotation(text)
            expectValid(result, from: text)
            #expect(result.hasSuffix(Self.marker))
            let kept = String(result.dropLast(Self.marker.count))
            #expect(text.hasPrefix(kept), "\(emoji) with prefix \(asciiPrefix)")
            // The kept part ends on a whole cluster: it is 'a's followed by whole copies of the emoji.
            let tail = kept.drop { $0 == "a" }
            #expect(tail.utf16.count % emoji.utf16.count == 0, "\(emoji): \(tail.utf16.count) units after the a's")
        }
    }

    @Test("a single huge grapheme cluster still yields a valid, non-empty annotation")
    func hugeCluster() {
        let text = "e" + String(repeating: "\u{301}", count: 400)
        let result = Evaluation.clampAnnotation(text)
        expectValid(result, from: text)
    }

    @Test("empty text becomes a non-empty placeholder")
    func empty() {
        let result = Evaluation.clampAnnotation("")
        #expect(!result.isEmpty)
        #expect(result.utf16.count <= 256)
    }

    @Test("Evaluation's initialiser clamps the annotation")
    func initialiserClamps() {
        let long = Evaluation(
            resourceType: "AWS::ECS::TaskDefinition", resourceID: "x", complianceType: .compliant,
            annotation: String(repeating: "😀", count: 500), orderingTimestamp: Timestamp(epochMilliseconds: 0))
        #expect(long.annotation.utf16.count <= 256)
        #expect(long.wireValue["Annotation"]?.stringValue == long.annotation)
        let empty = Evaluation(
            resourceType: "AWS::ECS::TaskDefinition", resourceID: "x", complianceType: .compliant,
            annotation: "", orderingTimestamp: Timestamp(epochMilliseconds: 0))
        #expect(!empty.annotation.isEmpty)
    }

    @Test("a NON_COMPLIANT annotation for a very long family name stays within the limit and still says 'host'")
    func longFamily() throws {
        var builder = try EventBuilder(payload: Payloads.host)
        let family = String(repeating: "f", count: 255)
        builder.item { $0.set("resourceName", .string("\(family):2")) }
        let decided = try decideChange(builder.payload)
        #expect(decided.evaluation.complianceType == .nonCompliant)
        #expect(decided.evaluation.annotation.utf16.count <= 256)
        #expect(!decided.evaluation.annotation.isEmpty)
        #expect(decided.evaluation.annotation.contains("host"))
    }
}
