import Foundation
import Testing

/// rule-semantics.md §6 and the Runtime API contract: start-up failures, Runtime API faults, header casing.
@Suite("Start-up and Runtime API, end to end")
struct RuntimeTests {
    // MARK: Start-up

    @Test("without AWS_REGION/AWS_DEFAULT_REGION → one /runtime/init/error Runtime.InvalidConfiguration naming AWS_REGION, exit non-zero")
    func missingRegion() throws {
        try withHarness(startBootstrap: false) { h in
            try h.startBootstrap(removing: ["AWS_REGION", "AWS_DEFAULT_REGION"])
            let exit = h.waitForBootstrapExit(seconds: 15)
            #expect(exit.status != nil && exit.status != 0, "exit \(exit)\(h.dump())")
            let errors = try h.initErrors()
            #expect(errors.count == 1, "\(errors)\(h.dump())")
            if let error = errors.first {
                #expect(error["errorType"] as? String == "Runtime.InvalidConfiguration", "\(error)")
                #expect(int(error["status"]) == 202, "init/error must come before the first /next: \(error)")
                let body = (error["body"] as? String).flatMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
                #expect(body?["errorType"] as? String == "Runtime.InvalidConfiguration", "\(error)")
                #expect((body?["errorMessage"] as? String)?.contains("AWS_REGION") == true, "\(error)")
            }
            #expect(try h.state()["firstNextAtMs"] is NSNull, "no /next after a failed start-up")
        }
    }

    @Test("other broken start-up configuration → /runtime/init/error naming the variable, exit non-zero, no secret in it")
    func brokenConfiguration() throws {
        try withHarness(startBootstrap: false) { h in
            let cases: [(removing: [String], adding: [String: String], name: String)] = [
                (["AWS_ACCESS_KEY_ID"], [:], "AWS_ACCESS_KEY_ID"),
                (["AWS_SECRET_ACCESS_KEY"], [:], "AWS_SECRET_ACCESS_KEY"),
                ([], ["AWS_ENDPOINT_URL_CONFIG_SERVICE": "config.example.invalid:443"], "AWS_ENDPOINT_URL_CONFIG_SERVICE"),
            ]
            let secret = h.emulatorInfo["secretAccessKey"] as? String ?? "no-secret"
            let token = h.emulatorInfo["sessionToken"] as? String ?? "no-token"
            for (index, broken) in cases.enumerated() {
                try h.startBootstrap(removing: broken.removing, adding: broken.adding)
                let exit = h.waitForBootstrapExit(seconds: 15)
                #expect(exit.status != nil && exit.status != 0, "\(broken.name): exit \(exit)\(h.dump())")
                let errors = try h.initErrors()
                #expect(errors.count == index + 1, "\(broken.name): \(errors)\(h.dump())")
                guard let error = errors.last else { continue }
                #expect(error["errorType"] as? String == "Runtime.InvalidConfiguration", "\(broken.name): \(error)")
                let body = error["body"] as? String ?? ""
                #expect(body.contains(broken.name), "\(broken.name) not named: \(body)")
                #expect(!body.contains(secret) && !body.contains(token), "credentials in the init error: \(body)")
            }
            #expect(try h.state()["firstNextAtMs"] is NSNull)
        }
    }

    @Test("AWS_DEFAULT_REGION alone is enough")
    func defaultRegionFallback() throws {
        try withHarness(startBootstrap: false) { h in
            let region = h.emulatorInfo["region"] as? String ?? "us-west-2"
            try h.startBootstrap(removing: ["AWS_REGION"], adding: ["AWS_DEFAULT_REGION": region])
            let host = try E2EEvents.sample("host.json")
            let invocation = try h.run(event: try E2EEvents.text(host))
            try h.expectSingleEvaluation(invocation, try expectation(for: host, "NON_COMPLIANT"), "AWS_DEFAULT_REGION")
            #expect(try h.initErrors().isEmpty)
        }
    }

    @Test("without AWS_LAMBDA_RUNTIME_API (or with a malformed one) → exit non-zero quickly")
    func missingRuntimeAPI() throws {
        for adding in [[:], ["AWS_LAMBDA_RUNTIME_API": "not a host port"]] as [[String: String]] {
            try withHarness(startBootstrap: false) { h in
                let started = ContinuousClock.now
                try h.startBootstrap(removing: ["AWS_LAMBDA_RUNTIME_API"], adding: adding)
                let exit = h.waitForBootstrapExit(seconds: 10)
                let elapsed = ContinuousClock.now - started
                #expect(exit.status != nil && exit.status != 0, "\(adding): exit \(exit)\(h.dump())")
                #expect(elapsed < .seconds(5), "\(adding): took \(elapsed)")
                #expect(try h.state()["firstNextAtMs"] is NSNull)
            }
        }
    }

    // MARK: Runtime API faults

    @Test("/next answered HTTP 500 → bootstrap exits non-zero promptly")
    func nextContainerError() throws {
        try withHarness { h in
            #expect(try h.waitForPoller(), "bootstrap never polled /next\(h.dump())")
            let injected = ContinuousClock.now
            try h.runtimeFaults(next: ["http500"])
            let exit = h.waitForBootstrapExit(seconds: 10)
            let elapsed = ContinuousClock.now - injected
            #expect(exit.status != nil && exit.status != 0, "exit \(exit)\(h.dump())")
            #expect(elapsed < .seconds(5), "took \(elapsed) to exit")
        }
    }

    @Test("/next dropped once → bootstrap polls again and serves the next invocation")
    func nextDroppedOnce() throws {
        try withHarness { h in
            #expect(try h.waitForPoller(), "bootstrap never polled /next\(h.dump())")
            try h.runtimeFaults(next: ["drop"])
            let host = try E2EEvents.sample("host.json")
            let invocation = try h.run(event: try E2EEvents.text(host))
            try h.expectSingleEvaluation(invocation, try expectation(for: host, "NON_COMPLIANT"), "after a dropped /next")
            let pending = try h.pendingFaults()["runtime"] as? [String: Any] ?? [:]
            #expect(pending.isEmpty, "the drop fault was never consumed: \(pending)")
            #expect(h.isBootstrapRunning)
        }
    }

    @Test("/response dropped once → the answer is sent again and accepted, with no second evaluation")
    func responseDroppedOnce() throws {
        try withHarness { h in
            try h.runtimeFaults(response: ["drop"])
            let host = try E2EEvents.sample("host.json")
            let invocation = try h.run(event: try E2EEvents.text(host))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            #expect(invocation.attempts.map { $0["fault"] as? String } == ["drop", nil], "\(invocation.attempts)")
            #expect(try h.calls(for: invocation).count == 1, "PutEvaluations must not be repeated")
            #expect(try h.evaluations(for: invocation).count == 1)
            #expect(h.isBootstrapRunning)
            let next = try h.run(event: try E2EEvents.sampleText("task.json"))
            #expect(next.state == "response", "\(next.summary)\(h.dump())")
        }
    }

    @Test("/response answered HTTP 500 → bootstrap exits non-zero")
    func responseContainerError() throws {
        try withHarness { h in
            try h.runtimeFaults(response: ["http500"])
            _ = try h.invoke(event: try E2EEvents.sampleText("host.json"))
            let exit = h.waitForBootstrapExit(seconds: 10)
            #expect(exit.status != nil && exit.status != 0, "exit \(exit)\(h.dump())")
        }
    }

    @Test("lower-case Runtime API header names are understood (request id, deadline, trace id)")
    func lowerCaseHeaders() throws {
        try withHarness { h in
            let trace = "Root=1-65a9a0b4-00112233445566778899aabb;Parent=0011223344556677;Sampled=1"
            let host = try E2EEvents.sample("host.json")
            let invocation = try h.run(event: try E2EEvents.text(host), traceId: .explicit(trace), headerCase: "lower")
            #expect(invocation.raw["headerCase"] as? String == "lower")
            try h.expectSingleEvaluation(invocation, try expectation(for: host, "NON_COMPLIANT"), "lower-case headers")
            #expect(try h.calls(traceHeader: trace).count == 1, "trace id from a lower-case header not propagated")

            // A lower-case deadline is honoured too: persistent throttling with a short deadline answers in time.
            try h.injectFaults(operation: "PutEvaluations", faults: [["kind": "throttle", "repeat": true]])
            let short = try h.run(event: try E2EEvents.text(host), timeoutMs: 1_500, headerCase: "lower")
            #expect(short.state == "error", "\(short.summary)\(h.dump())")
            #expect(!short.answeredAfterDeadline, "\(short.summary)")
        }
    }
}
