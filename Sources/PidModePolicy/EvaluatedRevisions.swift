/// Which revisions of a task definition are evaluated (rule-semantics §7): each peer's scope, matched exactly.
public enum EvaluatedRevisions: String, Sendable, CaseIterable {
    /// Every recorded revision, ACTIVE and INACTIVE (the default; the strictest).
    case all = "ALL"
    /// Revisions whose status is ACTIVE (Prowler, Steampipe).
    case active = "ACTIVE"
    /// Per family, the ACTIVE revision with the highest number (the managed rule, Security Hub ECS.3).
    case latestActive = "LATEST_ACTIVE"
    /// Revisions used by a running task, a PRIMARY/ACTIVE service deployment or a task set (in-use CSPMs).
    case inUse = "IN_USE"

    /// Reads the rule parameter's value in any letter case; `nil` for anything else.
    public init?(parameter text: String) {
        guard let scope = Self.allCases.first(where: { $0.rawValue == text.uppercased() }) else { return nil }
        self = scope
    }
}
