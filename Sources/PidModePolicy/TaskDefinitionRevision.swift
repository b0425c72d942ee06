/// One revision of a task definition, read from its ARN
/// (`arn:<partition>:ecs:<region>:<account>:task-definition/<family>:<revision>`).
public struct TaskDefinitionRevision: Sendable, Hashable, CustomStringConvertible {
    public var arn: String
    public var family: String
    public var revision: Int

    /// Parses a task-definition ARN; `nil` when it is not one (no `:task-definition/`, an empty family, a revision
    /// that is not a positive integer of at most 9 ASCII digits). Reads the ARN's UTF-8 bytes once; the family is
    /// everything between the first `:task-definition/` and the last `:`.
    public init?(arn: String) {
        var arn = arn
        let parsed = arn.withUTF8 { bytes -> (family: String, revision: Int)? in
            guard bytes.starts(with: Self.arnPrefix), let marker = Self.firstRange(of: Self.marker, in: bytes),
                let colon = bytes[marker.upperBound...].lastIndex(of: UInt8(ascii: ":")),
                colon > marker.upperBound
            else { return nil }
            let digits = bytes[(colon + 1)...]
            guard !digits.isEmpty, digits.count <= 9 else { return nil }
            var revision = 0
            for byte in digits {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                revision = revision * 10 + Int(byte - UInt8(ascii: "0"))
            }
            guard revision > 0 else { return nil }
            return (String(decoding: bytes[marker.upperBound..<colon], as: UTF8.self), revision)
        }
        guard let parsed else { return nil }
        self.arn = arn
        self.family = parsed.family
        self.revision = parsed.revision
    }

    private static let arnPrefix = Array("arn:".utf8)
    private static let marker = Array(":task-definition/".utf8)

    /// The first occurrence of `needle` in `bytes`.
    private static func firstRange(of needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let first = needle.first, bytes.count >= needle.count else { return nil }
        var start = 0
        while start + needle.count <= bytes.count {
            guard let candidate = bytes[start...(bytes.count - needle.count)].firstIndex(of: first) else { return nil }
            if bytes[candidate..<(candidate + needle.count)].elementsEqual(needle) { return candidate..<(candidate + needle.count) }
            start = candidate + 1
        }
        return nil
    }

    /// `family:revision`, as annotations name a revision.
    public var description: String { "\(family):\(revision)" }
}
