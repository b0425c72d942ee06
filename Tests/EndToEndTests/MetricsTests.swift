import Foundation
import TestSupport
import Testing

extension E2EHarness {
    /// The bootstrap's log lines: its output without the metric (EMF) lines it writes on standard output.
    var logLines: [Substring] {
        bootstrapLogText.split(separator: "\n").filter { !$0.isEmpty && EmbeddedMetricFormatCheck.document($0) == nil }
    }

    /// The EMF documents the bootstrap wrote for `invocation` (its `requestId`), in order.
    func metricDocuments(for invocation: InvocationView) -> [[String: Any]] {
        EmbeddedMetricFormatCheck.documents(in: bootstrapLogText).filter { $0["requestId"] as? String == invocation.requestID }
    }

    /// The one EMF document of `invocation`, checked against the specification's required members, with the
    /// namespace and dimensions every line carries by default.
    func metricDocument(for invocation: InvocationView, mode: String, _ label: String,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let documents = metricDocuments(for: invocation)
        let document = try #require(documents.count == 1 ? documents.first : nil,
                                    "\(label): \(documents.count) metric lines for \(invocation.requestID)\(dump())",
                                    sourceLocation: sourceLocation)
        let problems = EmbeddedMetricFormatCheck.problems(document)
        #expect(problems.isEmpty, "\(label): \(problems)", sourceLocation: sourceLocation)
        let directive = ((document["_aws"] as? [String: Any])?["CloudWatchMetrics"] as? [[String: Any]])?.first
        #expect(directive?["Namespace"] as? String == "PidModeRule", "\(label)", sourceLocation: sourceLocation)
        #expect(directive?["Dimensions"] as? [[String]] == [["FunctionName", "Mode"]], "\(label)", sourceLocation: sourceLocation)
        #expect(document["FunctionName"] as? String == "pid-mode-rule", "\(label)", sourceLocation: sourceLocation)
        #expect(document["Mode"] as? String == mode, "\(label): \(document)", sourceLocation: sourceLocation)
        #expect(metric(document, "Invocations") == 1, "\(label)", sourceLocation: sourceLocation)
        return document
    }
}

/// A metric's value in an EMF document (`nil` when absent).
func metric(_ document: [String: Any], _ name: String) -> Double? {
    (document[name] as? NSNumber)?.doubleValue
}

/// Counts by compliance type of what the emulator accepted, as metric names.
func acceptedCounts(_ evaluations: [AcceptedEvaluation]) -> [String: Double] {
    var counts = ["EvaluationsCompliant": 0.0, "EvaluationsNonCompliant": 0.0, "EvaluationsNotApplicable": 0.0]
    for evaluation in evaluations {
        switch evaluation.complianceType {
        case "COMPLIANT": counts["EvaluationsCompliant", default: 0] += 1
        case "NON_COMPLIANT": counts["EvaluationsNonCompliant", default: 0] += 1
        case "NOT_APPLICABLE": counts["EvaluationsNotApplicable", default: 0] += 1
        default: break
        }
    }
    return counts
}

/// Metrics in CloudWatch Embedded Metric Format, as the real bootstrap writes them: one line per invocation, checked
/// against the EMF specification and against what the emulator saw happen (calls, throttles, evaluations accepted).
@Suite("Metrics (CloudWatch EMF) of the real bootstrap, end to end")
struct MetricsTests {
    /// Asserts that the evaluation counts of `document` equal what the emulator accepted for `invocation`, and that
    /// `AWSCalls` equals the Config calls it recorded (plus `extraCalls`, e.g. STS).
    static func expectCountsMatch(_ h: E2EHarness, _ document: [String: Any], _ invocation: InvocationView, _ label: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (name, count) in acceptedCounts(try h.evaluations(for: invocation)) {
            #expect(metric(document, name) == count, "\(label): \(name)", sourceLocation: sourceLocation)
        }
        let calls = try h.calls(for: invocation)
        #expect(metric(document, "AWSCalls") == Double(calls.count), "\(label): \(calls.map(\.summary))", sourceLocation: sourceLocation)
        let throttled = calls.filter { $0.errorType == "ThrottlingException" || $0.status == 429 }.count
        #expect(metric(document, "AWSThrottles") == Double(throttled), "\(label)", sourceLocation: sourceLocation)
    }

    @Test("change event (JSON log format): one EMF line, mode change, counts equal what Config accepted")
    func change() throws {
        try withHarness { h in
            let invocation = try h.run(event: try E2EEvents.sampleText("host.json"))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let document = try h.metricDocument(for: invocation, mode: "change", "host.json")
            try Self.expectCountsMatch(h, document, invocation, "host.json")
            #expect(metric(document, "EvaluationsNonCompliant") == 1)
            #expect(metric(document, "Failures") == 0)
            #expect(metric(document, "AWSRetries") == 0)
            #expect(document["ErrorType"] == nil)
            // Lambda's JSON log format: the EMF object is the whole line (not wrapped in a log record).
            let line = h.bootstrapLogText.split(separator: "\n").first { $0.contains("\"_aws\"") && $0.contains(invocation.requestID) }
            #expect(line?.first == "{" && line?.last == "}", "\(String(describing: line))")
            #expect(!(line?.contains("\"level\"") ?? true), "the metric line is not a log record")
        }
    }

    @Test("oversized change event: the GetResourceConfigHistory lookup is counted with the PutEvaluations")
    func oversized() throws {
        try withHarness { h in
            let invocation = try h.run(event: try E2EEvents.sampleText("oversized.json"))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let document = try h.metricDocument(for: invocation, mode: "change", "oversized.json")
            try Self.expectCountsMatch(h, document, invocation, "oversized.json")
            #expect(metric(document, "AWSCalls") == 2)
        }
    }

    @Test("sweep: mode sweep, inventory size as listed, evaluations as accepted, success flag and duration")
    func sweep() throws {
        try withHarness { h in
            let invocation = try h.run(event: try E2EEvents.sampleText("scheduled.json"))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let document = try h.metricDocument(for: invocation, mode: "sweep", "scheduled.json")
            try Self.expectCountsMatch(h, document, invocation, "scheduled.json")
            let listed = try h.calls(for: invocation).filter { $0.operation == "ListDiscoveredResources" }
                .map { int(($0.raw["result"] as? [String: Any])?["pageSize"]) ?? 0 }.reduce(0, +)
            #expect(listed > 0)
            #expect(metric(document, "SweepInventorySize") == Double(listed))
            #expect(metric(document, "SweepSucceeded") == 1)
            #expect((metric(document, "SweepDuration") ?? 0) > 0)
            #expect(metric(document, "Failures") == 0)
            let directive = ((document["_aws"] as? [String: Any])?["CloudWatchMetrics"] as? [[String: Any]])?.first
            let units = Dictionary(uniqueKeysWithValues: (directive?["Metrics"] as? [[String: Any]] ?? []).compactMap { definition in
                (definition["Name"] as? String).map { ($0, definition["Unit"] as? String ?? "") }
            })
            #expect(units["SweepDuration"] == "Milliseconds")
            #expect(units["SweepInventorySize"] == "Count")
        }
    }

    @Test("a sweep throttled to failure: Failures 1 under ErrorType, SweepSucceeded 0, calls/retries/throttles as recorded")
    func sweepFailure() throws {
        try withHarness { h in
            try h.injectFaults(operation: "ListDiscoveredResources", faults: [["kind": "throttle", "repeat": true]])
            let invocation = try h.run(event: try E2EEvents.sampleText("scheduled.json"), timeoutMs: 3_000)
            #expect(invocation.state == "error", "\(invocation.summary)\(h.dump())")
            let errorType = try #require(invocation.errorDocument.type)
            let document = try h.metricDocument(for: invocation, mode: "sweep", "throttled sweep")
            try Self.expectCountsMatch(h, document, invocation, "throttled sweep")
            let calls = try h.calls(for: invocation)
            // The listing's retries; the clean-up query, paged alongside from the start, is answered at once (no retry).
            let lists = calls.filter { $0.operation == "ListDiscoveredResources" }
            #expect(calls.filter { $0.operation != "ListDiscoveredResources" }.allSatisfy { $0.status == 200 }, "\(calls.map(\.summary))")
            #expect(metric(document, "AWSRetries") == Double(lists.count - 1), "\(calls.map(\.summary))")
            #expect(metric(document, "Failures") == 1)
            #expect(metric(document, "SweepSucceeded") == 0)
            #expect(document["ErrorType"] as? String == errorType)
            let directives = (document["_aws"] as? [String: Any])?["CloudWatchMetrics"] as? [[String: Any]] ?? []
            #expect(directives.count == 2)
            #expect(directives.last?["Dimensions"] as? [[String]] == [["FunctionName", "Mode", "ErrorType"]])
            #expect((directives.last?["Metrics"] as? [[String: Any]])?.map { $0["Name"] as? String } == ["Failures"])
        }
    }

    @Test("organization rule: the STS AssumeRole call counts in AWSCalls with the PutEvaluations signed as the member")
    func organizationRule() throws {
        try withHarness(startBootstrap: false) { h in
            try h.startBootstrapWithSTS()
            try h.registerRole(OrganizationRuleTests.roleArn(OrganizationRuleTests.memberAccount))
            let invocation = try h.run(event: try E2EEvents.text(try OrganizationRuleTests.memberEvent()))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let document = try h.metricDocument(for: invocation, mode: "change", "organization rule")
            let stsCalls = try h.stsCalls(for: invocation)
            let configCalls = try h.calls(for: invocation)
            #expect(stsCalls.count == 1 && configCalls.count == 1, "\(stsCalls.map(\.summary)) \(configCalls.map(\.summary))")
            #expect(metric(document, "AWSCalls") == Double(stsCalls.count + configCalls.count))
            #expect(metric(document, "EvaluationsNonCompliant") == 1)
        }
    }

    @Test("exceptions: ExceptionsExempted / ExceptionsExpired as applied, the SSM read in AWSCalls; an unusable registry → Failures under ConfigRule.ExceptionsUnavailable")
    func exceptions() throws {
        try ExceptionsTests.withRegistryHarness { h in
            func runHost(_ label: String) throws -> (InvocationView, [String: Any]) {
                let invocation = try h.run(event: try E2EEvents.text(try ExceptionsTests.host()))
                let document = try h.metricDocument(for: invocation, mode: "change", label)
                let calls = try h.calls(for: invocation).count + (try h.ssmCalls(for: invocation).count)
                #expect(metric(document, "AWSCalls") == Double(calls), "\(label): \(document)")
                return (invocation, document)
            }
            try h.putRegistry([ExceptionsTests.entry()])
            let (active, exempted) = try runHost("active exception")
            #expect(active.state == "response", "\(active.summary)\(h.dump())")
            #expect(metric(exempted, "ExceptionsExempted") == 1, "\(exempted)")
            #expect((metric(exempted, "ExceptionsExpired") ?? 0) == 0, "\(exempted)")
            #expect(metric(exempted, "EvaluationsCompliant") == 1, "\(exempted)")

            try h.putRegistry([ExceptionsTests.entry(expires: "2024-01-01")])
            let (lapsed, expired) = try runHost("expired exception")
            #expect(lapsed.state == "response", "\(lapsed.summary)")
            #expect(metric(expired, "ExceptionsExpired") == 1, "\(expired)")
            #expect((metric(expired, "ExceptionsExempted") ?? 0) == 0, "\(expired)")
            #expect(metric(expired, "EvaluationsNonCompliant") == 1, "\(expired)")

            try h.putParameter(value: "{not json")
            let (failed, unusable) = try runHost("unusable registry")
            #expect(failed.errorDocument.type == "ConfigRule.ExceptionsUnavailable", "\(failed.summary)")
            #expect(metric(unusable, "Failures") == 1)
            #expect(unusable["ErrorType"] as? String == "ConfigRule.ExceptionsUnavailable")
            #expect(metric(unusable, "EvaluationsNonCompliant") == 0)
        }
    }

    @Test("a malformed event: Failures 1, ErrorType ConfigRule.MalformedEvent, no AWS call; an ignored event: IgnoredEvents 1")
    func malformedAndIgnored() throws {
        try withHarness { h in
            let malformed = try h.run(event: "{not json")
            let bad = try h.metricDocument(for: malformed, mode: "change", "malformed")
            #expect(bad["ErrorType"] as? String == "ConfigRule.MalformedEvent")
            #expect(metric(bad, "Failures") == 1)
            #expect(metric(bad, "AWSCalls") == 0)
            let ignored = try h.run(event: try E2EEvents.sampleText("snapshot-delivery.json"))
            let document = try h.metricDocument(for: ignored, mode: "change", "snapshot")
            #expect(metric(document, "IgnoredEvents") == 1)
            #expect(metric(document, "Failures") == 0)
        }
    }

    @Test("text log format: the same EMF object, printed as its own line among the text log lines")
    func textFormat() throws {
        try withHarness(startBootstrap: false) { h in
            try h.startBootstrap(removing: ["AWS_LAMBDA_LOG_FORMAT"])
            let invocation = try h.run(event: try E2EEvents.sampleText("task.json"))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let document = try h.metricDocument(for: invocation, mode: "change", "text format")
            try Self.expectCountsMatch(h, document, invocation, "text format")
            #expect(h.bootstrapLogText.contains(" INFO invocation completed"), "the logs are text\(h.dump())")
        }
    }

    @Test("PIDMODE_METRICS_NAMESPACE / _DIMENSIONS are honoured; PIDMODE_METRICS_DISABLED=true writes no line")
    func configuration() throws {
        try withHarness(startBootstrap: false) { h in
            try h.startBootstrap(adding: [
                "PIDMODE_METRICS_NAMESPACE": "Security/PidMode", "PIDMODE_METRICS_DIMENSIONS": "Mode,Environment=test",
            ])
            let first = try h.run(event: try E2EEvents.sampleText("task.json"))
            let documents = h.metricDocuments(for: first)
            let document = try #require(documents.first)
            #expect(documents.count == 1)
            #expect(EmbeddedMetricFormatCheck.problems(document).isEmpty)
            let directive = ((document["_aws"] as? [String: Any])?["CloudWatchMetrics"] as? [[String: Any]])?.first
            #expect(directive?["Namespace"] as? String == "Security/PidMode")
            #expect(directive?["Dimensions"] as? [[String]] == [["Mode", "Environment"]])
            #expect(document["Environment"] as? String == "test")
            #expect(document["FunctionName"] == nil)

            h.stopBootstrap()
            try h.startBootstrap(adding: ["PIDMODE_METRICS_DISABLED": "true"])
            let second = try h.run(event: try E2EEvents.sampleText("task.json"))
            #expect(second.state == "response")
            #expect(h.metricDocuments(for: second).isEmpty)
        }
    }

    @Test("an unusable metrics variable is a start-up error naming it")
    func invalidConfiguration() throws {
        try withHarness(startBootstrap: false) { h in
            try h.startBootstrap(adding: ["PIDMODE_METRICS_NAMESPACE": "AWS/Lambda"])
            let exit = h.waitForBootstrapExit(seconds: 10)
            #expect(exit.status != nil && exit.status != 0, "\(h.dump())")
            let errors = try h.initErrors()
            #expect(errors.count == 1)
            let body = String(describing: errors.first ?? [:])
            #expect(body.contains("Runtime.InvalidConfiguration") && body.contains("PIDMODE_METRICS_NAMESPACE"), "\(body)")
        }
    }
}

/// The operator-facing messages of the real bootstrap: what an error document and the log say when things go wrong.
@Suite("Operator messages, end to end")
struct OperatorMessageTests {
    @Test("a reply slower than the invocation deadline → ConfigRule.DeadlineExceeded, not TransportError; no 'retrying' line")
    func deadlineExceeded() throws {
        try withHarness { h in
            try h.waitForPoller()
            try h.injectFaults(operation: "PutEvaluations", faults: [["kind": "slow", "delayMs": 4_000]])
            let invocation = try h.run(event: try E2EEvents.sampleText("host.json"), timeoutMs: 2_000)
            let message = try h.expectError(invocation, errorType: "ConfigRule.DeadlineExceeded",
                                            messageContains: ["PutEvaluations", "deadline"], "slow reply")
            #expect(repeatedClause(in: message) == nil, "\(message)")
            #expect(!invocation.answeredAfterDeadline, "\(invocation.summary)")
            let retrying = h.bootstrapLogText.split(separator: "\n").filter { $0.contains("retrying") && $0.contains(invocation.requestID) }
            #expect(retrying.isEmpty, "\(retrying)")
            let document = try h.metricDocument(for: invocation, mode: "change", "slow reply")
            #expect(document["ErrorType"] as? String == "ConfigRule.DeadlineExceeded")
            #expect(metric(document, "AWSCalls") == 1)
        }
    }

    @Test("ConfigurationSnapshotDeliveryCompleted (with rule parameters this rule does not know) logs exactly one WARN")
    func snapshotOneWarning() throws {
        try withHarness { h in
            let invocation = try h.run(event: try E2EEvents.sampleText("snapshot-delivery.json"))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let warnings = h.bootstrapLogText.split(separator: "\n").filter {
                $0.contains("\"level\":\"WARN\"") && $0.contains(invocation.requestID)
            }
            #expect(warnings.count == 1, "\(warnings)")
            #expect(warnings.first?.contains("message type ignored") == true, "\(warnings)")
        }
    }
}
