import PidModePolicy

/// Applies the approved-exceptions registry (rule-semantics §8, decoded by the shared policy) to non-compliant sites:
/// matched on the site's family, on its revision only where the input states one (describe-task-definition output),
/// and on `--account-id` / `--region` when given (an entry restricted to accounts or regions matches nothing
/// without them).
public struct ExceptionsMatcher: Sendable {
    public var registry: ExceptionRegistry
    /// Evaluation time, epoch milliseconds.
    public var now: Int64
    public var accountID: String?
    public var region: String?

    public init(registry: ExceptionRegistry, now: Int64, accountID: String?, region: String?) {
        self.registry = registry
        self.now = now
        self.accountID = accountID
        self.region = region
    }

    public func outcome(for site: TaskDefinitionSite) -> ExceptionOutcome {
        let subject = ExceptionSubject(family: site.family, revision: site.revision, accountID: accountID, region: region)
        switch registry.match(subject, now: now) {
        case .none:
            return .none
        case .active(let exception):
            return .exempt(id: exception.id, justification: "\(exception.id) until \(exception.expires) (owner \(exception.owner)): \(exception.reason)")
        case .expired(let exception):
            return .expired(id: exception.id, note: exception.expiryText)
        }
    }

    /// An evaluator that applies these exceptions.
    public var evaluator: FindingEvaluator {
        FindingEvaluator { site in outcome(for: site) }
    }
}
