import Foundation
import Testing

/// rule-semantics.md §5 "Bad input never crashes the process": each bad event is answered with `/error`
/// `ConfigRule.MalformedEvent` naming the field, with no Config call, and the same process goes on serving.
@Suite("Bad events never kill the process, end to end")
struct BadEventTests {
    struct BadEvent {
        let name: String
        let payload: String
        /// Words the error message must contain (the offending field).
        let field: String
    }

    static func badEvents() throws -> [BadEvent] {
        let host = try E2EEvents.sample("host.json")
        var missingToken = host
        missingToken.removeValue(forKey: "resultToken")
        var missingInvokingEvent = host
        missingInvokingEvent.removeValue(forKey: "invokingEvent")
        let withoutItem = try E2EEvents.withInvokingEvent(host) { $0.removeValue(forKey: "configurationItem") }
        var invokingArray = host
        invokingArray["invokingEvent"] = "[1,2,3]"
        var numericToken = host
        numericToken["resultToken"] = 42
        var deepInvokingEvent = host
        deepInvokingEvent["invokingEvent"] = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let withoutResourceID = try E2EEvents.withItem(host) { $0.removeValue(forKey: "resourceId") }
        let badCaptureTime = try E2EEvents.withItem(host) { $0["configurationItemCaptureTime"] = "yesterday" }
        let withoutMessageType = try E2EEvents.withInvokingEvent(host) { $0.removeValue(forKey: "messageType") }
        return [
            BadEvent(name: "events/malformed-invoking-event.json (truncated invokingEvent)",
                     payload: try E2EEvents.sampleText("malformed-invoking-event.json"), field: "invokingEvent"),
            BadEvent(name: "payload not JSON", payload: "this is not JSON {", field: "event"),
            BadEvent(name: "payload a JSON array", payload: "[{\"resultToken\":\"x\"}]", field: "event"),
            BadEvent(name: "payload a JSON string", payload: "\"hello\"", field: "event"),
            BadEvent(name: "events/missing-result-token.json", payload: try E2EEvents.sampleText("missing-result-token.json"),
                     field: "resultToken"),
            BadEvent(name: "resultToken removed", payload: try E2EEvents.text(missingToken), field: "resultToken"),
            BadEvent(name: "invokingEvent missing", payload: try E2EEvents.text(missingInvokingEvent), field: "invokingEvent"),
            BadEvent(name: "invokingEvent holding a JSON array", payload: try E2EEvents.text(invokingArray), field: "invokingEvent"),
            BadEvent(name: "change event without configurationItem", payload: try E2EEvents.text(withoutItem),
                     field: "configurationItem"),
            BadEvent(name: "resultToken a number", payload: try E2EEvents.text(numericToken), field: "resultToken"),
            // Deeper than the rule's JSON parser allows (256), shallow enough for the emulator's own json.loads.
            BadEvent(name: "payload nested 900 deep",
                     payload: String(repeating: "[", count: 900) + String(repeating: "]", count: 900), field: "event"),
            BadEvent(name: "payload an object nested 900 deep",
                     payload: String(repeating: #"{"a":"#, count: 900) + "1" + String(repeating: "}", count: 900), field: "event"),
            BadEvent(name: "invokingEvent nested 100000 deep", payload: try E2EEvents.text(deepInvokingEvent),
                     field: "invokingEvent"),
            BadEvent(name: "configurationItem without resourceId", payload: try E2EEvents.text(withoutResourceID),
                     field: "resourceId"),
            BadEvent(name: "configurationItemCaptureTime not a time", payload: try E2EEvents.text(badCaptureTime),
                     field: "configurationItemCaptureTime"),
            BadEvent(name: "invokingEvent without messageType", payload: try E2EEvents.text(withoutMessageType),
                     field: "messageType"),
            BadEvent(name: "empty payload", payload: "", field: "event"),
        ]
    }

    @Test("each bad event → /error ConfigRule.MalformedEvent naming the field, no Config call; then a good event still evaluates")
    func badEventsThenGoodEvent() throws {
        let bad = try Self.badEvents()
        try withHarness { h in
            for event in bad {
                let invocation = try h.run(event: event.payload)
                try h.expectError(invocation, errorType: "ConfigRule.MalformedEvent", messageContains: [event.field], event.name)
                #expect(try h.calls(for: invocation).isEmpty, "\(event.name): Config was called")
                #expect(h.isBootstrapRunning, "\(event.name) killed the bootstrap\(h.dump())")
            }
            // Bytes that are not UTF-8 at all.
            let binary = try h.outcome(try h.invoke(eventBytes: [0xFF, 0xFE, 0x00, 0x7B, 0xC3, 0x28, 0x80]))
            try h.expectError(binary, errorType: "ConfigRule.MalformedEvent", messageContains: ["event"], "invalid UTF-8 payload")
            // Invalid UTF-8 inside a JSON string of an otherwise good event.
            var invalidInside = Array(try E2EEvents.sampleText("host.json").utf8)
            if let range = invalidInside.firstRange(of: Array("myResultToken".utf8)) {
                invalidInside.replaceSubrange(range, with: [0x6D, 0xC3, 0x28, 0xFF])
            }
            let inside = try h.outcome(try h.invoke(eventBytes: invalidInside))
            try h.expectError(inside, errorType: "ConfigRule.MalformedEvent", "invalid UTF-8 inside a string")
            #expect(h.isBootstrapRunning, "invalid UTF-8 killed the bootstrap\(h.dump())")

            #expect(try h.calls().isEmpty, "no Config call for any bad event")

            // The same process still evaluates a good event.
            let host = try E2EEvents.sample("host.json")
            let good = try h.run(event: try E2EEvents.text(host))
            try h.expectSingleEvaluation(good, try expectation(for: host, "NON_COMPLIANT"), "host after bad events")
            #expect(h.isBootstrapRunning, "bootstrap exited\(h.dump())")
        }
    }

    /// Any bytes are a legal invocation payload (`/invoke` takes `event` verbatim or `eventBase64`), however deeply
    /// nested. Fails today on an emulator bug: `app.event_rule_and_token` runs `json.loads` on every event and
    /// catches only `UnicodeDecodeError`/`ValueError`, so a payload nested deeper than Python's recursion limit
    /// makes `POST /invoke` answer HTTP 500 "emulator bug: RecursionError(...)" and the event is never queued.
    @Test("a payload nested 100000 deep → /error ConfigRule.MalformedEvent, and the process keeps serving")
    func veryDeeplyNestedPayload() throws {
        try withHarness { h in
            let depth = 100_000
            let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let invocation = try h.run(event: deep)
            try h.expectError(invocation, errorType: "ConfigRule.MalformedEvent", messageContains: ["event"], "nested 100000 deep")
            #expect(try h.calls().isEmpty)
            let host = try E2EEvents.sample("host.json")
            let good = try h.run(event: try E2EEvents.text(host))
            try h.expectSingleEvaluation(good, try expectation(for: host, "NON_COMPLIANT"), "host after a deep payload")
        }
    }
}
