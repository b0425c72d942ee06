/// A scope together with the facts a front door fetched to decide it (rule-semantics §7). The policy never fetches:
/// `LATEST_ACTIVE` and `IN_USE` carry what the front door read from ECS, so a scope can't be decided without them.
public enum RevisionScope: Sendable, Equatable {
    /// Every recorded revision.
    case all
    /// Revisions whose status is ACTIVE.
    case active
    /// The latest ACTIVE revision of each family asked about. A family missing from the map has no active revision,
    /// so the map must hold every family the caller will ask about.
    case latestActive([String: TaskDefinitionRevision])
    /// Every revision referenced by a running task, a PRIMARY/ACTIVE deployment or a task set.
    case inUse(InUseRevisions)

    /// The parameter value this scope implements.
    public var parameter: EvaluatedRevisions {
        switch self {
        case .all: .all
        case .active: .active
        case .latestActive: .latestActive
        case .inUse: .inUse
        }
    }

    /// The task-definition status values the scope reads.
    public static let activeStatus = "ACTIVE"

    /// The NOT_APPLICABLE annotation for a revision outside the scope, or `nil` when it is inside (then the pid-mode
    /// decision applies).
    /// - Parameters:
    ///   - revision: the item's revision; `nil` when none could be parsed. Then only `ACTIVE` can still be decided
    ///     (from `status`); the other scopes answer `nil` and the caller evaluates as under `ALL` and logs a WARN.
    ///   - name: how the annotation names the revision when `revision` is `nil`.
    ///   - status: the task definition's `Status` (`ACTIVE`, `INACTIVE`); `nil` when not recorded.
    public func exclusion(of revision: TaskDefinitionRevision?, name: String, status: String?) -> String? {
        switch self {
        case .all:
            return nil
        case .active:
            guard let status, status != Self.activeStatus else { return nil }
            return "revision \(revision?.description ?? name) is \(status) (EvaluatedRevisions ACTIVE)"
        case .latestActive(let latest):
            guard let revision else { return nil }
            guard let newest = latest[revision.family] else { return "\(revision.family) has no active revision" }
            if newest.revision == revision.revision { return nil }
            return "revision \(revision) is not the latest active revision of \(revision.family) (\(newest))"
        case .inUse(let used):
            guard let revision, !used.contains(revision) else { return nil }
            return "revision \(revision) is not used by any running task or active service deployment"
        }
    }
}

/// The set of revisions in use, compared by `family:revision` (the ARN's partition, region and account are the
/// account's own), with unparseable ARNs kept verbatim.
public struct InUseRevisions: Sendable, Equatable {
    private var names: Set<String> = []

    public init() {}

    public init(arns: some Sequence<String>) {
        for arn in arns { insert(arn: arn) }
    }

    /// Adds the revision a task, deployment or task set references.
    public mutating func insert(arn: String) {
        names.insert(TaskDefinitionRevision(arn: arn)?.description ?? arn)
    }

    public func contains(_ revision: TaskDefinitionRevision) -> Bool {
        names.contains(revision.description) || names.contains(revision.arn)
    }

    public var count: Int { names.count }
}
