import Foundation
import Testing

/// rule-semantics §9 "Exceptions" end to end: the real `bootstrap` answers hook events with the approved-exceptions
/// registry named by `PIDMODE_EXCEPTIONS_PARAMETER` (the emulator's fake SSM), matched on `Properties.Family`, the
/// event's `awsAccountId` and the function's region, at the current time; read only for a verdict that would fail.
@Suite("CloudFormation Lambda Hook with the exceptions registry, end to end")
struct DeployHookExceptionsTests {
    static let owner = "platform-observability@example.com"
    static let reason = "node-exporter reads /proc of host processes"
    /// `events/hook-create-host.json`: NodeExporterTaskDefinition, family node-exporter, account 111111111111.
    static let token = "f2a7c2d4-3b6e-4c1a-9d0e-5a7b8c9d0e1f"

    /// `YYYY-MM-DD`, `days` from today (UTC).
    static func date(daysFromNow days: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    static func entry(_ id: String, expires: String = date(daysFromNow: 30), _ edit: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
        var entry: [String: Any] = ["id": id, "family": "node-exporter", "owner": owner, "reason": reason, "expires": expires]
        edit(&entry)
        return entry
    }

    static func withRegistry(_ body: (E2EHarness) throws -> Void) throws {
        try withHarness(startBootstrap: false) { h in
            try h.startBootstrap(adding: ["PIDMODE_EXCEPTIONS_PARAMETER": E2EHarness.exceptionsParameter])
            try body(h)
        }
    }

    static func hostEvent(_ change: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        try E2EEvents.text(try E2EHookEvents.create(change))
    }

    @Test("an active exception for the family → SUCCESS with the EXEMPT text; one GetParameter with the function's own credentials")
    func activeException() throws {
        try Self.withRegistry { h in
            let expires = Self.date(daysFromNow: 30)
            try h.putRegistry([Self.entry("EXC-H1", expires: expires)])
            let invocation = try h.run(event: try E2EEvents.sampleText("hook-create-host.json"))
            try h.expectHookResult(invocation, status: "SUCCESS", token: Self.token, messageContains: [
                "NodeExporterTaskDefinition", "family node-exporter", "EXEMPT EXC-H1 until \(expires) (owner \(Self.owner)): \(Self.reason)",
            ], "active exception")
            try h.expectRegistryReads(invocation, "active exception")
            let document = try h.metricDocument(for: invocation, mode: "hook", "active exception")
            #expect(metric(document, "HookAllows") == 1)
            #expect(metric(document, "ExceptionsExempted") == 1)
            #expect(metric(document, "AWSCalls") == 1)
            // Matching on account and region, stated explicitly.
            try h.putRegistry([Self.entry("EXC-H1b") { $0["accountIds"] = ["111111111111"]; $0["regions"] = ["us-west-2"] }])
            try h.expectHookResult(try h.run(event: try E2EEvents.sampleText("hook-cloud-control-host.json").replacingOccurrences(
                of: "\"debug-shell\"", with: "\"node-exporter\"")), status: "SUCCESS", token: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
                messageContains: ["EXEMPT EXC-H1b"], "account and region listed")
        }
    }

    @Test("an expired exception → FAILED NonCompliant naming it and the fix")
    func expiredException() throws {
        try Self.withRegistry { h in
            let expired = Self.date(daysFromNow: -2)
            try h.putRegistry([Self.entry("EXC-H2", expires: expired)])
            let invocation = try h.run(event: try E2EEvents.sampleText("hook-create-host.json"))
            try h.expectHookResult(invocation, status: "FAILED", errorCode: "NonCompliant", token: Self.token, messageContains: [
                "NodeExporterTaskDefinition", "exception EXC-H2 expired \(expired) (owner \(Self.owner))", "Remove PidMode or set it to 'task'.",
            ], "expired exception")
            try h.expectRegistryReads(invocation, "expired exception")
            let document = try h.metricDocument(for: invocation, mode: "hook", "expired exception")
            #expect(metric(document, "HookDenies") == 1)
            #expect(metric(document, "ExceptionsExpired") == 1)
        }
    }

    @Test("no match: another family, an entry with a revision, another account or region, a task definition without Family")
    func noMatch() throws {
        try Self.withRegistry { h in
            try h.putRegistry([
                Self.entry("EXC-A") { $0["family"] = "other-family" },
                Self.entry("EXC-B") { $0["revision"] = 3 },
                Self.entry("EXC-C") { $0["accountIds"] = ["222222222222"] },
                Self.entry("EXC-D") { $0["regions"] = ["eu-west-1"] },
            ])
            let host = try h.run(event: try E2EEvents.sampleText("hook-create-host.json"))
            try h.expectHookResult(host, status: "FAILED", errorCode: "NonCompliant", token: Self.token,
                                   messageContains: ["Remove PidMode or set it to 'task'."], "no entry matches")
            try h.expectRegistryReads(host, "no entry matches")
            try h.putRegistry([Self.entry("EXC-E")])
            let noFamily = try h.run(event: try Self.hostEvent { $0["Family"] = nil })
            try h.expectHookResult(noFamily, status: "FAILED", errorCode: "NonCompliant", token: Self.token,
                                   messageContains: ["no Family"], "no Family, no match")
        }
    }

    @Test("the registry is read only for a verdict that would fail: task, absent and DELETE make no SSM call")
    func readOnlyWhenFailing() throws {
        try Self.withRegistry { h in
            // No parameter at all: any read would fail the hook.
            for (name, event) in [
                ("update task", try E2EEvents.sampleText("hook-update-task.json")),
                ("delete", try E2EEvents.sampleText("hook-delete.json")),
                ("absent", try Self.hostEvent { $0["PidMode"] = nil }),
                ("another resource type", try E2EEvents.sampleText("hook-other-resource-type.json")),
            ] {
                let invocation = try h.run(event: event)
                #expect(invocation.state == "response", "\(name): \(invocation.summary)")
                #expect((invocation.responseObject?["hookStatus"] as? String) == "SUCCESS", "\(name): \(invocation.summary)")
                try h.expectRegistryReads(invocation, count: 0, name)
            }
        }
    }

    @Test("registry unusable (not found, not JSON, schemaVersion 2) → FAILED InternalFailure naming the parameter; the process keeps serving")
    func unusableRegistry() throws {
        try Self.withRegistry { h in
            let notFound = try h.run(event: try E2EEvents.sampleText("hook-create-host.json"))
            try h.expectHookResult(notFound, status: "FAILED", errorCode: "InternalFailure", token: Self.token,
                                   messageContains: [E2EHarness.exceptionsParameter, "ParameterNotFound"], "parameter not found")
            try h.putParameter(value: "not json {")
            try h.expectHookResult(try h.run(event: try E2EEvents.sampleText("hook-create-host.json")), status: "FAILED",
                                   errorCode: "InternalFailure", token: Self.token,
                                   messageContains: [E2EHarness.exceptionsParameter, "not JSON"], "not JSON")
            try h.putParameter(value: ["schemaVersion": 2, "exceptions": []])
            try h.expectHookResult(try h.run(event: try E2EEvents.sampleText("hook-create-host.json")), status: "FAILED",
                                   errorCode: "InternalFailure", token: Self.token,
                                   messageContains: [E2EHarness.exceptionsParameter, "schemaVersion"], "schemaVersion 2")
            #expect(h.isBootstrapRunning, "bootstrap exited\(h.dump())")
            try h.putRegistry([Self.entry("EXC-H3")])
            try h.expectHookResult(try h.run(event: try E2EEvents.sampleText("hook-create-host.json")), status: "SUCCESS",
                                   token: Self.token, messageContains: ["EXEMPT EXC-H3"], "usable again")
            #expect(try h.calls().isEmpty, "no Config call from any hook invocation")
        }
    }
}
