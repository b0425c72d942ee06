import Foundation
import Testing

/// What one change-triggered invocation must produce: exactly one evaluation for one resource.
struct ExpectedEvaluation {
    var resourceType: String
    var resourceID: String
    var complianceType: String
    /// Epoch seconds the evaluation's `OrderingTimestamp` must equal (to the millisecond).
    var orderingTimestamp: Double
    var resultToken: String
    var testMode: Bool = false
}

extension E2EHarness {
    /// Asserts the invariants of every Config call of `invocation`: valid SigV4, no model errors or warnings, a
    /// trace header equal to the invocation's trace id, sent after delivery and completed before the answer.
    func expectWellFormedCalls(_ calls: [ConfigCall], of invocation: InvocationView, _ label: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        for call in calls {
            #expect(call.signature == "valid", "\(label): \(call.summary)", sourceLocation: sourceLocation)
            #expect(call.modelErrors.isEmpty, "\(label): \(call.summary)", sourceLocation: sourceLocation)
            #expect(call.warnings.isEmpty, "\(label): \(call.summary)", sourceLocation: sourceLocation)
            #expect(call.traceHeader == invocation.traceID, "\(label): \(call.summary)", sourceLocation: sourceLocation)
            if let delivered = invocation.deliveredSeq {
                #expect(call.seq > delivered, "\(label): call before delivery: \(call.summary)", sourceLocation: sourceLocation)
            }
            if let answered = invocation.answerSeq {
                #expect(
                    (call.completedSeq ?? Int.max) < answered,
                    "\(label): call not completed before the answer (answerSeq \(answered)): \(call.summary)",
                    sourceLocation: sourceLocation
                )
            }
        }
    }

    /// Asserts a `/response` with exactly one PutEvaluations call and exactly one accepted evaluation equal to
    /// `expected`. Returns the accepted evaluation.
    @discardableResult
    func expectSingleEvaluation(
        _ invocation: InvocationView,
        _ expected: ExpectedEvaluation,
        _ label: String,
        operations: [String] = ["PutEvaluations"],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> AcceptedEvaluation? {
        #expect(invocation.state == "response", "\(label): \(invocation.summary)\(dump())", sourceLocation: sourceLocation)
        #expect(invocation.answers == 1, "\(label): \(invocation.summary)", sourceLocation: sourceLocation)
        let calls = try calls(for: invocation)
        #expect(calls.map(\.operation) == operations, "\(label): \(calls.map(\.summary))", sourceLocation: sourceLocation)
        expectWellFormedCalls(calls, of: invocation, label, sourceLocation: sourceLocation)
        for call in calls {
            #expect(call.status == 200, "\(label): \(call.summary)", sourceLocation: sourceLocation)
        }
        if let put = calls.last(where: { $0.operation == "PutEvaluations" }) {
            #expect(put.body?["ResultToken"] as? String == expected.resultToken, "\(label): \(put.summary)",
                    sourceLocation: sourceLocation)
            #expect((put.body?["TestMode"] as? Bool ?? false) == expected.testMode, "\(label): \(put.summary)",
                    sourceLocation: sourceLocation)
            #expect(put.evaluations.count == 1, "\(label): \(put.evaluations)", sourceLocation: sourceLocation)
        }
        let accepted = try evaluations(for: invocation)
        #expect(accepted.count == 1, "\(label): \(accepted.map(\.summary))", sourceLocation: sourceLocation)
        guard let evaluation = accepted.first else { return nil }
        #expect(evaluation.resourceType == expected.resourceType, "\(label): \(evaluation.summary)", sourceLocation: sourceLocation)
        #expect(evaluation.resourceID == expected.resourceID, "\(label): \(evaluation.summary)", sourceLocation: sourceLocation)
        #expect(evaluation.complianceType == expected.complianceType, "\(label): \(evaluation.summary)",
                sourceLocation: sourceLocation)
        let annotation = evaluation.annotation ?? ""
        #expect(!annotation.isEmpty && annotation.utf16.count <= 256, "\(label): annotation \(annotation.debugDescription)",
                sourceLocation: sourceLocation)
        if let stamp = evaluation.orderingTimestamp {
            #expect(abs(stamp - expected.orderingTimestamp) < 0.0005,
                    "\(label): OrderingTimestamp \(stamp), expected \(expected.orderingTimestamp)", sourceLocation: sourceLocation)
        } else {
            Issue.record("\(label): OrderingTimestamp is not a JSON number: \(evaluation.summary)", sourceLocation: sourceLocation)
        }
        #expect(evaluation.resultToken == expected.resultToken, "\(label): \(evaluation.summary)", sourceLocation: sourceLocation)
        #expect(evaluation.testMode == expected.testMode, "\(label): \(evaluation.summary)", sourceLocation: sourceLocation)
        return evaluation
    }

    /// Asserts an `/error` answer with `errorType` (header and body), a message containing `messageContains`, and
    /// no evaluation accepted for the invocation. Returns the error message.
    @discardableResult
    func expectError(
        _ invocation: InvocationView,
        errorType: String,
        messageContains: [String] = [],
        _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        #expect(invocation.state == "error", "\(label): \(invocation.summary)\(dump())", sourceLocation: sourceLocation)
        #expect(invocation.answers == 1, "\(label): \(invocation.summary)", sourceLocation: sourceLocation)
        let document = invocation.errorDocument
        #expect(document.type == errorType, "\(label): \(invocation.summary)", sourceLocation: sourceLocation)
        #expect(invocation.errorTypeHeader == errorType, "\(label): \(invocation.summary)", sourceLocation: sourceLocation)
        let message = document.message ?? ""
        for part in messageContains {
            #expect(message.contains(part), "\(label): errorMessage \(message.debugDescription) should name \(part)",
                    sourceLocation: sourceLocation)
        }
        if invocation.traceID != nil {
            let accepted = try evaluations(for: invocation)
            #expect(accepted.isEmpty, "\(label): \(accepted.map(\.summary))", sourceLocation: sourceLocation)
        }
        return message
    }
}

/// `ExpectedEvaluation` for an event: its item's type and id, its capture time and its result token.
func expectation(for event: [String: Any], _ complianceType: String) throws -> ExpectedEvaluation {
    let item = try E2EEvents.item(of: event)
    let token = event["resultToken"] as? String ?? ""
    return ExpectedEvaluation(
        resourceType: item["resourceType"] as? String ?? "?",
        resourceID: item["resourceId"] as? String ?? "?",
        complianceType: complianceType,
        orderingTimestamp: try E2EEvents.captureEpochSeconds(of: event),
        resultToken: token,
        testMode: token == "TESTMODE"
    )
}
