import Foundation
import Testing

/// CloudFormation Lambda Hook events for the end-to-end tests: the samples in `events/hook-*.json`, edited.
enum E2EHookEvents {
    /// `events/hook-create-host.json` with its proposed properties edited.
    static func create(point: String = "CREATE_PRE_PROVISION", _ change: (inout [String: Any]) -> Void) throws -> [String: Any] {
        var event = try E2EEvents.sample("hook-create-host.json")
        event["actionInvocationPoint"] = point
        try editRequest(&event) { request in
            guard var model = request["targetModel"] as? [String: Any],
                var properties = model["resourceProperties"] as? [String: Any]
            else { throw HarnessError("hook-create-host.json has no targetModel.resourceProperties object") }
            change(&properties)
            model["resourceProperties"] = properties
            request["targetModel"] = model
        }
        return event
    }

    /// `event` with its `requestData` edited (it must be an object).
    static func editRequest(_ event: inout [String: Any], _ change: (inout [String: Any]) throws -> Void) throws {
        guard var request = event["requestData"] as? [String: Any] else { throw HarnessError("event has no requestData object") }
        try change(&request)
        event["requestData"] = request
    }

    /// The hook's answer: the `/response` body as a JSON object.
    struct Result {
        let raw: [String: Any]
        var hookStatus: String? { raw["hookStatus"] as? String }
        var errorCode: String? { raw["errorCode"] as? String }
        var message: String { raw["message"] as? String ?? "" }
        /// Whether the member is there at all (its value may be JSON null).
        var hasToken: Bool { raw.keys.contains("clientRequestToken") }
        var token: Any? { raw["clientRequestToken"] }
    }
}

extension E2EHarness {
    /// Asserts one `/response` answer holding a hook result with `status`, `errorCode` (absent when `nil`), the
    /// echoed `token` (`nil`: JSON null), a message of 1…1024 UTF-16 units containing `messageContains`, no other
    /// member, and no AWS Config call by the invocation. Returns the result.
    @discardableResult
    func expectHookResult(
        _ invocation: InvocationView,
        status: String,
        errorCode: String? = nil,
        token: String?,
        messageContains: [String] = [],
        _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> E2EHookEvents.Result? {
        #expect(invocation.state == "response", "\(label): \(invocation.summary)\(dump())", sourceLocation: sourceLocation)
        #expect(invocation.answers == 1, "\(label): \(invocation.summary)", sourceLocation: sourceLocation)
        guard let body = invocation.responseObject else {
            Issue.record("\(label): response body is not a JSON object: \(invocation.summary)", sourceLocation: sourceLocation)
            return nil
        }
        let result = E2EHookEvents.Result(raw: body)
        #expect(result.hookStatus == status, "\(label): \(body)", sourceLocation: sourceLocation)
        #expect(result.errorCode == errorCode, "\(label): \(body)", sourceLocation: sourceLocation)
        #expect(Set(body.keys).isSubset(of: ["hookStatus", "errorCode", "message", "clientRequestToken"]), "\(label): \(body)",
                sourceLocation: sourceLocation)
        #expect(result.hasToken, "\(label): no clientRequestToken member: \(body)", sourceLocation: sourceLocation)
        if let token {
            #expect(result.token as? String == token, "\(label): \(body)", sourceLocation: sourceLocation)
        } else {
            #expect(result.token is NSNull, "\(label): clientRequestToken should be null: \(body)", sourceLocation: sourceLocation)
        }
        #expect(!result.message.isEmpty && result.message.utf16.count <= 1024, "\(label): message \(result.message.utf16.count) units",
                sourceLocation: sourceLocation)
        for words in messageContains {
            #expect(result.message.contains(words), "\(label): message \(result.message.debugDescription) should contain \(words)",
                    sourceLocation: sourceLocation)
        }
        let calls = try calls(for: invocation)
        #expect(calls.isEmpty, "\(label): a hook invocation called Config: \(calls.map(\.summary))", sourceLocation: sourceLocation)
        return result
    }
}
