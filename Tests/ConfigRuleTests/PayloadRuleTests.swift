import JSON
import Testing

@testable import ConfigRule

/// What the rule must report for one real payload (rule-semantics §2; values from the fixtures' README).
struct PayloadExpectation: Sendable, CustomTestStringConvertible {
    var file: String
    var compliance: ComplianceType
    var resourceType: String
    var resourceID: String
    var orderingMilliseconds: Int64
    var testMode: Bool = false
    /// `family:revision` for task definitions; the NON_COMPLIANT annotation must name it.
    var displayName: String?

    var testDescription: String { file }
}

@Suite("Rule over the real change-notification payloads")
struct PayloadRuleTests {
    static let expectations: [PayloadExpectation] = [
        .init(
            file: Payloads.host, compliance: .nonCompliant, resourceType: "AWS::ECS::TaskDefinition",
            resourceID: "testtaskdef", orderingMilliseconds: 1_705_615_540_112, displayName: "testtaskdef:2"),
        .init(
            file: Payloads.task, compliance: .compliant, resourceType: "AWS::ECS::TaskDefinition",
            resourceID: "testtaskdef", orderingMilliseconds: 1_705_615_802_500, displayName: "testtaskdef:3"),
        .init(
            file: Payloads.absent, compliance: .compliant, resourceType: "AWS::ECS::TaskDefinition",
            resourceID: "testtaskdef", orderingMilliseconds: 1_705_614_431_981, displayName: "testtaskdef:1"),
        .init(
            file: Payloads.deleted, compliance: .notApplicable, resourceType: "AWS::ECS::TaskDefinition",
            resourceID: "testtaskdef", orderingMilliseconds: 1_705_654_800_000),
        .init(
            file: Payloads.leftScope, compliance: .notApplicable, resourceType: "AWS::ECS::TaskDefinition",
            resourceID: "testtaskdef", orderingMilliseconds: 1_705_615_540_112),
        .init(
            file: Payloads.testMode, compliance: .nonCompliant, resourceType: "AWS::ECS::TaskDefinition",
            resourceID: "testtaskdef", orderingMilliseconds: 1_705_615_540_112, testMode: true,
            displayName: "testtaskdef:2"),
        .init(
            file: Payloads.ec2, compliance: .notApplicable, resourceType: "AWS::EC2::Instance",
            resourceID: "i-00000000", orderingMilliseconds: 1_455_672_994_043),
    ]

    @Test("decode as Config sends it, then evaluate", arguments: expectations)
    func evaluate(_ expected: PayloadExpectation) throws {
        let decided = try decideChange(try Payloads.bytes(expected.file))
        let evaluation = decided.evaluation
        #expect(evaluation.complianceType == expected.compliance)
        #expect(evaluation.resourceType == expected.resourceType)
        #expect(evaluation.resourceID == expected.resourceID)
        #expect(evaluation.orderingTimestamp.epochMilliseconds == expected.orderingMilliseconds)
        #expect(evaluation.orderingTimestamp == decided.item.captureTime)
        #expect(decided.event.testMode == expected.testMode)
        #expect(decided.event.resultToken == (expected.testMode ? "TESTMODE" : "myResultToken"))
        expectValidAnnotation(evaluation)
        if expected.compliance == .nonCompliant {
            #expect(evaluation.annotation.contains("host"))
            if let name = expected.displayName {
                #expect(evaluation.annotation.contains(name), "annotation: \(evaluation.annotation)")
            }
        }
        // The wire form carries the same values.
        let wire = evaluation.wireValue
        #expect(wire["ComplianceResourceType"] == .string(expected.resourceType))
        #expect(wire["ComplianceResourceId"] == .string(expected.resourceID))
        #expect(wire["ComplianceType"] == .string(expected.compliance.rawValue))
        let ordering = try #require(wire["OrderingTimestamp"]?.numberText)
        #expect(Timestamp(epochSecondsText: ordering)?.epochMilliseconds == expected.orderingMilliseconds)
    }

    @Test("derived events carry the rule name and '{}' parameters: defaults, no warning")
    func derivedEventMetadata() throws {
        for file in [Payloads.host, Payloads.task, Payloads.absent, Payloads.deleted, Payloads.leftScope, Payloads.testMode] {
            let decided = try decideChange(try Payloads.bytes(file))
            #expect(decided.event.configRuleName == "ecs-task-definition-pid-mode-custom", "\(file)")
            #expect(decided.parameters == RuleParameters(), "\(file)")
            #expect(decided.warnings.isEmpty, "\(file)")
        }
    }

    @Test("left-scope payload has eventLeftScope true; deleted payload has no configuration")
    func payloadFlags() throws {
        #expect(try decideChange(try Payloads.bytes(Payloads.leftScope)).event.eventLeftScope)
        #expect(!(try decideChange(try Payloads.bytes(Payloads.host)).event.eventLeftScope))
        let deleted = try decideChange(try Payloads.bytes(Payloads.deleted))
        #expect(deleted.item.configuration == nil)
        #expect(deleted.item.status == "ResourceDeleted")
    }

    @Test("RDK example CI (API shape, configuration an object, no PidMode) → COMPLIANT")
    func rdkAPIShape() throws {
        let object = try #require(try Payloads.json(Payloads.rdkAPIShape).objectValue)
        let item = try ConfigurationItem(apiItem: object, path: "rdk")
        #expect(item.resourceType == "AWS::ECS::TaskDefinition")
        #expect(item.resourceID == "testtaskdef")
        #expect(item.resourceName == "testtaskdef:1")
        #expect(item.status == "ResourceDiscovered")
        #expect(item.captureTime.epochMilliseconds == 1_705_614_431_981)
        let evaluation = try PidModeRule.evaluate(
            item, parameters: RuleParameters(), eventLeftScope: false, orderingTimestamp: item.captureTime)
        #expect(evaluation.complianceType == .compliant)
        #expect(evaluation.resourceID == "testtaskdef")
        #expect(evaluation.resourceType == "AWS::ECS::TaskDefinition")
        expectValidAnnotation(evaluation)
    }

    @Test("GetResourceConfigHistory response (configuration a JSON string) → NON_COMPLIANT, capture time exact")
    func historyResponse() throws {
        let response = try Payloads.json(Payloads.historyResponse)
        let first = try #require(response["configurationItems"]?.arrayValue?.first?.objectValue)
        #expect(first["configuration"]?.stringValue != nil, "fixture must hold configuration as a string")
        let item = try ConfigurationItem(apiItem: first, path: "configurationItems[0]")
        #expect(item.captureTime.epochMilliseconds == 1_705_615_540_112)
        #expect(item.captureTime.epochSecondsJSON == .number("1705615540.112"))
        #expect(item.configuration?.pidMode == .string("host"))
        let evaluation = try PidModeRule.evaluate(
            item, parameters: RuleParameters(), eventLeftScope: false, orderingTimestamp: item.captureTime)
        #expect(evaluation.complianceType == .nonCompliant)
        #expect(evaluation.resourceID == "testtaskdef")
        #expect(evaluation.annotation.contains("host"))
        #expect(evaluation.annotation.contains("testtaskdef:2"))
        expectValidAnnotation(evaluation)
    }

    @Test("API-shape item whose configuration string is not JSON → malformed error naming configuration")
    func historyResponseBadConfiguration() throws {
        let response = try Payloads.json(Payloads.historyResponse)
        var first = try #require(response["configurationItems"]?.arrayValue?.first?.objectValue)
        first.set("configuration", .string("{\"PidMode\":"))
        let error = configRuleError { () throws(ConfigRuleError) in try ConfigurationItem(apiItem: first, path: "item") }
        #expect(error?.code == .malformedEvent)
        #expect(error?.message.contains("configuration") == true)
    }

    @Test("oversized notification decodes to its summary (no configuration)")
    func oversizedDecodes() throws {
        let event = try ConfigEvent(payload: try Payloads.bytes(Payloads.oversized))
        guard case .oversizedChange(let summary) = event.invokingEvent else {
            Issue.record("expected an oversized change, got \(event.invokingEvent.messageType)")
            return
        }
        #expect(summary.resourceID == "testtaskdef")
        #expect(summary.resourceType == "AWS::ECS::TaskDefinition")
        #expect(summary.captureTime.epochMilliseconds == 1_705_615_540_112)
        #expect(summary.configuration == nil)
    }

    @Test("snapshot-delivery event decodes to .other")
    func snapshotDecodes() throws {
        let event = try ConfigEvent(payload: try Payloads.bytes(Payloads.snapshotDelivery))
        #expect(event.invokingEvent == .other(messageType: "ConfigurationSnapshotDeliveryCompleted"))
    }
}
