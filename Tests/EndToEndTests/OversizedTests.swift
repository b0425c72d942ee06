import Foundation
import Testing

/// rule-semantics.md §1 `OversizedConfigurationItemChangeNotification`: GetResourceConfigHistory (laterTime with ms
/// precision, limit 1), decode the `configuration` string, evaluate as a change.
@Suite("Oversized change notifications, end to end")
struct OversizedTests {
    /// The seeded history item's capture time (`1705615540.112`) = the summary's.
    static let captureSeconds = 1_705_615_540.112

    /// Asserts the GetResourceConfigHistory request of an oversized invocation.
    static func expectHistoryRequest(_ call: ConfigCall?, resourceType: String, resourceID: String,
                                     sourceLocation: SourceLocation = #_sourceLocation) {
        guard let call, call.operation == "GetResourceConfigHistory" else {
            Issue.record("no GetResourceConfigHistory call: \(call?.summary ?? "nil")", sourceLocation: sourceLocation)
            return
        }
        let body = call.body ?? [:]
        #expect(body["resourceType"] as? String == resourceType, "\(body)", sourceLocation: sourceLocation)
        #expect(body["resourceId"] as? String == resourceID, "\(body)", sourceLocation: sourceLocation)
        #expect(int(body["limit"]) == 1, "limit must be 1: \(body)", sourceLocation: sourceLocation)
        if let later = body["laterTime"] as? NSNumber, !(body["laterTime"] is Bool) {
            // Millisecond precision: 1705615540.112, not the truncated 1705615540.
            #expect(abs(later.doubleValue - captureSeconds) < 0.0005, "laterTime \(later)", sourceLocation: sourceLocation)
        } else {
            Issue.record("laterTime is not an epoch-seconds number: \(body)", sourceLocation: sourceLocation)
        }
    }

    @Test("oversized host notification → one GetResourceConfigHistory, then PutEvaluations NON_COMPLIANT")
    func oversizedHost() throws {
        try withHarness { h in
            let event = try E2EEvents.sample("oversized.json")
            let invocation = try h.run(event: try E2EEvents.text(event))
            try h.expectSingleEvaluation(
                invocation, try expectation(for: event, "NON_COMPLIANT"), "oversized.json",
                operations: ["GetResourceConfigHistory", "PutEvaluations"]
            )
            Self.expectHistoryRequest(
                try h.calls(for: invocation).first, resourceType: "AWS::ECS::TaskDefinition", resourceID: "testtaskdef"
            )
        }
    }

    @Test("oversized notification with ResultToken TESTMODE → TestMode true")
    func oversizedTestMode() throws {
        try withHarness { h in
            var event = try E2EEvents.sample("oversized.json")
            event["resultToken"] = "TESTMODE"
            let invocation = try h.run(event: try E2EEvents.text(event))
            let expected = try expectation(for: event, "NON_COMPLIANT")
            #expect(expected.testMode)
            try h.expectSingleEvaluation(invocation, expected, "oversized TESTMODE",
                                         operations: ["GetResourceConfigHistory", "PutEvaluations"])
        }
    }

    @Test("the fetched configuration string decides (history with pidMode task → COMPLIANT), timestamp from the summary")
    func oversizedDecidesFromHistory() throws {
        try withHarness { h in
            let seeded = try E2EEvents.payload("derived_get-resource-config-history_response_ecs-taskdef_pidmode-host.json")
            guard var item = (seeded["configurationItems"] as? [[String: Any]])?.first,
                let configurationText = item["configuration"] as? String,
                var configuration = try JSONSerialization.jsonObject(with: Data(configurationText.utf8)) as? [String: Any]
            else {
                Issue.record("seeded history payload has an unexpected shape")
                return
            }
            configuration["PidMode"] = "task"
            item["configuration"] = try E2EEvents.text(configuration)
            // Recorded earlier than the notification's capture time: still found (laterTime), and the evaluation's
            // OrderingTimestamp stays the summary's capture time.
            item["configurationItemCaptureTime"] = 1_705_615_000.5
            try h.setHistory(resourceType: "AWS::ECS::TaskDefinition", resourceID: "testtaskdef", items: [item])

            let event = try E2EEvents.sample("oversized.json")
            let invocation = try h.run(event: try E2EEvents.text(event))
            try h.expectSingleEvaluation(invocation, try expectation(for: event, "COMPLIANT"), "oversized, history task",
                                         operations: ["GetResourceConfigHistory", "PutEvaluations"])
        }
    }

    @Test("a large recorded configuration (over 1 MB, the reason it was oversized) is fetched whole and evaluated")
    func oversizedLargeConfiguration() throws {
        try withHarness { h in
            let seeded = try E2EEvents.payload("derived_get-resource-config-history_response_ecs-taskdef_pidmode-host.json")
            guard var item = (seeded["configurationItems"] as? [[String: Any]])?.first,
                let configurationText = item["configuration"] as? String,
                var configuration = try JSONSerialization.jsonObject(with: Data(configurationText.utf8)) as? [String: Any]
            else {
                Issue.record("seeded history payload has an unexpected shape")
                return
            }
            var containers = configuration["ContainerDefinitions"] as? [[String: Any]] ?? []
            for index in 0..<600 {
                containers.append([
                    "Name": "sidecar-\(index)", "Image": "public.ecr.aws/example/sidecar:\(index)",
                    "Environment": (0..<20).map { ["Name": "VAR_\($0)", "Value": String(repeating: "v\(index)-\($0)-", count: 8)] },
                ])
            }
            configuration["ContainerDefinitions"] = containers
            item["configuration"] = try E2EEvents.text(configuration)
            #expect((item["configuration"] as? String)?.utf8.count ?? 0 > 1_000_000)
            try h.setHistory(resourceType: "AWS::ECS::TaskDefinition", resourceID: "testtaskdef", items: [item])

            let event = try E2EEvents.sample("oversized.json")
            let invocation = try h.run(event: try E2EEvents.text(event))
            try h.expectSingleEvaluation(invocation, try expectation(for: event, "NON_COMPLIANT"), "oversized, large configuration",
                                         operations: ["GetResourceConfigHistory", "PutEvaluations"])
        }
    }

    @Test("oversized notification with an empty history → /error, no PutEvaluations")
    func oversizedEmptyHistory() throws {
        try withHarness { h in
            try h.setHistory(resourceType: "AWS::ECS::TaskDefinition", resourceID: "testtaskdef", items: [])
            let invocation = try h.run(event: try E2EEvents.sampleText("oversized.json"))
            #expect(invocation.state == "error", "\(invocation.summary)\(h.dump())")
            #expect(invocation.errorDocument.type?.hasPrefix("ConfigRule.") == true, "\(invocation.summary)")
            let calls = try h.calls(for: invocation)
            #expect(calls.map(\.operation) == ["GetResourceConfigHistory"], "\(calls.map(\.summary))")
            h.expectWellFormedCalls(calls, of: invocation, "empty history")
            #expect(try h.evaluations().isEmpty)
            #expect(h.isBootstrapRunning)
        }
    }

    @Test("oversized notification for a resource Config does not know → /error after one call (not retried)")
    func oversizedUnknownResource() throws {
        try withHarness { h in
            let event = try E2EEvents.withInvokingEvent(try E2EEvents.sample("oversized.json")) { invoking in
                var summary = invoking["configurationItemSummary"] as? [String: Any] ?? [:]
                summary["resourceId"] = "never-recorded"
                invoking["configurationItemSummary"] = summary
            }
            let invocation = try h.run(event: try E2EEvents.text(event))
            try h.expectError(invocation, errorType: "ConfigRule.ResourceNotDiscoveredException", "unknown resource")
            let calls = try h.calls(for: invocation)
            #expect(calls.map(\.operation) == ["GetResourceConfigHistory"], "\(calls.map(\.summary))")
            h.expectWellFormedCalls(calls, of: invocation, "unknown resource")
            #expect(h.isBootstrapRunning)
        }
    }

    @Test("oversized summary that is not applicable needs no lookup (EC2 instance, deleted, left scope)")
    func oversizedNotApplicableWithoutLookup() throws {
        try withHarness { h in
            let ec2 = try E2EEvents.payload("aws-doc_oversized-change-notification_ec2.json")
            let ec2Invocation = try h.run(event: try E2EEvents.text(ec2))
            try h.expectSingleEvaluation(ec2Invocation, try expectation(for: ec2, "NOT_APPLICABLE"), "oversized EC2")

            let deleted = try E2EEvents.withInvokingEvent(try E2EEvents.sample("oversized.json")) { invoking in
                var summary = invoking["configurationItemSummary"] as? [String: Any] ?? [:]
                summary["configurationItemStatus"] = "ResourceDeleted"
                invoking["configurationItemSummary"] = summary
            }
            let deletedInvocation = try h.run(event: try E2EEvents.text(deleted))
            try h.expectSingleEvaluation(deletedInvocation, try expectation(for: deleted, "NOT_APPLICABLE"), "oversized deleted")

            var leftScope = try E2EEvents.sample("oversized.json")
            leftScope["eventLeftScope"] = true
            let leftScopeInvocation = try h.run(event: try E2EEvents.text(leftScope))
            try h.expectSingleEvaluation(leftScopeInvocation, try expectation(for: leftScope, "NOT_APPLICABLE"),
                                         "oversized left scope")
            #expect(try h.calls(operation: "GetResourceConfigHistory").isEmpty)
        }
    }
}
