import Foundation
import Testing

/// rule-semantics.md §4 end to end: the periodic sweep (`ScheduledNotification`) of the real bootstrap against the
/// emulator's inventory and compliance store: paging, batching, unprocessed keys, throttling, clean-up, an empty
/// inventory, `SkipInactiveTaskDefinitions`, long rule names and a 10 000-item inventory. The sweep streams: pages are
/// read and delivered by worker threads while the listing goes on, and the clean-up query is paged on its own thread
/// from the start, so the order of calls across operations is not fixed; what is fixed is asserted (call counts, keys
/// per call, clean-up NOT_APPLICABLEs only after the whole listing).
@Suite("Periodic sweep, end to end")
struct PeriodicSweepTests {
    static let taskDefinition = E2EHarness.taskDefinitionType
    static let readOperations: Set<String> = [
        "ListDiscoveredResources", "BatchGetResourceConfig", "GetComplianceDetailsByConfigRule",
    ]

    /// A resource (type + id) and the compliance the sweep must report for it.
    struct Verdict: Hashable {
        var resourceType: String
        var resourceID: String
        var complianceType: String
    }

    static func key(_ type: String?, _ id: String?) -> String { "\(type ?? "?")|\(id ?? "?")" }

    /// The annotation of a clean-up NOT_APPLICABLE (a resource gone from the inventory).
    static let cleanUpAnnotation = "resource is no longer in AWS Config's inventory"

    /// PutEvaluations calls that carry clean-up NOT_APPLICABLEs.
    static func cleanUpPuts(_ calls: [ConfigCall]) -> [ConfigCall] {
        calls.filter { call in
            call.operation == "PutEvaluations" && call.evaluations.contains { $0["Annotation"] as? String == cleanUpAnnotation }
        }
    }

    /// Asserts a successful sweep: `/response`, well-formed calls (valid SigV4, no model errors, trace header, done
    /// before the answer), clean-up NOT_APPLICABLEs sent only after the last list page was answered (the inventory is
    /// complete), every PutEvaluations ≤ 100 evaluations with
    /// the event's token and no TestMode, and exactly `expected` accepted: each resource once, with its compliance
    /// type, `OrderingTimestamp` = the notification time (a JSON number, to the millisecond) and an annotation of
    /// 1–256 UTF-16 units. Returns the invocation's Config calls.
    @discardableResult
    static func expectSweep(
        _ h: E2EHarness,
        _ invocation: InvocationView,
        expected: [Verdict],
        resultToken: String = "myResultToken",
        throttlingAllowed: Bool = false,
        _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [ConfigCall] {
        #expect(invocation.state == "response", "\(label): \(invocation.summary)\(h.dump())", sourceLocation: sourceLocation)
        #expect(invocation.answers == 1, "\(label): \(invocation.summary)", sourceLocation: sourceLocation)
        let calls = try h.calls(for: invocation)
        h.expectWellFormedCalls(calls, of: invocation, label, sourceLocation: sourceLocation)
        let puts = calls.filter { $0.operation == "PutEvaluations" }
        let reads = calls.filter { readOperations.contains($0.operation ?? "") }
        #expect(puts.count + reads.count == calls.count, "\(label): unexpected operations \(calls.map(\.summary))",
                sourceLocation: sourceLocation)
        let lists = calls.filter { $0.operation == "ListDiscoveredResources" }
        let listingAnswered = lists.map { $0.completedSeq ?? Int.max }.max()
        if let listingAnswered, let firstCleanUp = cleanUpPuts(calls).map(\.seq).min() {
            #expect(listingAnswered < firstCleanUp, "\(label): clean-up NOT_APPLICABLE sent before the listing was complete",
                    sourceLocation: sourceLocation)
        }
        for put in puts where !(throttlingAllowed && put.errorType == "ThrottlingException") {
            #expect(put.status == 200, "\(label): \(put.summary)", sourceLocation: sourceLocation)
            #expect((1...100).contains(put.evaluations.count), "\(label): \(put.evaluations.count) evaluations in one call",
                    sourceLocation: sourceLocation)
            #expect(put.body?["ResultToken"] as? String == resultToken, "\(label): \(put.summary)", sourceLocation: sourceLocation)
            #expect(put.body?["TestMode"] == nil || (put.body?["TestMode"] as? Bool) == false, "\(label): TestMode sent",
                    sourceLocation: sourceLocation)
            for evaluation in put.evaluations {
                let stamp = evaluation["OrderingTimestamp"] as? NSNumber
                let sent = String(describing: evaluation["OrderingTimestamp"])
                let id = String(describing: evaluation["ComplianceResourceId"])
                #expect(stamp.map { abs($0.doubleValue - SweepEvents.notificationTime) < 0.0005 } == true,
                        "\(label): OrderingTimestamp \(sent) for \(id), expected \(SweepEvents.notificationTime)",
                        sourceLocation: sourceLocation)
            }
        }
        let accepted = try h.evaluations(for: invocation)
        #expect(accepted.count == expected.count, "\(label): \(accepted.count) evaluations accepted, expected \(expected.count)",
                sourceLocation: sourceLocation)
        var wanted: [String: String] = [:]
        for verdict in expected { wanted[key(verdict.resourceType, verdict.resourceID)] = verdict.complianceType }
        var seen: [String: Int] = [:]
        var problems: [String] = []
        for evaluation in accepted {
            let k = key(evaluation.resourceType, evaluation.resourceID)
            seen[k, default: 0] += 1
            if let want = wanted[k] {
                if evaluation.complianceType != want { problems.append("\(evaluation.summary) (expected \(want))") }
            } else {
                problems.append("unexpected \(evaluation.summary)")
            }
            let annotation = evaluation.annotation ?? ""
            if annotation.isEmpty || annotation.utf16.count > 256 { problems.append("annotation of \(evaluation.summary)") }
            if evaluation.resultToken != resultToken || evaluation.testMode != false { problems.append("token/testMode of \(evaluation.summary)") }
        }
        for (k, count) in seen where count > 1 { problems.append("\(k) reported \(count) times") }
        for verdict in expected where seen[key(verdict.resourceType, verdict.resourceID)] == nil {
            problems.append("no evaluation for \(verdict.resourceType) \(verdict.resourceID)")
        }
        #expect(problems.isEmpty, "\(label): \(problems.count) problem(s): \(problems.prefix(20))", sourceLocation: sourceLocation)
        return calls
    }

    /// The default seeded inventory's verdicts (emulator README) plus the `retired-family` clean-up.
    static let defaultVerdicts: [Verdict] = [
        Verdict(resourceType: taskDefinition, resourceID: "testtaskdef", complianceType: "NON_COMPLIANT"),
        Verdict(resourceType: taskDefinition, resourceID: "webapp", complianceType: "COMPLIANT"),
        Verdict(resourceType: taskDefinition, resourceID: "batch-worker", complianceType: "COMPLIANT"),
        Verdict(resourceType: taskDefinition, resourceID: "legacy-agent", complianceType: "NON_COMPLIANT"),
        Verdict(resourceType: taskDefinition, resourceID: "retired-family", complianceType: "NOT_APPLICABLE"),
    ]

    /// Verdicts for a generated inventory of `count` items.
    static func generatedVerdicts(count: Int, hostEvery: Int = 7, inactiveEvery: Int = 0, skipInactive: Bool = false) -> [Verdict] {
        (0..<count).map { $0 + 1 }.map { i in
            Verdict(
                resourceType: taskDefinition, resourceID: SweepEvents.generatedID(i, count: count),
                complianceType: SweepEvents.generatedVerdict(i, hostEvery: hostEvery, inactiveEvery: inactiveEvery, skipInactive: skipInactive)
            )
        }
    }

    /// The two seeded compliance results that a replaced inventory no longer has: both become NOT_APPLICABLE.
    static let seededStale: [Verdict] = [
        Verdict(resourceType: taskDefinition, resourceID: "testtaskdef", complianceType: "NOT_APPLICABLE"),
        Verdict(resourceType: taskDefinition, resourceID: "retired-family", complianceType: "NOT_APPLICABLE"),
    ]

    static func operations(_ calls: [ConfigCall], _ name: String) -> [ConfigCall] {
        calls.filter { $0.operation == name }
    }

    static func resourceKeyIDs(_ call: ConfigCall) -> [String] {
        (call.body?["resourceKeys"] as? [[String: Any]] ?? []).compactMap { $0["resourceId"] as? String }
    }

    // MARK: Tests

    @Test("default seeded inventory → 4 inventory evaluations + retired-family NOT_APPLICABLE, at notificationCreationTime")
    func defaultInventory() throws {
        try withHarness { h in
            let event = try SweepEvents.scheduled()
            let invocation = try h.run(event: try E2EEvents.text(event))
            let calls = try Self.expectSweep(h, invocation, expected: Self.defaultVerdicts, "default inventory")
            // Streamed: the page is read and delivered (4), the clean-up query follows the listing and delivers its own (1).
            #expect(calls.map { $0.operation ?? "?" }.sorted() == [
                "BatchGetResourceConfig", "GetComplianceDetailsByConfigRule", "ListDiscoveredResources", "PutEvaluations",
                "PutEvaluations",
            ], "\(calls.map(\.summary))")
            #expect(calls.allSatisfy { $0.status == 200 }, "\(calls.map(\.summary))")
            if let list = Self.operations(calls, "ListDiscoveredResources").first {
                #expect(list.body?["resourceType"] as? String == Self.taskDefinition, "\(list.raw)")
                #expect(int(list.body?["limit"]) == 100, "\(list.raw)")
                #expect(list.body?["includeDeletedResources"] == nil || int(list.body?["includeDeletedResources"]) == 0,
                        "deleted resources must not be listed: \(list.raw)")
            }
            if let batch = Self.operations(calls, "BatchGetResourceConfig").first {
                #expect(Self.resourceKeyIDs(batch) == ["testtaskdef", "webapp", "batch-worker", "legacy-agent"], "\(batch.raw)")
            }
            if let compliance = Self.operations(calls, "GetComplianceDetailsByConfigRule").first {
                #expect(compliance.body?["ConfigRuleName"] as? String == E2EHarness.seededRuleName, "\(compliance.raw)")
                #expect(Set(compliance.body?["ComplianceTypes"] as? [String] ?? []) == ["COMPLIANT", "NON_COMPLIANT"], "\(compliance.raw)")
                #expect(int(compliance.body?["Limit"]) == 100, "\(compliance.raw)")
            }
            // ComplianceResourceId is Config's id verbatim, the type Config's.
            let puts = Self.operations(calls, "PutEvaluations").map { $0.evaluations.map { $0["ComplianceResourceId"] as? String ?? "?" } }
            #expect(Set(puts) == [["testtaskdef", "webapp", "batch-worker", "legacy-agent"], ["retired-family"]], "\(puts)")
            let put = Self.operations(calls, "PutEvaluations").flatMap(\.evaluations)
            #expect(put.allSatisfy { $0["ComplianceResourceType"] as? String == Self.taskDefinition }, "\(put)")
            let body = invocation.responseObject ?? [:]
            #expect(int(body["evaluationsPut"]) == 5, "\(invocation.summary)")
            #expect(int(body["inventory"]) == 4 && int(body["cleanedUp"]) == 1, "\(invocation.summary)")
        }
    }

    @Test("250 items → 3 list pages (nextToken followed), 3 batch reads ≤ 100 keys, PutEvaluations 100/100/50 + clean-up 2")
    func paging250() throws {
        try withHarness { h in
            let summary = try h.generateInventory(count: 250, hostEvery: 7)
            #expect(int(summary["listed"]) == 250, "\(summary)")
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()), timeoutMs: 30_000)
            let expected = Self.generatedVerdicts(count: 250, hostEvery: 7) + Self.seededStale
            let calls = try Self.expectSweep(h, invocation, expected: expected, "250 items")
            #expect(calls.allSatisfy { $0.status == 200 }, "\(calls.map(\.summary))")

            let lists = Self.operations(calls, "ListDiscoveredResources")
            #expect(lists.count == 3, "\(lists.map(\.summary))")
            #expect(lists.allSatisfy { int($0.body?["limit"]) == 100 }, "limit must be 100 on every page: \(lists.map(\.body))")
            #expect(lists.map { $0.body?["nextToken"] is String } == [false, true, true],
                    "the first page without nextToken, then the reply's token: \(lists.map(\.body))")
            #expect(lists.map { int($0.result?["pageSize"]) ?? -1 } == [100, 100, 50], "\(lists.map(\.raw))")

            let batches = Self.operations(calls, "BatchGetResourceConfig")
            #expect(batches.count == 3, "\(batches.map(\.summary))")
            let batchIDs = batches.map(Self.resourceKeyIDs)
            #expect(batchIDs.map(\.count).sorted() == [50, 100, 100], "\(batchIDs.map(\.count))")
            #expect(batchIDs.sorted { $0.first ?? "" < $1.first ?? "" }.flatMap { $0 } == (1...250).map { SweepEvents.generatedID($0, count: 250) },
                    "every listed id read exactly once, page by page")

            #expect((1...3).contains(Self.operations(calls, "GetComplianceDetailsByConfigRule").count), "the clean-up query pages the results from before the sweep (1 page), at worst a few of its own")
            let puts = Self.operations(calls, "PutEvaluations")
            #expect(puts.map(\.evaluations.count).sorted() == [2, 50, 100, 100], "\(puts.map(\.summary))")
        }
    }

    @Test("130 items and no stale compliance → exactly two PutEvaluations (100 + 30)")
    func twoPuts130() throws {
        try withHarness { h in
            try h.generateInventory(count: 130, hostEvery: 5)
            try h.seedCompliance([], replace: true)
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()), timeoutMs: 30_000)
            let calls = try Self.expectSweep(h, invocation, expected: Self.generatedVerdicts(count: 130, hostEvery: 5), "130 items")
            #expect(Self.operations(calls, "PutEvaluations").map(\.evaluations.count).sorted() == [30, 100], "\(calls.map(\.summary))")
            #expect(Self.operations(calls, "ListDiscoveredResources").count == 2)
            #expect(Self.operations(calls, "BatchGetResourceConfig").map { Self.resourceKeyIDs($0).count }.sorted() == [30, 100])
        }
    }

    @Test("unprocessed keys for 2 rounds → re-sent (only those), all evaluated")
    func unprocessedTwoRounds() throws {
        try withHarness { h in
            try h.generateInventory(count: 150, hostEvery: 7)
            let early = SweepEvents.generatedID(5, count: 150)
            let early2 = SweepEvents.generatedID(70, count: 150)
            let late = SweepEvents.generatedID(120, count: 150)
            try h.markUnprocessed([early, early2, late], rounds: 2)
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()), timeoutMs: 30_000)
            let expected = Self.generatedVerdicts(count: 150, hostEvery: 7) + Self.seededStale
            let calls = try Self.expectSweep(h, invocation, expected: expected, "unprocessed ×2")
            let batches = Self.operations(calls, "BatchGetResourceConfig").map(Self.resourceKeyIDs)
            #expect(batches.map(\.count).sorted() == [1, 1, 2, 2, 50, 100], "\(batches.map(\.count))")
            #expect(batches.filter { $0.count == 2 }.allSatisfy { Set($0) == [early, early2] }, "\(batches)")
            #expect(batches.filter { $0.count == 1 }.allSatisfy { $0 == [late] }, "\(batches)")
            let summary = try h.controlGET("/inventory") as? [String: Any]
            #expect((summary?["unprocessed"] as? [Any])?.isEmpty == true, "marks should be used up: \(String(describing: summary))")
        }
    }

    @Test("keys unprocessed forever → /error ConfigRule.* with the counts, bounded rounds; the first page stays delivered")
    func unprocessedForever() throws {
        try withHarness { h in
            try h.generateInventory(count: 150, hostEvery: 7)
            // The stuck key is in the second batch: the first batch's 100 items are read and delivered, the second's not.
            try h.markUnprocessed([SweepEvents.generatedID(130, count: 150)], rounds: 1_000)
            try h.seedCompliance([], replace: true)  // no clean-up: only inventory evaluations are delivered
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()), timeoutMs: 20_000)
            #expect(invocation.state == "error", "\(invocation.summary)\(h.dump())")
            #expect(invocation.answers == 1)
            #expect(invocation.errorDocument.type?.hasPrefix("ConfigRule.") == true, "\(invocation.summary)")
            #expect(invocation.errorTypeHeader == invocation.errorDocument.type, "\(invocation.summary)")
            #expect(!invocation.answeredAfterDeadline, "\(invocation.summary)")
            let calls = try h.calls(for: invocation)
            h.expectWellFormedCalls(calls, of: invocation, "unprocessed forever")
            let puts = Self.operations(calls, "PutEvaluations")
            #expect(puts.flatMap(\.evaluations).compactMap { $0["ComplianceResourceId"] as? String }.sorted() ==
                    (1...100).map { SweepEvents.generatedID($0, count: 150) }, "only the first page is delivered: \(calls.map(\.summary))")
            let batches = Self.operations(calls, "BatchGetResourceConfig")
            #expect((3...7).contains(batches.count), "re-reads must happen and be bounded: \(batches.count) calls")
            #expect(try h.evaluations(for: invocation).count == 100)
            let message = invocation.errorDocument.message ?? ""
            #expect(message.contains("100 of 150 listed task definitions evaluated and delivered"), "\(message)")
            #expect(message.contains("50 not evaluated"), "\(message)")
            #expect(h.isBootstrapRunning)
        }
    }

    @Test("deadline cut-off → what was delivered stays delivered, /error ConfigRule.DeadlineExceeded with the counts, in time")
    func deadlineCutOff() throws {
        try withHarness { h in
            let count = 3_000
            try h.generateInventory(count: count, hostEvery: 7)
            // Stale results the clean-up pager reads at once, but may report only once the listing is complete.
            try h.seedCompliance((1...3).map { i in
                ["resourceType": Self.taskDefinition, "resourceId": "stale-\(i)", "complianceType": "COMPLIANT",
                 "orderingTimestamp": 1_704_067_200] as [String: Any]
            }, replace: true)
            // Every batch read takes 0.5 s: 30 pages on 4 workers need ~4 s, the invocation has 3 s.
            try h.injectFaults(operation: "BatchGetResourceConfig", faults: [["kind": "slow", "delayMs": 500, "repeat": true]])
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()), timeoutMs: 3_000)
            #expect(invocation.state == "error" && invocation.answers == 1, "\(invocation.summary)\(h.dump())")
            #expect(invocation.errorDocument.type == "ConfigRule.DeadlineExceeded", "\(invocation.summary)")
            #expect(invocation.errorTypeHeader == "ConfigRule.DeadlineExceeded", "\(invocation.summary)")
            #expect(!invocation.answeredAfterDeadline, "\(invocation.summary)")
            let calls = try h.calls(for: invocation)
            h.expectWellFormedCalls(calls, of: invocation, "deadline cut-off")
            let message = invocation.errorDocument.message ?? ""
            let prefix = "sweep cut off by the invocation deadline: "
            // "<evaluated> of <listed> listed task definitions evaluated and delivered[ (listing incomplete)], <n> not evaluated, …"
            let numbers = message.dropFirst(prefix.count).split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            #expect(message.hasPrefix(prefix) && numbers.count >= 3, "\(message)")
            let (evaluated, listed, notEvaluated) = numbers.count >= 3 ? (numbers[0], numbers[1], numbers[2]) : (-1, -1, -1)
            let accepted = try h.evaluations(for: invocation).filter { $0.annotation != Self.cleanUpAnnotation }
            #expect(evaluated == accepted.count, "the counts must match what Config accepted: \(message), \(accepted.count) accepted")
            #expect(accepted.count > 0 && listed <= count && accepted.count < count, "\(accepted.count) delivered: \(message)")
            #expect(notEvaluated == listed - evaluated, "\(message)")
            #expect(message.contains("listing incomplete") == (listed < count), "\(message)")
            #expect(message.contains("clean-up incomplete"), "\(message)")
            let wanted = Dictionary(uniqueKeysWithValues: Self.generatedVerdicts(count: count).map { ($0.resourceID, $0.complianceType) })
            let wrong = accepted.filter { wanted[$0.resourceID ?? ""] != $0.complianceType }
            #expect(wrong.isEmpty, "\(wrong.prefix(5).map(\.summary))")
            #expect(Set(accepted.compactMap(\.resourceID)).count == accepted.count, "an evaluation delivered twice")
            #expect(!Self.operations(calls, "GetComplianceDetailsByConfigRule").isEmpty, "the clean-up query is paged from the start")
            if listed < count {
                #expect(Self.cleanUpPuts(calls).isEmpty, "clean-up NOT_APPLICABLE before the inventory was complete")
            }
            #expect(h.isBootstrapRunning)
        }
    }

    @Test("throttling storm (10 % of calls throttled at random + a 200 ms storm every second) → every evaluation delivered once")
    func throttlingStorm() throws {
        try withHarness { h in
            let count = 2_000
            try h.generateInventory(count: count, hostEvery: 7)
            _ = try h.controlPOST("/traffic", ["operations": ["*": [
                "latencyMs": 5, "throttleProbability": 0.1, "storm": ["everyMs": 1_000, "durationMs": 200],
            ]]])
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()), timeoutMs: 60_000)
            let expected = Self.generatedVerdicts(count: count) + Self.seededStale
            try Self.expectSweep(h, invocation, expected: expected, throttlingAllowed: true, "throttling storm")
            let counters = try h.controlGET("/traffic") as? [String: Any]
            let perOperation = counters?["counters"] as? [String: [String: Any]] ?? [:]
            let throttled = perOperation.values.compactMap { int($0["throttled"]) }.reduce(0, +)
            let calls = perOperation.values.compactMap { int($0["calls"]) }.reduce(0, +)
            // ~90 calls at 10 % plus the storm windows: fewer than 2 throttled calls has a probability below 0.1 %
            // (the exact count varies with thread timing, so the test asserts only that throttling really happened).
            #expect(throttled >= 2, "the storm must have throttled calls: \(perOperation)")
            print("[PeriodicSweepTests] throttling storm: \(calls) calls, \(throttled) throttled, all \(expected.count) evaluations delivered")
        }
    }

    @Test("ListDiscoveredResources throttled twice → retried, the sweep succeeds")
    func listThrottledTwice() throws {
        try withHarness { h in
            try h.injectFaults(operation: "ListDiscoveredResources", faults: ["throttle", "throttle"])
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()), timeoutMs: 20_000)
            let calls = try Self.expectSweep(h, invocation, expected: Self.defaultVerdicts, "list throttled ×2")
            let lists = Self.operations(calls, "ListDiscoveredResources")
            #expect(lists.map(\.status) == [400, 400, 200], "\(lists.map(\.summary))")
            #expect(lists.prefix(2).allSatisfy { $0.errorType == "ThrottlingException" })
        }
    }

    @Test("BatchGetResourceConfig throttled persistently → /error ConfigRule.ThrottlingException, no PutEvaluations")
    func batchThrottledForever() throws {
        try withHarness { h in
            try h.seedCompliance([], replace: true)  // nothing to clean up: no evaluation at all may be delivered
            try h.injectFaults(operation: "BatchGetResourceConfig", faults: [["kind": "throttle", "repeat": true]])
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()), timeoutMs: 20_000)
            try h.expectError(invocation, errorType: "ConfigRule.ThrottlingException", "batch throttled forever")
            #expect(!invocation.answeredAfterDeadline, "\(invocation.summary)")
            let calls = try h.calls(for: invocation)
            h.expectWellFormedCalls(calls, of: invocation, "batch throttled forever")
            #expect(Self.operations(calls, "PutEvaluations").isEmpty, "\(calls.map(\.summary))")
            let batches = Self.operations(calls, "BatchGetResourceConfig")
            #expect((2...6).contains(batches.count), "retries must happen and be bounded: \(batches.count)")
            #expect(try h.evaluations().isEmpty)
        }
    }

    @Test("clean-up: stale results → NOT_APPLICABLE with their own type; present ones not doubled; deleted-between-calls neither")
    func cleanUp() throws {
        try withHarness { h in
            try h.seedCompliance([
                ["resourceType": Self.taskDefinition, "resourceId": "webapp", "complianceType": "COMPLIANT", "orderingTimestamp": 1_704_067_200],
                ["resourceType": Self.taskDefinition, "resourceId": "batch-worker", "complianceType": "COMPLIANT",
                 "orderingTimestamp": 1_704_067_200],
                ["resourceType": Self.taskDefinition, "resourceId": "gone-family", "complianceType": "COMPLIANT",
                 "orderingTimestamp": 1_704_067_200],
                ["resourceType": "AWS::EC2::Instance", "resourceId": "i-0123456789abcdef0", "complianceType": "NON_COMPLIANT",
                 "orderingTimestamp": 1_704_067_200],
                // Same id as an inventory item, other type: a different resource, gone from the inventory.
                ["resourceType": "AWS::ECS::Service", "resourceId": "webapp", "complianceType": "COMPLIANT",
                 "orderingTimestamp": 1_704_067_200],
                // Already NOT_APPLICABLE: not listed by the query, not reported again.
                ["resourceType": Self.taskDefinition, "resourceId": "already-na", "complianceType": "NOT_APPLICABLE",
                 "orderingTimestamp": 1_704_067_200],
            ])
            try h.markDeletedBetweenCalls(["batch-worker"])
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()))
            let expected: [Verdict] = [
                Verdict(resourceType: Self.taskDefinition, resourceID: "testtaskdef", complianceType: "NON_COMPLIANT"),
                Verdict(resourceType: Self.taskDefinition, resourceID: "webapp", complianceType: "COMPLIANT"),
                Verdict(resourceType: Self.taskDefinition, resourceID: "legacy-agent", complianceType: "NON_COMPLIANT"),
                Verdict(resourceType: Self.taskDefinition, resourceID: "retired-family", complianceType: "NOT_APPLICABLE"),
                Verdict(resourceType: Self.taskDefinition, resourceID: "gone-family", complianceType: "NOT_APPLICABLE"),
                Verdict(resourceType: "AWS::EC2::Instance", resourceID: "i-0123456789abcdef0", complianceType: "NOT_APPLICABLE"),
                Verdict(resourceType: "AWS::ECS::Service", resourceID: "webapp", complianceType: "NOT_APPLICABLE"),
            ]
            let calls = try Self.expectSweep(h, invocation, expected: expected, "clean-up")
            let batch = Self.operations(calls, "BatchGetResourceConfig").first
            #expect(int(batch?.result?["deletedBetweenCalls"]) == 1, "the mark was not exercised: \(String(describing: batch?.raw))")
            // batch-worker: listed, not returned → no evaluation, and not cleaned up; its stored result is untouched.
            let stored = try h.compliance().first { $0["resourceId"] as? String == "batch-worker" }
            #expect(stored?["complianceType"] as? String == "COMPLIANT" && stored?["source"] as? String == "seed", "\(String(describing: stored))")
        }
    }

    @Test("clean-up pages GetComplianceDetailsByConfigRule (130 stale results → 2 pages), all NOT_APPLICABLE")
    func cleanUpPaging() throws {
        try withHarness { h in
            let stale = (1...130).map { i in
                ["resourceType": Self.taskDefinition, "resourceId": "stale-\(i)", "complianceType": i % 2 == 0 ? "COMPLIANT" : "NON_COMPLIANT",
                 "orderingTimestamp": 1_704_067_200] as [String: Any]
            }
            try h.seedCompliance(stale, replace: true)
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()), timeoutMs: 20_000)
            let expected = Array(Self.defaultVerdicts.prefix(4))
                + (1...130).map { Verdict(resourceType: Self.taskDefinition, resourceID: "stale-\($0)", complianceType: "NOT_APPLICABLE") }
            let calls = try Self.expectSweep(h, invocation, expected: expected, "clean-up paging")
            let pages = Self.operations(calls, "GetComplianceDetailsByConfigRule")
            #expect(pages.count == 2, "\(pages.map(\.summary))")
            #expect(pages.map { $0.body?["NextToken"] is String } == [false, true], "\(pages.map(\.body))")
            #expect(Self.operations(calls, "PutEvaluations").map(\.evaluations.count).sorted() == [4, 30, 100])
        }
    }

    /// `items` generated task definitions listed at 100 ms a page (`items / 100` pages), and the stale results of
    /// `stale` resources gone from the inventory as the store's only entries (clean-up pages answered at once).
    /// - Returns: the clean-up verdicts the stale results must get.
    static func slowListing(_ h: E2EHarness, items: Int, stale count: Int) throws -> [Verdict] {
        try h.generateInventory(count: items, hostEvery: 7)
        _ = try h.controlPOST("/traffic", ["operations": ["ListDiscoveredResources": ["latencyMs": 100]]])
        try h.seedCompliance((1...count).map { i in
            ["resourceType": taskDefinition, "resourceId": "stale-\(i)", "complianceType": i % 2 == 0 ? "COMPLIANT" : "NON_COMPLIANT",
             "orderingTimestamp": 1_704_067_200] as [String: Any]
        }, replace: true)
        return (1...count).map { Verdict(resourceType: taskDefinition, resourceID: "stale-\($0)", complianceType: "NOT_APPLICABLE") }
    }

    @Test("the clean-up query is paged while the inventory is listed (results from before the sweep); NOT_APPLICABLE only after the listing")
    func cleanUpPagedDuringListing() throws {
        try withHarness { h in
            let count = 1_000
            let stale = try Self.slowListing(h, items: count, stale: 250)  // the listing takes a second
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()), timeoutMs: 30_000)
            let calls = try Self.expectSweep(h, invocation, expected: Self.generatedVerdicts(count: count) + stale, "clean-up during listing")
            let lists = Self.operations(calls, "ListDiscoveredResources")
            let pages = Self.operations(calls, "GetComplianceDetailsByConfigRule")
            #expect(lists.count == 10, "\(lists.map(\.summary))")
            if let lastList = lists.map(\.seq).max(), let firstPage = pages.map(\.seq).min() {
                #expect(firstPage < lastList, "the clean-up query must begin before the last list page: #\(firstPage) vs #\(lastList)")
            }
            // The 250 results from before the sweep are 3 pages; paged after the listing it would be 13 (the sweep's
            // own 1 000 results too).
            #expect((3...4).contains(pages.count), "\(pages.count) clean-up pages: \(pages.map(\.summary))")
            let cleanUps = Self.cleanUpPuts(calls)
            #expect(cleanUps.map(\.evaluations.count).sorted() == [50, 100, 100], "\(cleanUps.map(\.summary))")
            #expect(cleanUps.allSatisfy { put in put.evaluations.allSatisfy { $0["Annotation"] as? String == Self.cleanUpAnnotation } },
                    "clean-up batches carry only clean-up evaluations")
        }
    }

    @Test("the clean-up query failing stops the sweep: listing stopped, /error with the counts, what was delivered stays delivered")
    func cleanUpFailureStopsSweep() throws {
        try withHarness { h in
            let count = 2_000
            let stale = try Self.slowListing(h, items: count, stale: 150)  // 20 list pages of 100 ms
            // The first clean-up page answers after 300 ms, the second is denied.
            try h.injectFaults(operation: "GetComplianceDetailsByConfigRule", faults: [
                ["kind": "slow", "delayMs": 300], ["kind": "error", "status": 400, "type": "AccessDeniedException"],
            ])
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()), timeoutMs: 30_000)
            #expect(invocation.state == "error" && invocation.answers == 1, "\(invocation.summary)\(h.dump())")
            #expect(invocation.errorDocument.type == "ConfigRule.AccessDeniedException", "\(invocation.summary)")
            #expect(invocation.errorTypeHeader == invocation.errorDocument.type, "\(invocation.summary)")
            #expect(!invocation.answeredAfterDeadline, "\(invocation.summary)")
            let calls = try h.calls(for: invocation)
            h.expectWellFormedCalls(calls, of: invocation, "clean-up failure")  // every call done before the answer
            let message = invocation.errorDocument.message ?? ""
            #expect(message.contains("GetComplianceDetailsByConfigRule") && message.contains("; sweep stopped: "), "\(message)")
            #expect(message.contains("(listing incomplete)") && message.contains("clean-up incomplete, 0 NOT_APPLICABLE delivered"),
                    "\(message)")
            let counts = message.components(separatedBy: "; sweep stopped: ").last ?? ""
            let numbers = counts.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            let (evaluated, listed) = numbers.count >= 2 ? (numbers[0], numbers[1]) : (-1, -1)
            let accepted = try h.evaluations(for: invocation)
            #expect(accepted.count == evaluated && evaluated > 0, "delivered evaluations stay delivered and are counted: \(message)")
            #expect(listed < count && Self.operations(calls, "ListDiscoveredResources").count < count / 100,
                    "the failure must stop the listing: \(message)")
            #expect(Self.operations(calls, "GetComplianceDetailsByConfigRule").map(\.status) == [200, 400])
            #expect(Self.cleanUpPuts(calls).isEmpty, "no clean-up from an incomplete query")
            let wanted = Dictionary(uniqueKeysWithValues: Self.generatedVerdicts(count: count).map { ($0.resourceID, $0.complianceType) })
            #expect(accepted.allSatisfy { wanted[$0.resourceID ?? ""] == $0.complianceType }, "\(accepted.prefix(5).map(\.summary))")

            // Nothing of that sweep is left running or blocked: the next one completes with everything.
            #expect(h.isBootstrapRunning)
            let next = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled(resultToken: "nextSweep")), timeoutMs: 30_000)
            try Self.expectSweep(h, next, expected: Self.generatedVerdicts(count: count) + stale, resultToken: "nextSweep", "next sweep")
        }
    }

    @Test("empty inventory and empty compliance → /response with no PutEvaluations call")
    func emptyInventory() throws {
        try withHarness { h in
            try h.putInventory([], replace: true)
            try h.seedCompliance([], replace: true)
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()))
            let calls = try Self.expectSweep(h, invocation, expected: [], "empty")
            // The listing and the clean-up query run concurrently: either may come first.
            #expect(calls.compactMap(\.operation).sorted() == ["GetComplianceDetailsByConfigRule", "ListDiscoveredResources"],
                    "no BatchGetResourceConfig with 0 keys, no PutEvaluations: \(calls.map(\.summary))")
            #expect(calls.allSatisfy { $0.status == 200 })
            #expect(int(invocation.responseObject?["evaluationsPut"]) == 0, "\(invocation.summary)")
        }
    }

    @Test("SkipInactiveTaskDefinitions \"true\" → INACTIVE items NOT_APPLICABLE; default → INACTIVE+host NON_COMPLIANT")
    func skipInactive() throws {
        try withHarness { h in
            // host every 4th, INACTIVE every 6th: 12, 24, 36 are INACTIVE and host.
            try h.generateInventory(count: 40, hostEvery: 4, inactiveEvery: 6)
            try h.seedCompliance([], replace: true)
            let byDefault = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()))
            let defaults = Self.generatedVerdicts(count: 40, hostEvery: 4, inactiveEvery: 6, skipInactive: false)
            #expect(defaults.filter { $0.complianceType == "NON_COMPLIANT" }.count == 10)
            try Self.expectSweep(h, byDefault, expected: defaults, "SkipInactiveTaskDefinitions default")

            try h.seedCompliance([], replace: true)
            let skipping = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled(
                resultToken: "skipToken", parameters: ["SkipInactiveTaskDefinitions": "true"]
            )))
            let skipped = Self.generatedVerdicts(count: 40, hostEvery: 4, inactiveEvery: 6, skipInactive: true)
            #expect(skipped.filter { $0.complianceType == "NOT_APPLICABLE" }.map(\.resourceID) ==
                    [6, 12, 18, 24, 30, 36].map { SweepEvents.generatedID($0, count: 40) })
            try Self.expectSweep(h, skipping, expected: skipped, resultToken: "skipToken", "SkipInactiveTaskDefinitions true")
        }
    }

    @Test("a rule name over 64 characters → no GetComplianceDetailsByConfigRule call, one WARN, evaluations still put")
    func longRuleName() throws {
        try withHarness { h in
            let name = "ecs-task-definition-pid-mode-custom-" + String(repeating: "x", count: 40)
            #expect(name.count > 64)
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled(ruleName: name)))
            let calls = try Self.expectSweep(h, invocation, expected: Array(Self.defaultVerdicts.prefix(4)), "long rule name")
            #expect(calls.map(\.operation) == ["ListDiscoveredResources", "BatchGetResourceConfig", "PutEvaluations"],
                    "\(calls.map(\.summary))")
            let warnings = h.bootstrapLogText.split(separator: "\n").compactMap { line -> [String: Any]? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    object["requestId"] as? String == invocation.requestID, object["level"] as? String == "WARN"
                else { return nil }
                return object
            }
            #expect(warnings.count == 1, "expected exactly one WARN for the skipped clean-up: \(warnings)")
        }
    }

    @Test("scale: 10 000 items in one invocation → exact call counts, all 10 000 evaluations correct")
    func tenThousand() throws {
        try withHarness { h in
            let count = 10_000
            let hostEvery = 7
            let generated = try h.generateInventory(count: count, hostEvery: hostEvery)
            #expect(int(generated["listed"]) == count, "\(generated)")
            let stale = 2  // the default seed's testtaskdef and retired-family, gone from the replaced inventory
            try h.waitForPoller()
            let started = Date()
            let invocation = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled()), timeoutMs: 120_000)
            let wall = Date().timeIntervalSince(started)
            let expected = Self.generatedVerdicts(count: count, hostEvery: hostEvery) + Self.seededStale
            let calls = try Self.expectSweep(h, invocation, expected: expected, "10 000 items")
            let pages = (count + 99) / 100
            let lists = Self.operations(calls, "ListDiscoveredResources")
            let batches = Self.operations(calls, "BatchGetResourceConfig")
            let compliance = Self.operations(calls, "GetComplianceDetailsByConfigRule")
            let puts = Self.operations(calls, "PutEvaluations")
            #expect(lists.count == pages, "\(lists.count) list pages, expected \(pages)")
            #expect(batches.count == pages, "\(batches.count) batch reads, expected \(pages)")
            #expect(batches.allSatisfy { Self.resourceKeyIDs($0).count == 100 })
            // Paged from the start, the clean-up query reads the results from before the sweep (the seed's: 1 page), not
            // the sweep's own 10 000 (101 pages when it was paged after the listing); a page or two of margin for a
            // slow start of the pager's thread.
            #expect((1...3).contains(compliance.count), "\(compliance.count) clean-up pages")
            #expect(puts.count == (count + stale + 99) / 100, "\(puts.count) PutEvaluations, expected \((count + stale + 99) / 100)")
            #expect(calls.allSatisfy { $0.status == 200 })
            let handled: Double
            if let delivered = invocation.deliveredAtMs, let answered = invocation.answeredAtMs {
                handled = Double(answered - delivered) / 1_000
            } else {
                handled = -1
            }
            let nonCompliant = expected.filter { $0.complianceType == "NON_COMPLIANT" }.count
            print("""
                [PeriodicSweepTests] 10 000-item sweep: invoke→answer \(String(format: "%.2f", wall)) s \
                (delivered→answered \(String(format: "%.2f", handled)) s), ListDiscoveredResources \(lists.count), \
                BatchGetResourceConfig \(batches.count), GetComplianceDetailsByConfigRule \(compliance.count), \
                PutEvaluations \(puts.count), evaluations \(expected.count) (NON_COMPLIANT \(nonCompliant), \
                NOT_APPLICABLE clean-up \(stale)), bootstrap \(h.bootstrapPath)
                """)
        }
    }
}
