import JSON
import Testing

@testable import ConfigRule

/// rule-semantics §2, row by row, on variants of the real host payload (parsed, edited, re-serialised with
/// `invokingEvent` as a JSON string, then decoded exactly as Config's payload would be).
@Suite("Rule semantics §2 on synthesised variants of the host payload")
struct RuleSemanticsTests {
    /// A pid-mode value in the configuration; `nil` means the key is absent.
    struct PidModeCase: Sendable, CustomTestStringConvertible {
        var value: JSONValue?
        var expected: ComplianceType
        var testDescription: String {
            value.map { String(decoding: JSONWriter.serialize($0), as: UTF8.self) } ?? "absent"
        }
    }

    static let pidModeCases: [PidModeCase] = [
        .init(value: .string("host"), expected: .nonCompliant),
        .init(value: .string("HOST"), expected: .nonCompliant),
        .init(value: .string("Host"), expected: .nonCompliant),
        .init(value: .string("hOsT"), expected: .nonCompliant),
        .init(value: .string("task"), expected: .compliant),
        .init(value: .string(""), expected: .compliant),
        .init(value: .null, expected: .compliant),
        .init(value: nil, expected: .compliant),
        .init(value: .string("none"), expected: .compliant),
        .init(value: .string(" host"), expected: .compliant),
        .init(value: .string("hostname"), expected: .compliant),
        .init(value: .number("1"), expected: .compliant),
        .init(value: .bool(true), expected: .compliant),
        .init(value: .array([.string("host")]), expected: .compliant),
        .init(value: .object(JSONObject(["mode": .string("host")])), expected: .compliant),
    ]

    /// The host payload with its `PidMode` removed and `key` set to `value` (or left absent).
    private func variant(key: String, value: JSONValue?) throws -> EventBuilder {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.configuration { configuration in
            configuration.remove("PidMode")
            configuration.remove("pidMode")
            if let value { configuration.set(key, value) }
        }
        return builder
    }

    @Test("pid mode value under Config's PascalCase key 'PidMode'", arguments: pidModeCases)
    func pascalCase(_ testCase: PidModeCase) throws {
        let decided = try decideChange(try variant(key: "PidMode", value: testCase.value).payload)
        #expect(decided.evaluation.complianceType == testCase.expected)
        checkCommon(decided, testCase.expected)
    }

    @Test("pid mode value under the ECS API's camelCase key 'pidMode'", arguments: pidModeCases)
    func camelCase(_ testCase: PidModeCase) throws {
        let decided = try decideChange(try variant(key: "pidMode", value: testCase.value).payload)
        #expect(decided.evaluation.complianceType == testCase.expected)
        checkCommon(decided, testCase.expected)
    }

    private func checkCommon(_ decided: Decided, _ expected: ComplianceType, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(decided.evaluation.resourceType == "AWS::ECS::TaskDefinition", sourceLocation: sourceLocation)
        #expect(decided.evaluation.resourceID == "testtaskdef", sourceLocation: sourceLocation)
        #expect(decided.evaluation.orderingTimestamp.epochMilliseconds == 1_705_615_540_112, sourceLocation: sourceLocation)
        expectValidAnnotation(decided.evaluation, sourceLocation: sourceLocation)
        if expected == .nonCompliant {
            #expect(decided.evaluation.annotation.lowercased().contains("host"), sourceLocation: sourceLocation)
            #expect(decided.evaluation.annotation.contains("testtaskdef:2"), sourceLocation: sourceLocation)
        }
    }

    @Test("both keys present: 'host' under either one is NON_COMPLIANT (fail safe)", arguments: [
        (JSONValue.string("task"), JSONValue.string("host"), ComplianceType.nonCompliant),
        (.string("host"), .string("task"), .nonCompliant),
        (.string("task"), .string("task"), .compliant),
        (.null, .string("HOST"), .nonCompliant),
    ])
    func bothKeys(_ pascal: JSONValue, _ camel: JSONValue, _ expected: ComplianceType) throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.configuration { configuration in
            configuration.set("PidMode", pascal)
            configuration.set("pidMode", camel)
        }
        #expect(try decideChange(builder.payload).evaluation.complianceType == expected)
    }

    @Test("configurationItemStatus", arguments: [
        ("OK", ComplianceType.nonCompliant),
        ("ResourceDiscovered", .nonCompliant),
        ("ResourceDeleted", .notApplicable),
        ("ResourceDeletedNotRecorded", .notApplicable),
        ("ResourceNotRecorded", .notApplicable),
        ("SomeFutureStatus", .nonCompliant),  // unknown status with a configuration object: evaluated
    ])
    func itemStatusWithHostConfiguration(_ status: String, _ expected: ComplianceType) throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.item { $0.set("configurationItemStatus", .string(status)) }
        let decided = try decideChange(builder.payload)
        #expect(decided.evaluation.complianceType == expected)
        #expect(decided.evaluation.resourceID == "testtaskdef")
        #expect(decided.evaluation.resourceType == "AWS::ECS::TaskDefinition")
        expectValidAnnotation(decided.evaluation)
    }

    @Test("not-applicable statuses and an unknown status with configuration null or absent → NOT_APPLICABLE", arguments: [
        "ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded", "SomeFutureStatus",
    ], [true, false])
    func statusWithoutConfiguration(_ status: String, _ explicitNull: Bool) throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.item { item in
            item.set("configurationItemStatus", .string(status))
            if explicitNull { item.set("configuration", .null) } else { item.remove("configuration") }
        }
        let decided = try decideChange(builder.payload)
        #expect(decided.evaluation.complianceType == .notApplicable)
        #expect(decided.evaluation.resourceID == "testtaskdef")
        expectValidAnnotation(decided.evaluation)
    }

    @Test("unknown status with a non-object configuration → NOT_APPLICABLE", arguments: [
        JSONValue.string("{\"PidMode\":\"host\"}"), .array([]), .number("0"),
    ])
    func unknownStatusNonObject(_ configuration: JSONValue) throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.item { item in
            item.set("configurationItemStatus", .string("SomeFutureStatus"))
            item.set("configuration", configuration)
        }
        #expect(try decideChange(builder.payload).evaluation.complianceType == .notApplicable)
    }

    @Test("evaluable status without a configuration object → malformed event, not a guess", arguments: [
        "OK", "ResourceDiscovered",
    ])
    func evaluableStatusWithoutConfiguration(_ status: String) throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.item { item in
            item.set("configurationItemStatus", .string(status))
            item.set("configuration", .null)
        }
        let event = try ConfigEvent(payload: builder.payload)
        guard case .change(let item) = event.invokingEvent else {
            Issue.record("not a change")
            return
        }
        let error = configRuleError { () throws(ConfigRuleError) in
            try PidModeRule.evaluate(item, parameters: RuleParameters(), eventLeftScope: false, orderingTimestamp: item.captureTime)
        }
        #expect(error?.code == .malformedEvent)
        #expect(error?.message.contains("configuration") == true)
        #expect(error?.errorType == "ConfigRule.MalformedEvent")
    }

    @Test("eventLeftScope true → NOT_APPLICABLE even with pidMode host (JSON true and the string \"true\")", arguments: [
        JSONValue.bool(true), .string("true"),
    ])
    func leftScope(_ flag: JSONValue) throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.outer.set("eventLeftScope", flag)
        let decided = try decideChange(builder.payload)
        #expect(decided.event.eventLeftScope)
        #expect(decided.evaluation.complianceType == .notApplicable)
        #expect(decided.evaluation.resourceID == "testtaskdef")
        #expect(decided.evaluation.resourceType == "AWS::ECS::TaskDefinition")
        #expect(decided.evaluation.orderingTimestamp.epochMilliseconds == 1_705_615_540_112)
        expectValidAnnotation(decided.evaluation)
    }

    @Test("eventLeftScope false or absent → evaluated", arguments: [JSONValue.bool(false), .string("false"), .null])
    func notLeftScope(_ flag: JSONValue) throws {
        var builder = try EventBuilder(payload: Payloads.host)
        if flag == .null { builder.outer.remove("eventLeftScope") } else { builder.outer.set("eventLeftScope", flag) }
        #expect(try decideChange(builder.payload).evaluation.complianceType == .nonCompliant)
    }

    @Test("another resource type → NOT_APPLICABLE for that resource (its own type and id)", arguments: [
        ("AWS::ECS::Service", "arn:aws:ecs:us-west-2:111111111111:service/c/s"),
        ("AWS::EC2::Instance", "i-0123456789abcdef0"),
        ("AWS::ECS::TaskDefinitionX", "testtaskdef"),
        ("aws::ecs::taskdefinition", "testtaskdef"),
    ])
    func otherResourceType(_ type: String, _ id: String) throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.item { item in
            item.set("resourceType", .string(type))
            item.set("resourceId", .string(id))
        }
        let decided = try decideChange(builder.payload)
        #expect(decided.evaluation.complianceType == .notApplicable)
        #expect(decided.evaluation.resourceType == type)
        #expect(decided.evaluation.resourceID == id)
        #expect(decided.evaluation.orderingTimestamp.epochMilliseconds == 1_705_615_540_112)
        expectValidAnnotation(decided.evaluation)
    }

    @Test("resourceId is used verbatim, never rebuilt from the ARN or family", arguments: [
        "testtaskdef", "arn:aws:ecs:us-west-2:111111111111:task-definition/testtaskdef:2", "téstdéf 😀", "a/b:c",
    ])
    func resourceIDVerbatim(_ id: String) throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.item { $0.set("resourceId", .string(id)) }
        let decided = try decideChange(builder.payload)
        #expect(decided.evaluation.resourceID == id)
        #expect(decided.evaluation.wireValue["ComplianceResourceId"] == .string(id))
    }

    @Test("configuration.Status DELETE_IN_PROGRESS → NOT_APPLICABLE even with host")
    func deleteInProgress() throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.configuration { $0.set("Status", .string("DELETE_IN_PROGRESS")) }
        let decided = try decideChange(builder.payload)
        #expect(decided.evaluation.complianceType == .notApplicable)
        #expect(decided.evaluation.resourceID == "testtaskdef")
        expectValidAnnotation(decided.evaluation)
    }

    /// `nil` parameters: the key is absent from `ruleParameters`.
    @Test("INACTIVE (deregistered) revisions and SkipInactiveTaskDefinitions", arguments: [
        ("INACTIVE", "{}", ComplianceType.nonCompliant),
        ("INACTIVE", "", .nonCompliant),
        ("INACTIVE", #"{"SkipInactiveTaskDefinitions":"true"}"#, .notApplicable),
        ("INACTIVE", #"{"SkipInactiveTaskDefinitions":"TRUE"}"#, .notApplicable),
        ("INACTIVE", #"{"SkipInactiveTaskDefinitions":true}"#, .notApplicable),
        ("INACTIVE", #"{"SkipInactiveTaskDefinitions":"false"}"#, .nonCompliant),
        ("INACTIVE", #"{"SkipInactiveTaskDefinitions":false}"#, .nonCompliant),
        ("INACTIVE", #"{"SkipInactiveTaskDefinitions":"yes"}"#, .nonCompliant),  // bad value → defaults
        ("INACTIVE", "not json", .nonCompliant),  // malformed → defaults
        ("ACTIVE", #"{"SkipInactiveTaskDefinitions":"true"}"#, .nonCompliant),  // only INACTIVE is skipped
        ("ACTIVE", "{}", .nonCompliant),
    ])
    func inactive(_ status: String, _ ruleParameters: String, _ expected: ComplianceType) throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.configuration { $0.set("Status", .string(status)) }
        builder.outer.set("ruleParameters", .string(ruleParameters))
        let decided = try decideChange(builder.payload)
        #expect(decided.evaluation.complianceType == expected)
        #expect(decided.evaluation.resourceID == "testtaskdef")
        expectValidAnnotation(decided.evaluation)
        if expected == .nonCompliant {
            #expect(decided.evaluation.annotation.contains("host"))
        }
    }

    @Test("INACTIVE with SkipInactiveTaskDefinitions and a compliant pid mode → NOT_APPLICABLE")
    func inactiveSkippedCompliant() throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.configuration { configuration in
            configuration.set("Status", .string("INACTIVE"))
            configuration.set("PidMode", .string("task"))
        }
        builder.outer.set("ruleParameters", .string(#"{"SkipInactiveTaskDefinitions":"true"}"#))
        #expect(try decideChange(builder.payload).evaluation.complianceType == .notApplicable)
    }

    // MARK: Order of the applicability checks

    @Test("left scope is checked before the item status, the resource type and the configuration")
    func leftScopeFirst() throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.outer.set("eventLeftScope", .bool(true))
        builder.item { item in
            item.set("configurationItemStatus", .string("OK"))
            item.set("configuration", .null)  // would be a malformed event if evaluated
        }
        let decided = try decideChange(builder.payload)
        #expect(decided.evaluation.complianceType == .notApplicable)
        #expect(decided.evaluation.annotation.lowercased().contains("scope"))

        var deleted = try EventBuilder(payload: Payloads.deleted)
        deleted.outer.set("eventLeftScope", .bool(true))
        deleted.item { $0.set("resourceType", .string("AWS::EC2::Instance")) }
        let both = try decideChange(deleted.payload)
        #expect(both.evaluation.complianceType == .notApplicable)
        #expect(both.evaluation.resourceType == "AWS::EC2::Instance")
        #expect(both.evaluation.annotation.lowercased().contains("scope"), "\(both.evaluation.annotation)")
    }

    @Test("item status is checked before the resource type and the task-definition status")
    func statusBeforeType() throws {
        var builder = try EventBuilder(payload: Payloads.deleted)
        builder.item { $0.set("resourceType", .string("AWS::EC2::Instance")) }
        let decided = try decideChange(builder.payload)
        #expect(decided.evaluation.complianceType == .notApplicable)
        #expect(decided.evaluation.resourceType == "AWS::EC2::Instance")
        #expect(decided.evaluation.annotation.contains("ResourceDeleted"), "\(decided.evaluation.annotation)")
    }

    @Test("resource type is checked before the configuration: another type without configuration is NOT_APPLICABLE")
    func typeBeforeConfiguration() throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.item { item in
            item.set("resourceType", .string("AWS::S3::Bucket"))
            item.set("resourceId", .string("my-bucket"))
            item.set("configuration", .null)
        }
        let decided = try decideChange(builder.payload)
        #expect(decided.evaluation.complianceType == .notApplicable)
        #expect(decided.evaluation.resourceID == "my-bucket")
        #expect(decided.evaluation.annotation.contains("AWS::S3::Bucket"), "\(decided.evaluation.annotation)")
    }

    @Test("task-definition status is checked before the pid mode: DELETE_IN_PROGRESS beats skip settings and host")
    func taskStatusBeforePidMode() throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.configuration { $0.set("Status", .string("DELETE_IN_PROGRESS")) }
        builder.outer.set("ruleParameters", .string(#"{"SkipInactiveTaskDefinitions":"false"}"#))
        let decided = try decideChange(builder.payload)
        #expect(decided.evaluation.complianceType == .notApplicable)
    }

    @Test("the annotation on a NON_COMPLIANT result names family:revision from the configuration when resourceName is absent")
    func displayNameFallback() throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.item { $0.remove("resourceName") }
        builder.configuration { $0.set("Revision", .number("7")) }
        let decided = try decideChange(builder.payload)
        #expect(decided.evaluation.complianceType == .nonCompliant)
        #expect(decided.evaluation.annotation.contains("testtaskdef:7"), "\(decided.evaluation.annotation)")
    }

    @Test("never INSUFFICIENT_DATA: every combination yields one of the three reportable types with a valid annotation")
    func neverInsufficientData() throws {
        let statuses = ["OK", "ResourceDiscovered", "ResourceDeleted", "ResourceNotRecorded", "Future"]
        let types = ["AWS::ECS::TaskDefinition", "AWS::EC2::Instance"]
        let taskStatuses: [JSONValue?] = [nil, .string("ACTIVE"), .string("INACTIVE"), .string("DELETE_IN_PROGRESS")]
        for status in statuses {
            for type in types {
                for taskStatus in taskStatuses {
                    for leftScope in [false, true] {
                        var builder = try EventBuilder(payload: Payloads.host)
                        builder.outer.set("eventLeftScope", .bool(leftScope))
                        builder.item { item in
                            item.set("configurationItemStatus", .string(status))
                            item.set("resourceType", .string(type))
                        }
                        builder.configuration { configuration in
                            if let taskStatus { configuration.set("Status", taskStatus) } else { configuration.remove("Status") }
                        }
                        let decided = try decideChange(builder.payload)
                        #expect(ComplianceType.allCases.contains(decided.evaluation.complianceType))
                        expectValidAnnotation(decided.evaluation)
                        let applicable = !leftScope && !["ResourceDeleted", "ResourceNotRecorded"].contains(status)
                            && type == "AWS::ECS::TaskDefinition" && taskStatus != .string("DELETE_IN_PROGRESS")
                        #expect(
                            decided.evaluation.complianceType == (applicable ? .nonCompliant : .notApplicable),
                            "\(status) \(type) \(String(describing: taskStatus)) leftScope=\(leftScope)")
                    }
                }
            }
        }
    }
}
