/// Stage 1 of SigV4: the canonical request and its parts.
///
/// Every function here is total: any input (including malformed percent-escapes,
/// invalid UTF-8 after decoding, or an empty path) produces a string, never a trap.
public enum CanonicalRequest {
    /// Lower-case header names that are never signed: botocore's
    /// `SIGNED_HEADERS_BLACKLIST`. They are hop-by-hop, are rewritten by proxies or
    /// tracing (`x-amzn-trace-id` is injected by Lambda/X-Ray), or are the signature itself.
    public static let unsignedHeaderNames: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate",
        "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
        "user-agent", "x-amzn-trace-id",
    ]

    /// The result of canonicalising a request.
    public struct Parts: Sendable, Equatable {
        /// The full canonical request text (six parts joined by `"\n"`, no trailing newline).
        public var text: String
        /// The `SignedHeaders` value: sorted lower-case names joined by `";"`.
        public var signedHeaders: String
    }

    /// Builds the canonical request for exactly the given headers (no header is added
    /// or replaced here; ``SigV4Signer`` does that first):
    ///
    /// ```
    /// METHOD \n canonicalURI \n canonicalQuery \n canonicalHeaders \n \n signedHeaders \n hexSHA256(body)
    /// ```
    public static func build(
        method: String,
        path: String,
        query: String,
        headers: [(name: String, value: String)],
        payloadHash: String,
        normalizePath: Bool
    ) -> Parts {
        let (headerBlock, signed) = canonicalHeaders(headers)
        let text = [
            method,
            canonicalURI(path: path, normalize: normalizePath),
            canonicalQuery(query),
            headerBlock,
            "",
            signed,
            payloadHash,
        ].joined(separator: "\n")
        return Parts(text: text, signedHeaders: signed)
    }

    // MARK: - URI

    /// The canonical URI of a wire path (non-S3 rules: the already-encoded path is
    /// encoded again, so `%20` becomes `%2520`).
    ///
    /// With `normalize` (all services but S3), dot segments are removed and empty
    /// segments dropped exactly like botocore's `remove_dot_segments`: a leading `/` is
    /// kept, `..` above the root is ignored, and a trailing `/` is kept only if the
    /// original path ends in `/` and some segment remains (`/a/..` → `/`, `//a//` → `/a/`).
    /// Without it the path is kept as is (`//`, `/./` survive). Then every byte except
    /// `A-Z a-z 0-9 - _ . ~` and `/` is written as `%XX` (upper-case hex).
    /// An empty path (or one that normalises to nothing) yields `/`.
    public static func canonicalURI(path: String, normalize: Bool) -> String {
        var bytes = Array(path.utf8)
        if normalize {
            bytes = removeDotSegments(bytes)
        }
        if bytes.isEmpty {
            return "/"
        }
        return String(decoding: percentEncode(bytes, keepSlash: true), as: UTF8.self)
    }

    /// botocore's `remove_dot_segments`, on bytes.
    static func removeDotSegments(_ path: [UInt8]) -> [UInt8] {
        guard let first = path.first, let last = path.last else { return [] }
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        var output: [ArraySlice<UInt8>] = []
        for segment in path.split(separator: slash, omittingEmptySubsequences: true) {
            if segment.elementsEqual([dot]) {
                continue
            } else if segment.elementsEqual([dot, dot]) {
                if !output.isEmpty { output.removeLast() }
            } else {
                output.append(segment)
            }
        }
        var result: [UInt8] = first == slash ? [slash] : []
        for (index, segment) in output.enumerated() {
            if index > 0 { result.append(slash) }
            result.append(contentsOf: segment)
        }
        if last == slash && !output.isEmpty {
            result.append(slash)
        }
        return result
    }

    // MARK: - Query

    /// The canonical query string of a raw wire query (without `?`).
    ///
    /// Split on `&` (empty pieces are dropped); each piece splits at its first `=` into
    /// key and value (a piece without `=` has the value `""`, giving `key=`). Key and
    /// value are percent-decoded (valid `%XX` only; `+` stays a literal plus, it is not
    /// a space) and re-encoded with only `A-Z a-z 0-9 - _ . ~` left bare, so raw UTF-8
    /// and already-encoded input give the same result. Pairs are sorted by encoded key,
    /// then encoded value, in byte order, and joined as `k=v&k=v`.
    public static func canonicalQuery(_ query: String) -> String {
        let ampersand = UInt8(ascii: "&")
        let equals = UInt8(ascii: "=")
        var pairs: [(key: [UInt8], value: [UInt8])] = []
        for piece in Array(query.utf8).split(separator: ampersand, omittingEmptySubsequences: true) {
            let key: ArraySlice<UInt8>
            let value: ArraySlice<UInt8>
            if let split = piece.firstIndex(of: equals) {
                key = piece[piece.startIndex..<split]
                value = piece[piece.index(after: split)...]
            } else {
                key = piece
                value = []
            }
            pairs.append((
                percentEncode(percentDecode(key), keepSlash: false),
                percentEncode(percentDecode(value), keepSlash: false)
            ))
        }
        pairs.sort { lhs, rhs in
            if lhs.key != rhs.key {
                return lhs.key.lexicographicallyPrecedes(rhs.key)
            }
            return lhs.value.lexicographicallyPrecedes(rhs.value)
        }
        var out: [UInt8] = []
        for (index, pair) in pairs.enumerated() {
            if index > 0 { out.append(ampersand) }
            out.append(contentsOf: pair.key)
            out.append(equals)
            out.append(contentsOf: pair.value)
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Headers

    /// Whether a header takes part in the signature: every name except those in
    /// ``unsignedHeaderNames`` (compared case-insensitively).
    public static func isSigned(headerName: String) -> Bool {
        !unsignedHeaderNames.contains(lowercasedASCII(headerName))
    }

    /// The canonical header block and the `SignedHeaders` list for `headers`.
    ///
    /// Unsigned names (``unsignedHeaderNames``) are dropped; names are lower-cased
    /// (ASCII); values are trimmed with ``trimmedHeaderValue(_:)``; the values of a
    /// repeated name are joined with `","` in wire order; names are sorted in byte
    /// order. The block is `name:value` lines joined by `"\n"` (no trailing newline).
    public static func canonicalHeaders(
        _ headers: [(name: String, value: String)]
    ) -> (block: String, signedHeaders: String) {
        // Names in first-seen order, each with its values in wire order. A request has a handful of headers: a
        // linear search finds a repeated name faster than hashing every name would.
        var names: [String] = []
        var values: [[String]] = []
        for header in headers {
            let name = lowercasedASCII(header.name)
            guard !unsignedHeaderNames.contains(name) else { continue }
            let value = trimmedHeaderValue(header.value)
            if let position = names.firstIndex(of: name) {
                values[position].append(value)
            } else {
                names.append(name)
                values.append([value])
            }
        }
        let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
        var block: [UInt8] = []
        var signedHeaders: [UInt8] = []
        block.reserveCapacity(names.indices.reduce(0) { total, position in
            values[position].reduce(total + names[position].utf8.count + 2) { $0 + $1.utf8.count + 1 }
        })
        signedHeaders.reserveCapacity(names.reduce(0) { $0 + $1.utf8.count + 1 })
        for (index, position) in order.enumerated() {
            if index > 0 {
                block.append(UInt8(ascii: "\n"))
                signedHeaders.append(UInt8(ascii: ";"))
            }
            block += names[position].utf8
            block.append(UInt8(ascii: ":"))
            for (valueIndex, value) in values[position].enumerated() {
                if valueIndex > 0 { block.append(UInt8(ascii: ",")) }
                block += value.utf8
            }
            signedHeaders += names[position].utf8
        }
        return (String(decoding: block, as: UTF8.self), String(decoding: signedHeaders, as: UTF8.self))
    }

    /// SigV4 "Trimall": removes leading and trailing whitespace and replaces every
    /// inner run of whitespace with one space (like Python's `" ".join(v.split())`,
    /// restricted to ASCII whitespace: space, tab, CR, LF, VT, FF). Quotes are not
    /// special: `"a   b"` → `"a b"`.
    public static func trimmedHeaderValue(_ value: String) -> String {
        var value = value
        let alreadyTrimmed = value.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last else { return true }
            if isASCIIWhitespace(first) || isASCIIWhitespace(last) { return false }
            var afterSpace = false
            for byte in bytes {
                if byte == UInt8(ascii: " ") {
                    if afterSpace { return false }
                    afterSpace = true
                } else if isASCIIWhitespace(byte) {
                    return false
                } else {
                    afterSpace = false
                }
            }
            return true
        }
        if alreadyTrimmed { return value }  // the usual case: no copy
        let words = Array(value.utf8).split(whereSeparator: isASCIIWhitespace)
        var out: [UInt8] = []
        for (index, word) in words.enumerated() {
            if index > 0 { out.append(UInt8(ascii: " ")) }
            out.append(contentsOf: word)
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Byte helpers

    static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    static func lowercasedASCII(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: bytes.count) { output in
                for index in bytes.indices {
                    let byte = bytes[index]
                    output[index] = (byte >= 0x41 && byte <= 0x5A) ? byte + 0x20 : byte
                }
                return bytes.count
            }
        }
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// RFC 3986 encoding with upper-case hex; `/` is kept bare only when `keepSlash`.
    static func percentEncode<Bytes: Sequence>(_ bytes: Bytes, keepSlash: Bool) -> [UInt8]
    where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount)
        for byte in bytes {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHexDigits[Int(byte >> 4)])
                out.append(upperHexDigits[Int(byte & 0x0F)])
            }
        }
        return out
    }

    /// Decodes valid `%XX` escapes (either hex case); anything else, including a lone
    /// or malformed `%`, is copied unchanged. `+` is not decoded.
    static func percentDecode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"),
               bytes.endIndex - index >= 3,
               let high = hexValue(bytes[index + 1]),
               let low = hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
