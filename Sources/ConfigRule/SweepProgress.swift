import AWSClient
import StructuredLogging

/// What a sweep has done so far, updated by every thread of the sweep under one lock.
final class SweepProgress: @unchecked Sendable {
    /// The counts of one sweep.
    struct Counts: Sendable, Equatable, CustomStringConvertible {
        /// Distinct resources ListDiscoveredResources returned.
        var listed = 0
        var listingComplete = false
        /// Items BatchGetResourceConfig returned and whose evaluations were delivered.
        var read = 0
        /// Listed, but no longer returned by BatchGetResourceConfig (deleted between the calls): not evaluated.
        var notReturned = 0
        /// Returned but not evaluable (an evaluable status without a configuration object): logged, not evaluated.
        var skipped = 0
        /// NOT_APPLICABLE evaluations delivered for resources gone from the inventory.
        var cleanedUp = 0
        var cleanUpComplete = false
        /// Evaluations delivered (accepted by PutEvaluations), inventory and clean-up, per compliance type.
        var delivered: [ComplianceType: Int] = [:]
        var putCalls = 0

        var deliveredTotal: Int { delivered.values.reduce(0, +) }
        /// Inventory evaluations delivered.
        var evaluated: Int { deliveredTotal - cleanedUp }
        /// Listed resources without a delivered evaluation, other than the skipped and not returned ones.
        var notEvaluated: Int { listed - evaluated - skipped - notReturned }

        var description: String {
            "\(evaluated) of \(listed) listed task definitions evaluated and delivered"
                + (listingComplete ? "" : " (listing incomplete)")
                + ", \(notEvaluated) not evaluated, \(skipped) skipped, \(notReturned) gone between calls; clean-up "
                + (cleanUpComplete ? "complete" : "incomplete") + ", \(cleanedUp) NOT_APPLICABLE delivered; "
                + "\(deliveredTotal) evaluations in \(putCalls) PutEvaluations calls"
        }

        /// `logger` with the counts as fields.
        func annotating(_ logger: Logger) -> Logger {
            let fields: KeyValuePairs<String, LogValue> = [
                "listed": .int(listed), "listingComplete": .bool(listingComplete), "evaluated": .int(evaluated),
                "notEvaluated": .int(notEvaluated), "skipped": .int(skipped), "notReturned": .int(notReturned),
                "cleanedUp": .int(cleanedUp), "cleanUpComplete": .bool(cleanUpComplete),
                "evaluationsPut": .int(deliveredTotal), "putEvaluationsCalls": .int(putCalls),
            ]
            return fields.reduce(logger) { $0.with($1.key, $1.value) }
        }
    }

    private let lock = Lock()
    private var counts = Counts()

    func update(_ change: (inout Counts) -> Void) {
        lock.withLock { change(&counts) }
    }

    var snapshot: Counts { lock.withLock { counts } }
}
