import Foundation
import Testing

/// rule-semantics §7 end to end: `EvaluatedRevisions` on change and oversized events, the real bootstrap against the
/// emulator's fake ECS (default state: `testtaskdef` 1 INACTIVE / 2 ACTIVE, unused; `webapp:3` the PRIMARY deployment of
/// service `web`; `legacy-agent` 4 INACTIVE but run by a task, 5 ACTIVE). Every ECS call must be validly signed, match
/// the model, carry the trace header and finish before the answer; a failed ECS lookup must end in `/error`.
@Suite("Revision scopes on change events, end to end")
struct RevisionScopeTests {
    static let region = "us-west-2"
    static let account = "111111111111"
    static let inUseReads = ["ListClusters", "ListTasks", "DescribeTasks", "ListServices", "DescribeServices"]

    static func arn(_ family: String, _ revision: Int, account: String = account) -> String {
        "arn:aws:ecs:\(region):\(account):task-definition/\(family):\(revision)"
    }

    /// host.json describing `family:revision` (ARN, name, family, status, pid mode) under `EvaluatedRevisions` = `scope`.
    static func event(
        _ family: String, _ revision: Int, status: String = "ACTIVE", pidMode: String? = "host", scope: String?,
        base: [String: Any]? = nil
    ) throws -> [String: Any] {
        var event = try E2EEvents.withItem(try base ?? E2EEvents.sample("host.json")) { item in
            item["resourceName"] = "\(family):\(revision)"
            item["ARN"] = arn(family, revision)
            guard var configuration = item["configuration"] as? [String: Any] else { throw HarnessError("no configuration") }
            configuration["Family"] = family
            configuration["TaskDefinitionArn"] = arn(family, revision)
            configuration["Status"] = status
            configuration["PidMode"] = pidMode
            item["configuration"] = configuration
        }
        event["ruleParameters"] = try E2EEvents.text(scope.map { ["EvaluatedRevisions": $0] } ?? [:])
        return event
    }

    /// Runs `event` and asserts one evaluation of `complianceType` (with `annotation` when given) after exactly the ECS
    /// operations `ecs` (in order), all well formed. Returns the invocation.
    @discardableResult
    static func expect(
        _ h: E2EHarness, _ event: [String: Any], _ complianceType: String, annotation: String? = nil,
        ecs: [String], configOperations: [String] = ["PutEvaluations"], _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> InvocationView {
        let invocation = try h.run(event: try E2EEvents.text(event))
        let accepted = try h.expectSingleEvaluation(
            invocation, try expectation(for: event, complianceType), label, operations: configOperations,
            sourceLocation: sourceLocation
        )
        if let annotation {
            #expect(accepted?.annotation == annotation, "\(label): \(accepted?.summary ?? "none")", sourceLocation: sourceLocation)
        }
        let calls = try h.ecsCalls(for: invocation)
        #expect(calls.map { $0.operation ?? "?" } == ecs, "\(label): \(calls.map(\.summary))", sourceLocation: sourceLocation)
        h.expectWellFormedECSCalls(calls, of: invocation, label, sourceLocation: sourceLocation)
        for call in calls {
            #expect(call.status == 200, "\(label): \(call.summary)", sourceLocation: sourceLocation)
        }
        return invocation
    }

    @Test("each scope: the in-scope host revision is NON_COMPLIANT, the out-of-scope one NOT_APPLICABLE with its annotation")
    func eachScopeOnTheSameRevisions() throws {
        try withHarness { h in
            let latest = try Self.event("testtaskdef", 2, scope: nil)  // ACTIVE, the latest, used by nothing
            let running = try Self.event("legacy-agent", 4, status: "INACTIVE", scope: nil)  // deregistered, still running
            func scoped(_ base: [String: Any], _ scope: String) throws -> [String: Any] {
                var copy = base
                copy["ruleParameters"] = try E2EEvents.text(["EvaluatedRevisions": scope])
                return copy
            }
            // ALL (the default, also spelled out): everything evaluated, no ECS call.
            try Self.expect(h, latest, "NON_COMPLIANT", ecs: [], "ALL default, latest")
            try Self.expect(h, try scoped(running, "ALL"), "NON_COMPLIANT", ecs: [], "ALL, INACTIVE running")
            // ACTIVE: decided from the recorded status, no ECS call.
            try Self.expect(h, try scoped(latest, "active"), "NON_COMPLIANT", ecs: [], "ACTIVE (any letter case), ACTIVE revision")
            try Self.expect(h, try scoped(running, "ACTIVE"), "NOT_APPLICABLE",
                       annotation: "revision legacy-agent:4 is INACTIVE (EvaluatedRevisions ACTIVE)", ecs: [], "ACTIVE, INACTIVE revision")
            // LATEST_ACTIVE: one ListTaskDefinitions for the family.
            let check = try Self.expect(h, try scoped(latest, "LATEST_ACTIVE"), "NON_COMPLIANT", ecs: ["ListTaskDefinitions"],
                                   "LATEST_ACTIVE, the latest")
            let body = try h.ecsCalls(for: check).first?.body ?? [:]
            #expect(body["familyPrefix"] as? String == "testtaskdef" && int(body["maxResults"]) == 1
                    && body["status"] as? String == "ACTIVE" && body["sort"] as? String == "DESC", "\(body)")
            try Self.expect(h, try scoped(running, "LATEST_ACTIVE"), "NOT_APPLICABLE",
                       annotation: "revision legacy-agent:4 is not the latest active revision of legacy-agent (legacy-agent:5)",
                       ecs: ["ListTaskDefinitions"], "LATEST_ACTIVE, superseded")
            try Self.expect(h, try Self.event("retired", 3, scope: "LATEST_ACTIVE"), "NOT_APPLICABLE",
                       annotation: "retired has no active revision", ecs: ["ListTaskDefinitions"], "LATEST_ACTIVE, no active revision")
            // IN_USE: the in-use set of the account (every cluster, tasks and services).
            try Self.expect(h, try scoped(latest, "IN_USE"), "NOT_APPLICABLE",
                       annotation: "revision testtaskdef:2 is not used by any running task or active service deployment",
                       ecs: Self.inUseReads, "IN_USE, unused")
            try Self.expect(h, try scoped(running, "IN_USE"), "NON_COMPLIANT", ecs: Self.inUseReads,
                       "IN_USE, an INACTIVE revision still running is in scope")
            try Self.expect(h, try Self.event("webapp", 3, scope: "IN_USE"), "NON_COMPLIANT", ecs: Self.inUseReads,
                       "IN_USE, a service's PRIMARY deployment")
            // SkipInactiveTaskDefinitions still removes INACTIVE revisions, before any ECS call.
            var skip = running
            skip["ruleParameters"] = try E2EEvents.text(["EvaluatedRevisions": "IN_USE", "SkipInactiveTaskDefinitions": "true"])
            try Self.expect(h, skip, "NOT_APPLICABLE", annotation: "deregistered revision legacy-agent:4 skipped (SkipInactiveTaskDefinitions)",
                       ecs: [], "IN_USE + SkipInactive")
            // A deleted item is decided before the scope: no ECS call.
            var deleted = try E2EEvents.sample("deleted.json")
            deleted["ruleParameters"] = try E2EEvents.text(["EvaluatedRevisions": "IN_USE"])
            try Self.expect(h, deleted, "NOT_APPLICABLE", ecs: [], "IN_USE, deleted item")
        }
    }

    @Test("IN_USE: tasks (paged, > 100), PRIMARY and ACTIVE deployments and task sets in several clusters; not STOPPED tasks or INACTIVE deployments")
    func inUseAcrossClusters() throws {
        try withHarness { h in
            let services: [[String: Any]] = (0..<12).map { index in
                ["name": "svc-\(index)", "deployments": [
                    ["status": "PRIMARY", "taskDefinition": "primary:\(index + 1)"],
                    ["status": "ACTIVE", "taskDefinition": "rolling:\(index + 1)"],
                    ["status": "INACTIVE", "taskDefinition": "finished:1"],
                ]]
            }
            try h.setECSState([
                "taskDefinitions": ["standalone": ["1": "INACTIVE"]],
                "clusters": [
                    ["name": "batch", "tasks": [
                        ["taskDefinition": "standalone:1", "count": 150], ["taskDefinition": "late:7", "count": 90],
                        ["taskDefinition": "stopped:1", "count": 3, "desiredStatus": "STOPPED"],
                    ]],
                    ["name": "web", "services": services],
                    ["name": "blue-green", "services": [
                        ["name": "ext", "deployments": [], "taskSets": [["status": "ACTIVE", "taskDefinition": "taskset:4"]]],
                    ]],
                    ["name": "empty"],
                ],
            ])
            // Per cluster: ListTasks pages (each described at once), then ListServices and DescribeServices by 10.
            let reads = ["ListClusters",
                         "ListTasks", "DescribeTasks", "ListTasks", "DescribeTasks", "ListTasks", "DescribeTasks", "ListServices",
                         "ListTasks", "ListServices", "DescribeServices", "DescribeServices",
                         "ListTasks", "ListServices", "DescribeServices",
                         "ListTasks", "ListServices"]
            for (family, revision, verdict) in [
                ("standalone", 1, "NON_COMPLIANT"), ("late", 7, "NON_COMPLIANT"), ("primary", 12, "NON_COMPLIANT"),
                ("rolling", 1, "NON_COMPLIANT"), ("taskset", 4, "NON_COMPLIANT"), ("stopped", 1, "NOT_APPLICABLE"),
                ("finished", 1, "NOT_APPLICABLE"),
            ] {
                let annotation = verdict == "NON_COMPLIANT" ? nil
                    : "revision \(family):\(revision) is not used by any running task or active service deployment"
                let invocation = try Self.expect(h, try Self.event(family, revision, scope: "IN_USE"), verdict, annotation: annotation,
                                            ecs: reads, "IN_USE \(family):\(revision)")
                let calls = try h.ecsCalls(for: invocation)
                let described = calls.filter { $0.operation == "DescribeTasks" }.map { ($0.body?["tasks"] as? [Any])?.count ?? 0 }
                #expect(described == [100, 100, 40], "every running task described, 100 at a time: \(described)")
                let tokens = calls.filter { $0.operation == "ListTasks" && $0.body?["nextToken"] != nil }.count
                #expect(tokens == 2, "ListTasks followed its next tokens: \(calls.map(\.summary))")
            }
        }
    }
}

/// A failed ECS lookup never becomes a verdict (rule-semantics §7): the invocation fails with the AWS error code, and
/// no evaluation is put; retries as every AWS call.
@Suite("Revision scopes: ECS failures, oversized items, organization rules, end to end")
struct RevisionScopeFailureTests {
    @Test("ECS AccessDeniedException → /error ConfigRule.AccessDeniedException, no evaluation, no PutEvaluations")
    func accessDenied() throws {
        try withHarness { h in
            try h.injectECSFaults(operation: "ListTaskDefinitions", faults: [
                ["kind": "error", "status": 400, "type": "AccessDeniedException",
                 "message": "User is not authorized to perform: ecs:ListTaskDefinitions"],
            ])
            let invocation = try h.run(event: try E2EEvents.text(try RevisionScopeTests.event("testtaskdef", 2, scope: "LATEST_ACTIVE")))
            try h.expectError(invocation, errorType: "ConfigRule.AccessDeniedException",
                              messageContains: ["ListTaskDefinitions", "ecs:ListTaskDefinitions"], "AccessDenied")
            #expect(try h.calls(for: invocation).isEmpty, "no Config call at all")
            #expect(try h.ecsCalls(for: invocation).map(\.operation) == ["ListTaskDefinitions"], "not retried")
        }
    }

    @Test("persistent ECS throttling → /error ConfigRule.ThrottlingException after the retries; throttled twice still delivers")
    func throttling() throws {
        try withHarness { h in
            try h.injectECSFaults(operation: "ListTasks", faults: [["kind": "throttle", "repeat": true]])
            let failing = try h.run(event: try E2EEvents.text(try RevisionScopeTests.event("legacy-agent", 4, status: "INACTIVE", scope: "IN_USE")))
            try h.expectError(failing, errorType: "ConfigRule.ThrottlingException", messageContains: ["ListTasks"], "persistent throttling")
            let attempts = try h.ecsCalls(for: failing).filter { $0.operation == "ListTasks" }
            #expect(attempts.count > 2 && attempts.allSatisfy { $0.status == 400 }, "retried: \(attempts.map(\.summary))")
            #expect(try h.calls(for: failing).isEmpty, "no PutEvaluations")

            try h.controlPOST("/reset", [:])
            try h.injectECSFaults(operation: "ListTaskDefinitions", faults: ["throttle", "throttle"])
            let event = try RevisionScopeTests.event("testtaskdef", 2, scope: "LATEST_ACTIVE")
            let invocation = try h.run(event: try E2EEvents.text(event))
            try h.expectSingleEvaluation(invocation, try expectation(for: event, "NON_COMPLIANT"), "throttled twice")
            let calls = try h.ecsCalls(for: invocation)
            #expect(calls.map(\.operation) == Array(repeating: "ListTaskDefinitions", count: 3)
                    && calls.map(\.status) == [400, 400, 200], "\(calls.map(\.summary))")
            h.expectWellFormedECSCalls(calls, of: invocation, "throttled twice")
        }
    }

    @Test("oversized item under LATEST_ACTIVE: the history item's revision is looked up; the summary alone decides a deleted one")
    func oversized() throws {
        try withHarness { h in
            var event = try E2EEvents.sample("oversized.json")
            event["ruleParameters"] = try E2EEvents.text(["EvaluatedRevisions": "LATEST_ACTIVE"])
            try RevisionScopeTests.expect(h, event, "NON_COMPLIANT", ecs: ["ListTaskDefinitions"],
                                          configOperations: ["GetResourceConfigHistory", "PutEvaluations"], "oversized, latest")
            try h.setECSState(["taskDefinitions": ["testtaskdef": ["2": "ACTIVE", "3": "ACTIVE"]]])
            try RevisionScopeTests.expect(h, event, "NOT_APPLICABLE",
                                          annotation: "revision testtaskdef:2 is not the latest active revision of testtaskdef (testtaskdef:3)",
                                          ecs: ["ListTaskDefinitions"], configOperations: ["GetResourceConfigHistory", "PutEvaluations"],
                                          "oversized, superseded")
        }
    }

    @Test("no revision can be parsed: evaluated as under ALL with one WARN, no ECS call")
    func unparseableRevision() throws {
        try withHarness { h in
            let event = try E2EEvents.withItem(try RevisionScopeTests.event("testtaskdef", 2, scope: "IN_USE")) { item in
                item["ARN"] = "arn:aws:ecs:us-west-2:111111111111:task-definition/testtaskdef"
                guard var configuration = item["configuration"] as? [String: Any] else { throw HarnessError("no configuration") }
                configuration["TaskDefinitionArn"] = nil
                item["configuration"] = configuration
            }
            try RevisionScopeTests.expect(h, event, "NON_COMPLIANT", ecs: [], "unparseable revision")
            let warnings = h.bootstrapLogText.split(separator: "\n").filter { $0.contains("\"WARN\"") && $0.contains("no task-definition revision") }
            #expect(warnings.count == 1, "one WARN: \(h.bootstrapLogText.suffix(2_000))")
        }
    }

    @Test("organization rule: the ECS calls are signed with the role assumed in the member account")
    func organizationRule() throws {
        try OrganizationRuleTests.withOrgHarness { h in
            let member = OrganizationRuleTests.memberAccount
            try h.registerRole(OrganizationRuleTests.roleArn(member))
            var event = try OrganizationRuleTests.event(account: member, resultToken: "member-token")
            var parameters = (try JSONSerialization.jsonObject(with: Data((event["ruleParameters"] as? String ?? "{}").utf8))
                as? [String: Any]) ?? [:]
            parameters["EvaluatedRevisions"] = "IN_USE"
            event["ruleParameters"] = try E2EEvents.text(parameters)
            let invocation = try h.run(event: try E2EEvents.text(event))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let calls = try h.ecsCalls(for: invocation)
            #expect(calls.map { $0.operation ?? "?" } == RevisionScopeTests.inUseReads, "\(calls.map(\.summary))")
            h.expectWellFormedECSCalls(calls, of: invocation, "org")
            for call in calls {
                #expect(call.account == member && call.principal == OrganizationRuleTests.roleArn(member), "\(call.summary)")
            }
            let accepted = try h.evaluations(for: invocation)
            #expect(accepted.count == 1 && accepted.first?.complianceType == "NOT_APPLICABLE", "\(accepted.map(\.summary))")
        }
    }
}
