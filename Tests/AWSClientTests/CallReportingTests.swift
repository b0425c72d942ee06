@testable import AWSClient
import CurlHTTP
import Foundation
import JSON
import LoopbackHTTPServer
import Metrics
import TestSupport
import Testing

/// What a failed or retried call leaves behind for an operator: its error text, its "retrying" log lines and the
/// invocation's AWS call counts.
@Suite("AWS call reporting: messages, retry logs, metrics")
struct CallReportingTests {
    static let body: JSONValue = .object(JSONObject())

    @Test("a slow reply under the policy's own attempt limit (deadline far away) stays a retried transport timeout")
    func attemptLimitNotDeadline() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: .delayed(milliseconds: 1_000, then: awsOK("{}")))
        defer { server.stop() }
        let harness = try ClientHarness(server: server, policy: RetryPolicy(maxAttempts: 2, attemptTimeoutMilliseconds: 300))
        let context = harness.context(deadlineIn: 60_000)

        let error = try harness.callError(context: context)

        guard case .transport(let curlError) = error.code else {
            Issue.record("expected a transport timeout, got \(error.code)")
            return
        }
        #expect(curlError.code == .timedOut)
        #expect(error.attempts == 2)
        #expect(context.metrics.value(of: .awsCalls) == 2)
        #expect(context.metrics.value(of: .awsRetries) == 1)
    }

    @Test("cut off by the deadline only when the shortened limit itself ran out (not a 1 s connect timeout within it)",
          arguments: [
            (cut: true, timeout: 500, elapsed: 500, expected: true), (cut: true, timeout: 500, elapsed: 455, expected: true),
            (cut: true, timeout: 3_000, elapsed: 1_001, expected: false), (cut: false, timeout: 10_000, elapsed: 10_000, expected: false),
          ])
    func cutOffDecision(cut: Bool, timeout: Int, elapsed: Int, expected: Bool) {
        let timedOut = AWSClientError(.transport(CurlError(code: .timedOut, curlCode: 28, message: "timed out")), operation: "X")
        let refused = AWSClientError(.transport(CurlError(code: .couldNotConnect, curlCode: 7, message: "refused")), operation: "X")
        #expect(RetryRunner.isCutOffByDeadline(timedOut, timeoutMilliseconds: timeout, cutByDeadline: cut, elapsedMilliseconds: elapsed) == expected)
        #expect(!RetryRunner.isCutOffByDeadline(refused, timeoutMilliseconds: timeout, cutByDeadline: cut, elapsedMilliseconds: elapsed))
    }

    @Test("no 'retrying' line when the backoff would cross the deadline (the failure is thrown instead)")
    func noRetryingLineWhenDeadlineRefuses() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: awsError(status: 500, type: "InternalFailure", message: "oops"))
        defer { server.stop() }
        let harness = try ClientHarness(server: server, time: FakeTime(jitterValue: { $0 }))

        _ = try harness.callError(context: harness.context(deadlineIn: 520))

        #expect(server.requests.count == 1)
        #expect(harness.logs.lines.filter { $0.contains("retrying") }.isEmpty, "\(harness.logs.lines)")
    }

    @Test("no 'retrying' line after the last attempt the policy allows")
    func noRetryingLineAfterLastAttempt() throws {
        let server = try LoopbackHTTPServer(alwaysReplying: awsError(type: "ThrottlingException", message: "Rate exceeded"))
        defer { server.stop() }
        let harness = try ClientHarness(server: server, policy: RetryPolicy(maxAttempts: 3))
        let context = harness.context()

        _ = try harness.callError(context: context)

        #expect(server.requests.count == 3)
        // One line per retry that followed: after attempts 1 and 2, not after 3.
        let retrying = harness.logs.lines.filter { $0.contains("retrying") }
        #expect(retrying.count == 2, "\(harness.logs.lines)")
        #expect(context.metrics.value(of: .awsCalls) == 3)
        #expect(context.metrics.value(of: .awsRetries) == 2)
        #expect(context.metrics.value(of: .awsThrottles) == 3)
    }

    @Test("calls, retries and throttles are counted per request: 429, ThrottlingException, 500, then 200")
    func counts() throws {
        let script = ScriptedSequence()
        script.enqueue([.respond(status: 429, text: ""), awsError(type: "ThrottlingException", message: "slow down"),
                        awsError(status: 500, type: "InternalFailure", message: "x")], pathPrefix: "/")
        script.setDefault(awsOK("{}"), pathPrefix: "/")
        let server = try LoopbackHTTPServer(sequence: script)
        defer { server.stop() }
        let harness = try ClientHarness(server: server)
        let context = harness.context()

        _ = try harness.client.call("PutEvaluations", body: Self.body, context: context)

        #expect(server.requests.count == 4)
        #expect(context.metrics.value(of: .awsCalls) == 4)
        #expect(context.metrics.value(of: .awsRetries) == 3)
        #expect(context.metrics.value(of: .awsThrottles) == 2)
    }
}

extension String {
    func occurrences(of needle: String) -> Int {
        guard !needle.isEmpty else { return 0 }
        return components(separatedBy: needle).count - 1
    }
}
