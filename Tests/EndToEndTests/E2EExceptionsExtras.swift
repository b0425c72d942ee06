import Foundation
import Testing

// Control-API helpers for the exceptions registry (the emulator's fake SSM Parameter Store). Its call records have
// the fake Config's awsJson shape, so they are read as `ConfigCall`.

extension E2EHarness {
    static let exceptionsParameter = "/pid-mode-rule/exceptions"

    /// `POST /ssm/parameters`: a new version of `name` holding `value` (a JSON object is serialised; a string is
    /// stored verbatim).
    func putParameter(_ name: String = E2EHarness.exceptionsParameter, value: Any, type: String = "String") throws {
        try controlPOST("/ssm/parameters", ["name": name, "value": value, "type": type])
    }

    /// The §8 registry document holding `entries`.
    func putRegistry(_ entries: [[String: Any]], name: String = E2EHarness.exceptionsParameter) throws {
        try putParameter(name, value: ["schemaVersion": 1, "exceptions": entries])
    }

    /// Recorded SSM calls of one invocation (by its trace id).
    func ssmCalls(for invocation: InvocationView) throws -> [ConfigCall] {
        guard let trace = invocation.traceID else { throw HarnessError("invocation \(invocation.requestID) has no trace id") }
        guard let list = try controlGET("/ssm/calls?traceHeader=\(percentEscaped(trace))") as? [[String: Any]] else {
            throw HarnessError("/ssm/calls did not reply with a list")
        }
        return list.map { ConfigCall(raw: $0) }
    }

    /// Asserts `count` GetParameter calls for the invocation, each for `name`, with `WithDecryption: true`, valid SigV4
    /// by the function's own (base) credentials, the invocation's trace header, no model errors, completed before
    /// the answer.
    @discardableResult
    func expectRegistryReads(_ invocation: InvocationView, count: Int = 1, name: String = E2EHarness.exceptionsParameter,
                             _ label: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [ConfigCall] {
        let calls = try ssmCalls(for: invocation)
        #expect(calls.count == count, "\(label): \(calls.map(\.summary))", sourceLocation: sourceLocation)
        for call in calls {
            #expect(call.operation == "GetParameter", "\(label): \(call.summary)", sourceLocation: sourceLocation)
            #expect(call.body?["Name"] as? String == name, "\(label): \(call.summary)", sourceLocation: sourceLocation)
            #expect(call.body?["WithDecryption"] as? Bool == true, "\(label): \(call.summary)", sourceLocation: sourceLocation)
            #expect(call.signature == "valid", "\(label): \(call.summary)", sourceLocation: sourceLocation)
            #expect(call.principal == "base" && call.account == "111111111111",
                    "\(label): the registry must be read with the function's own credentials: \(call.summary)",
                    sourceLocation: sourceLocation)
            #expect(call.modelErrors.isEmpty && call.warnings.isEmpty, "\(label): \(call.summary)", sourceLocation: sourceLocation)
            if let answered = invocation.answerSeq {
                #expect((call.completedSeq ?? Int.max) < answered, "\(label): \(call.summary)", sourceLocation: sourceLocation)
            }
        }
        return calls
    }
}
