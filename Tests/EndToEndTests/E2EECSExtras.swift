import Foundation
import Testing

// Control-API helpers for the fake ECS (revision scopes): its state, its call records, the generated scope account.
// ECS call records have the same shape as Config's, so they are read as ``ConfigCall``.

extension E2EHarness {
    /// `POST /ecs/state` (replaces the whole ECS state; see emulator/ecs_ops.py).
    func setECSState(_ state: [String: Any]) throws {
        try controlPOST("/ecs/state", state)
    }

    /// Recorded ECS calls, optionally only those with this trace header.
    func ecsCalls(traceHeader: String? = nil) throws -> [ConfigCall] {
        let query = traceHeader.map { "?traceHeader=\(percentEscaped($0))" } ?? ""
        guard let list = try controlGET("/ecs/calls" + query) as? [[String: Any]] else {
            throw HarnessError("/ecs/calls did not reply with a list")
        }
        return list.map { ConfigCall(raw: $0) }
    }

    /// The ECS calls of one invocation (by its trace id).
    func ecsCalls(for invocation: InvocationView) throws -> [ConfigCall] {
        guard let trace = invocation.traceID else { throw HarnessError("invocation \(invocation.requestID) has no trace id") }
        return try ecsCalls(traceHeader: trace)
    }

    /// Queues faults for an ECS operation (`"ListTasks"`, …, or `"*"` for any ECS operation).
    func injectECSFaults(operation: String, faults: [Any]) throws {
        try controlPOST("/faults", ["operation": operation, "service": "ecs", "faults": faults])
    }

    /// `POST /scopes/generate`: replaces the inventory and the ECS state with one generated account.
    @discardableResult
    func generateScopeAccount(_ options: [String: Any] = [:]) throws -> [String: Any] {
        guard let reply = try controlPOST("/scopes/generate", options) as? [String: Any] else {
            throw HarnessError("/scopes/generate did not reply with an object")
        }
        return reply
    }

    /// Asserts the invariants of an invocation's ECS calls (as ``expectWellFormedCalls(_:of:_:sourceLocation:)``) and
    /// the ECS limits: every List* with `maxResults` 100 (ListTaskDefinitions of one family: 1), DescribeTasks ≤ 100
    /// tasks, DescribeServices ≤ 10 services.
    func expectWellFormedECSCalls(_ calls: [ConfigCall], of invocation: InvocationView, _ label: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        expectWellFormedCalls(calls, of: invocation, label, sourceLocation: sourceLocation)
        for call in calls {
            let body = call.body ?? [:]
            switch call.operation {
            case "ListClusters", "ListTasks", "ListServices":
                #expect(int(body["maxResults"]) == 100, "\(label): \(call.summary)", sourceLocation: sourceLocation)
            case "ListTaskDefinitions":
                let expected = body["familyPrefix"] == nil ? 100 : 1
                #expect(int(body["maxResults"]) == expected && body["status"] as? String == "ACTIVE"
                        && body["sort"] as? String == "DESC", "\(label): \(call.summary)", sourceLocation: sourceLocation)
            case "DescribeTasks":
                #expect((1...100).contains((body["tasks"] as? [Any])?.count ?? 0), "\(label): \(call.summary)",
                        sourceLocation: sourceLocation)
            case "DescribeServices":
                #expect((1...10).contains((body["services"] as? [Any])?.count ?? 0), "\(label): \(call.summary)",
                        sourceLocation: sourceLocation)
            default:
                Issue.record("\(label): unexpected ECS operation \(call.summary)", sourceLocation: sourceLocation)
            }
        }
    }
}
