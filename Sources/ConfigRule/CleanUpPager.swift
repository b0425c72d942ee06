import AWSClient

/// The periodic sweep's clean-up query (rule-semantics §4 step 4) paged on its own thread, with its own
/// ``ConfigService`` (own connection), while the inventory is listed: every resource
/// `GetComplianceDetailsByConfigRule` reports COMPLIANT or NON_COMPLIANT for the rule is kept, once and compactly
/// (``InventoryKeys``), until the listing is complete and the sweep can tell which ones are gone from the inventory.
///
/// **Why it pages the results from before the sweep.** It starts with the sweep, so what it pages is what previous
/// sweeps and change events reported, not what this sweep is putting: the sweep's own results all name resources of the
/// inventory, which never need cleaning up, and paging them after the sweep cost one more page per 100 items at the
/// end of the sweep (about half its wall time at 100 000 items). The accepted edge: a result changed while being paged
/// (by this sweep's own PutEvaluations or a change event) can shift the pages, so another result can be missed or seen
/// twice. Seen twice is de-duplicated by the key set; a stale result missed is cleaned up by the next sweep.
///
/// Every call goes through the sweep's ``RequestGate``, the retry policy and the deadline check of the other threads.
/// The pager stops before its next page once the sweep has failed (``SweepJobs/failure``); its own failure (a call
/// failed for good, too little time left) is reported with ``SweepJobs/fail(_:)`` and stops the sweep.
final class CleanUpPager: @unchecked Sendable {
    private let configRuleName: String
    private let service: ConfigService
    private let jobs: SweepJobs
    private let context: CallContext
    private var thread: WorkerThread?
    /// Written by the pager's thread, read after ``join()`` (the join orders the two).
    private var reported: InventoryKeys?
    private(set) var pages = 0

    /// Starts paging at once on a thread of its own.
    /// - Parameter service: the pager's own service; `nil` (or no thread to be had) pages with the jobs' service on the
    ///   caller's thread in ``reportedKeys()``, once the listing is complete, as the sweep did before.
    init(configRuleName: String, service: ConfigService?, jobs: SweepJobs, context: CallContext) {
        self.configRuleName = configRuleName
        self.service = service ?? jobs.service
        self.jobs = jobs
        self.context = context
        if service != nil {
            let thread = WorkerThread { [self] in self.pageAll() }
            if thread.started { self.thread = thread }
        }
    }

    /// Whether the paging runs on its own thread (else ``reportedKeys()`` pages on the caller's).
    var isConcurrent: Bool { thread != nil }

    /// Waits for the paging to end and returns every reported key.
    /// - Throws: the sweep's first failure when the paging did not complete (its own or another thread's).
    func reportedKeys() throws(ConfigRuleError) -> InventoryKeys {
        if thread == nil { pageAll() } else { join() }
        if let reported { return reported }
        throw jobs.failure ?? ConfigRuleError(.awsCallFailed, "GetComplianceDetailsByConfigRule paging stopped")
    }

    /// Waits for the pager's thread, if any (after a failure it ends before its next page).
    func join() {
        thread?.join()
        thread = nil
    }

    private func pageAll() {
        var keys = InventoryKeys(primaryType: ConfigWire.taskDefinitionResourceType, expectedCount: 16)
        var token: String?
        do throws(ConfigRuleError) {
            repeat {
                try jobs.ensureNoFailure()
                try PeriodicSweep.ensureTimeForMoreWork(context)
                let page = try service.reportedResourcesPage(configRuleName: configRuleName, nextToken: token, context: context)
                pages += 1
                for key in page.keys { keys.insert(key) }
                token = page.nextToken
            } while token != nil
            reported = keys
        } catch {
            jobs.fail(error)
        }
    }
}
