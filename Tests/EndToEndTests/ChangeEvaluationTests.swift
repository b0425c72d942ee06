import Foundation
import Testing

/// rule-semantics.md §1–§2 end to end: the real `bootstrap` evaluates change notifications and Config (the emulator)
/// accepts exactly the expected evaluation.
@Suite("Change-triggered evaluation, end to end")
struct ChangeEvaluationTests {
    struct Row {
        let name: String
        let event: [String: Any]
        let complianceType: String
    }

    static let compliant = "COMPLIANT"
    static let nonCompliant = "NON_COMPLIANT"
    static let notApplicable = "NOT_APPLICABLE"

    /// Every row of §2 (applicability in order, decision, parameters), built from the sample events.
    static func rows() throws -> [Row] {
        let host = try E2EEvents.sample("host.json")
        let inactive = try E2EEvents.sample("inactive.json")
        func config(_ change: (inout [String: Any]) -> Void) throws -> [String: Any] {
            try E2EEvents.withConfiguration(host) { change(&$0) }
        }
        func item(_ base: [String: Any] = host, _ change: (inout [String: Any]) -> Void) throws -> [String: Any] {
            try E2EEvents.withItem(base) { change(&$0) }
        }
        func parameters(_ base: [String: Any], _ text: String) -> [String: Any] {
            var event = base
            event["ruleParameters"] = text
            return event
        }
        let longName = String(repeating: "family-with-a-very-long-name-\u{1F680}-", count: 12) + ":2"
        return [
            // Decision: pidMode host (any casing, either key) is NON_COMPLIANT; everything else COMPLIANT.
            Row(name: "events/host.json (PidMode host)", event: host, complianceType: nonCompliant),
            Row(name: "payloads/derived host event", event: try E2EEvents.payload("derived_change-notification_ecs-taskdef_pidmode-host.json"),
                complianceType: nonCompliant),
            Row(name: "PidMode HOST", event: try config { $0["PidMode"] = "HOST" }, complianceType: nonCompliant),
            Row(name: "camelCase pidMode host", event: try config { $0["PidMode"] = nil; $0["pidMode"] = "host" },
                complianceType: nonCompliant),
            Row(name: "camelCase pidMode HoSt", event: try config { $0["PidMode"] = nil; $0["pidMode"] = "HoSt" },
                complianceType: nonCompliant),
            Row(name: "events/task.json (PidMode task)", event: try E2EEvents.sample("task.json"), complianceType: compliant),
            Row(name: "camelCase pidMode task", event: try config { $0["PidMode"] = nil; $0["pidMode"] = "task" },
                complianceType: compliant),
            Row(name: "events/absent.json (no PidMode, ResourceDiscovered)", event: try E2EEvents.sample("absent.json"),
                complianceType: compliant),
            Row(name: "PidMode null", event: try config { $0["PidMode"] = NSNull() }, complianceType: compliant),
            Row(name: "PidMode empty string", event: try config { $0["PidMode"] = "" }, complianceType: compliant),
            Row(name: "PidMode other string", event: try config { $0["PidMode"] = "container" }, complianceType: compliant),
            Row(name: "PidMode a number", event: try config { $0["PidMode"] = 1 }, complianceType: compliant),
            Row(name: "PidMode an object", event: try config { $0["PidMode"] = ["mode": "host"] }, complianceType: compliant),
            // Applicability 1: left scope.
            Row(name: "events/left-scope.json", event: try E2EEvents.sample("left-scope.json"), complianceType: notApplicable),
            // Applicability 2: item status.
            Row(name: "events/deleted.json (ResourceDeleted)", event: try E2EEvents.sample("deleted.json"),
                complianceType: notApplicable),
            Row(name: "ResourceDeletedNotRecorded", event: try item {
                $0["configurationItemStatus"] = "ResourceDeletedNotRecorded"; $0["configuration"] = NSNull()
            }, complianceType: notApplicable),
            Row(name: "ResourceNotRecorded", event: try item {
                $0["configurationItemStatus"] = "ResourceNotRecorded"; $0["configuration"] = NSNull()
            }, complianceType: notApplicable),
            Row(name: "ResourceDeleted with a host configuration still attached",
                event: try item { $0["configurationItemStatus"] = "ResourceDeleted" }, complianceType: notApplicable),
            Row(name: "ResourceDiscovered with PidMode host", event: try item { $0["configurationItemStatus"] = "ResourceDiscovered" },
                complianceType: nonCompliant),
            Row(name: "unknown future status with a configuration object",
                event: try item { $0["configurationItemStatus"] = "ResourceSomethingNew" }, complianceType: nonCompliant),
            Row(name: "unknown future status with configuration null", event: try item {
                $0["configurationItemStatus"] = "ResourceSomethingNew"; $0["configuration"] = NSNull()
            }, complianceType: notApplicable),
            // Applicability 3: resource type (evaluated for that resource, its own type and id).
            Row(name: "events/other-resource-type.json (EC2 instance)", event: try E2EEvents.sample("other-resource-type.json"),
                complianceType: notApplicable),
            Row(name: "ECS service with PidMode host", event: try item {
                $0["resourceType"] = "AWS::ECS::Service"
                $0["resourceId"] = "arn:aws:ecs:us-west-2:111111111111:service/prod/web"
            }, complianceType: notApplicable),
            // Applicability 4: task definition status and SkipInactiveTaskDefinitions.
            Row(name: "Status DELETE_IN_PROGRESS", event: try config { $0["Status"] = "DELETE_IN_PROGRESS" },
                complianceType: notApplicable),
            Row(name: "events/inactive.json (INACTIVE, no parameters)", event: inactive, complianceType: nonCompliant),
            Row(name: "INACTIVE, SkipInactiveTaskDefinitions \"true\"",
                event: parameters(inactive, #"{"SkipInactiveTaskDefinitions":"true"}"#), complianceType: notApplicable),
            Row(name: "INACTIVE, SkipInactiveTaskDefinitions JSON true",
                event: parameters(inactive, #"{"SkipInactiveTaskDefinitions":true}"#), complianceType: notApplicable),
            Row(name: "INACTIVE, SkipInactiveTaskDefinitions \"false\"",
                event: parameters(inactive, #"{"SkipInactiveTaskDefinitions":"false"}"#), complianceType: nonCompliant),
            Row(name: "INACTIVE, malformed ruleParameters (defaults: nothing skipped)",
                event: parameters(inactive, #"{"SkipInactiveTaskDefinitions":"#), complianceType: nonCompliant),
            Row(name: "INACTIVE, unknown parameter key (defaults)",
                event: parameters(inactive, #"{"SkipInactive":"true"}"#), complianceType: nonCompliant),
            Row(name: "INACTIVE, ruleParameters absent", event: {
                var event = inactive
                event.removeValue(forKey: "ruleParameters")
                return event
            }(), complianceType: nonCompliant),
            Row(name: "INACTIVE, ruleParameters empty string", event: parameters(inactive, ""), complianceType: nonCompliant),
            Row(name: "INACTIVE, ruleParameters a JSON array", event: parameters(inactive, "[1]"), complianceType: nonCompliant),
            Row(name: "INACTIVE, SkipInactiveTaskDefinitions a bad value",
                event: parameters(inactive, #"{"SkipInactiveTaskDefinitions":"sometimes"}"#), complianceType: nonCompliant),
            Row(name: "ACTIVE host, SkipInactiveTaskDefinitions \"true\"",
                event: parameters(host, #"{"SkipInactiveTaskDefinitions":"true"}"#), complianceType: nonCompliant),
            // Every evaluation: id verbatim, annotation within limits, timestamps, TESTMODE.
            Row(name: "resourceId used verbatim (not rebuilt from ARN/family)",
                event: try item { $0["resourceId"] = "Td-0123/ünï code:7" }, complianceType: nonCompliant),
            Row(name: "resourceId and resourceName with quotes, backslashes, control characters",
                event: try item {
                    $0["resourceId"] = "td \"quoted\" \\back\\slash\t\u{1}"
                    $0["resourceName"] = "name \"x\"\n\\ \u{7F}:2"
                }, complianceType: nonCompliant),
            Row(name: "very long resourceName (annotation must stay ≤ 256 UTF-16 units)",
                event: try item { $0["resourceName"] = longName }, complianceType: nonCompliant),
            Row(name: "capture time without fractional seconds",
                event: try item { $0["configurationItemCaptureTime"] = "2024-01-18T22:05:40Z" }, complianceType: nonCompliant),
            Row(name: "events/testmode.json (ResultToken TESTMODE)", event: try E2EEvents.sample("testmode.json"),
                complianceType: nonCompliant),
        ]
    }

    @Test("every row of rule-semantics §2 yields exactly one correct evaluation")
    func everyRowOfSection2() throws {
        let rows = try Self.rows()
        try withHarness { h in
            for row in rows {
                let invocation = try h.run(event: try E2EEvents.text(row.event))
                try h.expectSingleEvaluation(invocation, try expectation(for: row.event, row.complianceType), row.name)
            }
            // Every call belongs to one invocation: nothing was sent without an invocation's trace id.
            let all = try h.calls()
            #expect(all.count == rows.count, "\(all.map(\.summary))")
            #expect(h.isBootstrapRunning, "bootstrap exited\(h.dump())")
        }
    }

    @Test("TESTMODE result token → TestMode true with that token")
    func testModeToken() throws {
        try withHarness { h in
            let event = try E2EEvents.sample("testmode.json")
            let invocation = try h.run(event: try E2EEvents.text(event))
            var expected = try expectation(for: event, Self.nonCompliant)
            expected.testMode = true
            expected.resultToken = "TESTMODE"
            try h.expectSingleEvaluation(invocation, expected, "testmode.json")
            let put = try h.calls(for: invocation).first
            #expect(put?.body?["TestMode"] as? Bool == true, "\(put?.summary ?? "no call")")
        }
    }

    @Test("ConfigurationSnapshotDeliveryCompleted is ignored: /response, no Config call")
    func snapshotDeliveryIgnored() throws {
        try withHarness { h in
            let invocation = try h.run(event: try E2EEvents.sampleText("snapshot-delivery.json"))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            #expect(invocation.answers == 1)
            #expect(try h.calls(for: invocation).isEmpty)
            #expect(try h.calls().isEmpty, "no Config call at all")
            #expect(try h.evaluations().isEmpty)
            // The body says the message was ignored.
            let body = invocation.responseObject
            #expect(body?["ignored"] as? Bool == true, "\(invocation.summary)")
            #expect(h.isBootstrapRunning)
        }
    }

    @Test("an unknown future message type is ignored like the snapshot message")
    func unknownMessageTypeIgnored() throws {
        try withHarness { h in
            let event = try E2EEvents.withInvokingEvent(try E2EEvents.sample("host.json")) {
                $0["messageType"] = "SomeFutureNotification"
            }
            let invocation = try h.run(event: try E2EEvents.text(event))
            #expect(invocation.state == "response", "\(invocation.summary)\(h.dump())")
            #expect(invocation.responseObject?["ignored"] as? Bool == true, "\(invocation.summary)")
            #expect(try h.calls().isEmpty)
            #expect(try h.evaluations().isEmpty)
        }
    }

    @Test("a change event larger than 1.5 MB arrives whole and is evaluated")
    func largeEvent() throws {
        try withHarness { h in
            // Varied padding (not one repeated byte) inside the configuration, before and after PidMode.
            var padding = ""
            padding.reserveCapacity(900_000)
            var counter = 0
            while padding.utf8.count < 850_000 {
                padding += "entry-\(counter)-\(String(counter * 7919, radix: 36));"
                counter += 1
            }
            let event = try E2EEvents.withConfiguration(try E2EEvents.sample("host.json")) { configuration in
                configuration["ZZZPadding"] = padding
                configuration["AAAPadding"] = String(padding.reversed())
            }
            let text = try E2EEvents.text(event)
            #expect(text.utf8.count > 1_600_000, "event is only \(text.utf8.count) bytes")
            let invocation = try h.run(event: text)
            try h.expectSingleEvaluation(invocation, try expectation(for: event, Self.nonCompliant), "large event")
            #expect(h.isBootstrapRunning)
        }
    }
}
