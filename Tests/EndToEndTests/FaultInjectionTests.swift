import Foundation
import Testing

/// rule-semantics.md §5 "Delivery and failure": retries of throttling, 5xx and dropped connections with backoff,
/// re-sending FailedEvaluations, non-retryable errors failing at once, and always answering before the deadline.
@Suite("Config faults and deadlines, end to end")
struct FaultInjectionTests {
    static func hostEvent() throws -> [String: Any] { try E2EEvents.sample("host.json") }

    /// Runs the host event after queuing `faults` on PutEvaluations.
    static func runHost(_ h: E2EHarness, faults: [Any], operation: String = "PutEvaluations",
                        timeoutMs: Int = 20_000) throws -> InvocationView {
        try h.injectFaults(operation: operation, faults: faults)
        return try h.run(event: try E2EEvents.text(try hostEvent()), timeoutMs: timeoutMs)
    }

    /// A `/response` with one NON_COMPLIANT evaluation accepted, after `statuses` PutEvaluations replies.
    static func expectDeliveredAfterRetries(_ h: E2EHarness, _ invocation: InvocationView, statuses: [Int?], _ label: String,
                                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(invocation.state == "response", "\(label): \(invocation.summary)\(h.dump())", sourceLocation: sourceLocation)
        #expect(invocation.answers == 1, "\(label): \(invocation.summary)", sourceLocation: sourceLocation)
        let calls = try h.calls(for: invocation)
        #expect(calls.map(\.status) == statuses, "\(label): \(calls.map(\.summary))", sourceLocation: sourceLocation)
        #expect(calls.allSatisfy { $0.operation == "PutEvaluations" }, "\(label)", sourceLocation: sourceLocation)
        h.expectWellFormedCalls(calls, of: invocation, label, sourceLocation: sourceLocation)
        let accepted = try h.evaluations(for: invocation)
        #expect(accepted.count == 1, "\(label): \(accepted.map(\.summary))", sourceLocation: sourceLocation)
        #expect(accepted.first?.complianceType == "NON_COMPLIANT", "\(label)", sourceLocation: sourceLocation)
        #expect(accepted.first?.resourceID == "testtaskdef", "\(label)", sourceLocation: sourceLocation)
        #expect(h.isBootstrapRunning, "\(label)", sourceLocation: sourceLocation)
    }

    @Test("PutEvaluations throttled twice, then accepted → /response after 3 calls, 1 evaluation")
    func throttledTwice() throws {
        try withHarness { h in
            let invocation = try Self.runHost(h, faults: ["throttle", "throttle"])
            try Self.expectDeliveredAfterRetries(h, invocation, statuses: [400, 400, 200], "throttle ×2")
            #expect(try h.calls(for: invocation).map(\.errorType) == ["ThrottlingException", "ThrottlingException", nil])
        }
    }

    @Test("PutEvaluations HTTP 500 twice (then 503 once), then accepted → /response")
    func serverErrors() throws {
        try withHarness { h in
            let invocation = try Self.runHost(h, faults: ["http500", "http500"])
            try Self.expectDeliveredAfterRetries(h, invocation, statuses: [500, 500, 200], "http500 ×2")
            let second = try Self.runHost(h, faults: ["http503"])
            try Self.expectDeliveredAfterRetries(h, second, statuses: [503, 200], "http503")
        }
    }

    @Test("PutEvaluations connection dropped once, then accepted → /response")
    func droppedOnce() throws {
        try withHarness { h in
            let invocation = try Self.runHost(h, faults: ["drop"])
            try Self.expectDeliveredAfterRetries(h, invocation, statuses: [nil, 200], "drop")
            #expect(try h.calls(for: invocation).map(\.dropped) == [true, false])
        }
    }

    @Test("FailedEvaluations once → a second call carrying only the failed evaluation → /response")
    func failedEvaluationsOnce() throws {
        try withHarness { h in
            let invocation = try Self.runHost(h, faults: [["kind": "failedEvaluations", "count": 1]])
            try Self.expectDeliveredAfterRetries(h, invocation, statuses: [200, 200], "failedEvaluations")
            let calls = try h.calls(for: invocation)
            if calls.count == 2 {
                let first = calls[0].evaluations
                let second = calls[1].evaluations
                #expect(second.count == 1, "\(second)")
                #expect(second.first?["ComplianceResourceId"] as? String == first.first?["ComplianceResourceId"] as? String)
                #expect(second.first?["ComplianceType"] as? String == "NON_COMPLIANT")
                #expect(calls[1].body?["ResultToken"] as? String == "myResultToken")
            }
        }
    }

    @Test("FailedEvaluations on every call → /error, before the deadline")
    func failedEvaluationsPersistently() throws {
        try withHarness { h in
            let invocation = try Self.runHost(h, faults: [["kind": "failedEvaluations", "count": 1, "repeat": true]])
            #expect(invocation.state == "error", "\(invocation.summary)\(h.dump())")
            #expect(invocation.errorDocument.type?.hasPrefix("ConfigRule.") == true, "\(invocation.summary)")
            #expect(!invocation.answeredAfterDeadline, "\(invocation.summary)")
            #expect(try h.evaluations().isEmpty)
            let calls = try h.calls(for: invocation)
            #expect((2...6).contains(calls.count), "re-sends must be bounded: \(calls.count) calls")
            h.expectWellFormedCalls(calls, of: invocation, "failedEvaluations persistent")
        }
    }

    @Test("persistent throttling → /error ConfigRule.ThrottlingException before the deadline, nothing accepted")
    func persistentThrottling() throws {
        try withHarness { h in
            let invocation = try Self.runHost(h, faults: [["kind": "throttle", "repeat": true]], timeoutMs: 20_000)
            try h.expectError(invocation, errorType: "ConfigRule.ThrottlingException", "persistent throttle")
            #expect(!invocation.answeredAfterDeadline, "\(invocation.summary)")
            #expect(try h.evaluations().isEmpty)
            let calls = try h.calls(for: invocation)
            #expect((2...6).contains(calls.count), "retries must happen and be bounded (6 attempts max): \(calls.count) calls")
            #expect(calls.allSatisfy { $0.status == 400 && $0.errorType == "ThrottlingException" })
            h.expectWellFormedCalls(calls, of: invocation, "persistent throttle")
            #expect(h.isBootstrapRunning)
        }
    }

    @Test("non-retryable errors fail at once: AccessDeniedException, InvalidResultTokenException after exactly one call")
    func nonRetryableErrors() throws {
        try withHarness { h in
            for (type, status) in [("AccessDeniedException", 400), ("InvalidResultTokenException", 400), ("AccessDeniedException", 403)] {
                // Quotes, a backslash, a newline and non-ASCII: the error document must still be valid JSON.
                let message = "User: arn:aws:sts::111111111111:assumed-role/r/s is not authorized (\"\(type)\" \\ ü)\n"
                    + "id \(UUID().uuidString.prefix(6))"
                let invocation = try Self.runHost(h, faults: [["kind": "error", "type": type, "status": status, "message": message]])
                let label = "\(type) (HTTP \(status))"
                let text = try h.expectError(invocation, errorType: "ConfigRule.\(type)", label)
                #expect(text.contains(message), "\(label): the AWS message is missing from \(text.debugDescription)")
                let calls = try h.calls(for: invocation)
                #expect(calls.count == 1, "\(label): \(calls.map(\.summary))")
                h.expectWellFormedCalls(calls, of: invocation, label)
            }
            #expect(try h.evaluations().isEmpty)
            #expect(h.isBootstrapRunning)
        }
    }

    @Test("a slow PutEvaluations reply (300 ms) still succeeds with one call")
    func slowReply() throws {
        try withHarness { h in
            let invocation = try Self.runHost(h, faults: [["kind": "slow", "delayMs": 300]])
            try Self.expectDeliveredAfterRetries(h, invocation, statuses: [200], "slow 300 ms")
        }
    }

    @Test("GetResourceConfigHistory throttled once on an oversized event → retried, then evaluated")
    func historyThrottledOnce() throws {
        try withHarness { h in
            try h.injectFaults(operation: "GetResourceConfigHistory", faults: ["throttle"])
            let event = try E2EEvents.sample("oversized.json")
            let invocation = try h.run(event: try E2EEvents.text(event))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            let calls = try h.calls(for: invocation)
            #expect(calls.map(\.operation) == ["GetResourceConfigHistory", "GetResourceConfigHistory", "PutEvaluations"],
                    "\(calls.map(\.summary))")
            #expect(calls.map(\.status) == [400, 200, 200])
            h.expectWellFormedCalls(calls, of: invocation, "history throttled")
            #expect(try h.evaluations(for: invocation).map(\.complianceType) == ["NON_COMPLIANT"])
        }
    }

    @Test("Config endpoint refusing connections → retried, then /error before the deadline; the process survives")
    func configUnreachable() throws {
        try withHarness(startBootstrap: false) { h in
            // Port 9 (discard) on loopback: nothing listens, every connection is refused.
            try h.startBootstrap(adding: ["AWS_ENDPOINT_URL_CONFIG_SERVICE": "http://127.0.0.1:9"])
            let invocation = try h.run(event: try E2EEvents.sampleText("host.json"), timeoutMs: 10_000)
            #expect(invocation.state == "error", "\(invocation.summary)\(h.dump())")
            #expect(invocation.errorDocument.type?.hasPrefix("ConfigRule.") == true, "\(invocation.summary)")
            #expect(!invocation.answeredAfterDeadline, "\(invocation.summary)")
            #expect(h.isBootstrapRunning, "bootstrap exited\(h.dump())")
            let next = try h.run(event: try E2EEvents.sampleText("snapshot-delivery.json"))
            #expect(next.state == "response", "\(next.summary)\(h.dump())")
        }
    }

    // MARK: Deadline

    @Test("persistent throttling with a 1.5 s deadline → /error answered before the deadline")
    func shortDeadline() throws {
        try withHarness { h in
            try h.waitForPoller()
            let invocation = try Self.runHost(h, faults: [["kind": "throttle", "repeat": true]], timeoutMs: 1_500)
            #expect(invocation.state == "error", "\(invocation.summary)\(h.dump())")
            let type = invocation.errorDocument.type ?? ""
            #expect(["ConfigRule.ThrottlingException", "ConfigRule.DeadlineExceeded"].contains(type), "\(invocation.summary)")
            #expect(!invocation.answeredAfterDeadline,
                    "answered at \(invocation.answeredAtMs ?? -1), deadline \(invocation.deadlineMs ?? -1)\(h.dump())")
            #expect(try h.evaluations().isEmpty)
            let calls = try h.calls(for: invocation)
            #expect(!calls.isEmpty)
            h.expectWellFormedCalls(calls, of: invocation, "short deadline")
            #expect(h.isBootstrapRunning)
        }
    }

    @Test("an invocation whose deadline has already passed → /error at once, no Config call, the process goes on")
    func deadlineAlreadyPassed() throws {
        try withHarness { h in
            try h.waitForPoller()
            let invocation = try h.run(event: try E2EEvents.sampleText("host.json"), timeoutMs: 1)
            #expect(invocation.state == "error", "\(invocation.summary)\(h.dump())")
            #expect(invocation.errorDocument.type?.hasPrefix("ConfigRule.") == true, "\(invocation.summary)")
            let calls = try h.calls()
            #expect(calls.isEmpty, "\(calls.map(\.summary))")
            if let delivered = invocation.deliveredAtMs, let answered = invocation.answeredAtMs {
                #expect(answered - delivered < 1_000, "took \(answered - delivered) ms to give up")
            }
            let next = try h.run(event: try E2EEvents.sampleText("task.json"))
            #expect(next.state == "response", "\(next.summary)\(h.dump())")
        }
    }

    @Test("a reply slower than the deadline → the attempt is cut short and /error is answered before the deadline")
    func replySlowerThanDeadline() throws {
        try withHarness { h in
            try h.waitForPoller()
            let invocation = try Self.runHost(h, faults: [["kind": "slow", "delayMs": 4_000]], timeoutMs: 2_000)
            #expect(invocation.state == "error", "\(invocation.summary)\(h.dump())")
            #expect(invocation.errorDocument.type?.hasPrefix("ConfigRule.") == true, "\(invocation.summary)")
            #expect(!invocation.answeredAfterDeadline,
                    "answered at \(invocation.answeredAtMs ?? -1), deadline \(invocation.deadlineMs ?? -1)\(h.dump())")
            // (The emulator finishes the slow call after the client gave up, so it may still record the evaluation,
            // as AWS would: only the answer's timing and kind are asserted here.)
            #expect(h.isBootstrapRunning)
            // The process is still usable afterwards.
            let next = try h.run(event: try E2EEvents.sampleText("task.json"))
            #expect(next.state == "response", "\(next.summary)\(h.dump())")
        }
    }
}
