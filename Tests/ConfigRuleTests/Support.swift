import Foundation
import JSON
import TestSupport
import Testing

@testable import ConfigRule

/// Locates and loads the shared payload fixtures (`../shared/testdata/payloads`).
///
/// Located by ``SharedTestData``; a missing file is an error: the test fails, never skips.
enum Payloads {
    static func bytes(_ name: String) throws -> [UInt8] {
        try SharedTestData.bytes("payloads/\(name)")
    }

    static func json(_ name: String) throws -> JSONValue {
        try JSONParser.parse(try bytes(name))
    }

    static let host = "derived_change-notification_ecs-taskdef_pidmode-host.json"
    static let task = "derived_change-notification_ecs-taskdef_pidmode-task.json"
    static let absent = "derived_change-notification_ecs-taskdef_pidmode-absent.json"
    static let deleted = "derived_change-notification_ecs-taskdef_resource-deleted.json"
    static let leftScope = "derived_change-notification_ecs-taskdef_event-left-scope.json"
    static let testMode = "derived_change-notification_ecs-taskdef_pidmode-host_TESTMODE-token.json"
    static let ec2 = "aws-doc_change-notification_ec2.json"
    static let rdkAPIShape = "rdk-example-ci_ecs-taskdefinition_api-shape.json"
    static let historyResponse = "derived_get-resource-config-history_response_ecs-taskdef_pidmode-host.json"
    static let oversized = "derived_oversized-change-notification_ecs-taskdef.json"
    static let snapshotDelivery = "rust-runtime-fixture_configuration-snapshot-delivery-completed.json"
}

// MARK: - Editing JSON values

extension JSONObject {
    /// Replaces the member named `key` in place (dropping any duplicates of it), or appends it.
    mutating func set(_ key: String, _ value: JSONValue) {
        var replaced = false
        members = members.compactMap { member in
            guard member.key == key else { return member }
            if replaced { return nil }
            replaced = true
            return Member(key: key, value: value)
        }
        if !replaced { append(key, value) }
    }

    mutating func remove(_ key: String) {
        members.removeAll { $0.key == key }
    }
}

/// A Config event built from a real payload: the outer event and the *decoded* invoking event, editable, then
/// serialised back in the exact shape Config sends (`invokingEvent` a JSON string).
struct EventBuilder {
    var outer: JSONObject
    var invoking: JSONObject

    init(payload name: String) throws {
        outer = try #require(try Payloads.json(name).objectValue)
        let text = try #require(outer["invokingEvent"]?.stringValue, "invokingEvent must be a string in \(name)")
        invoking = try #require(try JSONParser.parse(text).objectValue)
    }

    /// Edits `invokingEvent.configurationItem`.
    mutating func item(_ edit: (inout JSONObject) -> Void) {
        var item = invoking["configurationItem"]?.objectValue ?? JSONObject()
        edit(&item)
        invoking.set("configurationItem", .object(item))
    }

    /// Edits `invokingEvent.configurationItem.configuration` (which must be an object).
    mutating func configuration(_ edit: (inout JSONObject) -> Void) {
        item { item in
            var configuration = item["configuration"]?.objectValue ?? JSONObject()
            edit(&configuration)
            item.set("configuration", .object(configuration))
        }
    }

    /// The payload bytes: `invokingEvent` re-serialised as a JSON string.
    var payload: [UInt8] {
        var event = outer
        event.set("invokingEvent", .string(String(decoding: JSONWriter.serialize(.object(invoking)), as: UTF8.self)))
        return JSONWriter.serialize(.object(event))
    }
}

// MARK: - Decoding and evaluating

struct Decided {
    var event: ConfigEvent
    var item: ConfigurationItem
    var parameters: RuleParameters
    var warnings: [String]
    var evaluation: Evaluation
}

/// Decodes `payload` as Config sends it and evaluates its configuration item as the handler does for a change.
func decideChange(_ payload: [UInt8]) throws -> Decided {
    let event = try ConfigEvent(payload: payload)
    guard case .change(let item) = event.invokingEvent else {
        throw SharedTestData.MissingData(description: "not a change notification: \(event.invokingEvent.messageType)")
    }
    let (parameters, warnings) = RuleParameters.parse(event.ruleParametersValue)
    let evaluation = try PidModeRule.evaluate(
        item, parameters: parameters, eventLeftScope: event.eventLeftScope, orderingTimestamp: item.captureTime
    )
    return Decided(event: event, item: item, parameters: parameters, warnings: warnings, evaluation: evaluation)
}

/// Checks the annotation invariants every evaluation must satisfy.
func expectValidAnnotation(_ evaluation: Evaluation, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    let units = evaluation.annotation.utf16.count
    #expect(units >= 1 && units <= 256, "annotation has \(units) UTF-16 units. \(comment?.rawValue ?? "")",
        sourceLocation: sourceLocation)
    #expect(!evaluation.annotation.trimmingCharacters(in: .whitespaces).isEmpty, sourceLocation: sourceLocation)
}

/// The result of running a throwing body: the thrown ``ConfigRuleError``, if any.
func configRuleError<T>(_ body: () throws(ConfigRuleError) -> T) -> ConfigRuleError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}
