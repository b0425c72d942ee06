/// One revision of a task definition, read from its ARN
/// (`arn:<partition>:ecs:<region>:<account>:task-definition/<family>:<revision>`).
public struct TaskDefinitionRevision: Sendable, Hashable, CustomStringConvertible {
    public var arn: String
    public var family: String
    public var revision: Int

    /// Parses a task-definition ARN; `nil` when it is not one (no `:task-definition/`, an empty family, a revision
    /// that is not a positive integer).
    public init?(arn: String) {
        guard arn.hasPrefix("arn:"), let marker = arn.range(of: ":task-definition/") else { return nil }
        let name = arn[marker.upperBound...]
        guard let colon = name.lastIndex(of: ":") else { return nil }
        let family = name[..<colon]
        let number = name[name.index(after: colon)...]
        guard !family.isEmpty, !number.isEmpty, number.count <= 9, number.allSatisfy({ $0.isASCII && $0.isNumber }),
            let revision = Int(number), revision > 0
        else { return nil }
        self.arn = arn
        self.family = String(family)
        self.revision = revision
    }

    /// `family:revision`, as annotations name a revision.
    public var description: String { "\(family):\(revision)" }
}

extension String {
    /// The first occurrence of `needle` (stdlib only, no Foundation).
    fileprivate func range(of needle: String) -> Range<String.Index>? {
        guard let first = needle.first else { return nil }
        var start = startIndex
        while let candidate = self[start...].firstIndex(of: first) {
            if self[candidate...].starts(with: needle) {
                return candidate..<index(candidate, offsetBy: needle.count)
            }
            start = index(after: candidate)
        }
        return nil
    }
}
