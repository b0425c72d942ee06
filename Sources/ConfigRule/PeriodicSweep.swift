import AWSClient
import StructuredLogging

/// The periodic sweep (`ScheduledNotification`, rule-semantics §4), streamed: each page of ListDiscoveredResources
/// becomes one job (BatchGetResourceConfig, evaluate each item, PutEvaluations) while the listing goes on. From the
/// start, the ``CleanUpPager`` pages the rule's reported results (GetComplianceDetailsByConfigRule) on its own thread,
/// so it reads the results from before the sweep, not the sweep's own (see there why that is what we want). Only keys
/// are kept (``InventoryKeys``: the listed ones, the reported ones); once BOTH the listing and that paging are complete,
/// every reported resource gone from the inventory gets NOT_APPLICABLE, in batches of ≤ 100 through the same jobs.
///
/// What was delivered stays delivered: when a call fails for good or the deadline leaves no time for more, no new work
/// starts, the work in flight ends, and the sweep throws the cause with the counts of what was and was not evaluated
/// (``SweepProgress``); a cut-off by the deadline is `ConfigRule.DeadlineExceeded`. The next sweep starts over.
struct PeriodicSweep {
    let jobs: SweepJobs
    let notificationTime: Timestamp
    let configRuleName: String?
    let parameters: RuleParameters
    /// The revision scope (rule-semantics §7), loaded before the sweep starts.
    let scope: SweepScope
    /// Approved exceptions (§8), applied to each NON_COMPLIANT verdict; shared by the sweep's threads.
    let exemptions: Exemptions
    let delivery: SweepDelivery
    /// The clean-up pager's own service (own connection); `nil` pages on the listing thread after the listing.
    let cleanUpService: ConfigService?
    /// The invocation's context with a ``RequestGate`` shared by the listing thread, every worker and the clean-up
    /// pager: one request in flight per thread at most.
    let context: CallContext

    /// - Parameter context: the invocation's context; the sweep adds the gate.
    init(
        jobs: SweepJobs, notificationTime: Timestamp, configRuleName: String?, parameters: RuleParameters,
        scope: SweepScope = .fixed(.all), exemptions: Exemptions, delivery: SweepDelivery, cleanUpService: ConfigService? = nil,
        context: CallContext
    ) {
        self.cleanUpService = cleanUpService
        self.scope = scope
        self.exemptions = exemptions
        self.jobs = jobs
        self.notificationTime = notificationTime
        self.configRuleName = configRuleName
        self.parameters = parameters
        self.delivery = delivery
        var gated = context
        gated.gate = context.gate ?? RequestGate(maximum: jobs.workerCount + 1 + (cleanUpService == nil ? 0 : 1))
        self.context = gated
    }

    /// Time left before the deadline (after the retry policy's reserve for answering) below which no new page or
    /// batch is started: enough for one BatchGetResourceConfig and one PutEvaluations at AWS latencies.
    static let minimumWorkMilliseconds: Int64 = 1_000

    /// The sweep's one decision per inventory item (§4 step 3: the rule of §2 at the notification time, then the
    /// revision scope of §7). Items the rule cannot evaluate are logged and skipped (`nil`); a failed scope lookup
    /// (ECS) is thrown: it stops the sweep and never becomes a verdict. A NON_COMPLIANT verdict then goes through the
    /// approved exceptions (§8); a registry that is needed and can't be used (`.exceptionsUnavailable`) is thrown
    /// too: nothing is delivered as if there were no exceptions.
    func evaluate(_ item: ConfigurationItem) throws(ConfigRuleError) -> Evaluation? {
        var lookupFailure: ConfigRuleError?
        let evaluation: Evaluation
        do throws(ConfigRuleError) {
            evaluation = try PidModeRule.evaluate(
                item, parameters: parameters, eventLeftScope: false, orderingTimestamp: notificationTime,
                scopeFor: { revision throws(ConfigRuleError) in
                    do throws(ConfigRuleError) {
                        return try scope.scope(for: revision, name: item.resourceName ?? item.resourceID, context: context)
                    } catch {
                        lookupFailure = error
                        throw error
                    }
                }
            )
        } catch {
            if let lookupFailure { throw lookupFailure }
            context.logger.warn("configuration item not evaluated", [
                "resourceType": .string(item.resourceType), "resourceId": .string(item.resourceID),
                "error": .string(error.message),
            ])
            return nil
        }
        return try exemptions.apply(evaluation, item: item)
    }

    /// Lists, reads, evaluates and delivers the inventory while the clean-up pager pages the reported results, then
    /// delivers the clean-up.
    /// - Returns: the counts of a complete sweep.
    /// - Throws: ``ConfigRuleError``: the first failure of any of the sweep's threads (`ConfigRule.DeadlineExceeded`
    ///   when time ran out), its message ending with the sweep's counts; everything delivered before it stays
    ///   delivered. No thread of the sweep runs on once this returns or throws.
    func run() throws(ConfigRuleError) -> SweepProgress.Counts {
        let progress = jobs.progress
        var inventory = InventoryKeys(primaryType: ConfigWire.taskDefinitionResourceType)
        let pager = makeCleanUpPager()
        do throws(ConfigRuleError) {
            var token: String?
            repeat {
                try jobs.ensureNoFailure()
                try ensureTimeForMoreWork()
                let page = try jobs.service.discoveredResourcesPage(
                    resourceType: ConfigWire.taskDefinitionResourceType, nextToken: token, context: context
                )
                let fresh = page.keys.filter { inventory.insert($0) }
                progress.update { $0.listed += fresh.count }
                if !fresh.isEmpty {
                    try jobs.submit { service, scratch throws(ConfigRuleError) in
                        try readEvaluateDeliver(fresh, service: service, scratch: &scratch)
                    }
                }
                token = page.nextToken
            } while token != nil
            progress.update { $0.listingComplete = true }
            if let pager { try cleanUp(reported: try pager.reportedKeys(), inventory: inventory, pages: pager.pages) }
            try jobs.finish()
            if pager != nil { progress.update { $0.cleanUpComplete = true } }
        } catch {
            let cause = jobs.fail(error)
            jobs.abandon()
            pager?.join()
            context.metrics.set(.sweepInventorySize, Double(progress.snapshot.listed))
            throw failure(cause, counts: progress.snapshot)
        }
        context.metrics.set(.sweepInventorySize, Double(progress.snapshot.listed))
        context.logger.debug("sweep inventory keys", ["keys": .int(inventory.count), "bytes": .int(inventory.footprintBytes)])
        return progress.snapshot
    }

    /// One listed page: read the items, evaluate each, deliver the evaluations.
    private func readEvaluateDeliver(_ keys: [ResourceKey], service: ConfigService, scratch: inout [UInt8]) throws(ConfigRuleError) {
        try ensureTimeForMoreWork()
        let items = try service.configurationItems(for: keys, scratch: &scratch, context: context)
        var evaluations: [Evaluation] = []
        evaluations.reserveCapacity(items.count)
        for item in items {
            if let evaluation = try evaluate(item) { evaluations.append(evaluation) }
        }
        let skipped = items.count - evaluations.count
        let calls = try delivery.put(evaluations, service: service, context: context)
        ConfigRuleHandler.countDelivered(evaluations, in: context.metrics)
        jobs.progress.update { counts in
            counts.read += items.count
            counts.notReturned += keys.count - items.count
            counts.skipped += skipped
            counts.putCalls += calls
            for evaluation in evaluations { counts.delivered[evaluation.complianceType, default: 0] += 1 }
        }
    }

    /// The clean-up pager, started at once; `nil` when the clean-up is skipped (one WARN): the event names no rule, or
    /// a rule name GetComplianceDetailsByConfigRule rejects (over 64 characters).
    private func makeCleanUpPager() -> CleanUpPager? {
        guard let configRuleName, !configRuleName.isEmpty else {
            context.logger.warn("clean-up skipped: the event has no configRuleName")
            jobs.progress.update { $0.cleanUpComplete = true }
            return nil
        }
        guard configRuleName.count <= ConfigWire.maxComplianceQueryRuleNameLength else {
            context.logger.warn("clean-up skipped: GetComplianceDetailsByConfigRule accepts rule names of at most 64 characters", [
                "configRuleName": .string(configRuleName),
            ])
            jobs.progress.update { $0.cleanUpComplete = true }
            return nil
        }
        return CleanUpPager(configRuleName: configRuleName, service: cleanUpService, jobs: jobs, context: context)
    }

    /// §4 step 4, once the listing and the paging of the reported results are both complete: NOT_APPLICABLE for every
    /// resource the rule reported COMPLIANT or NON_COMPLIANT that the inventory does not have, delivered in batches of
    /// ≤ 100 through the jobs.
    private func cleanUp(reported: InventoryKeys, inventory: InventoryKeys, pages: Int) throws(ConfigRuleError) {
        var stale: [Evaluation] = []
        var staleCount = 0
        try reported.forEach { key throws(ConfigRuleError) in
            guard !inventory.contains(key) else { return }
            stale.append(Evaluation(
                resourceType: key.resourceType, resourceID: key.resourceID, complianceType: .notApplicable,
                annotation: "resource is no longer in AWS Config's inventory", orderingTimestamp: notificationTime
            ))
            staleCount += 1
            if stale.count == ConfigWire.maxEvaluationsPerCall {
                try deliverCleanUp(stale)
                stale = []
            }
        }
        if !stale.isEmpty { try deliverCleanUp(stale) }
        context.logger.debug("sweep clean-up keys", [
            "reported": .int(reported.count), "bytes": .int(reported.footprintBytes), "pages": .int(pages), "stale": .int(staleCount),
        ])
    }

    /// One batch of ≤ 100 clean-up NOT_APPLICABLEs, as a job.
    private func deliverCleanUp(_ batch: [Evaluation]) throws(ConfigRuleError) {
        try ensureTimeForMoreWork()
        try jobs.submit { service, _ throws(ConfigRuleError) in
            let calls = try delivery.put(batch, service: service, context: context)
            ConfigRuleHandler.countDelivered(batch, in: context.metrics)
            jobs.progress.update { counts in
                counts.cleanedUp += batch.count
                counts.putCalls += calls
                counts.delivered[.notApplicable, default: 0] += batch.count
            }
        }
    }

    /// Throws the deadline failure when too little time is left to start more work.
    private func ensureTimeForMoreWork() throws(ConfigRuleError) {
        try Self.ensureTimeForMoreWork(context)
    }

    /// Throws the deadline failure when too little time is left before `context`'s deadline to start more work (the
    /// same check for every thread of the sweep).
    static func ensureTimeForMoreWork(_ context: CallContext) throws(ConfigRuleError) {
        let left = context.deadlineMilliseconds - WallClock.nowMilliseconds() - Int64(RetryPolicy().reserveMilliseconds)
        guard left >= minimumWorkMilliseconds else {
            throw ConfigRuleError.aws(AWSClientError(.deadlineExceeded, operation: "PeriodicSweep"))
        }
    }

    /// The error that ends an incomplete sweep: its cause, with the counts appended and logged.
    private func failure(_ cause: ConfigRuleError, counts: SweepProgress.Counts) -> ConfigRuleError {
        var error = cause
        let deadline = cause.awsError?.code == .deadlineExceeded
        error.message = (deadline ? "sweep cut off by the invocation deadline: " : "\(cause.message); sweep stopped: ") + counts.description
        counts.annotating(context.logger).error("sweep incomplete", ["errorType": .string(error.errorType)])
        return error
    }
}

/// How the sweep delivers one batch of ≤ 100 evaluations (the event's result token and test mode).
struct SweepDelivery {
    let resultToken: String
    let testMode: Bool

    /// - Returns: the PutEvaluations calls made.
    func put(_ evaluations: [Evaluation], service: ConfigService, context: CallContext) throws(ConfigRuleError) -> Int {
        try service.putEvaluations(evaluations, resultToken: resultToken, testMode: testMode, context: context)
    }
}
