import Foundation
import Testing

/// rule-semantics.md §6: credentials and session token, endpoint precedence, and the log format and level.
@Suite("AWS environment and logging, end to end")
struct EnvironmentAndLoggingTests {
    static func host() throws -> [String: Any] { try E2EEvents.sample("host.json") }

    @Test("the session token is signed as X-Amz-Security-Token; without one no such header is signed or sent")
    func sessionToken() throws {
        try withHarness { h in
            #expect(h.emulatorInfo["sessionToken"] is String, "the default emulator has a session token")
            let event = try Self.host()
            let invocation = try h.run(event: try E2EEvents.text(event))
            try h.expectSingleEvaluation(invocation, try expectation(for: event, "NON_COMPLIANT"), "with a token")
            for call in try h.calls(for: invocation) {
                #expect(call.signedHeaders?.contains("x-amz-security-token") == true, "\(call.summary)")
            }
        }
        try withHarness(emulatorArguments: ["--session-token", ""], startBootstrap: false) { h in
            #expect(h.emulatorInfo["sessionToken"] is NSNull, "\(h.emulatorInfo)")
            try h.startBootstrap()  // no AWS_SESSION_TOKEN in the environment
            let event = try Self.host()
            let invocation = try h.run(event: try E2EEvents.text(event))
            // The emulator refuses (403) a token it does not expect, so an accepted evaluation proves none was sent.
            try h.expectSingleEvaluation(invocation, try expectation(for: event, "NON_COMPLIANT"), "without a token")
            for call in try h.calls(for: invocation) {
                #expect(call.signedHeaders?.contains("x-amz-security-token") == false, "\(call.summary)")
            }
        }
    }

    @Test("endpoints: AWS_ENDPOINT_URL alone is used; AWS_ENDPOINT_URL_CONFIG_SERVICE wins over it")
    func endpointPrecedence() throws {
        try withHarness(startBootstrap: false) { h in
            let event = try Self.host()
            try h.startBootstrap(removing: ["AWS_ENDPOINT_URL_CONFIG_SERVICE"], adding: ["AWS_ENDPOINT_URL": h.configEndpoint])
            let generic = try h.run(event: try E2EEvents.text(event))
            try h.expectSingleEvaluation(generic, try expectation(for: event, "NON_COMPLIANT"), "AWS_ENDPOINT_URL only")
            h.stopBootstrap()

            // Port 9 (discard) on loopback refuses connections: following AWS_ENDPOINT_URL would fail.
            try h.startBootstrap(adding: ["AWS_ENDPOINT_URL": "http://127.0.0.1:9"])
            let specific = try h.run(event: try E2EEvents.text(event))
            try h.expectSingleEvaluation(specific, try expectation(for: event, "NON_COMPLIANT"), "service-specific wins")
        }
    }

    @Test("JSON logs: one object per line with timestamp, level, message, requestId; no event, no credentials")
    func jsonLogLines() throws {
        try withHarness { h in
            let marker = "SECRET-MARKER-\(UUID().uuidString)"
            var bad = try Self.host()
            bad["resultToken"] = nil
            bad["configRuleArn"] = marker
            let badInvocation = try h.run(event: try E2EEvents.text(bad))
            #expect(badInvocation.state == "error", "\(badInvocation.summary)\(h.dump())")
            var good = try Self.host()
            good["configRuleArn"] = marker
            let goodInvocation = try h.run(event: try E2EEvents.text(good))
            #expect(goodInvocation.state == "response", "\(goodInvocation.summary)\(h.dump())")

            let log = h.bootstrapLogText
            #expect(!log.contains(marker), "the log contains a whole event:\n\(log)")
            let token = h.emulatorInfo["sessionToken"] as? String ?? "no-token"
            let secret = h.emulatorInfo["secretAccessKey"] as? String ?? "no-secret"
            #expect(!log.contains(token), "the log contains the session token")
            #expect(!log.contains(secret), "the log contains the secret access key")
            var objects: [[String: Any]] = []
            for line in h.logLines {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    Issue.record("not a JSON log line: \(line)")
                    continue
                }
                #expect(object["timestamp"] is String && object["level"] is String && object["message"] is String,
                        "log line without timestamp/level/message: \(line)")
                objects.append(object)
            }
            let badLines = objects.filter { $0["requestId"] as? String == badInvocation.requestID }
            #expect(badLines.contains { $0["level"] as? String == "ERROR" }, "no ERROR line for the failed invocation:\n\(log)")
            let goodLines = objects.filter { $0["requestId"] as? String == goodInvocation.requestID }
            #expect(
                goodLines.contains { $0["resourceId"] as? String == "testtaskdef" && $0["complianceType"] as? String == "NON_COMPLIANT" },
                "no line with resourceId and complianceType for the evaluated invocation:\n\(log)"
            )
        }
    }

    @Test("AWS_LAMBDA_LOG_LEVEL=ERROR: only ERROR and FATAL lines")
    func logLevel() throws {
        try withHarness(startBootstrap: false) { h in
            try h.startBootstrap(adding: ["AWS_LAMBDA_LOG_LEVEL": "ERROR"])
            _ = try h.run(event: try E2EEvents.sampleText("host.json"))
            let bad = try h.run(event: "not JSON")
            #expect(bad.state == "error")
            let lines = h.logLines
            #expect(!lines.isEmpty, "the failed invocation should be logged at ERROR")
            for line in lines {
                let level = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["level"] as? String
                #expect(level == "ERROR" || level == "FATAL", "line below ERROR: \(line)")
            }
        }
    }

    @Test("without AWS_LAMBDA_LOG_FORMAT the log is plain text lines")
    func textLogFormat() throws {
        try withHarness(startBootstrap: false) { h in
            try h.startBootstrap(removing: ["AWS_LAMBDA_LOG_FORMAT"])
            let invocation = try h.run(event: try E2EEvents.sampleText("host.json"))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            _ = try h.run(event: "not JSON")
            let lines = h.logLines  // (the metric lines are JSON in both formats: Tests/EndToEndTests/MetricsTests.swift)
            #expect(!lines.isEmpty)
            for line in lines {
                #expect(!line.hasPrefix("{"), "JSON line in text mode: \(line)")
            }
            #expect(lines.contains { $0.contains(invocation.requestID) }, "no line names the request id: \(lines)")
            #expect(lines.contains { $0.contains(" ERROR ") }, "no ERROR line for the bad event: \(lines)")
        }
    }
}
