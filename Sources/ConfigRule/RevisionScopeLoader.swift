import AWSClient
import PidModePolicy
import StructuredLogging

/// Gathers the ECS facts a revision scope needs (rule-semantics §7), with as few calls as the situation allows, and
/// returns the ``RevisionScope`` the rule applies. `ALL` and `ACTIVE` need no call. A failed ECS call fails the
/// invocation with its AWS error code: no scope is ever guessed.
struct RevisionScopeLoader {
    let ecs: ECSService?

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
                Self.warnUnparseable(parameter, name: name, logger: context.logger)
                return .all
            }
            let ecs = try client(parameter)
            ecs.resetCallCounts()
            let started = WallClock.monotonicNanoseconds()
            if parameter == .latestActive {
                let latest = try ecs.latestActiveRevision(family: revision.family, context: context)
                    .flatMap(TaskDefinitionRevision.init(arn:))
                log(parameter, ecs: ecs, started: started, logger: context.logger)
                return .latestActive(latest.map { [revision.family: $0] } ?? [:])
            }
            let used = try inUseRevisions(ecs, context: context)
            log(parameter, ecs: ecs, started: started, logger: context.logger.with("inUseRevisions", .int(used.count)))
            return .inUse(used)
        }
    }

    /// The scope of a periodic sweep, loaded once before its listing starts (no cache across invocations):
    /// `IN_USE` reads the in-use set, `LATEST_ACTIVE` the paged ACTIVE listing while it is the cheaper way
    /// (``LatestActiveRevisions``). A failed read fails the sweep before any evaluation.
    func sweepScope(_ parameter: EvaluatedRevisions, context: CallContext) throws(ConfigRuleError) -> SweepScope {
        ecs?.resetCallCounts()
        switch parameter {
        case .all: return .fixed(.all)
        case .active: return .fixed(.active)
        case .latestActive:
            let ecs = try client(parameter)
            let started = WallClock.monotonicNanoseconds()
            let revisions = try LatestActiveRevisions(ecs: ecs, context: context)
            log(.latestActive, ecs: ecs, started: started, logger: context.logger.with("listingPages", .int(revisions.listingPages))
                .with("listingComplete", .bool(revisions.listingComplete)).with("familiesSettled", .int(revisions.settledCount)))
            return .latestActive(revisions)
        case .inUse:
            let ecs = try client(parameter)
            let started = WallClock.monotonicNanoseconds()
            let used = try inUseRevisions(ecs, context: context)
            log(.inUse, ecs: ecs, started: started, logger: context.logger.with("inUseRevisions", .int(used.count)))
            return .fixed(.inUse(used))
        }
    }

    /// ECS calls made since the last scope was loaded (for a sweep: by the whole sweep, once it has ended).
    var ecsCalls: Int { ecs?.totalCalls ?? 0 }

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
    static func warnUnparseable(_ parameter: EvaluatedRevisions, name: String, logger: Logger) {
        logger.warn("no task-definition revision can be parsed from the item; evaluated as under EvaluatedRevisions ALL", [
            "evaluatedRevisions": .string(parameter.rawValue), "resource": .string(name),
        ])
    }

    /// One INFO line per scope loaded: the ECS calls it cost, per operation.
    private func log(_ parameter: EvaluatedRevisions, ecs: ECSService, started: UInt64, logger: Logger) {
        var annotated = logger.with("evaluatedRevisions", .string(parameter.rawValue)).with("ecsCalls", .int(ecs.totalCalls))
        for (operation, count) in ecs.callCounts.sorted(by: { $0.key < $1.key }) {
            annotated = annotated.with("ecs\(operation)", .int(count))
        }
        annotated.info("revision scope loaded", ["durationMs": .double(Double(WallClock.monotonicNanoseconds() - started) / 1e6)])
    }
}
