import Foundation
import Testing

/// rule-semantics §8 end to end: the real `bootstrap` reads the approved-exceptions registry from the emulator's fake
/// SSM (GetParameter, WithDecryption, the function's own credentials) and Config (the emulator) accepts the exempted,
/// expired or unchanged evaluation. The registry's validation rules themselves are table-tested in
/// PidModePolicyTests; these tests prove the wiring of every §8 row.
@Suite("Approved exceptions (SSM registry), end to end")
struct ExceptionsTests {
    static let owner = "platform-observability@example.com"
    /// `events/host.json`: testtaskdef:2, account 111111111111, us-west-2, notificationCreationTime 2024-01-18T22:05:41.007Z.
    static func host(parameters: [String: Any] = [:], notificationTime: String? = nil, token: String = "myResultToken") throws -> [String: Any] {
        var event = try E2EEvents.sample("host.json")
        event["ruleParameters"] = try E2EEvents.text(parameters)
        event["resultToken"] = token
        if let notificationTime {
            event = try E2EEvents.withInvokingEvent(event) { $0["notificationCreationTime"] = notificationTime }
        }
        return event
    }

    /// A valid entry for testtaskdef, changed by `edit`.
    static func entry(_ id: String = "EXC-0042", expires: String = "2024-06-30", _ edit: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
        var entry: [String: Any] = [
            "id": id, "family": "testtaskdef", "owner": owner, "reason": "node-exporter reads /proc of host processes",
            "ticket": "SEC-1234", "expires": expires,
        ]
        edit(&entry)
        return entry
    }

    /// Starts the bootstrap with `PIDMODE_EXCEPTIONS_PARAMETER` (unless `nil`).
    static func withRegistryHarness(environmentParameter: String? = E2EHarness.exceptionsParameter, sts: Bool = false,
                                    _ body: (E2EHarness) throws -> Void) throws {
        try withHarness(startBootstrap: false) { h in
            let adding = environmentParameter.map { ["PIDMODE_EXCEPTIONS_PARAMETER": $0] } ?? [:]
            if sts { try h.startBootstrapWithSTS(adding: adding) } else { try h.startBootstrap(adding: adding) }
            try body(h)
        }
    }

    /// Runs `event` and returns the one accepted evaluation (asserting the §2 invariants), plus the response body.
    static func evaluate(_ h: E2EHarness, _ event: [String: Any], _ complianceType: String, _ label: String,
                         sourceLocation: SourceLocation = #_sourceLocation) throws -> (AcceptedEvaluation?, InvocationView) {
        let invocation = try h.run(event: try E2EEvents.text(event))
        let accepted = try h.expectSingleEvaluation(invocation, try expectation(for: event, complianceType), label,
                                                    sourceLocation: sourceLocation)
        return (accepted, invocation)
    }

    static func counts(_ invocation: InvocationView) -> (exempted: Int?, expired: Int?) {
        (int(invocation.responseObject?["exempted"]), int(invocation.responseObject?["exceptionsExpired"]))
    }

    @Test("active exception → COMPLIANT (default ExemptComplianceType) with EXEMPT <id> until <expiry> (owner): reason; one read")
    func activeExempts() throws {
        try Self.withRegistryHarness { h in
            try h.putRegistry([Self.entry()])
            let (accepted, invocation) = try Self.evaluate(h, try Self.host(), "COMPLIANT", "active")
            #expect(accepted?.annotation == "EXEMPT EXC-0042 until 2024-06-30 (owner \(Self.owner)): node-exporter reads /proc of host processes")
            #expect(Self.counts(invocation) == (1, 0), "\(invocation.summary)")
            try h.expectRegistryReads(invocation, "active")
            #expect(h.bootstrapLogText.contains(#""exempted":1"#), "the log reports the count")
        }
    }

    @Test("ExemptComplianceType NOT_APPLICABLE → NOT_APPLICABLE; a long reason is cut to 256")
    func exemptAsNotApplicable() throws {
        try Self.withRegistryHarness { h in
            try h.putRegistry([Self.entry { $0["reason"] = String(repeating: "long reason ", count: 40) }])
            let (accepted, _) = try Self.evaluate(h, try Self.host(parameters: ["ExemptComplianceType": "NOT_APPLICABLE"]),
                                                  "NOT_APPLICABLE", "not applicable")
            #expect(accepted?.annotation?.hasPrefix("EXEMPT EXC-0042 until 2024-06-30") == true)
            #expect(accepted?.annotation?.hasSuffix(" [truncated]") == true)
        }
    }

    @Test("a plain-date expiry holds through the end of that UTC day, then the verdict is NON_COMPLIANT naming the lapse")
    func endOfDay() throws {
        try Self.withRegistryHarness { h in
            try h.putRegistry([Self.entry(expires: "2024-01-18")])
            let (lastMoment, _) = try Self.evaluate(h, try Self.host(notificationTime: "2024-01-18T23:59:59.999Z"), "COMPLIANT", "23:59:59.999")
            #expect(lastMoment?.annotation?.hasPrefix("EXEMPT EXC-0042 until 2024-01-18") == true)
            let (lapsed, invocation) = try Self.evaluate(
                h, try Self.host(notificationTime: "2024-01-19T00:00:00.000Z", token: "token-2"), "NON_COMPLIANT", "00:00")
            #expect(lapsed?.annotation == "pidMode is 'host' (testtaskdef:2); exception EXC-0042 expired 2024-01-18 (owner \(Self.owner))")
            #expect(Self.counts(invocation) == (0, 1))
        }
    }

    @Test("an RFC 3339 expiry lapses at that instant; of several matching entries the one that expires last decides")
    func timestampAndLatest() throws {
        try Self.withRegistryHarness { h in
            // 23:03+01:00 is 22:03Z: later than EXC-1 (22:00Z), both lapsed at the event's 22:05:41Z.
            try h.putRegistry([Self.entry("EXC-1", expires: "2024-01-18T22:00:00Z"), Self.entry("EXC-2", expires: "2024-01-18T23:03:00+01:00")])
            let (expired, _) = try Self.evaluate(h, try Self.host(), "NON_COMPLIANT", "both lapsed at 22:05:41Z")
            #expect(expired?.annotation?.contains("exception EXC-2 expired 2024-01-18T23:03:00+01:00") == true, "\(expired?.annotation ?? "")")
            try h.putRegistry([Self.entry("EXC-1", expires: "2024-01-18T22:00:00Z"), Self.entry("EXC-3", expires: "2024-01-18T22:10:00Z")])
            let (active, _) = try Self.evaluate(h, try Self.host(token: "t2"), "COMPLIANT", "EXC-3 still active")
            #expect(active?.annotation?.hasPrefix("EXEMPT EXC-3 until 2024-01-18T22:10:00Z") == true)
        }
    }

    @Test("invalid entries exempt nothing and each is logged at WARN with its id (or index) and field")
    func invalidEntries() throws {
        try Self.withRegistryHarness { h in
            try h.putRegistry([
                Self.entry("EXC-NO-OWNER") { $0["owner"] = "" },
                Self.entry("EXC-BAD-DATE", expires: "2024-02-30"),
                Self.entry("EXC-TOO-FAR", expires: "2026-01-01"),
                Self.entry("EXC-DUP"), Self.entry("EXC-DUP"),
                Self.entry("EXC-TYPO") { $0["revison"] = 2 },
                ["family": "testtaskdef"],
            ])
            let (accepted, invocation) = try Self.evaluate(h, try Self.host(), "NON_COMPLIANT", "invalid entries")
            #expect(accepted?.annotation?.hasPrefix("pidMode is 'host' (testtaskdef:2): containers share") == true)
            #expect(Self.counts(invocation) == (0, 0))
            let warnings = h.bootstrapLogText.split(separator: "\n").filter { $0.contains(#""level":"WARN""#) && $0.contains("invalid exception") }
            for (id, field) in [("EXC-NO-OWNER", "owner"), ("EXC-BAD-DATE", "expires"), ("EXC-TOO-FAR", "expires"), ("EXC-DUP", "id"),
                                ("EXC-TYPO", "revison"), ("exceptions[6]", "id")] {
                #expect(warnings.contains { $0.contains(#""exceptionId":"\#(id)""#) && $0.contains(#""field":"\#(field)""#) },
                        "no WARN for \(id)/\(field): \(warnings)")
            }
            #expect(warnings.count == 7, "\(warnings)")
        }
    }

    @Test("MaxExceptionDays: an expiry beyond the horizon makes the entry invalid; within it, it exempts")
    func maxExceptionDays() throws {
        try Self.withRegistryHarness { h in
            // 2024-03-01 ends 2024-03-02T00:00Z: 43 days after the event.
            try h.putRegistry([Self.entry(expires: "2024-03-01")])
            _ = try Self.evaluate(h, try Self.host(parameters: ["MaxExceptionDays": "30"]), "NON_COMPLIANT", "30 days")
            _ = try Self.evaluate(h, try Self.host(parameters: ["MaxExceptionDays": 44], token: "t2"), "COMPLIANT", "44 days")
            _ = try Self.evaluate(h, try Self.host(token: "t3"), "COMPLIANT", "default 365")
        }
    }

    @Test("accountIds and regions filter by exact strings; an item without awsRegion matches the function's region")
    func accountAndRegionFilters() throws {
        try Self.withRegistryHarness { h in
            let rows: [(String, [String: Any], String)] = [
                ("other account", Self.entry { $0["accountIds"] = ["222222222222"] }, "NON_COMPLIANT"),
                ("this account", Self.entry { $0["accountIds"] = ["222222222222", "111111111111"] }, "COMPLIANT"),
                ("other region", Self.entry { $0["regions"] = ["eu-west-1"] }, "NON_COMPLIANT"),
                ("this region", Self.entry { $0["regions"] = ["us-west-2"] }, "COMPLIANT"),
                ("region case differs", Self.entry { $0["regions"] = ["US-WEST-2"] }, "NON_COMPLIANT"),
            ]
            for (index, (label, entry, expected)) in rows.enumerated() {
                try h.putRegistry([entry])
                _ = try Self.evaluate(h, try Self.host(token: "token-\(index)"), expected, label)
            }
            // The function's region (us-west-2) stands in for a missing awsRegion.
            try h.putRegistry([Self.entry { $0["regions"] = ["us-west-2"] }])
            let noRegion = try E2EEvents.withItem(try Self.host(token: "no-region")) { $0["awsRegion"] = nil }
            _ = try Self.evaluate(h, noRegion, "COMPLIANT", "no awsRegion")
        }
    }

    @Test("a revision-specific entry exempts that revision only; without revision every revision of the family")
    func revisionSpecific() throws {
        try Self.withRegistryHarness { h in
            try h.putRegistry([Self.entry { $0["revision"] = 2 }])
            _ = try Self.evaluate(h, try Self.host(), "COMPLIANT", "revision 2")
            try h.putRegistry([Self.entry { $0["revision"] = 3 }])
            _ = try Self.evaluate(h, try Self.host(token: "t2"), "NON_COMPLIANT", "revision 3")
            try h.putRegistry([Self.entry { $0["family"] = "testtaskdef-other" }])
            _ = try Self.evaluate(h, try Self.host(token: "t3"), "NON_COMPLIANT", "other family")
        }
    }

    @Test("a COMPLIANT verdict is never changed, and an invocation with nothing non-compliant makes no SSM call")
    func compliantUntouched() throws {
        try Self.withRegistryHarness { h in
            try h.putParameter(value: "this is not even JSON")  // would fail the invocation if it were read
            let task = try E2EEvents.sample("task.json")
            let (accepted, invocation) = try Self.evaluate(h, task, "COMPLIANT", "task")
            #expect(accepted?.annotation?.hasPrefix("EXEMPT") == false)
            try h.expectRegistryReads(invocation, count: 0, "task")
            let deleted = try E2EEvents.sample("deleted.json")
            let (_, second) = try Self.evaluate(h, deleted, "NOT_APPLICABLE", "deleted")
            try h.expectRegistryReads(second, count: 0, "deleted")
        }
    }

    @Test("no registry configured: no SSM call, verdict unchanged; ExceptionsParameterName wins over the environment")
    func parameterResolution() throws {
        try Self.withRegistryHarness(environmentParameter: nil) { h in
            try h.putRegistry([Self.entry()])
            let (_, plain) = try Self.evaluate(h, try Self.host(), "NON_COMPLIANT", "none configured")
            try h.expectRegistryReads(plain, count: 0, "none configured")
            try h.putRegistry([Self.entry()], name: "/team/registry")
            let (_, chosen) = try Self.evaluate(
                h, try Self.host(parameters: ["ExceptionsParameterName": "/team/registry"], token: "t2"), "COMPLIANT", "rule parameter")
            try h.expectRegistryReads(chosen, name: "/team/registry", "rule parameter")
        }
    }

    @Test("the registry unusable → /error ConfigRule.ExceptionsUnavailable naming the parameter and the problem, nothing put",
          arguments: ["missing", "not JSON", "schemaVersion 2", "access denied", "throttled until the deadline"])
    func unusable(_ row: String) throws {
        try Self.withRegistryHarness { h in
            let problem: String
            switch row {
            case "missing": problem = "ParameterNotFound"
            case "not JSON": try h.putParameter(value: "{not json"); problem = "is not JSON"
            case "schemaVersion 2": try h.putParameter(value: ["schemaVersion": 2, "exceptions": []]); problem = "schemaVersion must be 1"
            case "access denied":
                try h.putRegistry([Self.entry()])
                try h.controlPOST("/faults", ["operation": "GetParameter", "faults": [
                    ["kind": "error", "status": 400, "type": "AccessDeniedException", "message": "not authorized to perform ssm:GetParameter"]]])
                problem = "AccessDeniedException"
            default:
                try h.putRegistry([Self.entry()])
                try h.controlPOST("/faults", ["operation": "GetParameter", "faults": [["kind": "throttle", "repeat": true]]])
                problem = "ThrottlingException"
            }
            let invocation = try h.run(event: try E2EEvents.text(try Self.host()), timeoutMs: 4_000)
            try h.expectError(invocation, errorType: "ConfigRule.ExceptionsUnavailable",
                              messageContains: [E2EHarness.exceptionsParameter, problem], row)
            #expect(try h.calls(for: invocation).isEmpty, "\(row): no Config call may be made once the registry failed")
            let reads = try h.ssmCalls(for: invocation)
            #expect(row == "throttled until the deadline" ? reads.count > 1 : reads.count == 1, "\(row): \(reads.map(\.summary))")
        }
    }

    @Test("throttled twice, then read: the evaluation is delivered after the retries")
    func throttledThenDelivered() throws {
        try Self.withRegistryHarness { h in
            try h.putRegistry([Self.entry()])
            try h.controlPOST("/faults", ["operation": "GetParameter", "faults": ["throttle", "http503"]])
            let (_, invocation) = try Self.evaluate(h, try Self.host(), "COMPLIANT", "after retries")
            let reads = try h.ssmCalls(for: invocation)
            #expect(reads.map(\.status) == [400, 503, 200], "\(reads.map(\.summary))")
        }
    }

    @Test("oversized notification: the fetched item is exempted like a change")
    func oversized() throws {
        try Self.withRegistryHarness { h in
            try h.putRegistry([Self.entry()])
            let event = try E2EEvents.sample("oversized.json")
            let invocation = try h.run(event: try E2EEvents.text(event))
            let accepted = try h.expectSingleEvaluation(
                invocation, try expectation(for: event, "COMPLIANT"), "oversized",
                operations: ["GetResourceConfigHistory", "PutEvaluations"])
            #expect(accepted?.annotation?.hasPrefix("EXEMPT EXC-0042") == true)
            try h.expectRegistryReads(invocation, "oversized")
        }
    }

    @Test("organization rule: Config calls signed by the member role, the registry read with the function's own credentials")
    func organizationRule() throws {
        try Self.withRegistryHarness(sts: true) { h in
            let member = OrganizationRuleTests.memberAccount
            try h.registerRole(OrganizationRuleTests.roleArn(member))
            var event = try OrganizationRuleTests.event(account: member, resultToken: "org-token")
            event["ruleParameters"] = try E2EEvents.text(["ExecutionRoleName": OrganizationRuleTests.roleName])
            let family = try TaskDefinitionFamily.of(event)
            try h.putRegistry([Self.entry { $0["family"] = family; $0["accountIds"] = [member] }])
            let invocation = try h.run(event: try E2EEvents.text(event))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let accepted = try h.evaluations(for: invocation)
            #expect(accepted.map(\.complianceType) == ["COMPLIANT"], "\(accepted.map(\.summary))")
            #expect(accepted.first?.principal == OrganizationRuleTests.roleArn(member), "\(accepted.first?.raw ?? [:])")
            try h.expectRegistryReads(invocation, "organization rule")
        }
    }
}

extension ExceptionsTests {
    /// `events/scheduled.json` (notificationCreationTime 2024-01-19T00:00:00.373Z) over the emulator's seeded
    /// inventory: `testtaskdef` (host), `legacy-agent` (INACTIVE, host), `webapp`, `batch-worker`; plus the clean-up.
    static func scheduled(parameters: [String: Any] = [:]) throws -> [String: Any] {
        var event = try E2EEvents.sample("scheduled.json")
        event["ruleParameters"] = try E2EEvents.text(parameters)
        return event
    }

    @Test("periodic sweep: an active exception exempts, a lapsed one is named (lapsed the day before), one registry read")
    func sweep() throws {
        try Self.withRegistryHarness { h in
            try h.putRegistry([
                Self.entry("EXC-A", expires: "2024-03-01"),
                Self.entry("EXC-B", expires: "2024-01-18") { $0["family"] = "legacy-agent" },
            ])
            let invocation = try h.run(event: try E2EEvents.text(try Self.scheduled()), timeoutMs: 20_000)
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let byID = Dictionary(try h.evaluations(for: invocation).map { ($0.resourceID ?? "?", $0) }, uniquingKeysWith: { a, _ in a })
            #expect(byID["testtaskdef"]?.complianceType == "COMPLIANT")
            #expect(byID["testtaskdef"]?.annotation?.hasPrefix("EXEMPT EXC-A until 2024-03-01") == true, "\(byID["testtaskdef"]?.summary ?? "")")
            #expect(byID["legacy-agent"]?.complianceType == "NON_COMPLIANT")
            #expect(byID["legacy-agent"]?.annotation == "pidMode is 'host' (legacy-agent:4); exception EXC-B expired 2024-01-18 (owner \(Self.owner))")
            #expect(byID["webapp"]?.complianceType == "COMPLIANT" && byID["batch-worker"]?.complianceType == "COMPLIANT")
            #expect(Self.counts(invocation) == (1, 1), "\(invocation.summary)")
            try h.expectRegistryReads(invocation, "sweep")
            #expect(h.bootstrapLogText.contains(#""exceptionsExpired":1"#), "the sweep's log line reports the counts")
        }
    }

    @Test("periodic sweep: an unusable registry stops the sweep with ExceptionsUnavailable; no non-compliant item → no read")
    func sweepRegistryUnusable() throws {
        try Self.withRegistryHarness { h in
            try h.putParameter(value: ["schemaVersion": 1, "exceptions": "none"])
            let failed = try h.run(event: try E2EEvents.text(try Self.scheduled()), timeoutMs: 20_000)
            #expect(failed.state == "error" && failed.errorTypeHeader == "ConfigRule.ExceptionsUnavailable", "\(failed.summary)")
            let message = failed.errorDocument.message ?? ""
            #expect(message.contains(E2EHarness.exceptionsParameter) && message.contains("exceptions must be an array"), "\(message)")
            // The streamed sweep keeps what it delivered (here possibly the clean-up), but nothing of a page that
            // needed the registry: no verdict on a host revision went out as if there were no exceptions.
            let delivered = try h.evaluations(for: failed).compactMap(\.resourceID)
            #expect(!delivered.contains("testtaskdef") && !delivered.contains("legacy-agent"), "\(delivered)")
            try h.expectRegistryReads(failed, "sweep: one read, even with several workers")

            try h.generateInventory(count: 250, hostEvery: 0)
            let clean = try h.run(event: try E2EEvents.text(try Self.scheduled()), timeoutMs: 20_000)
            #expect(clean.state == "response", "\(clean.summary)\(h.dump())")
            try h.expectRegistryReads(clean, count: 0, "no host in the inventory")
            #expect(Self.counts(clean) == (0, 0))
        }
    }
}

/// The family of an event's task definition (its `configuration.Family`).
enum TaskDefinitionFamily {
    static func of(_ event: [String: Any]) throws -> String {
        guard let configuration = try E2EEvents.item(of: event)["configuration"] as? [String: Any],
            let family = (configuration["Family"] ?? configuration["family"]) as? String
        else { throw HarnessError("event has no configuration.Family") }
        return family
    }
}
