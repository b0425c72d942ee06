/// Reads the text of simple elements from the small, flat XML documents STS answers with. Not a general XML parser:
/// it finds `<Name>text</Name>` (no attributes on that element) and decodes the five predefined entities.
enum XMLText {
    /// The decoded text of the first `<name>…</name>` element in `document`, or `nil` when there is none.
    static func firstElement(_ name: String, in document: String) -> String? {
        guard let open = document.range(of: "<\(name)>"),
            let close = document.range(of: "</\(name)>", range: open.upperBound..<document.endIndex)
        else { return nil }
        return decodeEntities(document[open.upperBound..<close.lowerBound])
    }

    /// Replaces `&lt; &gt; &quot; &apos; &amp;` (the last one last, so `&amp;lt;` stays `&lt;`).
    static func decodeEntities(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        return String(text)
            .replacingAll("&lt;", with: "<").replacingAll("&gt;", with: ">")
            .replacingAll("&quot;", with: "\"").replacingAll("&apos;", with: "'")
            .replacingAll("&amp;", with: "&")
    }
}

extension StringProtocol {
    /// The first range of `needle` at or after `range.lowerBound` (stdlib only, no Foundation).
    fileprivate func range(of needle: String, range: Range<Index>? = nil) -> Range<Index>? {
        let haystack = self[range ?? startIndex..<endIndex]
        guard let first = needle.first else { return nil }
        var index = haystack.startIndex
        while let candidate = haystack[index...].firstIndex(of: first) {
            if haystack[candidate...].starts(with: needle) {
                return candidate..<self.index(candidate, offsetBy: needle.count)
            }
            index = haystack.index(after: candidate)
        }
        return nil
    }
}
