import Foundation
import Testing

/// rule-semantics.md §9 end to end: the real `bootstrap` answers CloudFormation Lambda Hook events through
/// `/response` with the hook result, beside Config events, without any Config call.
@Suite("CloudFormation Lambda Hook, end to end")
struct DeployHookTests {
    static let taskDefinition = "AWS::ECS::TaskDefinition"
    static let fix = "Remove PidMode or set it to 'task'."

    struct Row {
        let name: String
        let event: [String: Any]
        let status: String
        var errorCode: String? = nil
        var messageContains: [String] = []
    }

    /// Every decision bullet of §9, from `events/hook-create-host.json` (logical id NodeExporterTaskDefinition,
    /// family node-exporter).
    static func decisionRows() throws -> [Row] {
        func pid(_ value: Any?, key: String = "PidMode", point: String = "CREATE_PRE_PROVISION") throws -> [String: Any] {
            try E2EHookEvents.create(point: point) { properties in
                properties["PidMode"] = nil
                if let value { properties[key] = value }
            }
        }
        let named = ["NodeExporterTaskDefinition", "family node-exporter"]
        let denied = named + [fix]
        var otherType = try E2EEvents.sample("hook-create-host.json")
        try E2EHookEvents.editRequest(&otherType) { $0["targetName"] = "AWS::ECS::Service" }
        var changeSet = try E2EEvents.sample("hook-stack-target.json")
        try E2EHookEvents.editRequest(&changeSet) {
            $0["targetName"] = "CHANGE_SET"; $0["targetType"] = "CHANGE_SET"
            $0["targetLogicalId"] = "arn:aws:cloudformation:us-west-2:111111111111:changeSet/cs1/1"
        }
        var noFamily = try pid("host")
        try E2EHookEvents.editRequest(&noFamily) { request in
            var model = request["targetModel"] as? [String: Any] ?? [:]
            var properties = model["resourceProperties"] as? [String: Any] ?? [:]
            properties["Family"] = nil
            model["resourceProperties"] = properties
            request["targetModel"] = model
        }
        var longName = try pid("host")
        try E2EHookEvents.editRequest(&longName) { $0["targetLogicalId"] = String(repeating: "VeryLongLogicalId\u{1F680}", count: 120) }
        return [
            Row(name: "a 2 400-unit logical id: cut to 255 in the message, which still names the family and the fix", event: longName,
                status: "FAILED", errorCode: "NonCompliant", messageContains: ["VeryLongLogicalId", "…", "family node-exporter", fix]),
            Row(name: "create PidMode host", event: try pid("host"), status: "FAILED", errorCode: "NonCompliant",
                messageContains: denied + ["pidMode is 'host'"]),
            Row(name: "create PidMode HOST", event: try pid("HOST"), status: "FAILED", errorCode: "NonCompliant", messageContains: denied),
            Row(name: "create camelCase pidMode hOsT", event: try pid("hOsT", key: "pidMode"), status: "FAILED", errorCode: "NonCompliant"),
            Row(name: "update PidMode host", event: try pid("host", point: "UPDATE_PRE_PROVISION"), status: "FAILED",
                errorCode: "NonCompliant", messageContains: denied),
            Row(name: "create PidMode \"\"", event: try pid(""), status: "FAILED", errorCode: "NonCompliant",
                messageContains: denied + ["''"]),
            Row(name: "update PidMode \"\"", event: try pid("", point: "UPDATE_PRE_PROVISION"), status: "FAILED", errorCode: "NonCompliant"),
            Row(name: "create PidMode a number", event: try pid(1), status: "FAILED", errorCode: "NonCompliant", messageContains: denied),
            Row(name: "create PidMode a boolean", event: try pid(true), status: "FAILED", errorCode: "NonCompliant"),
            Row(name: "create PidMode an array", event: try pid(["host"]), status: "FAILED", errorCode: "NonCompliant"),
            Row(name: "create PidMode an object", event: try pid(["Ref": "Mode"]), status: "FAILED", errorCode: "NonCompliant"),
            Row(name: "host without Family", event: noFamily, status: "FAILED", errorCode: "NonCompliant",
                messageContains: ["NodeExporterTaskDefinition", "no Family", fix]),
            Row(name: "create PidMode task", event: try pid("task"), status: "SUCCESS", messageContains: named + ["pidMode is 'task'"]),
            Row(name: "update PidMode task", event: try pid("task", point: "UPDATE_PRE_PROVISION"), status: "SUCCESS"),
            Row(name: "create PidMode absent", event: try pid(nil), status: "SUCCESS", messageContains: named),
            Row(name: "create PidMode null", event: try pid(NSNull()), status: "SUCCESS"),
            Row(name: "create PidMode another string", event: try pid("container"), status: "SUCCESS"),
            Row(name: "delete of a host task definition", event: try pid("host", point: "DELETE_PRE_PROVISION"), status: "SUCCESS",
                messageContains: ["NodeExporterTaskDefinition", "deletion allowed"]),
            Row(name: "another resource type with PidMode host", event: otherType, status: "SUCCESS",
                messageContains: ["AWS::ECS::Service", "not evaluated"]),
            Row(name: "STACK target", event: try E2EEvents.sample("hook-stack-target.json"), status: "SUCCESS",
                messageContains: ["STACK", "not evaluated"]),
            Row(name: "CHANGE_SET target", event: changeSet, status: "SUCCESS", messageContains: ["CHANGE_SET", "not evaluated"]),
        ]
    }

    @Test("every §9 decision: FAILED NonCompliant for host / \"\" / non-strings, SUCCESS otherwise; token echoed; no Config call")
    func decisions() throws {
        let rows = try Self.decisionRows()
        try withHarness { h in
            for (index, row) in rows.enumerated() {
                var event = row.event
                let token = "token-\(index)-\(UUID().uuidString)"
                event["clientRequestToken"] = token
                let invocation = try h.run(event: try E2EEvents.text(event))
                try h.expectHookResult(invocation, status: row.status, errorCode: row.errorCode, token: token,
                                       messageContains: row.messageContains, row.name)
            }
            #expect(try h.calls().isEmpty, "no Config call for any hook event")
            #expect(h.isBootstrapRunning, "bootstrap exited\(h.dump())")
            // Targets the hook does not evaluate are logged at WARN, one line each (other type, STACK, CHANGE_SET).
            let warnings = h.logLines.filter { $0.contains("\"level\":\"WARN\"") && $0.contains("hook target not evaluated") }
            #expect(warnings.count == 3, "WARN lines: \(warnings)\(h.dump())")
        }
    }

    @Test("events/hook-*.json give the results events/expected.json names")
    func sampleEvents() throws {
        let expectedURL = E2EPaths.packageRoot().appendingPathComponent("events/expected.json")
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: expectedURL)) as? [String: Any] ?? [:]
        let names = expected.keys.filter { $0.hasPrefix("hook-") }.sorted()
        #expect(names.count >= 7, "hook samples in expected.json: \(names)")
        try withHarness { h in
            for name in names {
                guard let entry = (expected[name] as? [String: Any])?["hook"] as? [String: Any] else {
                    Issue.record("\(name): no hook entry in expected.json")
                    continue
                }
                let invocation = try h.run(event: try E2EEvents.sampleText(name))
                try h.expectHookResult(
                    invocation, status: entry["hookStatus"] as? String ?? "?", errorCode: entry["errorCode"] as? String,
                    token: entry["clientRequestToken"] as? String, messageContains: entry["messageContains"] as? [String] ?? [], name
                )
            }
        }
    }

    @Test("clientRequestToken: echoed verbatim, JSON null when the event has none")
    func clientRequestToken() throws {
        try withHarness { h in
            var withoutToken = try E2EEvents.sample("hook-create-host.json")
            withoutToken["clientRequestToken"] = nil
            try h.expectHookResult(try h.run(event: try E2EEvents.text(withoutToken)), status: "FAILED", errorCode: "NonCompliant",
                                   token: nil, "no token")
            var nullToken = withoutToken
            nullToken["clientRequestToken"] = NSNull()
            try h.expectHookResult(try h.run(event: try E2EEvents.text(nullToken)), status: "FAILED", errorCode: "NonCompliant",
                                   token: nil, "null token")
            let odd = "tök-\u{1F680}-\"quoted\"-" + String(repeating: "x", count: 300)
            var oddToken = try E2EHookEvents.create { $0["PidMode"] = "task" }
            oddToken["clientRequestToken"] = odd
            try h.expectHookResult(try h.run(event: try E2EEvents.text(oddToken)), status: "SUCCESS", token: odd, "unusual token")
            var deleteWithoutToken = try E2EEvents.sample("hook-delete.json")
            deleteWithoutToken["clientRequestToken"] = nil
            try h.expectHookResult(try h.run(event: try E2EEvents.text(deleteWithoutToken)), status: "SUCCESS", token: nil,
                                   "delete without token")
        }
    }

    @Test("unreadable hook events → FAILED InternalFailure through /response naming what is wrong; the process keeps serving")
    func malformedHookEvents() throws {
        let base = try E2EEvents.sample("hook-create-host.json")
        let token = base["clientRequestToken"] as? String
        func edited(_ change: (inout [String: Any]) throws -> Void) throws -> [String: Any] {
            var event = base
            try change(&event)
            return event
        }
        func model(_ value: Any?) throws -> [String: Any] {
            try edited { event in try E2EHookEvents.editRequest(&event) { $0["targetModel"] = value } }
        }
        let cases: [(String, [String: Any], String)] = [
            ("requestData missing", try edited { $0["requestData"] = nil }, "requestData is missing"),
            ("requestData null", try edited { $0["requestData"] = NSNull() }, "requestData is missing"),
            ("requestData a string", try edited { $0["requestData"] = "{}" }, "requestData must be an object"),
            ("targetName missing", try edited { event in try E2EHookEvents.editRequest(&event) { $0["targetName"] = nil } },
             "requestData.targetName is missing"),
            ("targetName a number", try edited { event in try E2EHookEvents.editRequest(&event) { $0["targetName"] = 7 } },
             "requestData.targetName must be a string"),
            ("targetModel missing", try model(nil), "requestData.targetModel is missing"),
            ("targetModel an array", try model([1]), "requestData.targetModel must be an object"),
            ("resourceProperties missing", try model(["previousResourceProperties": [:]]), "resourceProperties is missing"),
            ("resourceProperties a JSON string (events/hook-malformed.json)", try E2EEvents.sample("hook-malformed.json"),
             "resourceProperties must be an object, not string"),
            ("resourceProperties null", try model(["resourceProperties": NSNull()]), "resourceProperties must be an object, not null"),
            ("actionInvocationPoint missing", try edited { $0["actionInvocationPoint"] = nil }, "actionInvocationPoint is missing"),
            ("actionInvocationPoint unknown", try edited { $0["actionInvocationPoint"] = "CREATE_POST_PROVISION" },
             "actionInvocationPoint 'CREATE_POST_PROVISION'"),
        ]
        try withHarness { h in
            for (name, event, words) in cases {
                let invocation = try h.run(event: try E2EEvents.text(event))
                let expectedToken = name.contains("hook-malformed") ? "5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c" : token
                try h.expectHookResult(invocation, status: "FAILED", errorCode: "InternalFailure", token: expectedToken,
                                       messageContains: [words], name)
                #expect(h.isBootstrapRunning, "\(name) killed the bootstrap\(h.dump())")
            }
            // requestData without hookTypeName (and no Config member) is still answered as a hook event.
            let requestOnly = try edited { $0["hookTypeName"] = nil; $0["requestData"] = NSNull() }
            try h.expectHookResult(try h.run(event: try E2EEvents.text(requestOnly)), status: "FAILED", errorCode: "InternalFailure",
                                   token: token, messageContains: ["requestData"], "requestData null without hookTypeName")
            // Neither shape: the Config rule's malformed-event path (§5), a Lambda error.
            let neither = try h.run(event: #"{"clientRequestToken":"x","awsAccountId":"111111111111"}"#)
            try h.expectError(neither, errorType: "ConfigRule.MalformedEvent", messageContains: ["invokingEvent"], "neither shape")
            // A good hook event still gets its verdict.
            try h.expectHookResult(try h.run(event: try E2EEvents.text(base)), status: "FAILED", errorCode: "NonCompliant", token: token,
                                   messageContains: [Self.fix], "good hook event after bad ones")
            #expect(try h.calls().isEmpty, "no Config call")
        }
    }

    @Test("one process serves Config and hook events alternately, each answered by its own front door")
    func alternating() throws {
        try withHarness { h in
            let configHost = try E2EEvents.sample("host.json")
            let configTask = try E2EEvents.sample("task.json")
            for round in 0..<3 {
                let hookHost = try h.run(event: try E2EEvents.sampleText("hook-create-host.json"))
                try h.expectHookResult(hookHost, status: "FAILED", errorCode: "NonCompliant",
                                       token: "f2a7c2d4-3b6e-4c1a-9d0e-5a7b8c9d0e1f", "round \(round): hook host")
                let config = try h.run(event: try E2EEvents.text(configHost))
                try h.expectSingleEvaluation(config, try expectation(for: configHost, "NON_COMPLIANT"), "round \(round): config host")
                let hookTask = try h.run(event: try E2EEvents.sampleText("hook-update-task.json"))
                try h.expectHookResult(hookTask, status: "SUCCESS", token: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
                                       "round \(round): hook task")
                let hookBad = try h.run(event: try E2EEvents.sampleText("hook-malformed.json"))
                try h.expectHookResult(hookBad, status: "FAILED", errorCode: "InternalFailure",
                                       token: "5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c", "round \(round): hook malformed")
                let configBad = try h.run(event: try E2EEvents.sampleText("missing-result-token.json"))
                try h.expectError(configBad, errorType: "ConfigRule.MalformedEvent", messageContains: ["resultToken"],
                                  "round \(round): config malformed")
                let task = try h.run(event: try E2EEvents.text(configTask))
                try h.expectSingleEvaluation(task, try expectation(for: configTask, "COMPLIANT"), "round \(round): config task")
            }
            #expect(try h.calls(operation: "PutEvaluations").count == 6, "one PutEvaluations per good Config event")
            #expect(h.isBootstrapRunning, "bootstrap exited\(h.dump())")
        }
    }

    @Test("a hook event makes no AWS call at all: Config endpoint failing and no registry configured")
    func noAWSCall() throws {
        try withHarness { h in
            // Any Config call would be refused; the hook must not notice.
            try h.injectFaults(operation: "*", faults: Array(repeating: "http500", count: 20))
            for name in ["hook-create-host.json", "hook-update-task.json", "hook-cloud-control-host.json", "hook-delete.json"] {
                let invocation = try h.run(event: try E2EEvents.sampleText(name))
                #expect(invocation.state == "response", "\(name): \(invocation.summary)")
            }
            let configCalls = try h.calls()
            #expect(configCalls.isEmpty, "Config calls: \(configCalls.map(\.summary))")
            // Every fake AWS endpoint journals its requests as `<service>-call`.
            let awsCalls = try h.journal().filter { ($0["kind"] as? String)?.hasSuffix("-call") ?? false }
            #expect(awsCalls.isEmpty, "AWS calls in the journal: \(awsCalls)")
        }
    }

    @Test("metrics: one EMF line per hook invocation, mode hook, HookAllows/HookDenies as answered, no evaluation counts")
    func metrics() throws {
        try withHarness { h in
            let cases: [(String, Double, Double)] = [
                ("hook-create-host.json", 0, 1), ("hook-update-task.json", 1, 0), ("hook-delete.json", 1, 0),
                ("hook-malformed.json", 0, 1), ("hook-stack-target.json", 1, 0),
            ]
            for (name, allows, denies) in cases {
                let invocation = try h.run(event: try E2EEvents.sampleText(name))
                #expect(invocation.state == "response", "\(name): \(invocation.summary)")
                let document = try h.metricDocument(for: invocation, mode: "hook", name)
                #expect(metric(document, "HookAllows") == allows, "\(name): \(document)")
                #expect(metric(document, "HookDenies") == denies, "\(name): \(document)")
                #expect(metric(document, "AWSCalls") == 0, "\(name): \(document)")
                #expect(metric(document, "Failures") == 0, "\(name): \(document)")
                #expect(metric(document, "EvaluationsNonCompliant") == nil, "\(name): \(document)")
            }
            let config = try h.run(event: try E2EEvents.sampleText("host.json"))
            let document = try h.metricDocument(for: config, mode: "change", "host.json after hook events")
            #expect(metric(document, "HookDenies") == nil, "\(document)")
        }
    }
}
