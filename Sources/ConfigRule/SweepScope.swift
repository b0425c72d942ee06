import AWSClient
import PidModePolicy

/// The revision scope of one periodic sweep (rule-semantics §7), loaded once before the listing starts and shared by
/// the sweep's worker threads: `ALL` and `ACTIVE` need no fact, `IN_USE` is the in-use set read once, `LATEST_ACTIVE`
/// the family → latest map of ``LatestActiveRevisions``.
enum SweepScope: Sendable {
    case fixed(RevisionScope)
    case latestActive(LatestActiveRevisions)

    /// The scope that decides the revision of the item named `name` (`nil` when none parses: then, for
    /// `LATEST_ACTIVE` and `IN_USE`, one WARN and the item is evaluated as under `ALL`). `LATEST_ACTIVE` may make one
    /// ECS call, for a family the sweep's listing did not settle.
    func scope(for revision: TaskDefinitionRevision?, name: String, context: CallContext) throws(ConfigRuleError) -> RevisionScope {
        if revision == nil, parameter == .latestActive || parameter == .inUse {
            RevisionScopeLoader.warnUnparseable(parameter, name: name, logger: context.logger)
            return .all
        }
        switch self {
        case .fixed(let scope):
            return scope
        case .latestActive(let revisions):
            guard let revision else { return .all }
            let latest = try revisions.latest(of: revision.family, context: context)
            return .latestActive(latest.map { [revision.family: $0] } ?? [:])
        }
    }

    var parameter: EvaluatedRevisions {
        switch self {
        case .fixed(let scope): scope.parameter
        case .latestActive: .latestActive
        }
    }
}

/// The latest ACTIVE revision of each family, for one `LATEST_ACTIVE` sweep, with as few ECS calls as the account
/// allows. The sweep streams its inventory, so the families it will ask about are not known up front: the paged
/// `ListTaskDefinitions{status: ACTIVE, sort: DESC, maxResults: 100}` is read while it costs fewer calls than one
/// per family it has shown (a page holds many families when they have few ACTIVE revisions), and a family it did not
/// settle costs one `ListTaskDefinitions{familyPrefix, maxResults: 1}`, once. Thread-safe: the per-family calls are
/// made one at a time under the lock (the ECS client is single-threaded).
final class LatestActiveRevisions: @unchecked Sendable {
    private let ecs: ECSService
    private let lock = Lock()
    /// Settled families: their latest ACTIVE revision, or `nil` when they have none.
    private var settled: [String: TaskDefinitionRevision?] = [:]
    /// Whether the paged listing reached its end: then a family it did not show has no ACTIVE revision.
    let listingComplete: Bool
    /// Pages of the listing read up front.
    let listingPages: Int

    /// Reads the paged listing while one more page costs less than one call per family it has shown.
    init(ecs: ECSService, context: CallContext) throws(ConfigRuleError) {
        self.ecs = ecs
        var newest: [String: TaskDefinitionRevision] = [:]
        var order: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try ecs.activeRevisionsPage(nextToken: token, context: context)
            pages += 1
            for arn in page.arns {
                guard let revision = TaskDefinitionRevision(arn: arn) else { continue }
                if newest[revision.family] == nil { order.append(revision.family) }
                if revision.revision > newest[revision.family]?.revision ?? 0 { newest[revision.family] = revision }
            }
            token = page.nextToken
        } while token != nil && pages < order.count
        listingComplete = token == nil
        listingPages = pages
        // A cut listing may have stopped inside its last family: only the families before it are settled.
        for family in listingComplete ? order : order.dropLast() { settled[family] = .some(newest[family]) }
    }

    /// The latest ACTIVE revision of `family`, `nil` when it has none.
    func latest(of family: String, context: CallContext) throws(ConfigRuleError) -> TaskDefinitionRevision? {
        let result: Result<TaskDefinitionRevision?, ConfigRuleError> = lock.withLock {
            if let known = settled[family] { return .success(known) }
            if listingComplete { return .success(nil) }
            do throws(ConfigRuleError) {
                let latest = try ecs.latestActiveRevision(family: family, context: context).flatMap(TaskDefinitionRevision.init(arn:))
                settled[family] = .some(latest)
                return .success(latest)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Families settled so far (listed, or asked for one by one).
    var settledCount: Int { lock.withLock { settled.count } }
}
