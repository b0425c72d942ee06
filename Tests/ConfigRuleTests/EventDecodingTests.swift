import JSON
import Testing

@testable import ConfigRule

/// A malformed variant of a real event and the field the error message must name.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var label: String
    var field: String
    var build: @Sendable () throws -> [UInt8]
    var testDescription: String { label }
}

private func hostVariant(_ edit: @escaping @Sendable (inout EventBuilder) -> Void) -> @Sendable () throws -> [UInt8] {
    {
        var builder = try EventBuilder(payload: Payloads.host)
        edit(&builder)
        return builder.payload
    }
}

private func rawOuter(_ edit: @escaping @Sendable (inout JSONObject) -> Void) -> @Sendable () throws -> [UInt8] {
    {
        var outer = try #require(try Payloads.json(Payloads.host).objectValue)
        edit(&outer)
        return JSONWriter.serialize(.object(outer))
    }
}

@Suite("Event decoding errors → ConfigRuleError .malformedEvent naming the field (rule-semantics §5)")
struct EventDecodingTests {
    static let cases: [MalformedCase] = [
        .init(label: "payload not JSON", field: "event", build: { Array("not json {".utf8) }),
        .init(label: "empty payload", field: "event", build: { [] }),
        .init(label: "invalid UTF-8 payload", field: "event", build: { [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D] }),
        .init(label: "JSON array", field: "event", build: { Array("[]".utf8) }),
        .init(label: "JSON string", field: "event", build: { Array("\"event\"".utf8) }),
        .init(label: "JSON null", field: "event", build: { Array("null".utf8) }),
        .init(label: "invokingEvent missing", field: "invokingEvent", build: rawOuter { $0.remove("invokingEvent") }),
        .init(label: "invokingEvent null", field: "invokingEvent", build: rawOuter { $0.set("invokingEvent", .null) }),
        .init(
            label: "invokingEvent not JSON", field: "invokingEvent",
            build: rawOuter { $0.set("invokingEvent", .string("{\"messageType\":")) }),
        .init(
            label: "invokingEvent a JSON string holding an array", field: "invokingEvent",
            build: rawOuter { $0.set("invokingEvent", .string("[1,2]")) }),
        .init(
            label: "invokingEvent a number", field: "invokingEvent",
            build: rawOuter { $0.set("invokingEvent", .number("1")) }),
        .init(
            label: "messageType missing", field: "messageType",
            build: hostVariant { $0.invoking.remove("messageType") }),
        .init(
            label: "change without configurationItem", field: "configurationItem",
            build: hostVariant { $0.invoking.remove("configurationItem") }),
        .init(
            label: "configurationItem null", field: "configurationItem",
            build: hostVariant { $0.invoking.set("configurationItem", .null) }),
        .init(
            label: "configurationItem a string", field: "configurationItem",
            build: hostVariant { $0.invoking.set("configurationItem", .string("{}")) }),
        .init(label: "resultToken missing", field: "resultToken", build: hostVariant { $0.outer.remove("resultToken") }),
        .init(label: "resultToken a number", field: "resultToken", build: hostVariant { $0.outer.set("resultToken", .number("7")) }),
        .init(label: "resultToken empty", field: "resultToken", build: hostVariant { $0.outer.set("resultToken", .string("")) }),
        .init(
            label: "resourceId missing", field: "resourceId",
            build: hostVariant { $0.item { $0.remove("resourceId") } }),
        .init(
            label: "resourceId a number", field: "resourceId",
            build: hostVariant { $0.item { $0.set("resourceId", .number("123")) } }),
        .init(
            label: "resourceType missing", field: "resourceType",
            build: hostVariant { $0.item { $0.remove("resourceType") } }),
        .init(
            label: "configurationItemStatus missing", field: "configurationItemStatus",
            build: hostVariant { $0.item { $0.remove("configurationItemStatus") } }),
        .init(
            label: "configurationItemCaptureTime not a time", field: "configurationItemCaptureTime",
            build: hostVariant { $0.item { $0.set("configurationItemCaptureTime", .string("yesterday")) } }),
        .init(
            label: "configurationItemCaptureTime an impossible date", field: "configurationItemCaptureTime",
            build: hostVariant { $0.item { $0.set("configurationItemCaptureTime", .string("2023-02-29T10:00:00.000Z")) } }),
        .init(
            label: "configurationItemCaptureTime missing", field: "configurationItemCaptureTime",
            build: hostVariant { $0.item { $0.remove("configurationItemCaptureTime") } }),
        .init(
            label: "configurationItemCaptureTime a boolean", field: "configurationItemCaptureTime",
            build: hostVariant { $0.item { $0.set("configurationItemCaptureTime", .bool(true)) } }),
        .init(
            label: "eventLeftScope a number", field: "eventLeftScope",
            build: hostVariant { $0.outer.set("eventLeftScope", .number("1")) }),
        .init(
            label: "eventLeftScope a non-boolean string", field: "eventLeftScope",
            build: hostVariant { $0.outer.set("eventLeftScope", .string("maybe")) }),
        .init(
            label: "oversized without configurationItemSummary", field: "configurationItemSummary",
            build: {
                var builder = try EventBuilder(payload: Payloads.oversized)
                builder.invoking.remove("configurationItemSummary")
                return builder.payload
            }),
        .init(
            label: "scheduled without notificationCreationTime", field: "notificationCreationTime",
            build: hostVariant { builder in
                builder.invoking = JSONObject(["messageType": .string("ScheduledNotification")])
            }),
    ]

    @Test("decoding fails with .malformedEvent naming the field", arguments: cases)
    func malformed(_ testCase: MalformedCase) throws {
        let payload = try testCase.build()
        let error = configRuleError { () throws(ConfigRuleError) in try ConfigEvent(payload: payload) }
        let thrown = try #require(error, "\(testCase.label): decoded without error")
        #expect(thrown.code == .malformedEvent)
        #expect(thrown.errorType == "ConfigRule.MalformedEvent")
        #expect(thrown.message.contains(testCase.field), "message: \(thrown.message)")
        #expect(thrown.awsError == nil)
    }

    @Test("status OK with configuration null decodes, but evaluating it fails with .malformedEvent naming configuration")
    func okWithNullConfiguration() throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.item { $0.set("configuration", .null) }
        let payload = builder.payload
        var error: ConfigRuleError?
        do {
            _ = try decideChange(payload)
        } catch let thrown as ConfigRuleError {
            error = thrown
        }
        let thrown = try #require(error)
        #expect(thrown.code == .malformedEvent)
        #expect(thrown.errorType == "ConfigRule.MalformedEvent")
        #expect(thrown.message.contains("configuration"))
    }

    @Test("the error description carries the error type and the message")
    func description() throws {
        let error = try #require(configRuleError { () throws(ConfigRuleError) in try ConfigEvent(payload: Array("[]".utf8)) })
        #expect(error.description.hasPrefix("ConfigRule.MalformedEvent: "))
        #expect(error.description.contains(error.message))
    }

    @Test("the whole event is never echoed in the error (no tokens or configuration in the message)")
    func noEventEcho() throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.item { $0.remove("resourceId") }
        builder.outer.set("resultToken", .string("SECRET-RESULT-TOKEN"))
        let error = try #require(configRuleError { () throws(ConfigRuleError) in try ConfigEvent(payload: builder.payload) })
        #expect(!error.message.contains("SECRET-RESULT-TOKEN"))
        #expect(!error.message.contains("ContainerDefinitions"))
    }

    @Test("every truncation of a real event fails cleanly (no crash), and only the full event decodes")
    func truncations() throws {
        let payload = try Payloads.bytes(Payloads.host)
        _ = try ConfigEvent(payload: payload)
        let trimmedEnd = payload.lastIndex { $0 == UInt8(ascii: "}") } ?? payload.count
        for length in stride(from: 0, to: trimmedEnd, by: 7) {
            let error = configRuleError { () throws(ConfigRuleError) in try ConfigEvent(payload: Array(payload[0..<length])) }
            #expect(error?.code == .malformedEvent, "prefix \(length)")
        }
    }

    @Test("boolean-like strings for eventLeftScope are accepted", arguments: [
        (JSONValue.string("TRUE"), true), (.string("False"), false), (.bool(true), true), (.null, false),
    ])
    func eventLeftScopeStrings(_ value: JSONValue, _ expected: Bool) throws {
        var builder = try EventBuilder(payload: Payloads.host)
        builder.outer.set("eventLeftScope", value)
        #expect(try ConfigEvent(payload: builder.payload).eventLeftScope == expected)
    }
}
