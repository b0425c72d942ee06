import Foundation
import Testing

/// rule-semantics §7 on the periodic sweep, end to end: the scope is loaded once before the listing, applied to every
/// inventory item, and stale results of superseded or unused revisions turn NOT_APPLICABLE; a failed ECS read fails
/// the sweep before any evaluation.
@Suite("Revision scopes on the periodic sweep, end to end")
struct RevisionScopeSweepTests {
    typealias Verdict = PeriodicSweepTests.Verdict
    static let type = E2EHarness.taskDefinitionType

    static func verdict(_ id: String, _ compliance: String) -> Verdict {
        Verdict(resourceType: type, resourceID: id, complianceType: compliance)
    }

    /// The seeded inventory (testtaskdef:2 host latest unused, webapp:3 PRIMARY, batch-worker:1 unused, legacy-agent:4
    /// INACTIVE host running) and the seeded results (testtaskdef NON_COMPLIANT; retired-family gone → cleaned up).
    static let expectedByScope: [String: [Verdict]] = [
        "ALL": [verdict("testtaskdef", "NON_COMPLIANT"), verdict("webapp", "COMPLIANT"), verdict("batch-worker", "COMPLIANT"),
                verdict("legacy-agent", "NON_COMPLIANT"), verdict("retired-family", "NOT_APPLICABLE")],
        "ACTIVE": [verdict("testtaskdef", "NON_COMPLIANT"), verdict("webapp", "COMPLIANT"), verdict("batch-worker", "COMPLIANT"),
                   verdict("legacy-agent", "NOT_APPLICABLE"), verdict("retired-family", "NOT_APPLICABLE")],
        "LATEST_ACTIVE": [verdict("testtaskdef", "NON_COMPLIANT"), verdict("webapp", "COMPLIANT"), verdict("batch-worker", "COMPLIANT"),
                          verdict("legacy-agent", "NOT_APPLICABLE"), verdict("retired-family", "NOT_APPLICABLE")],
        "IN_USE": [verdict("testtaskdef", "NOT_APPLICABLE"), verdict("webapp", "COMPLIANT"), verdict("batch-worker", "NOT_APPLICABLE"),
                   verdict("legacy-agent", "NON_COMPLIANT"), verdict("retired-family", "NOT_APPLICABLE")],
    ]
    static let ecsByScope: [String: [String]] = [
        "ALL": [], "ACTIVE": [], "LATEST_ACTIVE": ["ListTaskDefinitions"], "IN_USE": RevisionScopeTests.inUseReads,
    ]

    @Test("each scope on the seeded inventory: out-of-scope revisions NOT_APPLICABLE with their annotation; the scope's ECS reads once, before the listing",
          arguments: ["ALL", "ACTIVE", "LATEST_ACTIVE", "IN_USE"])
    func seededInventory(_ scope: String) throws {
        try withHarness { h in
            let event = try SweepEvents.scheduled(parameters: ["EvaluatedRevisions": scope])
            let invocation = try h.run(event: try E2EEvents.text(event))
            let configCalls = try PeriodicSweepTests.expectSweep(h, invocation, expected: Self.expectedByScope[scope] ?? [], scope)
            let ecs = try h.ecsCalls(for: invocation)
            #expect(ecs.map { $0.operation ?? "?" } == Self.ecsByScope[scope], "\(scope): \(ecs.map(\.summary))")
            h.expectWellFormedECSCalls(ecs, of: invocation, scope)
            if let lastECS = ecs.map(\.seq).max(), let firstConfig = configCalls.map(\.seq).min() {
                #expect(lastECS < firstConfig, "\(scope): the scope is read before the sweep starts")
            }
            let annotations = Dictionary(try h.evaluations(for: invocation).map { ($0.resourceID ?? "?", $0.annotation ?? "") }) { a, _ in a }
            switch scope {
            case "ACTIVE": #expect(annotations["legacy-agent"] == "revision legacy-agent:4 is INACTIVE (EvaluatedRevisions ACTIVE)")
            case "LATEST_ACTIVE":
                #expect(annotations["legacy-agent"] == "revision legacy-agent:4 is not the latest active revision of legacy-agent (legacy-agent:5)")
            case "IN_USE":
                #expect(annotations["testtaskdef"] == "revision testtaskdef:2 is not used by any running task or active service deployment")
            default: break
            }
        }
    }

    @Test("the sweep turns stale results of superseded and unused revisions NOT_APPLICABLE in Config")
    func staleResultsCleared() throws {
        try withHarness { h in
            // A previous ALL sweep left NON_COMPLIANT on the deregistered legacy-agent:4 and the unused testtaskdef:2.
            try h.controlPOST("/compliance", ["configRuleName": E2EHarness.seededRuleName, "results": [
                ["resourceType": Self.type, "resourceId": "legacy-agent", "complianceType": "NON_COMPLIANT", "orderingTimestamp": 1_705_000_000],
                ["resourceType": Self.type, "resourceId": "testtaskdef", "complianceType": "NON_COMPLIANT", "orderingTimestamp": 1_705_000_000],
            ]])
            func stored(_ id: String) throws -> String? {
                let rules = try h.controlGET("/compliance?configRuleName=\(E2EHarness.seededRuleName)") as? [String: Any]
                let entries = rules?[E2EHarness.seededRuleName] as? [[String: Any]] ?? []
                return entries.first { $0["resourceId"] as? String == id }?["complianceType"] as? String
            }
            _ = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled(parameters: ["EvaluatedRevisions": "LATEST_ACTIVE"])))
            #expect(try stored("legacy-agent") == "NOT_APPLICABLE", "superseded revision")
            #expect(try stored("testtaskdef") == "NON_COMPLIANT", "the latest stays")
            _ = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled(parameters: ["EvaluatedRevisions": "IN_USE"])))
            #expect(try stored("testtaskdef") == "NOT_APPLICABLE", "unused revision")
            #expect(try stored("legacy-agent") == "NON_COMPLIANT", "an INACTIVE revision still running")
        }
    }

    @Test("LATEST_ACTIVE on 50 families / 2 000 revisions: one paged listing (9 pages for 900 ACTIVE), the latest of each family in scope")
    func latestActiveGeneratedAccount() throws {
        try withHarness { h in
            let summary = try h.generateScopeAccount()
            #expect(int(summary["active"]) == 900)
            let event = try SweepEvents.scheduled(resultToken: "latest", parameters: ["EvaluatedRevisions": "LATEST_ACTIVE"])
            let invocation = try h.run(event: try E2EEvents.text(event), timeoutMs: 60_000)
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let ecs = try h.ecsCalls(for: invocation)
            #expect(ecs.count == 9 && ecs.allSatisfy { $0.operation == "ListTaskDefinitions" && $0.body?["familyPrefix"] == nil },
                    "\(ecs.map(\.summary))")
            h.expectWellFormedECSCalls(ecs, of: invocation, "latest")
            let accepted = try h.evaluations(for: invocation).filter { $0.resourceID?.hasPrefix("f-") == true }
            #expect(accepted.count == 2_000)
            let inScope = accepted.filter { $0.complianceType != "NOT_APPLICABLE" }
            // 45 families have an ACTIVE revision (every 10th family is all INACTIVE); each has 40 revisions.
            #expect(inScope.count == 45 && inScope.allSatisfy { $0.resourceID?.hasSuffix(":40") == true }, "\(inScope.map(\.summary).prefix(5))")
            let noActive = accepted.filter { $0.annotation == "f-009 has no active revision" }
            #expect(noActive.count == 40)
        }
    }

    @Test("LATEST_ACTIVE with few families of many revisions: the listing stops early, the rest one call per family")
    func latestActivePerFamily() throws {
        try withHarness { h in
            try h.generateScopeAccount(["families": 2, "revisions": 600, "keepActive": 300, "deregisteredEvery": 0])
            let event = try SweepEvents.scheduled(parameters: ["EvaluatedRevisions": "LATEST_ACTIVE"])
            let invocation = try h.run(event: try E2EEvents.text(event), timeoutMs: 60_000)
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let ecs = try h.ecsCalls(for: invocation)
            // Page 1 shows only f-001 (300 ACTIVE revisions, newest first): one page ≥ one family seen, so per-family calls
            // settle both families (f-001 may have been cut mid-way) instead of 5 more pages.
            let families = ecs.compactMap { $0.body?["familyPrefix"] as? String }.sorted()
            #expect(ecs.count == 3 && ecs.first?.body?["familyPrefix"] == nil && families == ["f-000", "f-001"], "\(ecs.map(\.summary))")
            h.expectWellFormedECSCalls(ecs, of: invocation, "per family")
            let inScope = try h.evaluations(for: invocation).filter { $0.complianceType != "NOT_APPLICABLE" }
            #expect(Set(inScope.compactMap(\.resourceID)) == ["f-000:300", "f-001:300"], "\(inScope.map(\.summary))")
        }
    }

    @Test("IN_USE on the generated account: tasks paged in three clusters, deployments and task sets; 50 revisions in use")
    func inUseGeneratedAccount() throws {
        try withHarness { h in
            try h.generateScopeAccount()
            let event = try SweepEvents.scheduled(resultToken: "in-use", parameters: ["EvaluatedRevisions": "IN_USE"])
            let invocation = try h.run(event: try E2EEvents.text(event), timeoutMs: 60_000)
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let ecs = try h.ecsCalls(for: invocation)
            h.expectWellFormedECSCalls(ecs, of: invocation, "in use")
            #expect(ecs.filter { $0.operation == "ListClusters" }.count == 1)
            #expect(ecs.filter { $0.operation == "ListTasks" && $0.body?["nextToken"] != nil }.count >= 3, "paged tasks")
            let accepted = try h.evaluations(for: invocation).filter { $0.resourceID?.hasPrefix("f-") == true }
            let inScope = Set(accepted.filter { $0.complianceType != "NOT_APPLICABLE" }.compactMap(\.resourceID))
            #expect(accepted.count == 2_000 && inScope.count == 50, "\(inScope.sorted().prefix(10))")
            // Services: PRIMARY (latest) and ACTIVE (previous) deployments; task sets: the two newest; tasks: the latest.
            #expect(inScope.contains("f-000:40") && inScope.contains("f-000:39") && !inScope.contains("f-000:1"))
            #expect(inScope.contains("f-001:40") && inScope.contains("f-002:39") && !inScope.contains("f-003:40"))
        }
    }

    @Test("a failed ECS read fails the sweep before any Config call: AccessDenied, persistent throttling")
    func ecsFailures() throws {
        try withHarness { h in
            try h.injectECSFaults(operation: "ListClusters", faults: [["kind": "error", "status": 400, "type": "AccessDeniedException"]])
            let denied = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled(parameters: ["EvaluatedRevisions": "IN_USE"])))
            try h.expectError(denied, errorType: "ConfigRule.AccessDeniedException", messageContains: ["ListClusters"], "denied")
            #expect(try h.calls(for: denied).isEmpty, "no Config call")
            try h.injectECSFaults(operation: "ListTaskDefinitions", faults: [["kind": "throttle", "repeat": true]])
            let throttled = try h.run(event: try E2EEvents.text(try SweepEvents.scheduled(parameters: ["EvaluatedRevisions": "LATEST_ACTIVE"])))
            try h.expectError(throttled, errorType: "ConfigRule.ThrottlingException", messageContains: ["ListTaskDefinitions"], "throttled")
            #expect(try h.calls(for: throttled).isEmpty, "no Config call")
        }
    }
}
