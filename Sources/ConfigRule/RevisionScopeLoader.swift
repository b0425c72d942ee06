import AWSClient
import PidModePolicy
import StructuredLogging

/// Gathers the ECS facts a revision scope needs (rule-semantics §7), with as few calls as the situation allows, and
/// returns the ``RevisionScope`` the rule applies. `ALL` and `ACTIVE` need no call. A failed ECS call fails the
/// invocation with its AWS error code: no scope is ever guessed.
struct RevisionScopeLoader {
    let ecs: ECSService?

    /// How the `LATEST_ACTIVE` map of a sweep was built.
    enum LatestActiveStrategy: String {
        /// One paged `ListTaskDefinitions{status: ACTIVE, sort: DESC}` over the whole account.
        case pagedListing = "paged-listing"
        /// One `ListTaskDefinitions{familyPrefix, maxResults: 1}` per family of the inventory.
        case perFamily = "per-family"
    }

    /// The scope of one change (or oversized) event's revision. `LATEST_ACTIVE`: one `ListTaskDefinitions` for its
    /// family; `IN_USE`: the in-use set of the whole account and region (no cache across invocations).
    /// - Parameter revision: the item's revision; `nil` when none can be parsed: then the item is evaluated as under
    ///   `ALL` (`ACTIVE` still decides from the status) and one WARN is logged.
    func changeScope(
        _ parameter: EvaluatedRevisions,
        revision: TaskDefinitionRevision?,
        name: String,
        context: CallContext
    ) throws(ConfigRuleError) -> RevisionScope {
        switch parameter {
        case .all: return .all
        case .active: return .active
        case .latestActive, .inUse:
            guard let revision else {
                warnUnparseable(parameter, name: name, logger: context.logger)
                return .all
            }
            let ecs = try client(parameter)
            ecs.resetCallCounts()
            let started = WallClock.monotonicNanoseconds()
            let scope: RevisionScope
            if parameter == .latestActive {
                let latest = try ecs.latestActiveRevision(family: revision.family, context: context)
                    .flatMap(TaskDefinitionRevision.init(arn:))
                scope = .latestActive(latest.map { [revision.family: $0] } ?? [:])
            } else {
                scope = .inUse(try inUseRevisions(ecs, context: context))
            }
            log(scope, ecs: ecs, strategy: nil, started: started, logger: context.logger)
            return scope
        }
    }

    /// The scope of a periodic sweep, built once for the whole inventory. `LATEST_ACTIVE`: the family → latest map
    /// from whichever costs fewer calls, one paged listing (⌈ACTIVE revisions / 100⌉ calls, estimated from the
    /// inventory's ACTIVE items) or one call per family of the inventory; `IN_USE`: the in-use set.
    /// - Parameters:
    ///   - families: the families of the inventory's revisions (every family the sweep will ask about).
    ///   - activeRevisions: how many inventory items are ACTIVE revisions (estimates the paged listing's length).
    func sweepScope(
        _ parameter: EvaluatedRevisions,
        families: Set<String>,
        activeRevisions: Int,
        context: CallContext
    ) throws(ConfigRuleError) -> RevisionScope {
        switch parameter {
        case .all: return .all
        case .active: return .active
        case .latestActive:
            if families.isEmpty { return .latestActive([:]) }
            let ecs = try client(parameter)
            ecs.resetCallCounts()
            let started = WallClock.monotonicNanoseconds()
            let strategy = Self.cheaperStrategy(families: families.count, activeRevisions: activeRevisions)
            var latest: [String: TaskDefinitionRevision] = [:]
            switch strategy {
            case .pagedListing:
                for arn in try ecs.activeRevisionsNewestFirst(context: context) {
                    guard let revision = TaskDefinitionRevision(arn: arn), families.contains(revision.family) else { continue }
                    if revision.revision > latest[revision.family]?.revision ?? 0 { latest[revision.family] = revision }
                }
            case .perFamily:
                for family in families.sorted() {
                    if let revision = try ecs.latestActiveRevision(family: family, context: context).flatMap(TaskDefinitionRevision.init(arn:)) {
                        latest[family] = revision
                    }
                }
            }
            let scope = RevisionScope.latestActive(latest)
            log(scope, ecs: ecs, strategy: strategy, started: started, logger: context.logger)
            return scope
        case .inUse:
            let ecs = try client(parameter)
            ecs.resetCallCounts()
            let started = WallClock.monotonicNanoseconds()
            let scope = RevisionScope.inUse(try inUseRevisions(ecs, context: context))
            log(scope, ecs: ecs, strategy: nil, started: started, logger: context.logger)
            return scope
        }
    }

    /// One paged listing costs ⌈activeRevisions / 100⌉ calls (at least one); per-family calls cost one per family.
    static func cheaperStrategy(families: Int, activeRevisions: Int) -> LatestActiveStrategy {
        let listingCalls = max(1, (activeRevisions + ECSWire.maxPageSize - 1) / ECSWire.maxPageSize)
        return families < listingCalls ? .perFamily : .pagedListing
    }

    /// The revisions referenced by a task with desired status RUNNING, a PRIMARY/ACTIVE deployment or a task set, in
    /// every cluster: `ListClusters` → per cluster `ListTasks` + `DescribeTasks`, `ListServices` + `DescribeServices`.
    private func inUseRevisions(_ ecs: ECSService, context: CallContext) throws(ConfigRuleError) -> InUseRevisions {
        var used = InUseRevisions()
        for cluster in try ecs.clusters(context: context) {
            for arn in try ecs.runningTaskDefinitions(cluster: cluster, context: context) { used.insert(arn: arn) }
            for arn in try ecs.serviceTaskDefinitions(cluster: cluster, context: context) { used.insert(arn: arn) }
        }
        return used
    }

    private func client(_ parameter: EvaluatedRevisions) throws(ConfigRuleError) -> ECSService {
        guard let ecs else {
            throw ConfigRuleError(.awsCallFailed, "EvaluatedRevisions \(parameter.rawValue) needs ECS, but no ECS client is configured")
        }
        return ecs
    }

    /// The one WARN of an item whose revision cannot be parsed (it is evaluated as under `ALL`).
    func warnUnparseable(_ parameter: EvaluatedRevisions, name: String, logger: Logger) {
        logger.warn("no task-definition revision can be parsed from the item; evaluated as under EvaluatedRevisions ALL", [
            "evaluatedRevisions": .string(parameter.rawValue), "resource": .string(name),
        ])
    }

    /// One INFO line per scope loaded: the ECS calls it cost, per operation.
    private func log(
        _ scope: RevisionScope,
        ecs: ECSService,
        strategy: LatestActiveStrategy?,
        started: UInt64,
        logger: Logger
    ) {
        var annotated = logger.with("evaluatedRevisions", .string(scope.parameter.rawValue))
            .with("ecsCalls", .int(ecs.totalCalls))
        for (operation, count) in ecs.callCounts.sorted(by: { $0.key < $1.key }) {
            annotated = annotated.with("ecs\(operation)", .int(count))
        }
        switch scope {
        case .latestActive(let latest): annotated = annotated.with("familiesWithActiveRevision", .int(latest.count))
        case .inUse(let used): annotated = annotated.with("inUseRevisions", .int(used.count))
        case .all, .active: break
        }
        if let strategy { annotated = annotated.with("strategy", .string(strategy.rawValue)) }
        annotated.info("revision scope loaded", ["durationMs": .double(Double(WallClock.monotonicNanoseconds() - started) / 1e6)])
    }
}
